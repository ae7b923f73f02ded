"""``comptoir digest``: the daily digest in each person's first business hour (never at night, on
a weekend or on a holiday), once a day, in their language; the due-tomorrow notices."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from comptoir.casework import actions
from comptoir.casework.models import NoticeKind, StaffNotice

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=MONTREAL)  # type: ignore[misc]


@pytest.fixture
def quebec(make_unit):
    return make_unit(
        "qc",
        time_zone="America/Montreal",
        business_hours="08:30-16:30",
        holiday_jurisdiction="CA-QC",
    )


@pytest.fixture
def officer(make_member, quebec):
    return make_member(quebec, username="olivia")


@pytest.fixture
def owned(make_case, quebec, officer):
    case = make_case(quebec, officer, at=local(2026, 5, 1, 10, 0))
    actions.do_assign_case(case, officer, actor=officer, at=local(2026, 5, 1, 10, 5))
    return case


def digest(at: datetime) -> str:
    out = StringIO()
    call_command("digest", "--as-of", at.isoformat(), "--language", "en", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "at",
    [
        local(2026, 6, 2, 2, 0),  # a Tuesday at night
        local(2026, 6, 6, 8, 40),  # a Saturday
        local(2026, 7, 1, 8, 40),  # Canada Day
        local(2026, 6, 24, 8, 40),  # Saint-Jean-Baptiste (Quebec)
        local(2026, 6, 2, 10, 0),  # past the first business hour
    ],
)
def test_no_digest_at_night_on_a_weekend_or_a_holiday(owned, at):
    assert "0 digests sent." in digest(at)
    assert mail.outbox == []
    assert not StaffNotice.objects.filter(kind=NoticeKind.DIGEST).exists()


def test_the_digest_is_sent_once_in_the_first_business_hour(owned, officer):
    assert "1 digest sent." in digest(local(2026, 6, 2, 8, 40))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert message.subject == "Your cases on 2026-06-02"
    assert "You have 1 open case." in message.body
    assert owned.reference in message.body
    notice = StaffNotice.objects.get(kind=NoticeKind.DIGEST)
    assert notice.recipient == officer
    assert str(notice.day) == "2026-06-02"
    digest(local(2026, 6, 2, 8, 55))  # the next run, a quarter of an hour later
    digest(local(2026, 6, 2, 9, 10))
    assert len(mail.outbox) == 1
    digest(local(2026, 6, 3, 8, 35))  # the next day
    assert len(mail.outbox) == 2


def test_the_digest_is_in_french_for_a_french_speaking_officer(owned, officer):
    officer.preferred_language = "fr"
    officer.save(update_fields=["preferred_language"])
    digest(local(2026, 6, 2, 8, 40))
    message = mail.outbox[0]
    assert message.subject == "Vos dossiers au 2026-06-02"
    assert "Vous avez 1 dossier ouvert." in message.body
    assert "En retard :" in message.body


def test_no_digest_for_someone_without_cases(officer):
    digest(local(2026, 6, 2, 8, 40))
    assert mail.outbox == []


def test_a_naive_instant_is_refused(owned):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("digest", "--as-of", "2026-06-02T08:40:00", stdout=StringIO())


def test_the_owner_of_a_case_due_by_the_next_business_day_gets_one_notice_a_day(
    owned, officer, service
):
    from comptoir.core.businesstime import Within
    from comptoir.core.standards import StandardRule
    from comptoir.inventory.models import ServiceStandard

    ServiceStandard.objects.create(
        service=service,
        service_standard_id="D1",
        rule=StandardRule("D1", Within.parse("2 business days")).to_dict(),
    )
    case = actions.do_receive_case(
        service=service,
        kind="enquiry",
        channel="TEL",
        entry_unit=owned.entry_unit,
        language="en",
        is_anonymous=True,
        actor=officer,
        at=local(2026, 6, 1, 9, 0),
    )[0]
    actions.do_assign_case(case, officer, actor=officer, at=local(2026, 6, 1, 9, 5))
    assert case.next_due_at is not None
    due = case.next_due_at.astimezone(MONTREAL)
    # Due by the close of 2026-06-03: on the 2nd it is due by the next business day's close.
    assert due.date() <= local(2026, 6, 3).date()
    assert "1 notice of a case due" in digest(local(2026, 6, 2, 11, 0))
    digest(local(2026, 6, 2, 14, 0))
    notices = StaffNotice.objects.filter(kind=NoticeKind.DUE_TOMORROW)
    assert notices.count() == 1
    assert notices.get().recipient == officer
    assert notices.get().case_id == case.pk
    assert "0 notices of cases due" in digest(local(2026, 6, 2, 15, 0))  # once a day
