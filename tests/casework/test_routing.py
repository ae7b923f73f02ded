"""Routing rules applied when a case is received: the first matching active rule refers it to its
unit (and may assign it); without a rule the case stays at its entry unit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from comptoir.casework.models import Case, CaseEvent, NoticeKind, RoutingRule, StaffNotice
from comptoir.inventory.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact_centre(make_unit):
    return make_unit("cc", kind=Unit.Kind.CONTACT_CENTRE)


@pytest.fixture
def regional(make_unit):
    return make_unit("region-qc", kind=Unit.Kind.REGIONAL_OFFICE)


@pytest.fixture
def agent(make_member, contact_centre):
    return make_member(contact_centre, username="agent")


@pytest.fixture
def regional_officer(make_member, regional):
    return make_member(regional, username="regional")


@pytest.fixture
def tier_two_rule(organization, contact_centre, regional):
    return RoutingRule.objects.create(
        organization=organization,
        name="Tier 2 to Quebec region",
        priority=10,
        tier=2,
        channel="TEL",
        entry_unit=contact_centre,
        target_unit=regional,
    )


def test_a_tier_2_request_from_the_contact_centre_lands_in_the_regional_office(
    make_case,
    contact_centre,
    regional,
    agent,
    regional_officer,
    tier_two_rule,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(contact_centre, agent, tier=2)
    case = Case.objects.get(pk=case.pk)
    assert case.current_unit_id == regional.pk
    assert case.entry_unit_id == contact_centre.pk
    referral = CaseEvent.objects.get(case=case, kind="referred")
    assert referral.reason == f"routing:{tier_two_rule.pk}|Tier 2 to Quebec region"
    notice = StaffNotice.objects.get(recipient=regional_officer)
    assert notice.kind == NoticeKind.REFERRED_TO_YOUR_UNIT
    assert notice.case_id == case.pk


def test_without_a_matching_rule_the_case_stays_at_the_entry_unit(
    make_case, contact_centre, agent, tier_two_rule
):
    tier_one = make_case(contact_centre, agent, tier=1)
    assert Case.objects.get(pk=tier_one.pk).current_unit_id == contact_centre.pk
    tier_two_rule.is_active = False
    tier_two_rule.save()
    tier_two = make_case(contact_centre, agent, tier=2)
    assert Case.objects.get(pk=tier_two.pk).current_unit_id == contact_centre.pk
    assert not CaseEvent.objects.filter(kind="referred").exists()


def test_no_rule_at_all_keeps_the_case_at_the_entry_unit(make_case, contact_centre, agent):
    case = make_case(contact_centre, agent, tier=2)
    assert Case.objects.get(pk=case.pk).current_unit_id == contact_centre.pk


def test_the_first_rule_by_priority_wins_and_may_assign(
    make_case,
    organization,
    contact_centre,
    regional,
    make_unit,
    agent,
    regional_officer,
    tier_two_rule,
    django_capture_on_commit_callbacks,
):
    RoutingRule.objects.create(
        organization=organization,
        name="Everything else",
        priority=20,
        target_unit=make_unit("elsewhere"),
    )
    tier_two_rule.target_assignee = regional_officer
    tier_two_rule.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(contact_centre, agent, tier=2)
    case = Case.objects.get(pk=case.pk)
    assert case.current_unit_id == regional.pk
    assert case.owner_id == regional_officer.pk
    kinds = set(
        StaffNotice.objects.filter(recipient=regional_officer).values_list("kind", flat=True)
    )
    assert kinds == {NoticeKind.REFERRED_TO_YOUR_UNIT, NoticeKind.ASSIGNED_TO_YOU}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Sent here by the routing rule Tier 2 to Quebec region."),
        ("fr", "Acheminé ici par la règle d’acheminement Tier 2 to Quebec region."),
    ],
)
def test_the_routing_reason_is_shown_in_words(
    client, make_case, contact_centre, agent, regional_officer, tier_two_rule, language, words
):
    case = make_case(contact_centre, agent, tier=2)
    client.force_login(regional_officer)
    with translation.override(language):
        address = reverse("casework:case_detail", args=[case.reference])
    page = client.get(address).content.decode()
    assert words in page
    assert "routing:" not in page


def test_a_rule_refuses_a_target_unit_of_another_organization(organization, make_unit):
    from comptoir.inventory.models import Organization

    other = Organization.objects.create(owner_org="other", title_en="Other", title_fr="Autre")
    rule = RoutingRule(
        organization=organization, name="Wrong", target_unit=make_unit("far", organization=other)
    )
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "target_unit" in error.value.message_dict


def test_the_admin_refuses_a_target_unit_of_another_organization(
    client, organization, make_unit, make_user
):
    from comptoir.accounts.roles import Role
    from comptoir.inventory.models import Organization

    other = Organization.objects.create(owner_org="other", title_en="Other", title_fr="Autre")
    far = make_unit("far", organization=other)
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/en/admin/casework/routingrule/add/",
        {"organization": organization.pk, "name": "Wrong", "priority": 1, "target_unit": far.pk},
    )
    assert response.status_code == 200
    assert "not a unit of the rule" in response.content.decode()
    assert not RoutingRule.objects.exists()
