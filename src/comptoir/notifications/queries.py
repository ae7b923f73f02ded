"""Reads of the notifications pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from comptoir.casework.models import Case
from comptoir.notifications.models import OutboundMessage, OutboundStatus

PAGE_SIZE = 50
#: A message still ``sending`` this long after its claim was left by a worker that stopped.
INTERRUPTED_AFTER = timedelta(minutes=15)

#: What staff must look at: given up, or refused by the mail system.
FAILED_STATUSES = (
    OutboundStatus.FAILED,
    OutboundStatus.PERMANENT_FAILURE,
    OutboundStatus.TECHNICAL_FAILURE,
    OutboundStatus.TEMPORARY_FAILURE,
)


@dataclass(frozen=True, slots=True)
class TroublePage:
    page: Page[Any]


def troubled_messages(user: Any, *, page: Any = None, now: datetime | None = None) -> TroublePage:
    """Messages to clients that failed, wait to be tried again after a failure, or were left
    ``sending`` by a worker that stopped (the mail may or may not have gone), on the cases
    ``user`` may see; newest first, paginated."""
    now = now or timezone.now()
    rows = (
        OutboundMessage.objects.filter(case__in=Case.objects.visible_to(user).values("pk"))
        .filter(Q(status__in=FAILED_STATUSES) | Q(status=OutboundStatus.QUEUED, attempts__gt=0))
        .select_related("case")
        .order_by("-created_at", "-pk")
    )
    return TroublePage(page=Paginator(rows, PAGE_SIZE).get_page(page))


# --- the wording of the notifications ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TemplateRow:
    kind: str
    label: str
    is_edited: bool
    updated_at: datetime | None
    subject: str


def _kind_label(kind: str) -> str:
    from comptoir.notifications.models import MessageKind

    return str(MessageKind(kind).label)


def template_rows() -> list[TemplateRow]:
    """Each kind of message, with whether someone edited it and its subject in the reader's
    language."""
    from comptoir import i18n
    from comptoir.notifications.models import MessageKind, MessageTemplate
    from comptoir.notifications.rendering import wording_of

    edited = {template.kind: template for template in MessageTemplate.objects.all()}
    language = i18n.active_language()
    return [
        TemplateRow(
            kind=kind.value,
            label=str(kind.label),
            is_edited=kind.value in edited,
            updated_at=edited[kind.value].updated_at if kind.value in edited else None,
            subject=wording_of(kind.value, language, edited.get(kind.value))[0],
        )
        for kind in MessageKind
    ]


@dataclass(frozen=True, slots=True)
class TemplatePage:
    kind: str
    label: str
    wording: dict[str, str]
    is_edited: bool
    placeholders: tuple[str, ...]
    #: Earlier versions (newest first): when, by whom.
    history: list[Any]


def template_page(kind: str) -> TemplatePage:
    from comptoir.notifications.models import MessageTemplate
    from comptoir.notifications.rendering import PLACEHOLDERS, wording_of

    edited = MessageTemplate.objects.filter(kind=kind).first()
    subject_en, body_en, template_en = wording_of(kind, "en", edited)
    subject_fr, body_fr, template_fr = wording_of(kind, "fr", edited)
    history = list(edited.history.select_related("history_user")[:20]) if edited else []
    return TemplatePage(
        kind=kind,
        label=_kind_label(kind),
        wording={
            "subject_en": subject_en,
            "body_en": body_en,
            "subject_fr": subject_fr,
            "body_fr": body_fr,
            "gc_notify_template_en": template_en,
            "gc_notify_template_fr": template_fr,
        },
        is_edited=edited is not None,
        placeholders=PLACEHOLDERS,
        history=history,
    )


@dataclass(frozen=True, slots=True)
class Preview:
    subject_en: str
    body_en: str
    subject_fr: str
    body_fr: str
    unknown: list[str]


def preview(data: dict[str, str]) -> Preview:
    """The typed wording filled with invented values, as a client would read it."""
    from comptoir.notifications.rendering import render_text, sample_values, unknown_placeholders

    english = render_text(data["subject_en"], data["body_en"], sample_values("en"))
    french = render_text(data["subject_fr"], data["body_fr"], sample_values("fr"))
    unknown = sorted(
        {
            name
            for key in ("subject_en", "body_en", "subject_fr", "body_fr")
            for name in unknown_placeholders(data[key])
        }
    )
    return Preview(english.subject, english.body, french.subject, french.body, unknown)


# --- the mail of one case (the case page) -------------------------------------------------------

#: How many messages the case page lists (the newest).
CASE_MAIL_LIMIT = 50


@dataclass(frozen=True, slots=True)
class MailRow:
    at: datetime
    #: ``"out"`` (Comptoir to the client) or ``"in"`` (read from the mailbox or a file).
    direction: str
    what: str
    subject: str
    address: str
    state: str
    body: str


def case_mail(case: Case, *, limit: int = CASE_MAIL_LIMIT) -> list[MailRow]:
    """Every message sent to the case's client and every one read onto the case, newest first
    (at most ``limit`` of each), with what became of it, in the reader's language. The caller
    has checked that the reader may see the case."""
    from comptoir.notifications.models import InboundMessage, InboundVerdict, MessageKind

    rows = [
        MailRow(
            at=message.sent_at or message.created_at,
            direction="out",
            what=str(MessageKind(message.kind).label),
            subject=message.subject,
            address=message.to_address,
            state=str(OutboundStatus(message.status).label),
            body=message.body,
        )
        for message in OutboundMessage.objects.filter(case=case).order_by("-created_at", "-pk")[
            :limit
        ]
    ]
    rows += [
        MailRow(
            at=message.received_at,
            direction="in",
            what=str(InboundVerdict(message.verdict).label),
            subject=message.subject,
            address=message.from_address,
            state="",
            body=message.body,
        )
        for message in InboundMessage.objects.filter(case=case).order_by("-received_at", "-pk")[
            :limit
        ]
    ]
    rows.sort(key=lambda row: row.at, reverse=True)
    return rows
