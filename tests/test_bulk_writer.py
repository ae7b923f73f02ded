"""The one bulk writer (``comptoir.bulk``) writes the rows and history rows that the libraries'
own APIs write: ``bulk_create`` / ``bulk_update`` and django-simple-history's
``bulk_history_create``. Runs on SQLite and on PostgreSQL (``COPY``)."""

from datetime import UTC, datetime

import pytest
from django.forms.models import model_to_dict
from simple_history.utils import get_history_manager_for_model

from comptoir import bulk
from comptoir.inventory.models import FiscalYear, Organization, Service, ServiceYear
from tests.conftest import VALID_SERVICE_CELLS

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 6, 23, 15, 10, tzinfo=UTC)


def _history_rows(model, objs):
    """Each object's newest history row, as a dict without its own key, date-independent keys."""
    manager = get_history_manager_for_model(model)
    rows = []
    for obj in objs:
        row = model_to_dict(manager.filter(id=obj.pk).latest("history_id"))
        row.pop("history_id")
        row.pop("id")
        rows.append(row)
    return rows


def _service_years(organization, prefix, count, **cells):
    year, _created = FiscalYear.objects.get_or_create(organization=organization, code="2024-2025")
    services = [Service(organization=organization, service_id=f"{prefix}{n}") for n in range(count)]
    Service.objects.bulk_create(services)
    values = {**VALID_SERVICE_CELLS, **cells}
    return [ServiceYear(service=s, fiscal_year=year, **values) for s in services]


def test_created_rows_and_their_history_equal_the_libraries_own(make_user):
    actor = make_user()
    organization = Organization.objects.create(owner_org="a-b", title_en="A", title_fr="B")
    ours = _service_years(organization, "ours-", 3, num_phone_enquiries="12")
    theirs = _service_years(organization, "theirs-", 3, num_phone_enquiries="12")

    writer = bulk.BulkWriter(now=WHEN, actor_id=actor.pk, reason="import:a.csv|b.csv")
    writer.create(ServiceYear, ours)
    ServiceYear.objects.bulk_create(theirs)
    get_history_manager_for_model(ServiceYear).bulk_history_create(
        theirs,
        default_date=WHEN,
        default_user=actor,
        default_change_reason="import:a.csv|b.csv",
    )

    assert all(obj.pk for obj in ours)
    ours_rows, theirs_rows = _history_rows(ServiceYear, ours), _history_rows(ServiceYear, theirs)
    for mine, library in zip(ours_rows, theirs_rows, strict=True):
        assert mine.pop("service") != library.pop("service")  # different services, same shape
        assert mine == library
        assert mine["history_type"] == "+"
        assert mine["history_user"] == actor.pk
    stored = [model_to_dict(ServiceYear.objects.get(pk=obj.pk)) for obj in ours + theirs]
    for row in stored:
        row.pop("id")
        row.pop("service")
    assert stored[:3] == stored[3:]


def test_updated_rows_and_their_history_equal_the_libraries_own(make_user):
    actor = make_user()
    organization = Organization.objects.create(owner_org="c-d", title_en="C", title_fr="D")
    ours = _service_years(organization, "ours-", 2)
    theirs = _service_years(organization, "theirs-", 2)
    ServiceYear.objects.bulk_create(ours + theirs)
    for obj in ours + theirs:
        obj.num_phone_enquiries = "999"
        obj.service_name_fr = "Nom modifié"

    writer = bulk.BulkWriter(now=WHEN, actor_id=actor.pk, reason="")
    writer.update(ServiceYear, ours, ["num_phone_enquiries", "service_name_fr"])
    ServiceYear.objects.bulk_update(theirs, ["num_phone_enquiries", "service_name_fr"])
    get_history_manager_for_model(ServiceYear).bulk_history_create(
        theirs, update=True, default_date=WHEN, default_user=actor, default_change_reason=""
    )

    for mine, library in zip(
        _history_rows(ServiceYear, ours), _history_rows(ServiceYear, theirs), strict=True
    ):
        mine.pop("service")
        library.pop("service")
        assert mine == library
        assert (mine["history_type"], mine["num_phone_enquiries"]) == ("~", "999")
    assert set(ServiceYear.objects.values_list("service_name_fr", flat=True)) == {"Nom modifié"}
