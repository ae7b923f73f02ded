"""Read paths of casework: each page's data from one call, every list bounded. Who may see what
comes from ``Case.objects.visible_to`` (``comptoir.casework.models.cases``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir import i18n
from comptoir.casework import actions, reasons, text
from comptoir.casework.models import Case, CaseEvent
from comptoir.casework.models.cases import ASSIGN_PERMISSION, CHANNEL_LABELS, member_unit_ids
from comptoir.core.casework import (
    CORRECTABLE_FIELDS,
    CaseKind,
    CaseState,
    EventKind,
    Status,
    allowed_kinds,
    derive_state,
    standards_timeline,
)
from comptoir.inventory.models import Service, ServiceYear, Unit, UnitMembership
from comptoir.inventory.models.scope import acts_for_every_organization
from comptoir.measurement.clocks import CaseClock, clocks_for

if TYPE_CHECKING:
    from comptoir.accounts.models import User

PAGE_SIZE = 25
#: How many cases the client page lists (newest first; the rest through the queues).
CLIENT_CASES_LIMIT = 20
#: How many events a case page shows (a case with more shows the latest ones and says so).
TIMELINE_LIMIT = 500

_QUEUE_RELATED = ("service", "current_unit", "owner", "client", "request_type")


def _queue_rows(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.select_related(*_QUEUE_RELATED).order_by("received_at", "pk")


def my_units(user: User) -> list[Unit]:
    """The units whose queues the user works (bounded by their memberships)."""
    return list(
        Unit.objects.filter(pk__in=member_unit_ids(user))
        .select_related("organization")
        .order_by("code")
    )


#: Due soon: the next due instant within this many business hours of the unit's calendar.
DEFAULT_DUE_SOON_HOURS = 8
#: Waiting on the client too long: longer than this many business days.
DEFAULT_WAITING_DAYS = 10


def due_soon_hours() -> int:
    return int(getattr(settings, "COMPTOIR_QUEUE_DUE_SOON_HOURS", DEFAULT_DUE_SOON_HOURS))


def waiting_days() -> int:
    return int(getattr(settings, "COMPTOIR_QUEUE_WAITING_DAYS", DEFAULT_WAITING_DAYS))


@dataclass(frozen=True, slots=True)
class QueueTab:
    code: str
    label: str
    count: int
    current: bool


@dataclass(frozen=True, slots=True)
class QueuePage:
    title: str
    page: Page[Case]
    units: list[Unit]
    unit: Unit | None
    filter: str
    tabs: tuple[QueueTab, ...] = ()
    #: The unit's members a manager may assign to (bulk assignment); empty for others.
    assignees: tuple[Any, ...] = ()
    may_bulk_assign: bool = False


#: The lists of a unit's queue, and of one's own (``mine`` is every open case one owns).
UNIT_FILTERS = ("unassigned", "open", "due_soon", "overdue", "waiting")
MY_FILTERS = ("mine", "due_soon", "overdue", "waiting")


def _tab_label(code: str, count: int) -> str:
    labels = {
        "mine": ngettext("My cases (%(count)s)", "My cases (%(count)s)", count),
        "unassigned": ngettext("Unassigned (%(count)s)", "Unassigned (%(count)s)", count),
        "open": ngettext("%(count)s open case", "%(count)s open cases", count),
        "due_soon": ngettext("%(count)s due soon", "%(count)s due soon", count),
        "overdue": ngettext("%(count)s overdue", "%(count)s overdue", count),
        "waiting": ngettext(
            "%(count)s waiting on the client too long",
            "%(count)s waiting on the client too long",
            count,
        ),
    }
    return labels[code] % {"count": count}


def _calendar(unit: Unit) -> Any:
    from comptoir.core.businesstime import BusinessTimeError
    from comptoir.inventory.calendars import calendar_for

    try:
        return calendar_for(unit)
    except BusinessTimeError:
        return None


def _bounds(units: list[Unit], now: datetime) -> tuple[Q, Q]:
    """(due soon, waiting too long) as conditions, each unit in its own calendar; a case of a
    unit whose calendar cannot be read counts elapsed hours and days."""
    from datetime import timedelta

    from comptoir.core.businesstime import add_business_time
    from comptoir.core.businesstime.windows import business_days_before

    hours, days = due_soon_hours(), waiting_days()
    due_soon = Q(pk__in=[])
    waiting = Q(pk__in=[])
    for unit in units:
        calendar = _calendar(unit)
        if calendar is None:
            soon_end, waited = now + timedelta(hours=hours), now - timedelta(days=days)
        else:
            soon_end = add_business_time(calendar, now, timedelta(hours=hours))
            waited = business_days_before(calendar, now, days)
        due_soon |= Q(current_unit=unit, next_due_at__gt=now, next_due_at__lte=soon_end)
        waiting |= Q(current_unit=unit, awaiting_since__lt=waited)
    return due_soon, waiting


def _queues(codes: tuple[str, ...], units: list[Unit], now: datetime) -> dict[str, Q]:
    due_soon, waiting = _bounds(units, now)
    conditions = {
        "mine": Q(),
        "open": Q(),
        "unassigned": Q(owner__isnull=True),
        "due_soon": due_soon,
        "overdue": Q(next_due_at__lte=now),
        "waiting": waiting,
    }
    return {code: conditions[code] for code in codes}


def _queue_page(
    user: User,
    cases: QuerySet[Case],
    *,
    codes: tuple[str, ...],
    which: str,
    units: list[Unit],
    page: Any,
    now: datetime | None,
    **fields: Any,
) -> QueuePage:
    now = now or timezone.now()
    which = which if which in codes else codes[0]
    conditions = _queues(codes, units, now)
    counts = cases.aggregate(
        **{code: Count("pk", filter=condition) for code, condition in conditions.items()}
    )
    rows = cases.filter(conditions[which])
    ordered = (
        rows.select_related(*_QUEUE_RELATED).order_by("next_due_at", "pk")
        if which in ("due_soon", "overdue")
        else _queue_rows(rows)
    )
    tabs = tuple(
        QueueTab(code, _tab_label(code, counts[code] or 0), counts[code] or 0, code == which)
        for code in codes
    )
    paginator = Paginator(ordered, PAGE_SIZE)
    # The list's length is its tab's count, already made: no second COUNT of the same rows.
    vars(paginator)["count"] = counts[which] or 0
    return QueuePage(
        page=paginator.get_page(page),
        units=my_units(user),
        filter=which,
        tabs=tabs,
        **fields,
    )


def my_queue(
    user: User, *, which: str = "mine", page: Any = None, now: datetime | None = None
) -> QueuePage:
    """The open cases assigned to the user, oldest first; or those due soon, overdue, or waiting
    on the client too long (each unit's calendar for its own cases)."""
    cases = Case.objects.visible_to(user).open().filter(owner_id=user.pk)
    return _queue_page(
        user,
        cases,
        codes=MY_FILTERS,
        which=which,
        units=my_units(user),
        page=page,
        now=now,
        title=_("My cases"),
        unit=None,
    )


def unit_for_queue(user: User, code: str) -> Unit:
    """The unit of that code among the user's (administrators: any unit), or a 404."""
    units = Unit.objects.filter(code=code).select_related("organization")
    if not acts_for_every_organization(user):
        units = units.filter(pk__in=member_unit_ids(user))
    unit = units.order_by("organization__owner_org").first()
    if unit is None:
        raise Http404(_("No such unit."))
    return unit


def bulk_assignees(user: User, unit: Unit) -> list[Any]:
    """Whom the user may give a unit's cases to: the unit's active members for its managers and
    administrators, else only themselves (when they are a member)."""
    members = [
        membership.user
        for membership in UnitMembership.objects.filter(
            unit_id=unit.pk, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")[:200]
    ]
    if user.has_perm(ASSIGN_PERMISSION) and (
        acts_for_every_organization(user) or actions.is_unit_member(user, unit.pk, manager=True)
    ):
        return members
    return [member for member in members if member.pk == user.pk]


def unit_queue(
    user: User,
    unit: Unit,
    *,
    which: str = "unassigned",
    page: Any = None,
    now: datetime | None = None,
) -> QueuePage:
    """The open cases of a unit: those nobody owns yet (default), all of them, those due soon,
    overdue or waiting on the client too long; with the bulk assignment's choices."""
    cases = Case.objects.visible_to(user).open().filter(current_unit=unit)
    assignees = tuple(bulk_assignees(user, unit)) if user.has_perm("casework.change_case") else ()
    return _queue_page(
        user,
        cases,
        codes=UNIT_FILTERS,
        which=which,
        units=[unit],
        page=page,
        now=now,
        title=_("Cases of %(unit)s") % {"unit": i18n.pick_field(unit, "name")},
        unit=unit,
        assignees=assignees,
        may_bulk_assign=bool(assignees),
    )


def bulk_assign_cases(user: User, unit: Unit, keys: list[int]) -> list[Case]:
    """The open cases of ``unit`` among ``keys`` that the user may act on (the others are not
    found: the caller refuses the whole batch)."""
    return list(
        Case.objects.editable_by(user)
        .open()
        .filter(current_unit=unit, pk__in=keys[: PAGE_SIZE * 4])
        .order_by("pk")
    )


# --- the case page ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DescribedEvent:
    sequence: int
    at: datetime
    kind: str
    label: str
    actor: Any
    unit: Unit | None
    #: The event in words, with its values as corrected (a correction's own row says what it set).
    details: str
    reason: str
    #: Whether a ``corrected`` event may change it (``core.casework.CORRECTABLE_FIELDS``).
    is_correctable: bool = False
    #: The sequence numbers of the events that corrected it, in order.
    corrected_by: tuple[int, ...] = ()
    #: What it said when it was recorded (only when corrected since).
    first_details: str = ""
    #: Recorded for the client themselves (their message, their withdrawal): no staff actor.
    by_client: bool = False


@dataclass(frozen=True, slots=True)
class ClockRow:
    """One clock of the case page, with the due date a person revised it to (if any)."""

    clock: CaseClock
    #: The revised due instant in words, in the deciding unit's time zone ("" when not revised).
    revised_due: str = ""
    #: What the explanation adds about the revision ("" when not revised).
    revision_steps: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CasePage:
    case: Case
    state: CaseState
    events: list[DescribedEvent]
    allowed: frozenset[str]
    members: list[Any]
    referral_units: list[Unit]
    may_act: bool
    may_assign_others: bool
    status_label: str
    kind_label: str
    channel_label: str
    minutes_spent: int
    #: The service's standards with a machine rule that apply to the case, measured now.
    clocks: list[CaseClock]
    #: Events the timeline does not list (the newest ``TIMELINE_LIMIT`` are listed).
    events_not_listed: int
    #: The "Reusable answers" panel (``casework.knowledge_queries.knowledge_panel``).
    knowledge: Any = None
    #: The clocks with their revised due dates (the table and the explanations show these).
    clock_rows: tuple[ClockRow, ...] = ()
    #: Where a reply to the client is emailed ("" when there is nowhere: no reply form then).
    client_email: str = ""
    #: The units a complaint may be escalated to (its own included); empty for other kinds.
    escalation_units: tuple[Unit, ...] = ()
    #: Standard ID → the time zone (IANA name) a revised due date of it is typed in: the zone of
    #: the unit whose calendar decides its clock.
    revision_zones: Mapping[str, str] = field(default_factory=dict)


#: The kinds of event a correction may change (``core.casework.CORRECTABLE_FIELDS``).
CORRECTABLE_KINDS = frozenset(kind.value for kind in CORRECTABLE_FIELDS)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _instant(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _due_words(value: object, zone: tzinfo) -> str:
    from comptoir.measurement.business_time_text import format_instant

    instant = _instant(value)
    if instant is None or instant.tzinfo is None:
        return str(value)
    return format_instant(instant.astimezone(zone))


def _minutes_words(minutes: object) -> str:
    count = minutes if isinstance(minutes, int) else 0
    return ngettext("%(minutes)s minute.", "%(minutes)s minutes.", count) % {"minutes": minutes}


def _value_words(kind: str, values: Mapping[str, object], zone_of: Callable[[str], tzinfo]) -> str:
    """A correctable event's values in words (time spent, a resolution, a revised due date)."""
    if kind == EventKind.TIME_SPENT:
        return _minutes_words(values.get("minutes"))
    if kind == EventKind.RESOLVED:
        return text.resolution_words(values)
    standard = str(values.get("standard_id") or "")
    return _("Standard %(standard)s: due %(due)s.") % {
        "standard": standard,
        "due": _due_words(values.get("due_at"), zone_of(standard)),
    }


@dataclass(frozen=True, slots=True)
class _Corrections:
    """The correctable events' values after every correction, and who corrected them."""

    kinds: dict[int, str]
    values: dict[int, dict[str, object]]
    corrected_by: dict[int, list[int]]


def _corrections(events: list[CaseEvent]) -> _Corrections:
    """Read in the order ``(at, sequence)``, as ``core.casework.derive_state`` does: the later
    correction of the same event wins; a resolution corrected to another outcome than
    "could not be answered" loses its data gap."""
    kinds: dict[int, str] = {}
    values: dict[int, dict[str, object]] = {}
    corrected_by: dict[int, list[int]] = {}
    for event in sorted(events, key=lambda e: (e.at, e.sequence)):
        payload = event.payload or {}
        if event.kind in CORRECTABLE_KINDS:
            kinds[event.sequence] = event.kind
            values[event.sequence] = dict(payload)
        elif event.kind == EventKind.CORRECTED:
            target = payload.get("corrects")
            if not isinstance(target, int) or target not in values:
                continue
            allowed = CORRECTABLE_FIELDS[EventKind(kinds[target])]
            current = values[target]
            current.update({key: value for key, value in payload.items() if key in allowed})
            if kinds[target] == EventKind.RESOLVED and current.get("outcome") != "unanswerable":
                current.pop("data_gap", None)
            corrected_by.setdefault(target, []).append(event.sequence)
    return _Corrections(kinds=kinds, values=values, corrected_by=corrected_by)


def _details(
    event: CaseEvent,
    users: dict[int, Any],
    units: dict[int, Unit],
    corrections: _Corrections,
    zone_of: Callable[[str], tzinfo],
) -> str:
    payload = event.payload or {}
    kind = event.kind
    if kind == EventKind.ASSIGNED:
        assignee = users.get(payload.get("assignee"))  # type: ignore[arg-type]
        return _("Assigned to %(name)s.") % {"name": assignee or "?"}
    if kind == EventKind.REFERRED:
        to_unit = units.get(int(str(payload.get("to_unit") or 0)))
        name = i18n.pick_field(to_unit, "name") if to_unit else "?"
        if payload.get("escalated"):
            return _("Escalated (level %(level)s) to %(unit)s.") % {
                "level": payload.get("level") or 1,
                "unit": name,
            }
        return _("Referred to %(unit)s.") % {"unit": name}
    if kind in CORRECTABLE_KINDS:
        current = corrections.values.get(event.sequence, payload)
        return _value_words(kind, current, zone_of)
    if kind == EventKind.CORRECTED:
        target = payload.get("corrects")
        target_kind = corrections.kinds.get(target) if isinstance(target, int) else None
        if target_kind is None:
            return _("Corrects event %(sequence)s.") % {"sequence": target}
        if target_kind == EventKind.DUE_DATE_REVISED:
            # The standard is the revision's; only its due instant is corrected.
            original = corrections.values.get(int(str(target)), {})
            payload = {"standard_id": original.get("standard_id"), **payload}
        return _("Corrects event %(sequence)s: %(value)s") % {
            "sequence": target,
            "value": _value_words(target_kind, payload, zone_of),
        }
    if kind == EventKind.MESSAGE_IN and payload.get("from") == "client":
        if payload.get("channel") == "EML":
            return _("From the client, by email.")
        return _("From the client, through the status page.")
    if kind == EventKind.MESSAGE_OUT and payload.get("to") == "client":
        return _("To the client, by email.")
    if kind == EventKind.DELIVERY:
        return _("Message %(message)s: %(status)s.") % {
            "message": payload.get("message"),
            "status": text.delivery_status_label(str(payload.get("status") or "")),
        }
    if kind == EventKind.CLIENT_CHANGED:
        words = {"from": payload.get("from_client"), "to": payload.get("to_client")}
        if payload.get("undone"):
            return (
                _(
                    "Moved back from client record %(from)s to record %(to)s: the merge of "
                    "duplicate records was undone."
                )
                % words
            )
        return (
            _(
                "Moved from client record %(from)s to record %(to)s, the one kept when duplicate "
                "records were merged."
            )
            % words
        )
    match = payload.get("client_match") if kind == EventKind.RECEIVED else None
    if isinstance(match, dict) and match.get("by") == "email":
        return _("The sender's address is the client's.")
    if isinstance(match, dict) and match.get("automatic"):
        return _("Linked to an existing client automatically (%(percent)s%% likely the same).") % {
            "percent": min(99, round(float(match.get("probability") or 0) * 100))
        }
    if isinstance(match, dict) and match.get("proposed"):
        return ngettext(
            "Recorded as a new client; %(count)s existing client was close (to review).",
            "Recorded as a new client; %(count)s existing clients were close (to review).",
            len(match["proposed"]),
        ) % {"count": len(match["proposed"])}
    if kind == EventKind.RESOLVED and payload.get("by") == "client":
        return _("Withdrawn by the client.")
    return ""


def describe_events(
    events: list[CaseEvent],
    *,
    listed: list[CaseEvent] | None = None,
    zone_of: Callable[[str], tzinfo] | None = None,
) -> list[DescribedEvent]:
    """Each event of ``listed`` (default: all of ``events``) in words (the reader's language),
    with who did it and where; a correctable event with its values as corrected by any of
    ``events`` (the whole log), and which events corrected it. ``zone_of(standard_id)`` is the
    time zone a revised due date of that standard is shown in (default UTC)."""
    from comptoir.accounts.models import User

    listed = events if listed is None else listed
    zone_of = zone_of or (lambda _standard: UTC)
    corrections = _corrections(events)
    user_keys = {e.payload.get("assignee") for e in listed if e.kind == EventKind.ASSIGNED}
    unit_keys = {int(str(e.payload.get("to_unit"))) for e in listed if e.kind == EventKind.REFERRED}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_keys)} if user_keys else {}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_keys)} if unit_keys else {}
    described = []
    for event in listed:
        corrected_by = tuple(corrections.corrected_by.get(event.sequence, ()))
        first = ""
        if corrected_by:
            first = _value_words(event.kind, event.payload or {}, zone_of)
        described.append(
            DescribedEvent(
                sequence=event.sequence,
                at=event.at,
                kind=event.kind,
                label=str(text.EVENT_KIND_LABELS[EventKind(event.kind)]),
                actor=event.actor,
                unit=event.unit,
                details=_details(event, users, units, corrections, zone_of),
                reason=reasons.describe_reason(event.reason),
                is_correctable=event.kind in CORRECTABLE_KINDS,
                corrected_by=corrected_by,
                first_details=first,
                by_client=event.actor_id is None
                and "client"
                in ((event.payload or {}).get("from"), (event.payload or {}).get("by")),
            )
        )
    return described


