"""Writes of the portal: a client sends a case, adds information or a document, withdraws.

Every change to the case goes through ``comptoir.casework.actions`` (no event is written here),
every change to a client through ``comptoir.clients.actions``; both without a staff actor (the
client themselves). Each action checks its files before anything is written and runs in one
transaction: a refusal raises ``CaseError`` (or ``ClientError``), translated, and leaves no
row and no file behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.casework import actions as casework
from comptoir.casework import attachments
from comptoir.casework.errors import CaseError
from comptoir.casework.models import Attachment, AttachmentSource, Case, CaseEvent
from comptoir.casework.queries import intake_unit
from comptoir.core.casework import CaseKind
from comptoir.core.opendata.schema import Channel
from comptoir.inventory.models import Service
from comptoir.portal.models import ContactPreference, Submission

#: The kinds a client may send: a request (enquiry, application) or feedback.
REQUEST_KINDS = (CaseKind.ENQUIRY, CaseKind.APPLICATION)
FEEDBACK_KINDS = (CaseKind.COMPLIMENT, CaseKind.COMPLAINT, CaseKind.SUGGESTION)


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file as the client sent it (its name and bytes), before any check."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ClientDetails:
    given_name: str
    family_name: str
    #: Normalized (``clients.normalization``), or "".
    email: str
    phone: str
    language: str
    alternate_formats: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Submitted:
    case: Case
    #: The status token, given once (only its hash is stored).
    token: str
    status_url: str
    #: Whether the acknowledgement was queued (``notifications.actions.notify``).
    is_acknowledged: bool


def status_url(token: str, language: str) -> str:
    """The absolute address of the status page of ``token``, in ``language``."""
    with translation.override(language):
        path = reverse("portal_status", kwargs={"token": token})
    return f"{settings.COMPTOIR_SITE_URL}{path}"


def _check_files(files: Sequence[UploadedFile]) -> None:
    attachments.check_attachment_count(len(files))
    for upload in files:
        attachments.check_attachment(upload.name, upload.data)


def _store_files(
    case: Case, files: Iterable[UploadedFile], event: CaseEvent, stored: list[Attachment]
) -> None:
    for upload in files:
        stored.append(
            attachments.store_attachment(
                case,
                filename=upload.name,
                data=upload.data,
                source=AttachmentSource.PORTAL,
                event=event,
            )
        )


def find_or_create_client(details: ClientDetails) -> tuple[Any, dict[str, Any] | None]:
    """The existing client the matching proposes at or above the automatic threshold
    (``clients.matching.intake_match``: names, email and phone scored together, so a relative
    who shares an address is not taken for its owner), else a new person with that address and
    phone; and what the case keeps of the decision. A client found is not changed, except that a
    phone number they did not have is added (not as their primary one): anyone can type an
    address, so a form never rewrites the record it matches."""
    from comptoir.clients.actions import do_add_contact_point, do_create_client
    from comptoir.clients.matching import intake_match, typed_record

    match = intake_match(
        typed_record(
            given_name=details.given_name,
            family_name=details.family_name,
            email=details.email,
            phone=details.phone,
        )
    )
    client = match.client
    if client is not None:
        if (
            details.phone
            and not client.contact_points.filter(
                kind="phone", is_active=True, normalized=details.phone
            ).exists()
        ):
            do_add_contact_point(client, kind="phone", value=details.phone, actor=None)
        return client, match.payload
    client = do_create_client(
        kind="person",
        given_name=details.given_name,
        family_name=details.family_name,
        preferred_language=details.language,
        alternate_formats=details.alternate_formats,
        segment="public",
        actor=None,
    )
    for kind, value in (("email", details.email), ("phone", details.phone)):
        if value:
            do_add_contact_point(
                client, kind=kind, value=value, label="home", is_primary=True, actor=None
            )
    return client, match.payload


def _acknowledge(case: Case, url: str, event: CaseEvent) -> bool:
    """Queue the acknowledgement with the private link (``notifications.actions.notify``, which
    writes nothing when the client has no address or the automatic-reply limit is reached)."""
    try:
        from comptoir.notifications.actions import notify
    except ImportError:  # pragma: no cover - the notifications app is part of the project
        return False
    return notify(case, "acknowledgement", event=event, context={"status_url": url}) is not None


def do_submit_case(
    *,
    kind: str,
    service: Service,
    details: ClientDetails,
    contact_preference: str,
    description: str,
    files: Sequence[UploadedFile] = (),
    at: datetime | None = None,
) -> Submitted:
    """A case the client sends through the portal: received online (channel ``ONL``) at the
    service's intake unit, for the client found by their address or a new one; the files come
    with the ``received`` event; the acknowledgement is queued with the private link."""
    if kind not in {k.value for k in (*REQUEST_KINDS, *FEEDBACK_KINDS)}:
        raise CaseError(_("This value is not one of the choices."), code="invalid_kind")
    if contact_preference not in ContactPreference.values:
        raise CaseError(_("This value is not one of the choices."), code="invalid_preference")
    _check_files(files)
    entry_unit = intake_unit(service)
    if entry_unit is None:
        raise CaseError(
            _("This service does not take requests online at the moment."),
            code="no_intake_unit",
        )
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            client, match = find_or_create_client(details)
            case, token = casework.do_receive_case(
                service=service,
                kind=kind,
                channel=Channel.ONL,
                entry_unit=entry_unit,
                language=details.language,
                client=client,
                description=description,
                actor=None,
                at=at,
                received_payload={"client_match": match} if match else None,
            )
            Submission.objects.create(
                case=case, contact_preference=contact_preference, submitted_at=timezone.now()
            )
            received = CaseEvent.objects.get(case=case, sequence=1)
            _store_files(case, files, received, stored)
            url = status_url(token, details.language)
            acknowledged = _acknowledge(case, url, received)
    except Exception:
        attachments.discard_files(stored)
        raise
    return Submitted(case=case, token=token, status_url=url, is_acknowledged=acknowledged)


def _files_sentence(files: Sequence[UploadedFile], language: str) -> str:
    """The message recorded when the client sent files without writing anything, in the
    case's language (staff read it on the timeline)."""
    with translation.override(language):
        return gettext("Files sent: %(names)s") % {
            "names": ", ".join(attachments.check_attachment(f.name, f.data).filename for f in files)
        }


def do_add_information(
    case: Case, *, text: str, files: Sequence[UploadedFile] = (), at: datetime | None = None
) -> list[CaseEvent]:
    """What the client adds from their status page: a ``message_in`` (and ``resumed`` when the
    case was waiting for them: the paused clocks run again), the files with it."""
    text = (text or "").strip()
    if not text and not files:
        raise CaseError(_("Write a message or choose a file to send."), code="message_required")
    _check_files(files)
    if not text:
        text = _files_sentence(files, case.language)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            events = casework.do_client_message(
                case,
                text,
                channel=Channel.ONL,
                at=at,
                payload={"files": len(files)} if files else None,
            )
            _store_files(case, files, events[0], stored)
    except Exception:
        attachments.discard_files(stored)
        raise
    return events


def do_withdraw(case: Case, *, reason: str = "", at: datetime | None = None) -> CaseEvent:
    """The client withdraws their request (resolved, outcome ``withdrawn``)."""
    return casework.do_client_withdraw(case, reason, at=at)
