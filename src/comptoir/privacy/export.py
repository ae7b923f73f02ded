"""Everything Comptoir holds about one client, for an access request under the Privacy Act.

:func:`personal_information` gathers, for a client record and every record merged into it:
the record and its history of changes, every contact point (ended ones too), the contact links,
each case with what was asked, its events in the order they happened (notes and messages with
their text), its files, the mail sent to the client and the mail received from them, the merges
and the reads of a confidential record. Nothing is left out because a reader may not see it:
the export is made by an administrator from the command line for the access-to-information and
privacy office, which decides what is released.

The result is plain data (JSON-ready, keys in English, codes as stored); :func:`as_text`
words it for a person in English or French.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir import i18n


def _when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _who(user: Any) -> str | None:
    if user is None:
        return None
    return str(user.get_full_name() or user.get_username())


def _record(client: Any) -> dict[str, Any]:
    return {
        "id": client.pk,
        "kind": client.kind,
        "given_name": client.given_name,
        "family_name": client.family_name,
        "organization_name": client.organization_name,
        "preferred_language": client.preferred_language,
        "alternate_formats": client.alternate_format_codes,
        "segment": client.segment,
        "date_of_birth": _when(client.date_of_birth),
        "source_id": client.source_id,
        "is_confidential": client.is_confidential,
        "is_anonymous": client.is_anonymous,
        "account_manager": _who(client.account_manager),
        "created_at": _when(client.created_at),
        "created_by": _who(client.created_by),
        "merged_into": client.merged_into_id,
    }


def _history(client: Any) -> list[dict[str, Any]]:
    rows = client.history.select_related("history_user").order_by("history_date", "history_id")
    return [
        {
            "at": _when(row.history_date),
            "change": {"+": "created", "~": "changed", "-": "deleted"}[row.history_type],
            "by": _who(row.history_user),
            "reason": row.history_change_reason or "",
            "given_name": row.given_name,
            "family_name": row.family_name,
            "organization_name": row.organization_name,
        }
        for row in rows
    ]


def _points(client: Any) -> list[dict[str, Any]]:
    from comptoir.clients.models import ContactPoint

    return [
        {
            "kind": point.kind,
            "value": point.value,
            "label": point.label,
            "is_primary": point.is_primary,
            "is_active": point.is_active,
            "created_at": _when(point.created_at),
            "ended_at": _when(point.ended_at),
        }
        for point in ContactPoint.objects.filter(client=client).order_by("created_at", "pk")
    ]


def _contacts(client: Any) -> list[dict[str, Any]]:
    from comptoir.clients.models import Contact

    links = Contact.objects.filter(person=client) | Contact.objects.filter(organization=client)
    return [
        {
            "person": link.person.display_name,
            "organization": link.organization.display_name,
            "role": link.role,
            "is_active": link.is_active,
        }
        for link in links.select_related("person", "organization").order_by("pk")
    ]


def _cases(client_ids: list[int]) -> list[dict[str, Any]]:
    from comptoir.casework.models import Attachment, Case, CaseEvent
    from comptoir.notifications.models import InboundMessage, OutboundMessage

    cases = list(
        Case.objects.filter(client_id__in=client_ids)
        .select_related("service", "entry_unit")
        .order_by("received_at", "pk")
    )
    keys = [case.pk for case in cases]
    events: dict[int, list[Any]] = {key: [] for key in keys}
    for event in (
        CaseEvent.objects.filter(case_id__in=keys)
        .select_related("actor")
        .order_by("case_id", "at", "sequence")
    ):
        events[event.case_id].append(event)
    files: dict[int, list[Any]] = {key: [] for key in keys}
    for attachment in Attachment.objects.filter(case_id__in=keys).order_by("uploaded_at", "pk"):
        files[attachment.case_id].append(attachment)
    sent: dict[int, list[Any]] = {key: [] for key in keys}
    for message in OutboundMessage.objects.filter(case_id__in=keys).order_by("created_at", "pk"):
        sent[message.case_id].append(message)
    received: dict[int, list[Any]] = {key: [] for key in keys}
    for inbound in InboundMessage.objects.filter(case_id__in=keys).order_by("received_at", "pk"):
        if inbound.case_id is not None:
            received[inbound.case_id].append(inbound)
    return [
        {
            "reference": case.reference,
            "client_record": case.client_id,
            "service_id": case.service.service_id,
            "kind": case.kind,
            "channel": case.channel,
            "language": case.language,
            "received_at": _when(case.received_at),
            "resolved_at": _when(case.resolved_at),
            "status": case.status,
            "is_confidential": case.is_confidential,
            "description": case.description,
            "events": [
                {
                    "at": _when(event.at),
                    "kind": event.kind,
                    "by": _who(event.actor),
                    "text": event.reason,
                }
                for event in events[case.pk]
            ],
            "files": [
                {
                    "name": attachment.filename,
                    "type": attachment.content_type,
                    "size": attachment.size,
                    "source": attachment.source,
                    "uploaded_at": _when(attachment.uploaded_at),
                }
                for attachment in files[case.pk]
            ],
            "mail_sent": [
                {
                    "at": _when(message.sent_at or message.created_at),
                    "to": message.to_address,
                    "subject": message.subject,
                    "body": message.body,
                    "status": message.status,
                }
                for message in sent[case.pk]
            ],
            "mail_received": [
                {
                    "at": _when(message.received_at),
                    "from": message.from_address,
                    "subject": message.subject,
                    "body": message.body,
                }
                for message in received[case.pk]
            ],
        }
        for case in cases
    ]


def _merges(client: Any) -> list[dict[str, Any]]:
    from comptoir.clients.models import ClientMerge

    merges = (
        ClientMerge.objects.filter(survivor=client)
        | ClientMerge.objects.filter(members__client=client)
    ).distinct()
    return [
        {
            "at": _when(merge.merged_at),
            "by": _who(merge.merged_by),
            "reason": merge.reason,
            "record_kept": merge.survivor_id,
            "records_merged": [member.client_id for member in merge.members.order_by("pk")],
            "undone_at": _when(merge.undo.undone_at) if hasattr(merge, "undo") else None,
        }
        for merge in merges.select_related("merged_by").order_by("merged_at", "pk")
    ]


def _reads(client: Any) -> list[dict[str, Any]]:
    return [
        {"at": _when(read.at), "by": _who(read.user), "page": read.page}
        for read in client.access_log.select_related("user").order_by("at", "pk")
    ]


def personal_information(client: Any) -> dict[str, Any]:
    """Everything held about ``client`` and the records merged into it (see the module)."""
    from comptoir.clients.models import Client

    records = [client, *Client.objects.filter(merged_into=client).order_by("pk")]
    return {
        "exported_at": _when(timezone.now()),
        "client": _record(client),
        "records": [
            {
                "record": _record(record),
                "history": _history(record),
                "contact_points": _points(record),
                "contacts": _contacts(record),
                "merges": _merges(record),
                "confidential_reads": _reads(record),
            }
            for record in records
        ],
        "cases": _cases([record.pk for record in records]),
    }


def as_text(data: dict[str, Any], language: str) -> str:
    """The export worded for a person, in ``language`` (``en`` or ``fr``)."""
    from comptoir.casework.text import label
    from comptoir.core.casework import EventKind

    with i18n.rendered_in(language):
        client = data["client"]
        lines = [
            _("Personal information held about client record %(id)s") % {"id": client["id"]},
            _("Exported on %(at)s") % {"at": data["exported_at"]},
            "",
        ]
        for entry in data["records"]:
            record = entry["record"]
            lines.append(_("Client record %(id)s") % {"id": record["id"]})
            names = " ".join(
                part
                for part in (
                    record["given_name"],
                    record["family_name"],
                    record["organization_name"],
                )
                if part
            )
            lines.append("  " + _("Name: %(name)s") % {"name": names or "—"})
            lines.append(
                "  "
                + _("Preferred official language: %(language)s")
                % {"language": record["preferred_language"]}
            )
            if record["date_of_birth"]:
                lines.append(
                    "  " + _("Date of birth: %(date)s") % {"date": record["date_of_birth"]}
                )
            for point in entry["contact_points"]:
                state = (
                    _("in use")
                    if point["is_active"]
                    else _("ended %(at)s") % {"at": point["ended_at"]}
                )
                lines.append(
                    "  "
                    + _("Contact point: %(value)s (%(state)s)")
                    % {
                        "value": point["value"],
                        "state": state,
                    }
                )
            for change in entry["history"]:
                words = {
                    "created": _("Record created on %(at)s by %(by)s. %(reason)s"),
                    "changed": _("Record changed on %(at)s by %(by)s. %(reason)s"),
                    "deleted": _("Record deleted on %(at)s by %(by)s. %(reason)s"),
                }[change["change"]]
                lines.append(
                    "  "
                    + words
                    % {
                        "at": change["at"],
                        "by": change["by"] or _("the system"),
                        "reason": change["reason"],
                    }
                )
            for read in entry["confidential_reads"]:
                lines.append("  " + _("Read on %(at)s by %(by)s") % read)
            lines.append("")
        for case in data["cases"]:
            lines.append(
                _("Case %(reference)s, received %(at)s")
                % {
                    "reference": case["reference"],
                    "at": case["received_at"],
                }
            )
            if case["description"]:
                lines.append("  " + _("What was asked: %(text)s") % {"text": case["description"]})
            for event in case["events"]:
                try:
                    kind = label(EventKind(event["kind"]))
                except ValueError:
                    kind = event["kind"]
                text = f" — {event['text']}" if event["text"] else ""
                lines.append(f"  {event['at']}  {kind}{text}")
            for message in case["mail_sent"]:
                lines.append("  " + _("Mail sent on %(at)s: %(subject)s") % message)
            for message in case["mail_received"]:
                lines.append("  " + _("Mail received on %(at)s: %(subject)s") % message)
            for attachment in case["files"]:
                lines.append("  " + _("File: %(name)s (%(size)s bytes)") % attachment)
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"