@dataclass(frozen=True, slots=True)
class CaseReading:
    """A case's whole log read once: its events, state and clocks (measured now)."""

    events: list[CaseEvent]
    state: CaseState
    clocks: list[CaseClock]
    zones: dict[str, str]

    def zone_of(self, fallback: str) -> Callable[[str], tzinfo]:
        def zone(standard_id: str) -> tzinfo:
            return _zone(self.zones.get(standard_id, fallback))

        return zone


def read_case(case: Case) -> CaseReading:
    """The case's whole log read once (its events, state, clocks measured now and the time zones
    of their deciding units): what the case page and the client's status page both read."""
    events = list(
        CaseEvent.objects.filter(case=case).select_related("actor", "unit").order_by("sequence")
    )
    facts = actions.facts_of(events)
    state = derive_state(facts)
    timeline = standards_timeline(
        case_kind=CaseKind(case.kind),
        channel=case.channel,
        tier=case.tier,
        service_id=case.service.service_id,
        entry_unit=str(case.entry_unit_id),
        events=facts,
    )
    clocks = clocks_for(timeline, service=case.service, as_of=timezone.now())
    zones = {clock.standard_id: str(clock.due_at.tzinfo) for clock in clocks}
    return CaseReading(events=events, state=state, clocks=clocks, zones=zones)


