"""The public portal in a real browser: a client submits in French (first with a mistake, then
with a document), sees the confirmation, opens the status page by the private link, adds a
document; the look-up, feedback and withdrawal pages; every page passes axe; the form works
without JavaScript too."""

from __future__ import annotations

import pytest

from comptoir.casework.models import Attachment, Case
from comptoir.inventory.models import ServiceStandard, Unit
from tests.browser.conftest import assert_accessible
from tests.browser.test_casework_pages import append_only_log_can_be_emptied  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def portal(make_service_year, settings, live_server, tmp_path, append_only_log_can_be_emptied):  # type: ignore[no-untyped-def]  # noqa: F811
    from comptoir.core.businesstime import Within
    from comptoir.core.standards import StandardRule

    settings.COMPTOIR_SITE_URL = live_server.url
    settings.COMPTOIR_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    record = make_service_year(
        service_id="S-200",
        owner_org="test-essai",
        service_name_en="Custom data requests",
        service_name_fr="Demandes de données personnalisées",
    )
    Unit.objects.create(
        organization=record.fiscal_year.organization,
        code="front",
        name_en="Contact centre",
        name_fr="Centre de contact",
        kind=Unit.Kind.CONTACT_CENTRE,
        time_zone="America/Montreal",
        holiday_jurisdiction="CA-QC",
    )
    ServiceStandard.objects.create(
        service=record.service,
        service_standard_id="FINAL",
        rule=StandardRule("FINAL", Within.parse("10 business days")).to_dict(),
    )
    return record.service


def test_a_client_submits_in_french_follows_and_adds_a_document(page, portal):  # type: ignore[no-untyped-def]
    page.goto("/fr/portal/")
    assert_accessible(page)
    page.get_by_role("link", name="Poser une question ou demander un service").first.click()
    page.wait_for_url("**/fr/portal/submit/")
    assert_accessible(page)

    # A first try without a name nor a description: the error summary, itself accessible.
    page.get_by_role("button", name="Envoyer").click()
    summary = page.locator("#error-summary")
    assert "Il y a un problème" in summary.inner_text()
    assert_accessible(page)

    page.locator("#id_service").select_option(label="Demandes de données personnalisées")
    page.locator("#id_given_name").fill("Élise")
    page.locator("#id_family_name").fill("Tremblay")
    page.locator("#id_email").fill("elise@example.ca")
    page.get_by_label("Gros caractères").check()
    page.locator("#id_description").fill("Où sont les tableaux du commerce de détail?")
    page.set_input_files(
        "#id_documents",
        files=[{"name": "relevé.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/fr/portal/submitted/")
    case = Case.objects.get()
    assert page.locator("h1").inner_text() == "Nous avons reçu votre demande"
    assert page.locator("#reference").inner_text() == case.reference
    assert (case.language, case.channel, case.client.preferred_language) == ("fr", "ONL", "fr")
    assert_accessible(page)

    page.locator("#status-link").click()
    page.wait_for_url("**/fr/portal/status/**")
    assert "Vous pouvez vous attendre à une réponse d’ici le" in page.content()
    assert page.locator("#documents").inner_text().startswith("relevé.pdf")
    assert_accessible(page)

    page.locator("#id_text").fill("Voici la page qui manquait.")
    page.set_input_files(
        "#id_documents", files=[{"name": "page 2.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_selector(".notice-success")
    assert "Merci. Nous avons reçu votre message." in page.locator(".messages").inner_text()
    assert "page 2.png" in page.locator("#documents").inner_text()
    assert "Voici la page qui manquait." in page.locator("#messages").inner_text()
    assert Attachment.objects.filter(case=case).count() == 2
    assert_accessible(page)

    page.get_by_role("link", name="Retirer ma demande").click()
    assert page.locator("h1").inner_text() == "Retirer votre demande"
    assert_accessible(page)


def test_the_look_up_and_feedback_pages(page, portal):  # type: ignore[no-untyped-def]
    page.goto("/en/portal/lookup/")
    assert_accessible(page)
    page.locator("#id_reference").fill("7KX4-9M3Q")
    page.locator("#id_email").fill("nobody@example.ca")
    page.get_by_role("button", name="See my request").click()
    assert "We could not find a request" in page.locator("#error-summary").inner_text()
    assert_accessible(page)
    page.goto("/fr/portal/feedback/")
    assert_accessible(page)


@pytest.mark.parametrize("javascript_enabled", [False])
def test_the_form_works_without_javascript(page, portal):  # type: ignore[no-untyped-def]
    page.goto("/en/portal/submit/")
    page.locator("#id_service").select_option(label="Custom data requests")
    page.locator("#id_family_name").fill("Roy")
    page.locator("#id_email").fill("roy@example.ca")
    page.locator("#id_description").fill("Where are the trade tables?")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/en/portal/submitted/")
    assert page.locator("#reference").inner_text() == Case.objects.get().reference
    assert (
        page.locator(".portal-trap").is_hidden()
        or page.locator(".portal-trap").bounding_box()["x"] < 0
    )
