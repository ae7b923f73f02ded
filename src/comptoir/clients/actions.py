"""Every change to a client record goes through one of these functions.

Each is atomic, validates with ``full_clean`` (the models' rules and the database constraints),
saves with ``update_fields`` and records who made the change, and why when a person corrects a
record, in the history (``HistoricalRecords``). Bad input raises a :class:`ClientError` with a
stable code and changes nothing. Nothing is deleted: a contact point or a link is ended. Callers
(views, casework) have obtained the objects through ``comptoir.clients.access``, which checks
permissions and confidentiality.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.clients.errors import ClientError
from comptoir.clients.matching import refresh_match_keys
from comptoir.clients.models import (
    CORRECTABLE_FIELDS,
    AlternateFormat,
    Client,
    ClientAccessLog,
    ClientKind,
    ClientPage,
    Contact,
    ContactPoint,
    ContactPointKind,
    ContactPointLabel,
    DuplicateCandidate,
    DuplicateDecision,
    DuplicateVerdict,
    join_formats,
)
from comptoir.search.indexing import index_client

if TYPE_CHECKING:
    from comptoir.accounts.models import User

#: The fields of a client that ``do_update_client`` may change.
EDITABLE_CLIENT_FIELDS = CORRECTABLE_FIELDS

_NAME_FIELDS = ("given_name", "family_name", "organization_name")


def _with_history(obj: Any, actor: User | None, reason: str = "") -> None:
    obj._history_user = actor
    if reason:
        obj._change_reason = reason


def _validated(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ClientError.from_validation(error) from error


def _formats(codes: Iterable[str] | str) -> str:
    """The stored value of the alternate formats given as codes (or as their stored text)."""
    if isinstance(codes, str):
        codes = [part.strip() for part in codes.split(",") if part.strip()]
    codes = list(codes)
    unknown = [code for code in codes if code not in AlternateFormat.values]
    if unknown:
        raise ClientError(
            {"alternate_formats": [_("Choose the alternate formats from the list.")]},
            code="invalid_alternate_format",
        )
    return join_formats(codes)


def _strip_names(values: dict[str, Any]) -> None:
    for field in _NAME_FIELDS:
        if field in values and isinstance(values[field], str):
            values[field] = values[field].strip()


def _refuse_anonymous_with_contact_points(client: Client) -> None:
    if client.pk and client.contact_points.active().exists():
        raise ClientError(
            {
                "is_anonymous": [
                    _(
                        "A client with contact points cannot be anonymous: end the contact "
                        "points first."
                    )
                ]
            },
            code="anonymous_has_contact_points",
        )


@transaction.atomic
def do_create_client(
    *,
    kind: str,
    preferred_language: str,
    segment: str,
    given_name: str = "",
    family_name: str = "",
    organization_name: str = "",
    alternate_formats: Iterable[str] | str = (),
    account_manager: User | None = None,
    is_confidential: bool = False,
    is_anonymous: bool = False,
    actor: User | None,
) -> Client:
    """A new client record (a person or an organization, or an anonymous client of either)."""
    values: dict[str, Any] = {
        "given_name": given_name,
        "family_name": family_name,
        "organization_name": organization_name,
    }
    _strip_names(values)
    client = Client(
        kind=kind,
        preferred_language=preferred_language,
        segment=segment,
        alternate_formats=_formats(alternate_formats),
        account_manager=account_manager,
        is_confidential=is_confidential,
        is_anonymous=is_anonymous,
        created_at=timezone.now(),
        created_by=actor,
        **values,
    )
    client.search_name = client.folded_names()
    _validated(client)
    _with_history(client, actor)
    client.save()
    index_client(client)  # the search index, in this transaction (comptoir.search)
    refresh_match_keys(client)  # the intake proposals' index (clients.matching)
    return client


@transaction.atomic
def do_update_client(
    client: Client, changes: Mapping[str, Any], *, actor: User | None, reason: str
) -> Client:
    """Correct a client record: ``changes`` maps field names of :data:`EDITABLE_CLIENT_FIELDS`
    to new values; the history keeps who, when and ``reason`` (required). Returns the record as
    saved; ``client`` itself is left as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise ClientError(
            {"reason": [_("Say why the record is corrected.")]}, code="reason_required"
        )
    unknown = sorted(set(changes) - set(EDITABLE_CLIENT_FIELDS))
    if unknown:
        raise ClientError(
            _("These fields cannot be changed: %(fields)s."),
            code="unknown_field",
            params={"fields": ", ".join(unknown)},
        )
    values = dict(changes)
    _strip_names(values)
    if "alternate_formats" in values:
        values["alternate_formats"] = _formats(values["alternate_formats"])
    record = Client.objects.select_for_update().get(pk=client.pk)
    changed = []
    for field, value in values.items():
        attribute = "account_manager_id" if field == "account_manager" else field
        new = value.pk if field == "account_manager" and value is not None else value
        if getattr(record, attribute) != new:
            setattr(record, field, value)
            changed.append(field)
    if not changed:
        return record
    if record.is_anonymous:
        _refuse_anonymous_with_contact_points(record)
    record.search_name = record.folded_names()
    _validated(record)
    _with_history(record, actor, reason)
    record.save(update_fields=[*changed, "search_name"])
    index_client(record)  # the search index, in this transaction (comptoir.search)
    refresh_match_keys(record)  # the intake proposals' index (clients.matching)
    return record


