"""Every change to a client record goes through one of these functions.

Each is atomic, validates with ``full_clean`` (the models' rules and the database constraints),
saves with ``update_fields`` and records who made the change, and why when a person corrects a
record, in the history (``HistoricalRecords``). Bad input raises a :class:`ClientError` with a
stable code and changes nothing. Nothing is deleted: a contact point or a link is ended. Callers
(views, casework) have obtained the objects through ``comptoir.clients.access``, which checks
permissions and confidentiality.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.clients.errors import ClientError
from comptoir.clients.matching import refresh_match_keys
from comptoir.clients.models import (
    CORRECTABLE_FIELDS,
    MERGE_FIELDS,
    AlternateFormat,
    Client,
    ClientAccessLog,
    ClientKind,
    ClientMerge,
    ClientMergeMember,
    ClientMergeUndo,
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
    date_of_birth: date | None = None,
    source_id: str = "",
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
        date_of_birth=date_of_birth,
        source_id=source_id.strip(),
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
    _refuse_merged(client)
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
    _refuse_merged(client)
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
    _refuse_merged(record.client)
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
    _refuse_merged(person, organization)
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
    _refuse_merged(first, second)
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


# --- merges of duplicate records (issue 13, item 4) ----------------------------------------------


def _refuse_merged(*clients: Client) -> None:
    """A merged record is a pointer to the record kept: nothing is written to it any more."""
    for client in clients:
        merged_into = Client.objects.filter(pk=client.pk).values_list("merged_into", flat=True)
        kept = merged_into.first()
        if kept is not None:
            raise ClientError(
                _(
                    "This record was merged into record %(kept)s: change the record kept, or "
                    "undo the merge first."
                ),
                code="merged",
                params={"kept": kept},
            )


def _json_value(client: Client, field: str) -> Any:
    """A merge field's value as kept in ``ClientMerge.changes`` (JSON)."""
    if field == "account_manager":
        return client.account_manager_id
    value = getattr(client, field)
    if field == "date_of_birth":
        return value.isoformat() if value is not None else None
    return value


def _set_json_value(client: Client, field: str, value: Any) -> None:
    if field == "account_manager":
        client.account_manager_id = value
    elif field == "date_of_birth":
        client.date_of_birth = date.fromisoformat(value) if value else None
    else:
        setattr(client, field, value)


def _point_state(point: ContactPoint) -> dict[str, Any]:
    return {
        "is_primary": point.is_primary,
        "is_active": point.is_active,
        "ended_at": point.ended_at.isoformat() if point.ended_at else None,
    }


def _reason(reason: str, message: Any) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ClientError({"reason": [message]}, code="reason_required")
    if len(reason) > 1000:
        raise ClientError(
            {"reason": [_("Keep the reason under 1,000 characters.")]}, code="reason_too_long"
        )
    return reason


def _move_contact_points(
    member: Client, survivor: Client, now: Any, *, actor: User | None, why: str
) -> list[dict[str, Any]]:
    """The member's contact points go to the survivor. One the survivor already has (same kind,
    same normalized value, active) is ended; a primary one stays primary only where the
    survivor has none of its kind."""
    held = {
        (kind, normalized)
        for kind, normalized in ContactPoint.objects.filter(
            client=survivor, is_active=True
        ).values_list("kind", "normalized")
    }
    primary_kinds = set(
        ContactPoint.objects.filter(client=survivor, is_primary=True).values_list("kind", flat=True)
    )
    moved = []
    for point in ContactPoint.objects.select_for_update().filter(client=member).order_by("pk"):
        before = _point_state(point)
        point.client = survivor
        if point.is_active and (point.kind, point.normalized) in held:
            point.is_active = False
            point.is_primary = False
            point.ended_at = now
        elif point.is_primary and point.kind in primary_kinds:
            point.is_primary = False
        if point.is_active:
            held.add((point.kind, point.normalized))
        if point.is_primary:
            primary_kinds.add(point.kind)
        _with_history(point, actor, why)
        point.save(update_fields=["client", "is_primary", "is_active", "ended_at"])
        moved.append({"id": point.pk, "before": before, "after": _point_state(point)})
    return moved


def _move_contacts(
    member: Client, survivor: Client, *, actor: User | None, why: str
) -> list[dict[str, Any]]:
    """The member's links (as a person, or as an organization) go to the survivor; a link the
    survivor already has is ended."""
    moved = []
    for side, other_side in (("person", "organization"), ("organization", "person")):
        for contact in Contact.objects.select_for_update().filter(**{side: member}).order_by("pk"):
            before = {"is_active": contact.is_active}
            setattr(contact, side, survivor)
            other_id = getattr(contact, f"{other_side}_id")
            if contact.is_active and (
                other_id == survivor.pk
                or Contact.objects.active()
                .filter(**{side: survivor, other_side: other_id})
                .exclude(pk=contact.pk)
                .exists()
            ):
                contact.is_active = False
            _with_history(contact, actor, why)
            contact.save(update_fields=[side, "is_active"])
            moved.append(
                {
                    "id": contact.pk,
                    "side": side,
                    "before": before,
                    "after": {"is_active": contact.is_active},
                }
            )
    return moved