def _clock_rows(reading: CaseReading) -> tuple[ClockRow, ...]:
    """Each clock with its revised due date: the state's (the latest revision of the standard,
    as corrected), and the revision's event for when and why."""
    from comptoir.measurement.business_time_text import format_instant

    latest: dict[str, CaseEvent] = {}
    for event in sorted(reading.events, key=lambda e: (e.at, e.sequence)):
        if event.kind == EventKind.DUE_DATE_REVISED:
            latest[str((event.payload or {}).get("standard_id"))] = event
    rows = []
    for clock in reading.clocks:
        revised = reading.state.revised_due.get(clock.standard_id)
        if revised is None:
            rows.append(ClockRow(clock=clock))
            continue
        zone = clock.due_at.tzinfo or UTC
        due = format_instant(revised.astimezone(zone))
        revision = latest.get(clock.standard_id)
        steps = []
        if revision is not None:
            steps.append(
                _("On %(when)s the due date was revised to %(due)s, for this reason: %(reason)s")
                % {
                    "when": format_instant(revision.at.astimezone(zone)),
                    "due": due,
                    "reason": revision.reason,
                }
            )
        steps.append(
            _(
                "The standard is still measured against the due date its rule gives; the "
                "revised date is shown with it."
            )
        )
        rows.append(ClockRow(clock=clock, revised_due=due, revision_steps=tuple(steps)))
    return tuple(rows)