@transaction.atomic
def do_add_contact_point(
    client: Client,
    *,
    kind: str,
    value: str = "",
    label: str = ContactPointLabel.WORK,
    street: str = "",
    city: str = "",
    province: str = "",
    postal_code: str = "",
    country: str = "CA",
    is_primary: bool = False,
    actor: User | None,
) -> ContactPoint:
    """A new way to reach ``client``; a primary one makes the client's other contact point of
    the same kind no longer primary."""
    if client.is_anonymous:
        raise ClientError(
            _("An anonymous client has no contact point."), code="anonymous_has_no_contact_points"
        )
    if kind != ContactPointKind.ADDRESS:
        # The address fields belong to a mailing address only (a form sends them all).
        street = city = province = postal_code = ""
    contact_point = ContactPoint(
        client=client,
        kind=kind,
        value=value.strip(),
        label=label,
        street=street.strip(),
        city=city.strip(),
        province=province,
        postal_code=postal_code.strip(),
        country=(country or "CA").strip().upper(),
        is_primary=False,
        created_at=timezone.now(),
    )
    _validated(contact_point)
    if is_primary:
        previous = client.contact_points.filter(kind=kind, is_primary=True).select_for_update()
        for other in previous:
            other.is_primary = False
            _with_history(other, actor)
            other.save(update_fields=["is_primary"])
        contact_point.is_primary = True
    _with_history(contact_point, actor)
    contact_point.save()
    index_client(client)  # the search index, in this transaction (comptoir.search)
    refresh_match_keys(client)  # the intake proposals' index (clients.matching)
    return contact_point


@transaction.atomic
def do_end_contact_point(
    contact_point: ContactPoint, *, actor: User | None, reason: str = ""
) -> ContactPoint:
    """The contact point is no longer used (kept, never deleted)."""
    record = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    if not record.is_active:
        raise ClientError(_("This contact point has already ended."), code="already_ended")
    record.is_active = False
    record.is_primary = False
    record.ended_at = timezone.now()
    _with_history(record, actor, reason.strip())
    record.save(update_fields=["is_active", "is_primary", "ended_at"])
    index_client(record.client)  # the search index, in this transaction (comptoir.search)
    refresh_match_keys(record.client)  # the intake proposals' index (clients.matching)
    return record


@transaction.atomic
def do_link_contact(
    person: Client, organization: Client, *, role: str = "", actor: User | None
) -> Contact:
    """``person`` becomes a contact of ``organization`` in ``role``."""
    if person.kind != ClientKind.PERSON or person.is_anonymous:
        raise ClientError(_("Only a named person can be a contact."), code="contact_not_person")
    if organization.kind != ClientKind.ORGANIZATION or organization.is_anonymous:
        raise ClientError(
            _("A person can only be the contact of a named organization."),
            code="contact_of_not_organization",
        )
    if Contact.objects.active().filter(person=person, organization=organization).exists():
        raise ClientError(
            _("This person is already a contact of this organization."), code="already_linked"
        )
    contact = Contact(person=person, organization=organization, role=role.strip())
    _validated(contact)
    _with_history(contact, actor)
    contact.save()
    index_client(person)  # the search index, in this transaction (comptoir.search)
    return contact


@transaction.atomic
def do_unlink_contact(contact: Contact, *, actor: User | None) -> Contact:
    """The person is no longer a contact of the organization (the link is kept, ended)."""
    record = Contact.objects.select_for_update().get(pk=contact.pk)
    if not record.is_active:
        raise ClientError(_("This link has already ended."), code="already_ended")
    record.is_active = False
    _with_history(record, actor)
    record.save(update_fields=["is_active"])
    index_client(record.person)  # the search index, in this transaction (comptoir.search)
    return record


def do_log_client_read(client: Client, *, page: str, actor: User) -> ClientAccessLog | None:
    """Record that ``actor`` read a confidential client's ``page`` (nothing for another
    client)."""
    if not client.is_confidential:
        return None
    return ClientAccessLog.objects.create(
        user=actor, client=client, page=ClientPage(page), at=timezone.now()
    )


def do_decide_duplicate(
    first: Client, second: Client, *, decision: str, reason: str = "", actor: User | None
) -> DuplicateDecision:
    """A data steward's decision on a pair the duplicate search found (issue 13's review queue):
    ``confirmed`` (one client) or ``rejected`` (two; never listed again). The pair is stored
    once, lower key first, whichever order it is given in; deciding again corrects the decision
    (the history keeps the earlier one). The pair leaves the pending candidates."""
    if first.pk == second.pk:
        raise ClientError(_("A record is not a duplicate of itself."), code="same_record")
    if decision not in DuplicateVerdict.values:
        raise ClientError(_("Decide confirmed or rejected."), code="invalid_decision")
    left, right = (first, second) if first.pk < second.pk else (second, first)
    with transaction.atomic():
        found = DuplicateDecision.objects.select_for_update().filter(left=left, right=right)
        held = found.first()
        now = timezone.now()
        if held is None:
            held = DuplicateDecision(left=left, right=right)
        held.decision = decision
        held.reason = reason.strip()
        held.decided_by = actor
        held.decided_at = now
        _validated(held)
        _with_history(held, actor, reason.strip()[:100])
        if held.pk is None:
            held.save()
        else:
            held.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        DuplicateCandidate.objects.filter(left=left, right=right).delete()
    return held