def do_merge_clients(
    survivor: Client,
    others: Sequence[Client],
    *,
    chosen: Mapping[str, int] | None = None,
    reason: str,
    actor: User | None,
) -> ClientMerge:
    """Merge ``others`` into ``survivor`` (a pair, or a cluster: A=B, B=C), in one transaction.

    ``chosen`` maps fields of :data:`MERGE_FIELDS` to the key of the record whose value the
    survivor keeps (a field not named keeps the survivor's); the survivor is confidential when
    any record was. Every case, contact point and contact link of the others moves to the
    survivor (a contact point or link the survivor already has is ended, not doubled); each
    other remains as a pointer (``merged_into``) with who, when and why in the merge and in the
    history. Refused, with nothing written, for fewer than two records, different kinds, an
    anonymous or already merged record, an unknown field or record in ``chosen`` or no reason.
    The steward's decision that the records are one client is recorded for each pair."""
    from comptoir.casework.actions import do_move_client_cases
    from comptoir.casework.models import Case

    reason = _reason(reason, _("Say why these records are merged."))
    keys = [survivor.pk, *(other.pk for other in others)]
    if len(keys) < 2 or len(set(keys)) != len(keys):
        raise ClientError(
            _("Choose the record to keep and at least one other record."),
            code="merge_needs_two",
        )
    with transaction.atomic():
        records = {
            record.pk: record
            for record in Client.objects.select_for_update().filter(pk__in=keys).order_by("pk")
        }
        if len(records) != len(keys):
            raise ClientError(_("One of these records does not exist."), code="unknown_record")
        _refuse_merged(*records.values())
        kept = records[survivor.pk]
        if any(record.is_anonymous for record in records.values()):
            raise ClientError(
                _("An anonymous client has no name to compare: it is never merged."),
                code="merge_anonymous",
            )
        if len({record.kind for record in records.values()}) != 1:
            raise ClientError(
                _("A person and an organization are never the same client."),
                code="merge_kinds_differ",
            )
        chosen = dict(chosen or {})
        unknown = sorted(set(chosen) - set(MERGE_FIELDS))
        if unknown:
            raise ClientError(
                _("These fields cannot be chosen: %(fields)s."),
                code="unknown_field",
                params={"fields": ", ".join(unknown)},
            )
        if any(key not in records for key in chosen.values()):
            raise ClientError(
                _("A value was chosen from a record that is not merged."), code="unknown_record"
            )
        sources = {field: chosen.get(field, kept.pk) for field in MERGE_FIELDS}
        changes: dict[str, list[Any]] = {}
        for field, source in sources.items():
            before = _json_value(kept, field)
            after = _json_value(records[source], field)
            if before != after:
                changes[field] = [before, after]
                _set_json_value(kept, field, after)
        confidential = any(record.is_confidential for record in records.values())
        if confidential != kept.is_confidential:
            changes["is_confidential"] = [kept.is_confidential, confidential]
            kept.is_confidential = confidential
        kept.search_name = kept.folded_names()
        _validated(kept)
        now = timezone.now()
        merge = ClientMerge(
            survivor=kept,
            merged_by=actor,
            merged_at=now,
            reason=reason,
            chosen=sources,
            changes=changes,
        )
        merge.save()
        if changes:
            _with_history(kept, actor, f"merge {merge.pk}: {reason}"[:100])
            kept.save(update_fields=[*changes, "search_name"])
        for key in keys[1:]:  # the steward's decision, before the records become pointers
            if not DuplicateDecision.objects.filter(
                left_id=min(key, kept.pk),
                right_id=max(key, kept.pk),
                decision=DuplicateVerdict.CONFIRMED,
            ).exists():
                do_decide_duplicate(
                    kept,
                    records[key],
                    decision=DuplicateVerdict.CONFIRMED,
                    reason=reason,
                    actor=actor,
                )
        for key in keys[1:]:
            member = records[key]
            cases = list(Case.objects.filter(client_id=member.pk).values_list("pk", flat=True))
            why = f"merge {merge.pk}: {reason}"[:100]
            moved = {
                "cases": cases,
                "contact_points": _move_contact_points(member, kept, now, actor=actor, why=why),
                "contacts": _move_contacts(member, kept, actor=actor, why=why),
            }
            do_move_client_cases(cases, kept, merge=merge.pk, actor=actor, reason=reason)
            member.merged_into = kept
            _with_history(member, actor, why)
            member.save(update_fields=["merged_into"])
            ClientMergeMember(merge=merge, client=member, moved=moved).save()
        DuplicateCandidate.objects.filter(Q(left_id__in=keys) | Q(right_id__in=keys)).filter(
            Q(left_id__in=keys[1:]) | Q(right_id__in=keys[1:])
        ).delete()
        for record in records.values():
            index_client(record)  # the search index, in this transaction (comptoir.search)
            refresh_match_keys(record)  # a merged record has no keys: never proposed
    return merge


