"""Writes of casework. One event writer, :func:`_record`, appends every event of a case and
rewrites the case's projection from ``comptoir.core.casework.derive_state`` in the same
transaction; the public ``do_<verb>_<noun>`` actions check their input, then call it. A refused
action raises :class:`~comptoir.casework.errors.CaseError` and changes nothing.

Unit keys: the core knows a unit by an opaque string; it is the unit's primary key (unit codes are
unique only within an organization), e.g. ``"12"``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.casework.errors import CaseError
from comptoir.casework.models import Case, CaseAccessLog, CaseEvent
from comptoir.casework.models.cases import ASSIGN_PERMISSION, Language, Priority
from comptoir.casework.signals import events_recorded
from comptoir.core.casework import (
    CORRECTABLE_FIELDS,
    MAX_ENTRY_MINUTES,
    CaseKind,
    CaseState,
    CaseworkError,
    CaseworkErrorCode,
    DataGap,
    EventFact,
    EventKind,
    Outcome,
    check_next,
    derive_state,
    make_reference,
    reference_numbers,
)
from comptoir.core.opendata.schema import Channel
from comptoir.inventory.models import Service, Unit, UnitMembership
from comptoir.inventory.models.scope import acts_for_every_organization
from comptoir.search.indexing import index_case

if TYPE_CHECKING:
    from comptoir.accounts.models import User

#: References are drawn at random among the eight-character codes (about 17 billion, see
#: ``core.casework.reference``); a collision is drawn again.
REFERENCE_LENGTH = 8
REFERENCE_ATTEMPTS = 8
#: A time entry is from one minute to the core's bound (one week: more is a typing error).
MAX_MINUTES = MAX_ENTRY_MINUTES
#: Bounded free text (what was asked, a note, a reason).
MAX_TEXT = 10_000
_PROJECTION = (
    "status",
    "current_unit",
    "owner",
    "received_at",
    "resolved_at",
    "last_event_at",
    "awaiting_since",
    "next_due_at",
)
#: What the search entry of a case reads besides the case (``search.indexing.case_entry``).
_INDEXED_RELATIONS = ("service", "client", "request_type", "subject")


def unit_key(unit_id: int | None) -> str | None:
    return None if unit_id is None else str(unit_id)


def _fact(event: CaseEvent) -> EventFact:
    try:
        return EventFact(
            kind=EventKind(event.kind),
            at=event.at,
            sequence=event.sequence,
            actor=event.actor_id,
            unit=unit_key(event.unit_id),
            payload=event.payload,
        )
    except CaseworkError as error:
        raise CaseError.from_core(error) from error


def facts_of(events: Iterable[CaseEvent]) -> list[EventFact]:
    return [_fact(event) for event in events]


def derive(facts: Sequence[EventFact]) -> CaseState:
    try:
        return derive_state(facts)
    except CaseworkError as error:
        raise CaseError.from_core(error) from error


def project_state(case: Case, state: CaseState, *, next_due_at: datetime | None = None) -> None:
    case.status = state.status.value
    case.current_unit_id = int(state.current_unit)
    case.owner_id = state.owner
    case.received_at = state.received_at
    case.resolved_at = state.resolved_at
    case.last_event_at = state.last_event_at
    case.awaiting_since = state.awaiting_since
    case.next_due_at = next_due_at


def next_due_at(case: Case, facts: Sequence[EventFact], state: CaseState) -> datetime | None:
    """The earliest due instant among the case's clocks that have not stopped (pending or
    already missed), as of its last event, a revised due date counting instead of its rule's;
    ``None`` when it has none or is resolved. The clocks are those of the case page
    (``measurement.clocks.clocks_for``), so the queues and the page agree. A unit whose calendar
    cannot be read gives no due instant rather than refusing the event."""
    from comptoir.core.businesstime import BusinessTimeError
    from comptoir.core.casework import Status, standards_timeline
    from comptoir.measurement.clocks import next_due

    if state.status is Status.RESOLVED:
        return None
    timeline = standards_timeline(
        case_kind=CaseKind(case.kind),
        channel=case.channel,
        tier=case.tier,
        service_id=case.service.service_id,
        entry_unit=str(case.entry_unit_id),
        events=facts,
    )
    try:
        return next_due(
            timeline, service=case.service, as_of=state.last_event_at, revised=state.revised_due
        )
    except BusinessTimeError:
        return None


def recompute_clocks(*, service_id: int | None = None, batch: int = 500) -> tuple[int, int]:
    """Write again ``next_due_at`` of the open cases (of one service, by its key, or all): after
    a change of a standard's rule. Returns (how many cases were read, how many changed)."""
    cases = Case.objects.open().select_related("service").order_by("pk")
    if service_id is not None:
        cases = cases.filter(service_id=service_id)
    count = changed = 0
    last = 0
    while True:
        rows = list(cases.filter(pk__gt=last)[:batch])
        if not rows:
            return count, changed
        for case in rows:
            with transaction.atomic():
                events = CaseEvent.objects.filter(case_id=case.pk).order_by("sequence")
                facts = facts_of(events)
                due = next_due_at(case, facts, derive(facts)) if facts else None
                if due != case.next_due_at:
                    Case.objects.filter(pk=case.pk).update(next_due_at=due)
                    changed += 1
            count += 1
        last = rows[-1].pk


