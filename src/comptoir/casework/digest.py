"""The daily digest and the ``due tomorrow`` notices (``comptoir digest``, run every 15 minutes).

For each active staff member who works a unit (an active ``UnitMembership``) and has cases (open
cases they own, or new unassigned ones in their units): when the instant is
within the first business hour of their unit's calendar today (its time zone, hours, holidays and
closures: ``core.businesstime.windows.in_first_business_hour``; never at night, on a weekend or on
a holiday) and no digest was recorded for them on that local date, the digest (their open cases,
those due today or by the next business day's close, those overdue, and the unassigned cases
received in their units in the last 24 hours) is mailed in their language and recorded as a
``digest`` notice. Their unit is the first of their memberships (by unit code).

The mail is never sent inside a transaction. A run goes in three committed steps through the
outbox ``DigestDelivery`` (one row per person and local day, a unique constraint):

1. the intent: a ``pending`` row, committed (a second run meanwhile gets the unique constraint and
   skips the person);
2. the claim, one row at a time: ``sending`` and the attempt counted, committed (``SELECT … FOR
   UPDATE SKIP LOCKED`` on PostgreSQL, and an update that only takes the row in the state it was
   read in, so a single run wins it on any database);
3. the mail, then the outcome: ``sent`` with the ``digest`` notice in one transaction, or
   ``failed`` with the error.

Each run also takes up today's ``pending`` and ``failed`` rows (a failed send, or a run stopped
before its claim) until ``MAX_ATTEMPTS`` attempts. A row left ``sending`` (a run stopped between
its claim and the outcome: the mail may have gone) is never sent again by itself; the run reports
it (``DigestRun.interrupted``). Every attempt at one digest has the same ``Message-ID``.

Each run also gives the owner of each open case due by the next business day's close of the
case's unit a ``due_tomorrow`` notice, once per case per local date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from comptoir import i18n
from comptoir.casework.models import (
    Case,
    DigestDelivery,
    DigestStatus,
    NoticeKind,
    StaffNotice,
)
from comptoir.casework.models.digests import MAX_ATTEMPTS
from comptoir.core.businesstime import BusinessTimeError
from comptoir.core.businesstime.windows import (
    in_first_business_hour,
    local_date,
    next_business_day_close,
)
from comptoir.inventory.calendars import calendar_for
from comptoir.inventory.models import Unit, UnitMembership

if TYPE_CHECKING:
    from comptoir.accounts.models import User

#: How many cases of each list the mail names (the rest: "and N more", the queues have them all).
LIST_LIMIT = 20
#: How far back the digest's "new and unassigned" list looks.
NEW_SINCE = timedelta(days=1)
#: The states a run (re)tries a delivery in.
RETRYABLE = [DigestStatus.PENDING, DigestStatus.FAILED]
#: A delivery still ``sending`` this long after its claim was left by a run that stopped.
INTERRUPTED_AFTER = timedelta(minutes=15)
#: How much of a send's error is kept.
ERROR_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class CaseList:
    cases: list[Case]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.cases)


@dataclass(frozen=True, slots=True)
class Digest:
    user: Any
    unit: Unit
    day: date
    open: CaseList
    due: CaseList
    overdue: CaseList
    new: CaseList


@dataclass(slots=True)
class DigestRun:
    """What one run did: the people whose digest it sent, those whose send failed (tried again
    by a later run), today's deliveries given up after ``MAX_ATTEMPTS`` and those a stopped run
    left ``sending`` (never sent again by themselves), and the due-tomorrow notices written."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    given_up: list[DigestDelivery] = field(default_factory=list)
    interrupted: list[DigestDelivery] = field(default_factory=list)
    due_notices: int = 0


def _calendar(unit: Unit) -> Any:
    try:
        return calendar_for(unit)
    except BusinessTimeError:
        return None


def _bounded(cases: Any) -> CaseList:
    rows = list(
        cases.select_related("service").order_by("next_due_at", "received_at", "pk")[:LIST_LIMIT]
    )
    count = len(rows) if len(rows) < LIST_LIMIT else cases.count()
    return CaseList(cases=rows, count=count)


def build_digest(user: User, unit: Unit, calendar: Any, now: datetime) -> Digest:
    """The digest of ``user`` as of ``now`` (``unit`` is theirs, ``calendar`` its calendar)."""
    close = next_business_day_close(calendar, now) or now + timedelta(days=1)
    mine = Case.objects.open().filter(owner_id=user.pk)
    unit_ids = UnitMembership.objects.filter(user_id=user.pk, is_active=True).values("unit_id")
    since = now - NEW_SINCE
    new = (
        Case.objects.visible_to(user)
        .open()
        .filter(current_unit__in=unit_ids, received_at__gte=since, owner__isnull=True)
    )
    return Digest(
        user=user,
        unit=unit,
        day=local_date(calendar, now),
        open=_bounded(mine),
        due=_bounded(mine.filter(next_due_at__gt=now, next_due_at__lte=close)),
        overdue=_bounded(mine.filter(next_due_at__lte=now)),
        new=_bounded(new),
    )


