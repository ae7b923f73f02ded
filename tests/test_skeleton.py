import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "marker"), [("en", 'lang="en"'), ("fr", 'lang="fr"')])
def test_home_page_answers_in_each_official_language(client, lang, marker):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    assert marker in response.content.decode()