@dataclass(frozen=True, slots=True)
class Draft:
    """One event to append (what :func:`_record_all` is given); ``unit_id`` ``None`` means the
    unit holding the case when the event is written."""

    kind: EventKind
    at: datetime
    unit_id: int | None = None
    reason: str = ""
    payload: Mapping[str, object] = field(default_factory=dict)


def _record(
    case: Case,
    kind: EventKind,
    *,
    actor: User | None,
    at: datetime | None = None,
    unit: Unit | None = None,
    reason: str = "",
    payload: Mapping[str, object] | None = None,
) -> CaseEvent:
    """Append one event to ``case`` and rewrite its projection (see :func:`_record_all`)."""
    draft = Draft(
        kind,
        at or timezone.now(),
        unit.pk if unit is not None else None,
        reason,
        dict(payload or {}),
    )
    return _record_all(case, [draft], actor=actor)[0]


def _record_all(
    case: Case, drafts: Sequence[Draft], *, actor: User | None, new: bool = False
) -> list[CaseEvent]:
    """Append ``drafts`` to ``case`` and rewrite its projection: the one event writer.

    An existing case's row is locked (``select_for_update``) while its events are read; each
    draft is checked with ``check_next`` against the state its predecessors make, given the next
    sequence number, and the state derived again with all of them, with the next due instant of
    its clocks (:func:`next_due_at`). The events are inserted, the projection written and the
    search entry rebuilt in one transaction; ``case`` is updated in place. A ``new`` case (one
    :func:`do_receive_case` builds, not yet stored) is inserted with its projection under a free
    reference. An impossible event raises ``CaseError`` and writes nothing.
    """
    recorded_at = timezone.now()
    with transaction.atomic():
        if new:
            locked, events = case, []
        else:
            locked = (
                Case.objects.select_for_update(of=("self",))
                .select_related(*_INDEXED_RELATIONS)
                .get(pk=case.pk)
            )
            events = list(CaseEvent.objects.filter(case_id=case.pk).order_by("sequence"))
        facts = facts_of(events)
        written: list[CaseEvent] = []
        unit_id = locked.current_unit_id
        for draft in drafts:
            if facts:
                try:
                    check_next(derive(facts), draft.kind)
                except CaseworkError as error:
                    raise CaseError.from_core(error) from error
            elif draft.kind is not EventKind.RECEIVED:
                raise CaseError.from_core(CaseworkError(CaseworkErrorCode.NOT_RECEIVED_FIRST))
            event = CaseEvent(
                case=locked,
                sequence=facts[-1].sequence + 1 if facts else 1,
                kind=draft.kind.value,
                at=_aware(draft.at),
                recorded_at=recorded_at,
                actor=actor,
                unit_id=draft.unit_id if draft.unit_id is not None else unit_id,
                reason=draft.reason,
                payload=dict(draft.payload),
            )
            facts.append(_fact(event))
            written.append(event)
            unit_id = int(derive(facts).current_unit)
        state = derive(facts)
        due = next_due_at(locked, facts, state)
        project_state(locked, state, next_due_at=due)
        if new:
            _insert_with_reference(locked)
        else:
            locked.save(update_fields=list(_PROJECTION))
        CaseEvent.objects.bulk_create(written)
        # The search index, in the event's transaction (comptoir.search).
        index_case(locked, events=[*events, *written])
        if locked is not case:
            project_state(case, state, next_due_at=due)
        _after_commit(lambda: _announce(locked, written))
    return written