def undo_refusal(merge: ClientMerge) -> ClientError | None:
    """Why ``merge`` cannot be undone now, or ``None``. Merges are undone last first: not one
    already undone, not while its survivor is itself merged or has absorbed records since."""
    if ClientMergeUndo.objects.filter(merge=merge).exists():
        return ClientError(_("This merge has already been undone."), code="already_undone")
    survivor = Client.objects.get(pk=merge.survivor_id)
    if survivor.merged_into_id is not None:
        return ClientError(
            _("The record kept was merged since into record %(kept)s: undo that merge first."),
            code="undo_later_merge_first",
            params={"kept": survivor.merged_into_id},
        )
    later = (
        ClientMerge.objects.filter(survivor_id=merge.survivor_id, pk__gt=merge.pk)
        .exclude(undo__isnull=False)
        .order_by("pk")
        .first()
    )
    if later is not None:
        return ClientError(
            _(
                "Other records were merged into this one since (merge %(later)s): undo that "
                "merge first."
            ),
            code="undo_later_merge_first",
            params={"later": later.pk},
        )
    return None


def do_undo_merge(merge: ClientMerge, *, reason: str, actor: User | None) -> ClientMergeUndo:
    """Undo ``merge`` exactly: each record merged is a record of its own again, with the cases,
    contact points and links that moved from it, in the states they had; the survivor's fields
    the merge changed get their earlier values back — except a field someone corrected after
    the merge, which is left as it is and named in ``kept_fields``. A contact point or link
    someone ended on the survivor since stays ended. Cases and contact points added to the
    survivor after the merge stay with it."""
    from comptoir.casework.actions import do_move_client_cases

    reason = _reason(reason, _("Say why the merge is undone."))
    with transaction.atomic():
        merge = ClientMerge.objects.select_for_update().get(pk=merge.pk)
        refusal = undo_refusal(merge)
        if refusal is not None:
            raise refusal
        members = list(merge.members.select_related("client").order_by("pk"))
        keys = [merge.survivor_id, *(member.client_id for member in members)]
        records = {
            record.pk: record
            for record in Client.objects.select_for_update().filter(pk__in=keys).order_by("pk")
        }
        survivor = records[merge.survivor_id]
        why = f"merge {merge.pk} undone: {reason}"[:100]
        restored, kept_fields = [], []
        for field, (before, after) in merge.changes.items():
            if _json_value(survivor, field) == after:
                _set_json_value(survivor, field, before)
                restored.append(field)
            else:
                kept_fields.append(field)
        undo = ClientMergeUndo(
            merge=merge,
            undone_by=actor,
            undone_at=timezone.now(),
            reason=reason,
            kept_fields=kept_fields,
        )
        undo.save()
        if restored:
            survivor.search_name = survivor.folded_names()
            _validated(survivor)
            _with_history(survivor, actor, why)
            survivor.save(update_fields=[*restored, "search_name"])
        for member in members:
            record = records[member.client_id]
            moved = member.moved
            points = ContactPoint.objects.select_for_update().in_bulk(
                [item["id"] for item in moved.get("contact_points", [])]
            )
            links = Contact.objects.select_for_update().in_bulk(
                [item["id"] for item in moved.get("contacts", [])]
            )
            for item in moved.get("contact_points", []):
                point = points[item["id"]]
                if point.client_id != survivor.pk:
                    continue
                point.client = record
                ended_since = item["after"]["is_active"] and not point.is_active
                if not ended_since:
                    before = item["before"]
                    point.is_active = before["is_active"]
                    point.is_primary = before["is_primary"] and before["is_active"]
                    point.ended_at = (
                        datetime.fromisoformat(before["ended_at"]) if before["ended_at"] else None
                    )
                _with_history(point, actor, why)
                point.save(update_fields=["client", "is_primary", "is_active", "ended_at"])
            for item in moved.get("contacts", []):
                contact = links[item["id"]]
                side = item["side"]
                if getattr(contact, f"{side}_id") != survivor.pk:
                    continue
                setattr(contact, side, record)
                if not (item["after"]["is_active"] and not contact.is_active):
                    contact.is_active = item["before"]["is_active"]
                _with_history(contact, actor, why)
                contact.save(update_fields=[side, "is_active"])
            do_move_client_cases(
                moved.get("cases", []),
                record,
                merge=merge.pk,
                actor=actor,
                reason=reason,
                undone=True,
                only_from=survivor.pk,
            )
            record.merged_into = None
            _with_history(record, actor, why)
            record.save(update_fields=["merged_into"])
        for record in records.values():
            index_client(record)  # the search index, in this transaction (comptoir.search)
            refresh_match_keys(record)  # the intake proposals' index (clients.matching)
    return undo
