"""``comptoir cases recompute-clocks [--service SERVICE_ID [--org ORG]]`` and ``comptoir standards
set-rule``, which runs it for the standard's service: the open cases' next due instants computed
again, with how many were read and how many changed, in both languages."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from comptoir.casework import actions
from comptoir.casework.models import Case
from comptoir.core.businesstime import Within
from comptoir.core.standards import StandardRule

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def cases(*args: str, language: str = "en") -> str:
    return run("cases", "--language", language, "recompute-clocks", *args)


@pytest.fixture
def unit(make_unit):
    return make_unit("front")


@pytest.fixture
def officer(make_member, unit):
    return make_member(unit)


@pytest.fixture
def standard(service):
    from comptoir.inventory.models import ServiceStandard

    return ServiceStandard.objects.create(service=service, service_standard_id="S5")


def due(case):
    return Case.objects.get(pk=case.pk).next_due_at


def test_recompute_clocks_reads_the_open_cases_and_counts_the_changes(
    make_case, unit, officer, standard
):
    now = timezone.now()
    open_cases = [make_case(unit, officer, at=now - timedelta(hours=h)) for h in (1, 2)]
    closed = make_case(unit, officer, at=now - timedelta(hours=3))
    actions.do_resolve_case(closed, "delivered", actor=officer)
    assert due(open_cases[0]) is None
    # The rule is stored without the recomputation, as a stale projection would be.
    standard.rule = StandardRule("S5", Within.parse("5 business days")).to_dict()
    standard.save(update_fields=["rule"])
    out = cases(language="en")
    assert out.strip() == "2 open cases were measured again; 2 next due dates changed."
    assert all(due(case) is not None for case in open_cases)
    assert due(closed) is None
    out = cases("--service", "1234", language="fr")
    assert out.strip() == (
        "2 dossiers ouverts ont été mesurés de nouveau; 0 prochaine échéance a changé."
    )


def test_recompute_clocks_of_one_service(make_case, unit, officer, standard, organization):
    from comptoir.inventory.models import Organization, Service

    make_case(unit, officer)
    Service.objects.create(organization=organization, service_id="5678")
    out = cases("--service", "5678", language="en")
    assert out.strip() == "0 open cases were measured again; 0 next due dates changed."
    other = Organization.objects.create(owner_org="other-autre", title_en="O", title_fr="A")
    Service.objects.create(organization=other, service_id="1234")
    with pytest.raises(CommandError, match="Several organizations have a service with the ID"):
        cases("--service", "1234", language="en")
    out = cases("--service", "1234", "--org", "test-essai", language="en")
    assert out.startswith("1 open case was measured again")
    with pytest.raises(CommandError, match="Aucun service n’a l’identifiant 9999"):
        cases("--service", "9999", language="fr")


def test_set_rule_measures_the_service_s_open_cases_again(make_case, unit, officer, standard):
    case = make_case(unit, officer, at=timezone.now() - timedelta(hours=1))
    out = run("standards", "set-rule", "S5", "--within", "5 business days", "--language", "en")
    lines = out.strip().splitlines()
    assert lines[0].startswith("Within 5 business days")
    assert lines[1] == "1 open case was measured again; 1 next due date changed."
    assert due(case) is not None
    out = run("standards", "set-rule", "S5", "--clear", "--language", "fr")
    assert out.strip().splitlines()[1] == (
        "1 dossier ouvert a été mesuré de nouveau; 1 prochaine échéance a changé."
    )
    assert due(case) is None


def test_the_rule_page_measures_the_open_cases_again_through_its_action(
    client, make_case, unit, officer, standard, make_user, django_capture_on_commit_callbacks
):
    from comptoir.accounts.roles import Role

    case = make_case(unit, officer, at=timezone.now() - timedelta(hours=1))
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = f"/en/inventory/standards/{standard.pk}/rule/"
    form = client.get(page)
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page,
            {
                "amount": "5",
                "unit": "business_days",
                "start": "received",
                "stop": "resolved",
                "pause": "",
                "calendar": "receiving_unit",
                "target": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert due(case) is not None
