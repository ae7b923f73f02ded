"""Read paths of the portal: the services a client may write about, and what the status page
shows of a case.

The status page shows the client only what is theirs to see: the plain-language steps, what is
expected of them, the date they can expect an answer, the messages exchanged (``message_in`` and
``message_out``: text only, signed by the organization, never a staff member's name) and the
files they sent or were sent. Notes, time spent, referrals, assignments and delivery reports are
never read into it.

The clocks and due dates are the case page's (``casework.queries``): the same reading of the
events, the same revised dates.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from comptoir import i18n
from comptoir.casework.models import Attachment, AttachmentSource, Case, CaseEvent
from comptoir.core.casework import EventKind, Outcome, Status, parse_reference
from comptoir.inventory.models import Service, ServiceYear, Unit
from comptoir.portal.models import DEFAULT_STEPS, ServiceSteps, Step, parse_steps

#: How many services the portal's choice lists (the inventory of one department fits).
SERVICES_LIMIT = 500
#: How many messages and files the status page lists (the newest).
MESSAGES_LIMIT = 200
FILES_LIMIT = 100


# --- the services of the forms ------------------------------------------------------------------


def _portal_services() -> Any:
    """Services a client may send a case about: named by a record of the inventory, of an
    organization with an active unit (where ``casework.queries.intake_unit`` puts the case)."""
    latest = ServiceYear.objects.filter(service=OuterRef("pk")).order_by("-fiscal_year__code")
    active_units = Unit.objects.filter(organization=OuterRef("organization"), is_active=True)
    return Service.objects.annotate(
        name_en=Subquery(latest.values("service_name_en")[:1]),
        name_fr=Subquery(latest.values("service_name_fr")[:1]),
    ).filter(Exists(latest), Exists(active_units))


def portal_services() -> list[tuple[int, str]]:
    """(key, name in the page's language) of those services, by name, bounded; the
    organization's title follows the name when several organizations offer services."""
    name = i18n.field_name("name")
    rows = list(
        _portal_services().select_related("organization").order_by(name, "pk")[:SERVICES_LIMIT]
    )
    several = len({row.organization_id for row in rows}) > 1
    choices = []
    for row in rows:
        label = i18n.pick_field(row, "name") or row.service_id
        if several:
            label = _("%(service)s (%(organization)s)") % {
                "service": label,
                "organization": i18n.pick_field(row.organization, "title"),
            }
        choices.append((row.pk, label))
    return choices


def portal_service(key: object) -> Service | None:
    """The service of ``key`` among those of :func:`portal_services`, else ``None``."""
    try:
        pk = int(str(key))
    except (TypeError, ValueError):
        return None
    service: Service | None = (
        _portal_services().select_related("organization").filter(pk=pk).first()
    )
    return service


def feedback_service() -> Service | None:
    """The service feedback is recorded against when the client names none: the setting
    ``COMPTOIR_PORTAL_FEEDBACK_SERVICE`` (a service's key), else the mail intake's
    (``COMPTOIR_MAIL_INTAKE_SERVICE``); ``None`` when neither names one the portal offers."""
    key = getattr(settings, "COMPTOIR_PORTAL_FEEDBACK_SERVICE", "") or getattr(
        settings, "COMPTOIR_MAIL_INTAKE_SERVICE", ""
    )
    return portal_service(key) if key else None


# --- the look-up --------------------------------------------------------------------------------


def case_for_lookup(reference: str, email: str) -> Case | None:
    """The case of ``reference`` when ``email`` (normalized) is one of its client's active
    addresses, else ``None``, whatever did not match. The same queries run whether the reference
    exists or not, and the addresses are compared in constant time."""
    from comptoir.clients.models import ContactPoint

    canonical = parse_reference(reference) or ""
    case = Case.objects.filter(reference=canonical).only("pk", "client_id", "reference").first()
    addresses = list(
        ContactPoint.objects.filter(
            # No client has the key 0: the same query runs when nothing matched.
            client_id=case.client_id if case is not None and case.client_id else 0,
            kind="email",
            is_active=True,
        ).values_list("normalized", flat=True)
    )
    wanted = email.encode()
    matched = False
    for address in addresses or [""]:
        matched |= hmac.compare_digest(address.encode(), wanted) and bool(address)
    return case if case is not None and matched else None


# --- the status page ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepView:
    label: str
    #: ``done``, ``current`` or ``upcoming``.
    state: str


@dataclass(frozen=True, slots=True)
class PortalMessage:
    at: datetime
    is_from_client: bool
    #: "You" or the organization's name, never a staff member's.
    sender: str
    text: str


@dataclass(frozen=True, slots=True)
class ExpectedAnswer:
    """When the client can expect an answer: the latest due date among the clocks still running
    (the final reply), revised when a person revised it, with the reason they gave."""

    day: str
    is_revised: bool
    reason: str
    is_paused: bool
    is_past: bool


@dataclass(frozen=True, slots=True)
class StatusPage:
    case: Case
    kind_label: str
    service_name: str
    organization_name: str
    received_on: str
    steps: tuple[StepView, ...]
    current_step: str
    is_resolved: bool
    is_withdrawn: bool
    resolved_on: str
    is_awaiting_client: bool
    #: What staff asked of the client when they set the case waiting ("" when they gave nothing).
    awaiting_reason: str
    expected: ExpectedAnswer | None
    messages: tuple[PortalMessage, ...]
    attachments: tuple[Attachment, ...]


def steps_for(service: Service) -> tuple[Step, ...]:
    """The service's own steps (``ServiceSteps``), else the default; a stored list that no
    longer passes the checks counts as none."""
    row = ServiceSteps.objects.filter(service=service).first()
    if row is None:
        return DEFAULT_STEPS
    try:
        return parse_steps(row.steps)
    except ValidationError:  # a bad configuration must not hide a client's case
        return DEFAULT_STEPS


def _step_views(steps: tuple[Step, ...], status: str) -> tuple[tuple[StepView, ...], str]:
    current = next((i for i, step in enumerate(steps) if status in step.statuses), 0)
    views = []
    for index, step in enumerate(steps):
        if index < current or (index == current and status == Status.RESOLVED):
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "upcoming"
        views.append(StepView(i18n.pick(step.label_en, step.label_fr), state))
    return tuple(views), views[current].label


def client_attachments(case: Case) -> Any:
    """The files the client may download from their status page: those they sent (the portal,
    email) and those sent to them with a reply (never a file staff only attached)."""
    return Attachment.objects.filter(case=case).filter(
        Q(source__in=[AttachmentSource.PORTAL, AttachmentSource.EMAIL])
        | Q(event__kind=EventKind.MESSAGE_OUT)
    )


def client_attachment(case: Case, pk: int) -> Attachment | None:
    attachment: Attachment | None = client_attachments(case).filter(pk=pk).first()
    return attachment


def _expected(reading: Any, case: Case) -> ExpectedAnswer | None:
    """The answer's date from the running clocks (see :class:`ExpectedAnswer`)."""
    from django.utils import timezone

    from comptoir.measurement.business_time_text import format_day
    from comptoir.measurement.clocks import ClockOutcome

    running = [
        clock
        for clock in reading.clocks
        if not clock.evaluation.is_completed and clock.outcome is not ClockOutcome.EXCLUDED
    ]
    if not running or case.status == Status.RESOLVED:
        return None
    candidates = []
    for clock in running:
        revised = reading.state.revised_due.get(clock.standard_id)
        due = revised.astimezone(clock.due_at.tzinfo) if revised is not None else clock.due_at
        candidates.append((due, clock, revised is not None))
    due, clock, is_revised = max(candidates, key=lambda item: item[0])
    reason = ""
    if is_revised:
        revisions = [
            event
            for event in reading.events
            if event.kind == EventKind.DUE_DATE_REVISED
            and str((event.payload or {}).get("standard_id")) == clock.standard_id
        ]
        if revisions:
            reason = max(revisions, key=lambda e: (e.at, e.sequence)).reason
    return ExpectedAnswer(
        day=format_day(due.date()),
        is_revised=is_revised,
        reason=reason,
        is_paused=clock.is_paused,
        is_past=due < timezone.now(),
    )


def _messages(events: list[CaseEvent], organization_name: str) -> tuple[PortalMessage, ...]:
    rows = [
        PortalMessage(
            at=event.at,
            is_from_client=event.kind == EventKind.MESSAGE_IN,
            sender=_("You") if event.kind == EventKind.MESSAGE_IN else organization_name,
            text=event.reason,
        )
        for event in events
        if event.kind in (EventKind.MESSAGE_IN, EventKind.MESSAGE_OUT) and event.reason
    ]
    return tuple(rows[-MESSAGES_LIMIT:])


def status_page(case: Case) -> StatusPage:
    """What the client sees of ``case`` (see the module docstring), in the page's language."""
    from comptoir.casework import text
    from comptoir.casework.queries import read_case  # the case page's reading: one truth
    from comptoir.measurement.business_time_text import format_day

    reading = read_case(case)
    state = reading.state
    steps, current = _step_views(steps_for(case.service), case.status)
    organization_name = i18n.pick_field(case.service.organization, "title")
    latest = ServiceYear.objects.filter(service=case.service).order_by("-fiscal_year__code")
    record = latest.only("service_name_en", "service_name_fr").first()
    awaiting_reason = ""
    if case.status == Status.AWAITING_CLIENT:
        waits = [e for e in reading.events if e.kind == EventKind.AWAITING_CLIENT]
        if waits:
            awaiting_reason = waits[-1].reason
    resolved = [e for e in reading.events if e.kind == EventKind.RESOLVED]
    is_resolved = case.status == Status.RESOLVED
    is_withdrawn = bool(
        is_resolved
        and resolved
        and (resolved[-1].payload or {}).get("outcome") == Outcome.WITHDRAWN.value
    )
    zone = case.current_unit.time_zone
    return StatusPage(
        case=case,
        kind_label=str(text.CASE_KIND_LABELS[text.CaseKind(case.kind)]),
        service_name=i18n.pick_field(record, "service_name") if record else case.service.service_id,
        organization_name=organization_name,
        received_on=format_day(_local(state.received_at, zone).date()),
        steps=steps,
        current_step=current,
        is_resolved=is_resolved,
        is_withdrawn=is_withdrawn,
        resolved_on=format_day(_local(state.resolved_at, zone).date()) if state.resolved_at else "",
        is_awaiting_client=case.status == Status.AWAITING_CLIENT,
        awaiting_reason=awaiting_reason,
        expected=_expected(reading, case),
        messages=_messages(reading.events, organization_name),
        attachments=tuple(client_attachments(case).order_by("uploaded_at", "pk")[:FILES_LIMIT]),
    )


def _local(moment: datetime, zone: str) -> datetime:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return moment.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return moment