def case_page(user: User, case: Case, *, knowledge_text: str = "") -> CasePage:
    """The case page: the summary, the state, the timeline and what may be done next."""
    from comptoir.casework import knowledge_queries

    # The state and the clocks need every event; the page lists the newest ones.
    reading = read_case(case)
    events, state, clocks = reading.events, reading.state, reading.clocks
    listed = events[-TIMELINE_LIMIT:]
    may_act = Case.objects.editable_by(user).filter(pk=case.pk).exists()
    allowed = frozenset(kind.value for kind in allowed_kinds(state)) if may_act else frozenset()
    members = [
        membership.user
        for membership in UnitMembership.objects.filter(
            unit_id=case.current_unit_id, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")[:200]
    ]
    referral_units = list(
        Unit.objects.filter(organization_id=case.current_unit.organization_id, is_active=True)
        .exclude(pk=case.current_unit_id)
        .order_by("code")[:200]
    )
    return CasePage(
        case=case,
        state=state,
        events=describe_events(
            events, listed=listed, zone_of=reading.zone_of(case.current_unit.time_zone)
        ),
        allowed=allowed,
        members=members,
        referral_units=referral_units,
        may_act=may_act,
        may_assign_others=may_act and actions.may_assign_others(user, case),
        status_label=str(text.STATUS_LABELS[Status(case.status)]),
        kind_label=str(text.CASE_KIND_LABELS[text.CaseKind(case.kind)]),
        channel_label=str(CHANNEL_LABELS.get(case.channel, case.channel)),  # type: ignore[call-overload]
        minutes_spent=state.minutes_spent,
        clocks=clocks,
        events_not_listed=len(events) - len(listed),
        knowledge=knowledge_queries.knowledge_panel(user, case, text=knowledge_text),
        clock_rows=_clock_rows(reading),
        client_email=actions.client_email(case) if may_act else "",
        escalation_units=tuple(
            Unit.objects.filter(
                organization_id=case.current_unit.organization_id, is_active=True
            ).order_by("code")[:200]
        )
        if may_act and case.kind == "complaint"
        else (),
        revision_zones=MappingProxyType(dict(reading.zones)),
    )


@dataclass(frozen=True, slots=True)
class CorrectionPage:
    """The page that corrects one event of a case: the event, its current values (the form's
    initial values) and, for a revised due date, the time zone it is typed in."""

    case: Case
    event: DescribedEvent
    kind: str
    values: Mapping[str, object]
    zone: str


def correction_page(user: User, case: Case, sequence: int) -> CorrectionPage:
    """The correction page of event ``sequence`` of ``case`` (already checked editable by the
    caller), or a 404 when the case has no such event or the event cannot be corrected."""
    reading = read_case(case)
    target = next((e for e in reading.events if e.sequence == sequence), None)
    if target is None or target.kind not in CORRECTABLE_KINDS:
        raise Http404(_("This event cannot be corrected."))
    fallback = case.current_unit.time_zone
    zone_of = reading.zone_of(fallback)
    described = describe_events(reading.events, listed=[target], zone_of=zone_of)[0]
    values = _corrections(reading.events).values[sequence]
    standard = str(values.get("standard_id") or "")
    return CorrectionPage(
        case=case,
        event=described,
        kind=target.kind,
        values=MappingProxyType(values),
        zone=reading.zones.get(standard, fallback),
    )


# --- the client page's cases --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientCases:
    cases: list[Case]
    more: bool
    #: How many of the client's other cases, not confidential, are held by units the reader does
    #: not work in: a number only (the cases themselves stay behind ``visible_to``), so that one
    #: view of the client says when there is more history elsewhere.
    elsewhere: int = 0


def client_cases(user: User, client: Any, *, limit: int = CLIENT_CASES_LIMIT) -> ClientCases:
    """The client's cases across every unit the reader may see, newest first, bounded; and how
    many others, not confidential, other units hold."""
    visible = Case.objects.visible_to(user).filter(client=client)
    rows = list(
        visible.select_related("service", "current_unit").order_by("-received_at", "-pk")[
            : limit + 1
        ]
    )
    elsewhere = (
        Case.objects.filter(client=client, is_confidential=False)
        .exclude(pk__in=visible.values("pk"))
        .count()
    )
    return ClientCases(cases=rows[:limit], more=len(rows) > limit, elsewhere=elsewhere)


# --- the entry form's choices -------------------------------------------------------------------


def _entry_service_rows(user: User) -> QuerySet[Service]:
    """The services a case may be recorded for by the user: those of the organizations of the
    user's units (administrators: every organization's). The form's choices and the service the
    entry records both come from here."""
    services = Service.objects.all()
    if not acts_for_every_organization(user):
        organization_ids = Unit.objects.filter(pk__in=member_unit_ids(user)).values(
            "organization_id"
        )
        services = services.filter(organization_id__in=organization_ids)
    return services


def entry_service(user: User, key: int) -> Service | None:
    """The service of key ``key`` if the user may record a case for it (else ``None``)."""
    return _entry_service_rows(user).select_related("organization").filter(pk=key).first()


def entry_unit(user: User, key: int) -> Unit | None:
    """The unit of key ``key`` among the user's units (the entry form's choices), else ``None``."""
    return next((unit for unit in my_units(user) if unit.pk == key), None)


def entry_services(user: User) -> list[tuple[int, str]]:
    """(key, "service ID — name") of the services of the organizations of the user's units."""
    services = _entry_service_rows(user)
    latest = ServiceYear.objects.filter(service=OuterRef("pk")).order_by("-fiscal_year__code")
    rows = services.annotate(
        name_en=Subquery(latest.values("service_name_en")[:1]),
        name_fr=Subquery(latest.values("service_name_fr")[:1]),
    ).order_by("organization__owner_org", "service_id")[:500]
    return [
        (service.pk, f"{service.service_id} — {i18n.pick_field(service, 'name')}")
        for service in rows
    ]


# --- staff notices ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticesPage:
    page: Page[Any]
    unread: int


def notices_page(user: User, *, page: Any = None) -> NoticesPage:
    """The user's notices, newest first, paginated; with how many are unread."""
    from comptoir.casework.models import StaffNotice

    notices = (
        StaffNotice.objects.filter(recipient_id=user.pk)
        .select_related("case")
        .order_by("-created_at", "-pk")
    )
    return NoticesPage(
        page=Paginator(notices, PAGE_SIZE).get_page(page),
        unread=unread_notice_count(user),
    )


def unread_notice_count(user: Any) -> int:
    """How many of the user's notices are unread (one query; 0 for a visitor)."""
    from comptoir.casework.models import StaffNotice

    if not getattr(user, "is_authenticated", False):
        return 0
    return StaffNotice.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def intake_unit(service: Service) -> Unit | None:
    """Where a case the client sent themselves (the portal, an email) enters: the service's
    responsible unit in its latest fiscal year that names an active one, else the organization's
    first active unit by code; ``None`` when the organization has no active unit. The routing
    rules then send it on as they do any case."""
    year = (
        ServiceYear.objects.filter(
            service=service, responsible_unit__isnull=False, responsible_unit__is_active=True
        )
        .select_related("responsible_unit")
        .order_by("-fiscal_year__code")
        .first()
    )
    if year is not None:
        return year.responsible_unit
    return (
        Unit.objects.filter(organization_id=service.organization_id, is_active=True)
        .order_by("code", "pk")
        .first()
    )