def _announce(case: Case, events: list[CaseEvent]) -> None:
    """Tell the other apps (``casework.signals``) what was written, once it is stored."""
    events_recorded.send(sender=Case, case=case, events=events)


def _after_commit(callback: Callable[[], None]) -> None:
    """Side effects (mail, notices) run only once the event is stored."""
    transaction.on_commit(callback)


# --- staff notices ------------------------------------------------------------------------------


def _notify_later(kind: str, recipient_ids: Iterable[int], case: Case) -> None:
    """After the commit, one ``StaffNotice`` of ``kind`` about ``case`` for each recipient."""
    from comptoir.casework.models import StaffNotice

    recipients = sorted(set(recipient_ids))
    if not recipients:
        return
    case_id = case.pk

    def write() -> None:
        now = timezone.now()
        StaffNotice.objects.bulk_create(
            StaffNotice(recipient_id=pk, kind=kind, case_id=case_id, created_at=now)
            for pk in recipients
        )

    _after_commit(write)


def _notify_assigned(case: Case, assignee_id: int, *, actor: User | None) -> None:
    from comptoir.casework.models import NoticeKind

    if actor is None or assignee_id != actor.pk:
        _notify_later(NoticeKind.ASSIGNED_TO_YOU, [assignee_id], case)


def _notify_referred(case: Case, unit_id: int, *, actor: User | None) -> None:
    from comptoir.casework.models import NoticeKind

    members = UnitMembership.objects.filter(
        unit_id=unit_id, is_active=True, user__is_active=True
    ).values_list("user_id", flat=True)
    _notify_later(
        NoticeKind.REFERRED_TO_YOUR_UNIT,
        [pk for pk in members if actor is None or pk != actor.pk],
        case,
    )


# --- routing ------------------------------------------------------------------------------------

#: The code a routing rule stores as the reason of its referral (``routing:<key>|<name>``).
ROUTING_REASON_PREFIX = "routing:"


def routing_reason(rule: Any) -> str:
    return f"{ROUTING_REASON_PREFIX}{rule.pk}|{rule.name}"[:200]


def matching_rule(case: Case) -> Any:
    """The first active routing rule of the service's organization that matches ``case``."""
    from comptoir.casework.models import RoutingRule

    rules = RoutingRule.objects.filter(
        organization_id=case.service.organization_id, is_active=True
    ).order_by("priority", "pk")
    for rule in rules.select_related("target_unit", "target_assignee"):
        if rule.matches(
            service_id=case.service_id,
            kind=case.kind,
            tier=case.tier,
            channel=case.channel,
            entry_unit_id=case.entry_unit_id,
        ):
            return rule
    return None


def _routing(
    case: Case, *, actor: User | None, at: datetime
) -> tuple[list[Draft], list[Callable[[], None]]]:
    """What the first matching routing rule does to a case just received (see
    ``casework.models.routing``): refer it to the rule's unit, then assign it to the rule's
    assignee when they are an active member there. Returns the events to append and the notices
    to give once they are written."""
    rule = matching_rule(case)
    if rule is None or not rule.target_unit.is_active:
        return [], []
    drafts: list[Draft] = []
    notices: list[Callable[[], None]] = []
    unit_id = case.current_unit_id
    if rule.target_unit_id != unit_id:
        unit_id = rule.target_unit_id
        drafts.append(
            Draft(
                EventKind.REFERRED,
                at,
                reason=routing_reason(rule),
                payload={"to_unit": unit_key(unit_id)},
            )
        )
        notices.append(lambda: _notify_referred(case, rule.target_unit_id, actor=actor))
    assignee = rule.target_assignee
    if assignee is not None and assignee.is_active and is_unit_member(assignee, unit_id):
        drafts.append(Draft(EventKind.ASSIGNED, at, payload={"assignee": assignee.pk}))
        notices.append(lambda: _notify_assigned(case, assignee.pk, actor=actor))
    return drafts, notices


# --- checks -------------------------------------------------------------------------------------


