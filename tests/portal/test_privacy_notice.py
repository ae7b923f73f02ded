"""A privacy notice on every portal form (issue 16, item 6), in the page's language, with a link
to the department's full notice when one is set."""

from __future__ import annotations

from typing import Any

import pytest

from comptoir.portal import actions
from tests.portal.test_portal import PDF, url

pytestmark = pytest.mark.django_db

WORDS = {
    "en": "protected under the Privacy Act",
    "fr": "protégés en vertu de la Loi sur la protection",
}


@pytest.fixture
def token(named_service: Any) -> str:
    submitted = actions.do_submit_case(
        kind="enquiry",
        service=named_service,
        details=actions.ClientDetails(
            given_name="Élise",
            family_name="Tremblay",
            email="e@example.ca",
            phone="",
            language="fr",
        ),
        contact_preference="email",
        description="Où sont les tableaux?",
        files=[actions.UploadedFile("relevé.pdf", PDF)],
    )
    return submitted.token


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_portal_form_carries_the_notice(
    client: Any, named_service: Any, token: str, language: str, settings: Any
) -> None:
    settings.COMPTOIR_PRIVACY_NOTICE_URL = "https://example.gc.ca/privacy"
    pages = [
        url("portal_submit", language),
        url("portal_feedback", language),
        url("portal_lookup", language),
        url("portal_status", language, token=token),
    ]
    for page in pages:
        body = client.get(page).content.decode()
        assert WORDS[language] in body, page
        assert 'href="https://example.gc.ca/privacy"' in body, page


def test_without_a_full_notice_there_is_no_link(client: Any, named_service: Any) -> None:
    body = client.get(url("portal_submit", "en")).content.decode()
    assert WORDS["en"] in body
    assert "Read our full privacy notice" not in body
