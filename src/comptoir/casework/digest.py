"""The daily digest and the ``due tomorrow`` notices (``comptoir digest``, run every 15 minutes).

For each active staff member who works a unit (an active ``UnitMembership``) and has cases (open
cases they own, or new unassigned ones in their units): when the instant is
within the first business hour of their unit's calendar today (its time zone, hours, holidays and
closures: ``core.businesstime.windows.in_first_business_hour``; never at night, on a weekend or on
a holiday) and no digest was recorded for them on that local date, the digest (their open cases,
those due today or by the next business day's close, those overdue, and the cases received in
their units since the previous business day's opening) is mailed in their language and recorded
as a ``digest`` notice. Their unit is the first of their memberships (by unit code).

Each run also gives the owner of each open case due by the next business day's close of the
case's unit a ``due_tomorrow`` notice, once per case per local date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from comptoir import i18n
from comptoir.casework.models import Case, NoticeKind, StaffNotice
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
    sent: list[int] = field(default_factory=list)
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
    since = now - timedelta(days=1)
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


def _send(digest: Digest) -> None:
    with i18n.rendered_for(digest.user):
        context = {"digest": digest, "zone": _zone(digest.unit)}
        subject = _("Your cases on %(day)s") % {"day": digest.day.isoformat()}
        body = render_to_string("casework/digest_email.txt", context)
    if digest.user.email:
        send_mail(subject, body, None, [digest.user.email])


def _zone(unit: Unit) -> str:
    return unit.time_zone


def do_send_digests(*, now: datetime) -> DigestRun:
    """Send the digests due at ``now`` and give the due-tomorrow notices (see the module)."""
    run = DigestRun()
    calendars: dict[int, Any] = {}
    for user, unit in _staff(now):
        if unit.pk not in calendars:
            calendars[unit.pk] = _calendar(unit)
        calendar = calendars[unit.pk]
        if calendar is None or not in_first_business_hour(calendar, now):
            continue
        day = local_date(calendar, now)
        if StaffNotice.objects.filter(
            recipient_id=user.pk, kind=NoticeKind.DIGEST, day=day
        ).exists():
            continue
        digest = build_digest(user, unit, calendar, now)
        if not (digest.open.count or digest.new.count):
            continue  # nothing to say: no digest
        try:
            with transaction.atomic():
                StaffNotice.objects.create(
                    recipient=user, kind=NoticeKind.DIGEST, day=day, created_at=now
                )
                _send(digest)
        except IntegrityError:  # another run recorded it meanwhile
            continue
        run.sent.append(user.pk)
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
