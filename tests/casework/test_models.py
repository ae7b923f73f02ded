"""The case event log is append-only in the database; the case's constraints; the catalogues."""

from __future__ import annotations

import importlib

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from comptoir.casework.models import Case, CaseAccessLog, CaseEvent, RequestType
from tests.casework.conftest import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_unit, make_member, make_case):
    unit = make_unit("front")
    return make_case(unit, make_member(unit))


def test_the_database_refuses_to_update_an_event(case):
    before = list(CaseEvent.objects.filter(case=case).values())
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        CaseEvent.objects.filter(case=case).update(reason="rewritten")
    assert list(CaseEvent.objects.filter(case=case).values()) == before


def test_the_database_refuses_to_delete_an_event(case):
    count = CaseEvent.objects.filter(case=case).count()
    assert count >= 1
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        CaseEvent.objects.filter(case=case).delete()
    assert CaseEvent.objects.filter(case=case).count() == count


def test_the_database_refuses_to_change_or_delete_an_access_log(case, make_user):
    reader = make_user(None)
    CaseAccessLog.objects.create(case=case, user=reader, at=T0, page="case")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        CaseAccessLog.objects.update(page="other")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        CaseAccessLog.objects.all().delete()
    assert list(CaseAccessLog.objects.values_list("page", flat=True)) == ["case"]


def test_a_saved_event_cannot_be_saved_again(case):
    event = CaseEvent.objects.filter(case=case).first()
    event.reason = "changed"
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        event.save()


def test_the_trigger_migration_can_be_reversed_and_applied_again(case):
    from django.db import connection

    class Editor:
        """The two things the migration's functions use of a schema editor (SQLite refuses a
        real one inside the test's transaction)."""

        def __init__(self):
            self.connection = connection

        def execute(self, sql, params=()):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration = importlib.import_module("comptoir.casework.migrations.0002_append_only")
    migration.drop_triggers(None, Editor())
    CaseEvent.objects.filter(case=case).update(reason="allowed without the triggers")
    migration.create_triggers(None, Editor())
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        CaseEvent.objects.filter(case=case).update(reason="refused again")


def test_the_tier_is_1_to_3(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(tier=4)


def test_a_case_has_a_client_or_is_anonymous(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(is_anonymous=False)


def test_the_request_types_are_seeded_in_both_languages():
    names = list(RequestType.objects.order_by("position").values_list("name_en", "name_fr"))
    assert len(names) == 10
    assert names[0] == (
        "Help to find statistics on the website and use online tools",
        "Aide pour trouver des statistiques sur le site Web et utiliser les outils en ligne",
    )
    assert names[-1] == ("Other", "Autre")
    assert all(english and french for english, french in names)