def _text(value: str, *, required: bool, what: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise CaseError(_("Give a reason."), code="reason_required", params={"field": what})
    if len(value) > MAX_TEXT:
        raise CaseError(
            _("The text is too long (at most %(limit)s characters)."),
            code="text_too_long",
            params={"limit": MAX_TEXT},
        )
    return value


def is_unit_member(user: User, unit_id: int, *, manager: bool = False) -> bool:
    memberships = UnitMembership.objects.filter(user_id=user.pk, unit_id=unit_id, is_active=True)
    if manager:
        memberships = memberships.filter(is_manager=True)
    return user.is_active and memberships.exists()


def _require_member(actor: User, unit: Unit) -> None:
    if not (acts_for_every_organization(actor) or is_unit_member(actor, unit.pk)):
        raise CaseError(_("You are not a member of this unit."), code="not_unit_member", params={})


def _choice(value: object, enum_type: Any, code: str) -> Any:
    try:
        return enum_type(value)
    except ValueError as error:
        raise CaseError(
            _("This value is not one of the choices."), code=code, params={"value": value}
        ) from error


def _minutes(value: object, *, least: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MAX_MINUTES:
        raise CaseError(
            _("Give the time spent in whole minutes, from %(least)s to %(limit)s."),
            code="invalid_minutes",
            params={"least": least, "limit": MAX_MINUTES},
        )
    return value


def _aware(value: datetime) -> datetime:
    if timezone.is_naive(value):
        raise CaseError(_("Give the date with its time zone."), code="naive_datetime", params={})
    return value


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def case_for_status_token(token: str) -> Case | None:
    """The case a client's status token opens (the token is compared by its hash)."""
    return Case.objects.filter(status_token_hash=_token_hash(token)).first()


# --- receiving a case ---------------------------------------------------------------------------


def do_receive_case(
    *,
    service: Service,
    kind: str,
    channel: str,
    entry_unit: Unit,
    language: str,
    actor: User | None,
    description: str = "",
    answer: str = "",
    client: Any = None,
    is_anonymous: bool = False,
    tier: int = 1,
    request_type: Any = None,
    subject: Any = None,
    priority: str = Priority.NORMAL,
    is_confidential: bool = False,
    resolved_on_the_spot: bool = False,
    minutes: int | None = None,
    at: datetime | None = None,
    received_payload: Mapping[str, object] | None = None,
) -> tuple[Case, str]:
    """Record a case received by ``actor`` at ``entry_unit``; returns it with the client's status
    token (given once: only its SHA-256 is kept). ``actor`` is ``None`` when the client sent it
    themselves (the portal, an email): no membership is asked of anyone then.

    Records ``received``; the answer given, if any, as a ``note``; the minutes spent as
    ``time_spent``; and, when the case was resolved on the spot, ``resolved`` (delivered).
    ``received_payload`` is kept on the ``received`` event (how the client was matched).
    """
    case_kind = _choice(kind, CaseKind, "invalid_kind")
    _choice(channel, Channel, "invalid_channel")
    _choice(language, Language, "invalid_language")
    _choice(priority, Priority, "invalid_priority")
    if tier not in (1, 2, 3):
        raise CaseError(_("The tier is 1, 2 or 3."), code="invalid_tier", params={})
    if not entry_unit.is_active:
        raise CaseError(_("This unit is closed."), code="unit_inactive", params={})
    if actor is not None:
        _require_member(actor, entry_unit)
    if service.organization_id != entry_unit.organization_id:
        raise CaseError(
            _("The service is not one of the unit's organization."),
            code="service_elsewhere",
            params={},
        )
    if (client is None) == (not is_anonymous):
        raise CaseError(
            _("Choose a client, or say that the client is anonymous."),
            code="client_or_anonymous",
            params={},
        )
    if client is not None and client.merged_into_id is not None:
        raise CaseError(
            _("This client record was merged into record %(kept)s: choose the record kept."),
            code="client_merged",
            params={"kept": client.merged_into_id},
        )
    description = _text(description, required=False, what="description")
    answer = _text(answer, required=False, what="answer")
    if minutes is not None:
        _minutes(minutes)
    if request_type is not None and not request_type.is_active:
        raise CaseError(_("This request type is no longer in use."), code="inactive", params={})
    if subject is not None and not subject.is_active:
        raise CaseError(_("This subject is no longer in use."), code="inactive", params={})
    at = _aware(at or timezone.now())
    token = secrets.token_urlsafe(32)
    case = Case(
        service=service,
        kind=case_kind.value,
        channel=channel,
        entry_unit=entry_unit,
        current_unit=entry_unit,
        tier=tier,
        request_type=request_type,
        subject=subject,
        description=description,
        language=language,
        priority=priority,
        is_confidential=is_confidential,
        client=client,
        is_anonymous=is_anonymous,
        created_at=timezone.now(),
        status_token_hash=_token_hash(token),
    )
    received = Draft(
        EventKind.RECEIVED, at, unit_id=entry_unit.pk, payload=dict(received_payload or {})
    )
    drafts = [received]
    notices: list[Callable[[], None]] = []
    with transaction.atomic():
        if not resolved_on_the_spot:
            drafts, notices = _routing(case, actor=actor, at=at)
            drafts.insert(0, received)
        if answer:
            drafts.append(Draft(EventKind.NOTE, at, reason=answer))
        if minutes:
            drafts.append(Draft(EventKind.TIME_SPENT, at, payload={"minutes": minutes}))
        if resolved_on_the_spot:
            drafts.append(Draft(EventKind.RESOLVED, at, payload={"outcome": "delivered"}))
        _record_all(case, drafts, actor=actor, new=True)
        for notice in notices:
            notice()
    return case, token


def draw_reference_number() -> int:
    """A random number of the eight-character references (``secrets``, not ``random``)."""
    numbers = reference_numbers(REFERENCE_LENGTH)
    return numbers.start + secrets.randbelow(len(numbers))


def _insert_with_reference(case: Case) -> None:
    """Insert ``case`` under a random reference, drawing again on the rare collision."""
    for _attempt in range(REFERENCE_ATTEMPTS):
        case.reference = make_reference(draw_reference_number())
        try:
            with transaction.atomic():
                case.save(force_insert=True)
        except IntegrityError:
            if not Case.objects.filter(reference=case.reference).exists():
                raise
            continue
        return
    raise CaseError(
        _("No free case reference was found; try again."), code="reference_exhausted", params={}
    )


# --- acts on a case -----------------------------------------------------------------------------


def do_acknowledge(case: Case, *, actor: User, at: datetime | None = None) -> CaseEvent:
    """The client was told that their case was received."""
    return _record(case, EventKind.ACKNOWLEDGED, actor=actor, at=at)


def may_assign_others(actor: User, case: Case) -> bool:
    """Unit managers (of the case's current unit) and administrators assign others' cases."""
    if not actor.has_perm(ASSIGN_PERMISSION):
        return False
    return acts_for_every_organization(actor) or is_unit_member(
        actor, case.current_unit_id, manager=True
    )


def do_assign_case(
    case: Case, assignee: User, *, actor: User, at: datetime | None = None
) -> CaseEvent:
    """Give ``case`` to ``assignee``, an active member of its current unit. Anyone working the
    unit takes a case for themselves; assigning it to someone else needs a unit manager."""
    if not (assignee.is_active and is_unit_member(assignee, case.current_unit_id)):
        raise CaseError(
            _("%(name)s is not an active member of the case's unit."),
            code="assignee_not_member",
            params={"name": assignee.get_username()},
        )
    if assignee.pk != actor.pk and not may_assign_others(actor, case):
        raise CaseError(
            _("Only a manager of the case's unit may assign it to someone else."),
            code="may_not_assign",
            params={},
        )
    event = _record(case, EventKind.ASSIGNED, actor=actor, at=at, payload={"assignee": assignee.pk})
    _notify_assigned(case, assignee.pk, actor=actor)
    return event


def do_bulk_assign(cases: Sequence[Case], assignee: User, *, actor: User) -> list[CaseEvent]:
    """Assign several cases at once: all of them, or none when one is refused."""
    with transaction.atomic():
        return [do_assign_case(case, assignee, actor=actor) for case in cases]


def do_unassign_case(case: Case, *, actor: User, at: datetime | None = None) -> CaseEvent:
    if case.owner_id != actor.pk and not may_assign_others(actor, case):
        raise CaseError(
            _("Only a manager of the case's unit may assign it to someone else."),
            code="may_not_assign",
            params={},
        )
    return _record(case, EventKind.UNASSIGNED, actor=actor, at=at)


def do_refer_case(
    case: Case, to_unit: Unit, *, actor: User, reason: str, at: datetime | None = None
) -> CaseEvent:
    """Send ``case`` to another unit (it arrives there unassigned), with a reason."""
    reason = _text(reason, required=True, what="reason")
    if to_unit.pk == case.current_unit_id:
        raise CaseError(_("The case is already in this unit."), code="same_unit", params={})
    if not to_unit.is_active:
        raise CaseError(_("This unit is closed."), code="unit_inactive", params={})
    event = _record(
        case,
        EventKind.REFERRED,
        actor=actor,
        at=at,
        reason=reason,
        payload={"to_unit": unit_key(to_unit.pk)},
    )
    _notify_referred(case, to_unit.pk, actor=actor)
    return event


def escalation_count(case: Case) -> int:
    """How many times the complaint was escalated (its ``referred`` events marked so)."""
    return CaseEvent.objects.filter(
        case=case, kind=EventKind.REFERRED.value, payload__escalated=True
    ).count()


def do_escalate_complaint(
    case: Case, to_unit: Unit, *, actor: User, reason: str, at: datetime | None = None
) -> list[CaseEvent]:
    """Escalate a complaint (Guideline on Service Management §2.3): it goes to ``to_unit`` (the
    same unit is allowed: it arrives unassigned for its managers to take) as a ``referred`` event
    marked ``escalated`` with its level; a resolved complaint is reopened first, because the client
    was not satisfied with the answer. The unit's members are told."""
    if case.kind != CaseKind.COMPLAINT.value:
        raise CaseError(_("Only a complaint can be escalated."), code="not_a_complaint", params={})
    reason = _text(reason, required=True, what="reason")
    if not to_unit.is_active:
        raise CaseError(_("This unit is closed."), code="unit_inactive", params={})
    if to_unit.organization_id != case.current_unit.organization_id:
        raise CaseError(
            _("The unit is not one of the case's organization."),
            code="unit_elsewhere",
            params={},
        )
    at = at or timezone.now()
    drafts = []
    if case.status == "resolved":
        drafts.append(Draft(EventKind.REOPENED, at, reason=reason))
    drafts.append(
        Draft(
            EventKind.REFERRED,
            at,
            reason=reason,
            payload={
                "to_unit": unit_key(to_unit.pk),
                "escalated": True,
                "level": escalation_count(case) + 1,
            },
        )
    )
    with transaction.atomic():
        written = _record_all(case, drafts, actor=actor)
        _notify_referred(case, to_unit.pk, actor=actor)
    return written


def do_await_client(
    case: Case, *, actor: User, reason: str = "", at: datetime | None = None
) -> CaseEvent:
    """The case waits for the client (the clock of a standard that pauses for it stops)."""
    reason = _text(reason, required=False, what="reason")
    return _record(case, EventKind.AWAITING_CLIENT, actor=actor, at=at, reason=reason)


def do_resume_case(
    case: Case, *, actor: User, reason: str = "", at: datetime | None = None
) -> CaseEvent:
    reason = _text(reason, required=False, what="reason")
    return _record(case, EventKind.RESUMED, actor=actor, at=at, reason=reason)


def do_add_note(case: Case, text: str, *, actor: User, at: datetime | None = None) -> CaseEvent:
    text = _text(text, required=True, what="note")
    return _record(case, EventKind.NOTE, actor=actor, at=at, reason=text)


def do_log_time(case: Case, minutes: int, *, actor: User, at: datetime | None = None) -> CaseEvent:
    return _record(
        case, EventKind.TIME_SPENT, actor=actor, at=at, payload={"minutes": _minutes(minutes)}
    )


def do_revise_due_date(
    case: Case,
    standard_id: str,
    due_at: datetime,
    reason: str,
    *,
    actor: User,
    at: datetime | None = None,
) -> CaseEvent:
    """A new due date for one of the service's standards, with the reason (kept as typed)."""
    reason = _text(reason, required=True, what="reason")
    standard_id = (standard_id or "").strip()
    if not standard_id:
        raise CaseError(_("Choose a standard."), code="standard_required", params={})
    return _record(
        case,
        EventKind.DUE_DATE_REVISED,
        actor=actor,
        at=at,
        reason=reason,
        payload={"standard_id": standard_id, "due_at": _aware(due_at).isoformat()},
    )


def _resolution(code: object, data_gap: object) -> dict[str, object]:
    outcome: Outcome = _choice(code, Outcome, "invalid_outcome")
    payload: dict[str, object] = {"outcome": outcome.value}
    if outcome is Outcome.UNANSWERABLE:
        if not data_gap:
            raise CaseError(
                _("Say why the request could not be answered."),
                code="data_gap_required",
                params={},
            )
        payload["data_gap"] = _choice(data_gap, DataGap, "invalid_data_gap").value
    elif data_gap:
        raise CaseError(
            _("A data gap is given only when the request could not be answered."),
            code="data_gap_unexpected",
            params={},
        )
    return payload


def do_resolve_case(
    case: Case,
    outcome: str,
    data_gap: str | None = None,
    *,
    actor: User,
    reason: str = "",
    at: datetime | None = None,
) -> CaseEvent:
    """Close the case with its outcome (and, when it could not be answered, the data gap)."""
    payload = _resolution(outcome, data_gap)
    reason = _text(reason, required=False, what="reason")
    return _record(case, EventKind.RESOLVED, actor=actor, at=at, reason=reason, payload=payload)


def do_reopen_case(
    case: Case, reason: str, *, actor: User, at: datetime | None = None
) -> CaseEvent:
    reason = _text(reason, required=True, what="reason")
    return _record(case, EventKind.REOPENED, actor=actor, at=at, reason=reason)


def do_correct_event(
    case: Case,
    sequence: int,
    changes: Mapping[str, object],
    *,
    actor: User,
    reason: str,
    at: datetime | None = None,
) -> CaseEvent:
    """Correct an earlier event (time spent, or a resolution's outcome) by a new ``corrected``
    event: the log is never changed in place."""
    reason = _text(reason, required=True, what="reason")
    target = CaseEvent.objects.filter(case_id=case.pk, sequence=sequence).first()
    allowed = CORRECTABLE_FIELDS.get(EventKind(target.kind)) if target is not None else None
    if target is None or allowed is None or not changes or set(changes) - allowed:
        raise CaseError(
            _("This event cannot be corrected this way."), code="invalid_correction", params={}
        )
    payload: dict[str, object] = {"corrects": sequence}
    if "minutes" in changes:
        payload["minutes"] = _minutes(changes["minutes"], least=0)
    if "outcome" in changes:
        payload.update(_resolution(changes["outcome"], changes.get("data_gap")))
    if "due_at" in changes:
        due_at = changes["due_at"]
        if not isinstance(due_at, datetime):
            raise CaseError(_("Give a date."), code="invalid_date", params={})
        payload["due_at"] = _aware(due_at).isoformat()
    return _record(case, EventKind.CORRECTED, actor=actor, at=at, reason=reason, payload=payload)


# --- merges of duplicate clients (comptoir.clients.actions.do_merge_clients) --------------------


def do_move_client_cases(
    case_ids: Iterable[int],
    to_client: Any,
    *,
    merge: int,
    actor: User | None,
    reason: str,
    undone: bool = False,
    only_from: int | None = None,
) -> list[int]:
    """Move each of these cases to the client record ``to_client`` with a ``client_changed``
    event naming the record it left and the merge (``undone`` when a merge is undone). A case
    already on ``to_client`` (or, with ``only_from``, on another record than that one) is left
    as it is. Returns the keys of the cases moved. The clients
    app calls this inside its merge's transaction; the case's search entry follows (its client's
    name is searchable)."""
    moved: list[int] = []
    with transaction.atomic():
        for case in Case.objects.select_for_update().filter(pk__in=list(case_ids)).order_by("pk"):
            if case.client_id == to_client.pk or only_from not in (None, case.client_id):
                continue
            payload: dict[str, object] = {
                "from_client": case.client_id,
                "to_client": to_client.pk,
                "merge": merge,
            }
            if undone:
                payload["undone"] = True
            Case.objects.filter(pk=case.pk).update(client=to_client)
            _record(case, EventKind.CLIENT_CHANGED, actor=actor, reason=reason, payload=payload)
            moved.append(case.pk)
    return moved


# --- reads of confidential cases ----------------------------------------------------------------


def log_confidential_read(case: Case, *, user: User, page: str) -> None:
    """Every read of a confidential case is kept (who, when, which page)."""
    if case.is_confidential:
        CaseAccessLog.objects.create(case=case, user=user, at=timezone.now(), page=page)


# --- the fast entry form ------------------------------------------------------------------------


def do_enter_case(
    *,
    new_client: Mapping[str, str] | None = None,
    actor: User,
    **case_fields: Any,
) -> tuple[Case, str]:
    """The fast entry form's one write: the new client (with their email and phone) when one was
    typed in, then the case (:func:`do_receive_case`), in one transaction."""
    from comptoir.clients.actions import do_add_contact_point, do_create_client

    with transaction.atomic():
        if new_client is not None:
            organization_name = (new_client.get("organization_name") or "").strip()
            is_person = bool(
                (new_client.get("given_name") or "").strip()
                or (new_client.get("family_name") or "").strip()
            )
            client = do_create_client(
                kind="person" if is_person or not organization_name else "organization",
                given_name=new_client.get("given_name", "") if is_person else "",
                family_name=new_client.get("family_name", "") if is_person else "",
                organization_name="" if is_person else organization_name,
                preferred_language=str(case_fields.get("language") or "en"),
                segment="public",
                actor=actor,
            )
            for kind in ("email", "phone"):
                value = (new_client.get(kind) or "").strip()
                if value:
                    do_add_contact_point(
                        client, kind=kind, value=value, is_primary=True, actor=actor
                    )
            case_fields["client"] = client
            case_fields["is_anonymous"] = False
        return do_receive_case(actor=actor, **case_fields)


# --- staff notices read -------------------------------------------------------------------------


def do_mark_notices_read(user: User, *, notice_id: int | None = None, actor: User) -> int:
    """Mark one of ``user``'s notices read (or, without ``notice_id``, all of them); the only
    change a notice ever takes. Returns how many were marked."""
    from comptoir.casework.models import StaffNotice

    if actor.pk != user.pk:
        raise CaseError(_("You may only mark your own notices read."), code="not_yours", params={})
    notices = StaffNotice.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if notice_id is not None:
        notices = notices.filter(pk=notice_id)
    return notices.update(read_at=timezone.now())


# --- the client's side (the portal, their emails) and what the mail system reports ------------


def client_email(case: Case) -> str:
    """The address mail to the case's client goes to: their primary active email, else their
    first active one; ``""`` for an anonymous case or a client without one."""
    if case.client_id is None:
        return ""
    from comptoir.clients.models import ContactPoint

    point = (
        ContactPoint.objects.filter(client_id=case.client_id, kind="email", is_active=True)
        .order_by("-is_primary", "pk")
        .values_list("value", flat=True)
        .first()
    )
    return point or ""


def do_client_message(
    case: Case,
    text: str,
    *,
    channel: str = Channel.ONL,
    at: datetime | None = None,
    payload: Mapping[str, object] | None = None,
) -> list[CaseEvent]:
    """What the client sent (from the status page, or by email): a ``message_in`` without an
    actor; when the case was waiting for the client, ``resumed`` too, so the paused clocks run
    again. ``payload`` keeps where it came from (an inbound message's key, its attachments)."""
    _choice(channel, Channel, "invalid_channel")
    text = _text(text, required=True, what="message")
    at = at or timezone.now()
    drafts = [
        Draft(
            EventKind.MESSAGE_IN,
            at,
            reason=text,
            payload={"from": "client", "channel": str(channel), **dict(payload or {})},
        )
    ]
    if case.status == "awaiting_client":
        drafts.append(Draft(EventKind.RESUMED, at))
    return _record_all(case, drafts, actor=None)


def do_client_withdraw(case: Case, reason: str = "", *, at: datetime | None = None) -> CaseEvent:
    """The client withdraws their request: resolved, outcome ``withdrawn``, without an actor."""
    reason = _text(reason, required=False, what="reason")
    return _record(
        case,
        EventKind.RESOLVED,
        actor=None,
        at=at,
        reason=reason,
        payload={"outcome": Outcome.WITHDRAWN.value, "by": "client"},
    )


def do_reply_to_client(
    case: Case, text: str, *, actor: User, at: datetime | None = None
) -> CaseEvent:
    """A reply to the client written on the case page: a ``message_out`` event; the mail goes
    once it is stored (``comptoir.notifications``). Refused when there is no address to send to."""
    text = _text(text, required=True, what="reply")
    if not client_email(case):
        raise CaseError(
            _("This client has no email address: record the reply as a note instead."),
            code="no_client_email",
            params={},
        )
    return _record(
        case, EventKind.MESSAGE_OUT, actor=actor, at=at, reason=text, payload={"to": "client"}
    )


def do_record_delivery(
    case: Case,
    message_key: int,
    status: str,
    *,
    detail: str = "",
    at: datetime | None = None,
) -> CaseEvent:
    """What the mail system reported of the outbound message ``message_key`` (a ``delivery``
    event without an actor: ``delivered``, ``permanent-failure``…)."""
    return _record(
        case,
        EventKind.DELIVERY,
        actor=None,
        at=at,
        reason=_text(detail, required=False, what="detail")[:500],
        payload={"message": int(message_key), "status": str(status)},
    )
