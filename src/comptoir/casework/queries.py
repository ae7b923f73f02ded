"""Read paths of casework: each page's data from one call, every list bounded. Who may see what
comes from ``Case.objects.visible_to`` (``comptoir.casework.models.cases``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

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
    return QueuePage(
        page=Paginator(ordered, PAGE_SIZE).get_page(page),
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
    details: str
    reason: str


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


def _details(event: CaseEvent, users: dict[int, Any], units: dict[int, Unit]) -> str:
    payload = event.payload or {}
    kind = event.kind
    if kind == EventKind.ASSIGNED:
        assignee = users.get(payload.get("assignee"))  # type: ignore[arg-type]
        return _("Assigned to %(name)s.") % {"name": assignee or "?"}
    if kind == EventKind.REFERRED:
        to_unit = units.get(int(str(payload.get("to_unit") or 0)))
        name = i18n.pick_field(to_unit, "name") if to_unit else "?"
        return _("Referred to %(unit)s.") % {"unit": name}
    if kind == EventKind.TIME_SPENT:
        minutes = payload.get("minutes")
        count = minutes if isinstance(minutes, int) else 0
        return ngettext("%(minutes)s minute.", "%(minutes)s minutes.", count) % {"minutes": minutes}
    if kind == EventKind.RESOLVED:
        return text.resolution_words(payload)
    if kind == EventKind.DUE_DATE_REVISED:
        return _("Standard %(standard)s: due %(due)s.") % {
            "standard": payload.get("standard_id"),
            "due": payload.get("due_at"),
        }
    if kind == EventKind.CORRECTED:
        return _("Corrects event %(sequence)s.") % {"sequence": payload.get("corrects")}
    return ""


def describe_events(events: list[CaseEvent]) -> list[DescribedEvent]:
    """Each event in words (the reader's language), with who did it and where."""
    from comptoir.accounts.models import User

    user_keys = {e.payload.get("assignee") for e in events if e.kind == EventKind.ASSIGNED}
    unit_keys = {int(str(e.payload.get("to_unit"))) for e in events if e.kind == EventKind.REFERRED}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_keys)}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_keys)}
    return [
        DescribedEvent(
            sequence=event.sequence,
            at=event.at,
            kind=event.kind,
            label=str(text.EVENT_KIND_LABELS[EventKind(event.kind)]),
            actor=event.actor,
            unit=event.unit,
            details=_details(event, users, units),
            reason=reasons.describe_reason(event.reason),
        )
        for event in events
    ]


def case_page(user: User, case: Case, *, knowledge_text: str = "") -> CasePage:
    """The case page: the summary, the state, the timeline and what may be done next."""
    from comptoir.casework import knowledge_queries

    # The state and the clocks need every event; the page lists the newest ones.
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
        events=describe_events(listed),
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
    )


# --- the client page's cases --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientCases:
    cases: list[Case]
    more: bool


def client_cases(user: User, client: Any, *, limit: int = CLIENT_CASES_LIMIT) -> ClientCases:
    """The client's cases across every unit the reader may see, newest first, bounded."""
    rows = list(
        Case.objects.visible_to(user)
        .filter(client=client)
        .select_related("service", "current_unit")
        .order_by("-received_at", "-pk")[: limit + 1]
    )
    return ClientCases(cases=rows[:limit], more=len(rows) > limit)


# --- the entry form's choices -------------------------------------------------------------------


def entry_services(user: User) -> list[tuple[int, str]]:
    """(key, "service ID — name") of the services of the organizations of the user's units."""
    organization_ids = Unit.objects.filter(pk__in=member_unit_ids(user)).values("organization_id")
    services = Service.objects.all()
    if not acts_for_every_organization(user):
        services = services.filter(organization_id__in=organization_ids)
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
