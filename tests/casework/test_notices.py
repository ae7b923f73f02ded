"""Staff notices: written after the commit by the assign and refer acts, listed on the notices
page (paginated, mark read), counted in the staff menu; in both languages."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from comptoir.casework import actions
from comptoir.casework.models import NoticeKind, StaffNotice
from comptoir.casework.templatetags.casework import unread_notices

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"casework:{name}", args=args)


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit, username="olivia")


@pytest.fixture
def manager(make_member, unit):
    return make_member(unit, username="manon", is_manager=True)


def test_a_case_assigned_to_someone_else_gives_them_a_notice_after_the_commit(
    make_case, unit, officer, manager, django_capture_on_commit_callbacks
):
    case = make_case(unit, manager)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.do_assign_case(case, officer, actor=manager)
        assert not StaffNotice.objects.exists()  # not before the commit
    for callback in callbacks:
        callback()
    notice = StaffNotice.objects.get()
    assert (notice.recipient, notice.kind, notice.case) == (
        officer,
        NoticeKind.ASSIGNED_TO_YOU,
        case,
    )


def test_taking_a_case_for_oneself_gives_no_notice(
    make_case, unit, officer, django_capture_on_commit_callbacks
):
    case = make_case(unit, officer)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_assign_case(case, officer, actor=officer)
    assert not StaffNotice.objects.exists()


def test_a_refused_batch_gives_no_notice(
    make_case, make_unit, make_member, unit, officer, manager, django_capture_on_commit_callbacks
):
    from comptoir.casework.errors import CaseError

    mine = make_case(unit, manager)
    back = make_unit("back")
    elsewhere = make_case(back, make_member(back))  # officer is no member there
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(CaseError),
        transaction.atomic(),
    ):
        actions.do_bulk_assign([mine, elsewhere], officer, actor=manager)
    assert not StaffNotice.objects.exists()


def test_a_referral_notifies_the_members_of_the_unit(
    make_case, make_unit, make_member, unit, officer, django_capture_on_commit_callbacks
):
    back = make_unit("back")
    first, second = make_member(back), make_member(back)
    case = make_case(unit, officer)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_refer_case(case, back, actor=officer, reason="Their subject.")
    notices = StaffNotice.objects.filter(kind=NoticeKind.REFERRED_TO_YOUR_UNIT)
    assert set(notices.values_list("recipient_id", flat=True)) == {first.pk, second.pk}


@pytest.mark.parametrize(
    ("language", "kind", "menu"),
    [("en", "Assigned to you", "Notices (1 unread)"), ("fr", "Assigné à vous", "Avis (1 non lu)")],
)
def test_the_notices_page_lists_them_and_marks_them_read(
    client,
    make_case,
    unit,
    officer,
    manager,
    django_capture_on_commit_callbacks,
    language,
    kind,
    menu,
):
    case = make_case(unit, manager)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_assign_case(case, officer, actor=manager)
    client.force_login(officer)
    page = client.get(url("notices", language=language)).content.decode()
    assert kind in page
    assert case.reference in page
    assert menu in page
    notice = StaffNotice.objects.get()
    client.post(url("notices_read", language=language), {"notice": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert menu not in client.get(url("my_queue", language=language)).content.decode()


def test_one_may_not_mark_someone_elses_notice_read(
    client, make_case, unit, officer, manager, django_capture_on_commit_callbacks
):
    case = make_case(unit, manager)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_assign_case(case, officer, actor=manager)
    client.force_login(manager)
    client.post(url("notices_read"), {"notice": StaffNotice.objects.get().pk})
    assert StaffNotice.objects.get().read_at is None


def test_the_notices_page_is_paginated(client, officer):
    from django.utils import timezone

    StaffNotice.objects.bulk_create(
        StaffNotice(recipient=officer, kind=NoticeKind.DIGEST, created_at=timezone.now())
        for _ in range(30)
    )
    client.force_login(officer)
    page = client.get(url("notices")).content.decode()
    assert "Page 1 of 2" in page
    assert "30 unread notices." in page


def test_the_menu_count_is_one_query(rf, officer):
    request = rf.get("/")
    request.user = officer
    with CaptureQueriesContext(connection) as queries:
        assert unread_notices({"request": request}) == 0
    assert len(queries) == 1
