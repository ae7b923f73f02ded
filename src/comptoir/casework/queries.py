"""Read paths of casework: each page's data from one call, every list bounded. Who may see what
comes from ``Case.objects.visible_to`` (``comptoir.casework.models.cases``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir import i18n
from comptoir.casework import actions, text
from comptoir.casework.models import Case, CaseEvent
from comptoir.casework.models.cases import CHANNEL_LABELS, member_unit_ids
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


@dataclass(frozen=True, slots=True)
class QueuePage:
    title: str
    page: Page[Case]
    units: list[Unit]
    unit: Unit | None
    filter: str


def my_queue(user: User, *, page: Any = None) -> QueuePage:
    """The open cases assigned to the user, oldest first."""
    cases = _queue_rows(Case.objects.visible_to(user).open().filter(owner_id=user.pk))
    return QueuePage(
        title=_("My cases"),
        page=Paginator(cases, PAGE_SIZE).get_page(page),
        units=my_units(user),
        unit=None,
        filter="mine",
    )


UNIT_FILTERS = ("unassigned", "open")


def unit_for_queue(user: User, code: str) -> Unit:
    """The unit of that code among the user's (administrators: any unit), or a 404."""
    units = Unit.objects.filter(code=code).select_related("organization")
    if not acts_for_every_organization(user):
        units = units.filter(pk__in=member_unit_ids(user))
    unit = units.order_by("organization__owner_org").first()
    if unit is None:
        raise Http404(_("No such unit."))
    return unit


def unit_queue(user: User, unit: Unit, *, which: str = "unassigned", page: Any = None) -> QueuePage:
    """The open cases of a unit: those nobody owns yet (default) or all of them."""
    cases = Case.objects.visible_to(user).open().filter(current_unit=unit)
    if which != "open":
        which = "unassigned"
        cases = cases.filter(owner__isnull=True)
    return QueuePage(
        title=_("Cases of %(unit)s") % {"unit": i18n.pick_field(unit, "name")},
        page=Paginator(_queue_rows(cases), PAGE_SIZE).get_page(page),
        units=my_units(user),
        unit=unit,
        filter=which,
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
            reason=event.reason,
        )
        for event in events
    ]


def case_page(user: User, case: Case) -> CasePage:
    """The case page: the summary, the state, the timeline and what may be done next."""
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