def _staff(now: datetime) -> list[tuple[Any, Unit]]:
    """Each active staff member who works a unit, with their first unit (by code)."""
    memberships = (
        UnitMembership.objects.filter(is_active=True, user__is_active=True, unit__is_active=True)
        .select_related("user", "unit__organization")
        .prefetch_related("unit__holiday_overrides", "unit__closures")
        .order_by("user_id", "unit__code", "unit_id")
    )
    first: dict[int, tuple[Any, Unit]] = {}
    for membership in memberships:
        first.setdefault(membership.user_id, (membership.user, membership.unit))
    return list(first.values())


def _message_id(delivery: DigestDelivery) -> str:
    """The same ``Message-ID`` for every attempt at one day's digest, so that a mail system that
    got it twice (a server that failed after accepting it) can tell the copies are one message."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "comptoir.invalid"
    return f"<digest-{delivery.pk}.{delivery.day:%Y%m%d}@{domain}>"


def _send(digest: Digest, delivery: DigestDelivery) -> None:
    with i18n.rendered_for(digest.user):
        context = {"digest": digest, "zone": _zone(digest.unit)}
        subject = _("Your cases on %(day)s") % {"day": digest.day.isoformat()}
        body = render_to_string("casework/digest_email.txt", context)
    if digest.user.email:
        message = EmailMessage(
            subject, body, to=[digest.user.email], headers={"Message-ID": _message_id(delivery)}
        )
        message.send()


def _zone(unit: Unit) -> str:
    return unit.time_zone


def _has_something(user: User, now: datetime) -> bool:
    """Whether ``user`` has an open case, or their units a new unassigned one (the digest's two
    lists; else no digest)."""
    if Case.objects.open().filter(owner_id=user.pk).exists():
        return True
    unit_ids = UnitMembership.objects.filter(user_id=user.pk, is_active=True).values("unit_id")
    return (
        Case.objects.visible_to(user)
        .open()
        .filter(current_unit__in=unit_ids, received_at__gte=now - NEW_SINCE, owner__isnull=True)
        .exists()
    )


def _record_intents(now: datetime, calendars: dict[int, Any]) -> int:
    """A ``pending`` delivery, committed, for each person whose digest is due at ``now`` and has
    none for their local day yet. Returns how many were written."""
    written = 0
    for user, unit in _staff(now):
        calendar = _cached_calendar(unit, calendars)
        if calendar is None or not in_first_business_hour(calendar, now):
            continue
        day = local_date(calendar, now)
        if DigestDelivery.objects.filter(recipient_id=user.pk, day=day).exists():
            continue
        # A digest sent before the outbox existed left only its notice.
        if StaffNotice.objects.filter(
            recipient_id=user.pk, kind=NoticeKind.DIGEST, day=day
        ).exists():
            continue
        if not _has_something(user, now):
            continue  # nothing to say: no digest (a later run of the hour may have something)
        try:
            with transaction.atomic(durable=True):
                DigestDelivery.objects.create(recipient=user, unit=unit, day=day, created_at=now)
        except IntegrityError:  # another run recorded it meanwhile
            continue
        written += 1
    return written


def _todays(
    now: datetime, calendars: dict[int, Any], statuses: Sequence[str]
) -> list[DigestDelivery]:
    """The deliveries in ``statuses`` of active staff whose day is the local day of their unit at
    ``now``."""
    near = (now.date() - timedelta(days=1), now.date() + timedelta(days=1))
    rows = (
        DigestDelivery.objects.filter(
            status__in=statuses, day__range=near, recipient__is_active=True
        )
        .select_related("recipient", "unit__organization")
        .prefetch_related("unit__holiday_overrides", "unit__closures")
        .order_by("pk")
    )
    todays = []
    for delivery in rows:
        calendar = _cached_calendar(delivery.unit, calendars)
        if calendar is not None and local_date(calendar, now) == delivery.day:
            todays.append(delivery)
    return todays


def _claim(delivery: DigestDelivery, now: datetime) -> bool:
    """Mark ``delivery`` ``sending`` and count the attempt, committed, unless another run has it:
    on PostgreSQL a row another run holds is skipped (``SKIP LOCKED``); on every database the
    update only takes the row in the state it was read in, so one run alone wins it."""
    with transaction.atomic(durable=True):
        row = (
            DigestDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery.pk, status__in=RETRYABLE, attempts__lt=MAX_ATTEMPTS)
            .only("pk", "status", "attempts")
            .first()
        )
        if row is None:
            return False
        won = DigestDelivery.objects.filter(
            pk=row.pk, status=row.status, attempts=row.attempts
        ).update(status=DigestStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    if won:
        delivery.status = DigestStatus.SENDING
        delivery.attempts = row.attempts + 1
        delivery.last_attempt_at = now
    return bool(won)


def _deliver(delivery: DigestDelivery, now: datetime, calendar: Any, run: DigestRun) -> None:
    """Send a claimed delivery, then record the outcome (``sent`` with its notice, or
    ``failed`` with the error)."""
    user = delivery.recipient
    try:
        _send(build_digest(user, delivery.unit, calendar, now), delivery)
    except Exception as error:  # whatever the mail system raised: kept, tried again
        detail = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
        with transaction.atomic(durable=True):
            DigestDelivery.objects.filter(pk=delivery.pk, status=DigestStatus.SENDING).update(
                status=DigestStatus.FAILED, last_error=detail
            )
        run.failed.append(user.pk)
        return
    with transaction.atomic(durable=True):
        DigestDelivery.objects.filter(pk=delivery.pk, status=DigestStatus.SENDING).update(
            status=DigestStatus.SENT, sent_at=now, last_error=""
        )
        StaffNotice.objects.get_or_create(
            recipient=user, kind=NoticeKind.DIGEST, day=delivery.day, defaults={"created_at": now}
        )
    run.sent.append(user.pk)


def _cached_calendar(unit: Unit, calendars: dict[int, Any]) -> Any:
    if unit.pk not in calendars:
        calendars[unit.pk] = _calendar(unit)
    return calendars[unit.pk]


def do_send_digests(*, now: datetime) -> DigestRun:
    """Send the digests due at ``now`` and give the due-tomorrow notices (see the module).

    Runs outside any transaction (each step commits on its own: ``durable``), so that the intent
    and the claim are on disk before the mail leaves."""
    run = DigestRun()
    calendars: dict[int, Any] = {}
    _record_intents(now, calendars)
    for delivery in _todays(now, calendars, RETRYABLE):
        if delivery.attempts >= MAX_ATTEMPTS or not _claim(delivery, now):
            continue
        _deliver(delivery, now, calendars[delivery.unit_id], run)
    for delivery in _todays(now, calendars, [DigestStatus.SENDING, DigestStatus.FAILED]):
        if delivery.status == DigestStatus.FAILED and delivery.attempts >= MAX_ATTEMPTS:
            run.given_up.append(delivery)
        elif (
            delivery.status == DigestStatus.SENDING
            and delivery.last_attempt_at is not None
            and delivery.last_attempt_at <= now - INTERRUPTED_AFTER
        ):
            run.interrupted.append(delivery)
    run.due_notices = do_give_due_notices(now=now, calendars=calendars)
    return run


def do_give_due_notices(*, now: datetime, calendars: dict[int, Any] | None = None) -> int:
    """A ``due_tomorrow`` notice for the owner of each open case due by the next business day's
    close of its unit, once per case per local date. Returns how many were written."""
    calendars = {} if calendars is None else calendars
    unit_ids = (
        Case.objects.open()
        .filter(owner__isnull=False, next_due_at__gt=now)
        .values_list("current_unit_id", flat=True)
        .distinct()
    )
    units = (
        Unit.objects.filter(pk__in=list(unit_ids))
        .prefetch_related("holiday_overrides", "closures")
        .select_related("organization")
    )
    written = 0
    for unit in units:
        if unit.pk not in calendars:
            calendars[unit.pk] = _calendar(unit)
        calendar = calendars[unit.pk]
        if calendar is None:
            continue
        close = next_business_day_close(calendar, now)
        if close is None:
            continue
        day = local_date(calendar, now)
        due = Case.objects.open().filter(
            current_unit=unit, owner__isnull=False, next_due_at__gt=now, next_due_at__lte=close
        )
        already = StaffNotice.objects.filter(
            kind=NoticeKind.DUE_TOMORROW, day=day, case__in=due.values("pk")
        ).filter(Q(recipient_id__isnull=False))
        seen = set(already.values_list("case_id", "recipient_id"))
        fresh = [
            StaffNotice(
                recipient_id=case.owner_id or 0,  # the query keeps owned cases only
                kind=NoticeKind.DUE_TOMORROW,
                case=case,
                day=day,
                created_at=now,
            )
            for case in due.only("pk", "owner_id")
            if (case.pk, case.owner_id) not in seen
        ]
        StaffNotice.objects.bulk_create(fresh, ignore_conflicts=True)
        written += len(fresh)
    return written
