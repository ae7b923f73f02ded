"""Knowledge: reusable answers and past deliverables, who sees and changes them, the search, the
knowledge pages and the case page's "Reusable answers" panel (through HTTP)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.casework import knowledge
from comptoir.casework.models import Answer, CaseKnowledgeLink, Deliverable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(make_unit: Callable[..., Any], make_member: Callable[..., Any]) -> dict[str, Any]:
    from comptoir.inventory.models import Organization

    other_org = Organization.objects.create(
        owner_org="autre-other", title_en="Other Agency", title_fr="Autre agence"
    )
    experts, front = make_unit("experts"), make_unit("front")
    elsewhere = make_unit("elsewhere", organization=other_org)
    return {
        "experts": experts,
        "front": front,
        "manager": make_member(experts, is_manager=True),
        "expert": make_member(experts),
        "officer": make_member(front),
        "front_manager": make_member(front, is_manager=True),
        "stranger": make_member(elsewhere),
    }


def _answer(world: dict[str, Any], **fields: Any) -> Answer:
    values: dict[str, Any] = {
        "question_en": "Where are the monthly trade tables?",
        "question_fr": "Où sont les tableaux mensuels du commerce?",
        "answer_en": "Table 12-10-0011 has them, by province.",
        "answer_fr": "Le tableau 12-10-0011 les donne, par province.",
        "owner_unit": world["experts"],
        "is_published": True,
        "actor": world["manager"],
    }
    values.update(fields)
    return knowledge.do_create_answer(**values)


def _login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_published_answers_reach_the_organization_drafts_only_their_unit(
    world: dict[str, Any], client: Any
) -> None:
    published = _answer(world)
    draft = _answer(world, is_published=False, question_en="Draft question")
    assert set(Answer.objects.visible_to(world["officer"])) == {published}
    assert set(Answer.objects.visible_to(world["expert"])) == {published, draft}
    assert not Answer.objects.visible_to(world["stranger"]).exists()
    _login(client, world["officer"])
    assert client.get(f"/en/cases/knowledge/answers/{published.pk}/").status_code == 200
    assert client.get(f"/en/cases/knowledge/answers/{draft.pk}/").status_code == 404
    _login(client, world["stranger"])
    assert client.get(f"/en/cases/knowledge/answers/{published.pk}/").status_code == 404


def test_only_the_owner_units_managers_write_answers(world: dict[str, Any], client: Any) -> None:
    with pytest.raises(PermissionDenied):
        _answer(world, actor=world["expert"])
    with pytest.raises(PermissionDenied):
        _answer(world, actor=world["front_manager"])
    data = {
        "question_en": "How do I order a custom tabulation?",
        "question_fr": "Comment commander une totalisation personnalisée?",
        "answer_en": "Fill in the request form.",
        "answer_fr": "Remplissez le formulaire de demande.",
        "owner_unit": world["experts"].pk,
        "is_published": "on",
    }
    _login(client, world["officer"])
    assert client.get("/en/cases/knowledge/answers/new/").status_code == 403
    assert client.post("/en/cases/knowledge/answers/new/", data).status_code == 403
    _login(client, world["front_manager"])
    # A unit they do not manage is not a choice.
    assert client.post("/en/cases/knowledge/answers/new/", data).status_code == 400
    assert not Answer.objects.exists()
    _login(client, world["manager"])
    response = client.post("/en/cases/knowledge/answers/new/", data)
    answer = Answer.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/knowledge/answers/{answer.pk}/")
    assert answer.is_published
    assert answer.history.get().history_user == world["manager"]


def test_a_change_needs_a_reason_kept_in_the_history_and_reindexes(
    world: dict[str, Any], client: Any
) -> None:
    from comptoir.search.models import SearchEntry

    answer = _answer(world)
    with pytest.raises(ValidationError):
        knowledge.do_update_answer(answer, actor=world["manager"], reason=" ", answer_fr="x")
    with pytest.raises(PermissionDenied):
        knowledge.do_update_answer(answer, actor=world["expert"], reason="typo", answer_fr="x")
    _login(client, world["officer"])
    assert client.get(f"/en/cases/knowledge/answers/{answer.pk}/edit/").status_code == 403
    _login(client, world["manager"])
    response = client.post(
        f"/en/cases/knowledge/answers/{answer.pk}/edit/",
        {
            "question_en": answer.question_en,
            "question_fr": answer.question_fr,
            "answer_en": answer.answer_en,
            "answer_fr": "Le tableau 12-10-0099 remplace l'ancien tableau.",
            "is_published": "on",
            "reason": "New table number",
        },
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert "12-10-0099" in answer.answer_fr
    assert answer.history.first().history_change_reason == "New table number"
    assert Answer.objects.count() == 1
    entry = SearchEntry.objects.get(kind="answer", key=answer.pk)
    assert "12-10-0099" in entry.body


def test_the_search_page_finds_answers_in_both_languages_but_not_others_drafts(
    world: dict[str, Any], client: Any
) -> None:
    _answer(world)
    _answer(
        world,
        is_published=False,
        question_en="Unpublished lumber question",
        question_fr="Question inédite sur le bois d'oeuvre",
    )
    _login(client, world["officer"])
    page = client.get("/en/search/", {"q": "tableaux mensuels"}).content.decode()
    assert "Where are the monthly trade tables?" in page
    assert "Unpublished lumber" not in client.get("/en/search/", {"q": "lumber"}).content.decode()
    found = client.get("/fr/cases/knowledge/", {"q": "province"}).content.decode()
    assert "Where are the monthly trade tables?" in found
    _login(client, world["expert"])
    assert "Unpublished lumber" in client.get("/en/search/", {"q": "lumber"}).content.decode()


def test_the_knowledge_list_is_paginated_and_bilingual(world: dict[str, Any], client: Any) -> None:
    from comptoir.casework.knowledge_queries import PAGE_SIZE

    for number in range(PAGE_SIZE + 1):
        _answer(world, question_en=f"Question number {number}")
    _login(client, world["officer"])
    first = client.get("/en/cases/knowledge/").content.decode()
    assert first.count("Question number") == PAGE_SIZE
    assert "Question number 0" in client.get("/en/cases/knowledge/?page=2").content.decode()
    french = client.get("/fr/cases/knowledge/")
    assert french.status_code == 200
    assert 'lang="fr"' in french.content.decode()


def _upload(name: str, content: bytes = b"a,b\n1,2\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_a_deliverable_is_a_file_of_an_allowed_kind_and_size_or_a_web_address(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    common = {"title_en": "Lumber exports 2024", "title_fr": "Exportations de bois 2024"}
    common |= {"owner_unit": world["experts"], "actor": world["manager"]}
    with pytest.raises(ValidationError):
        knowledge.do_add_deliverable(**common, file=_upload("run.exe"))
    monkeypatch.setattr(knowledge, "MAX_DELIVERABLE_BYTES", 4)
    with pytest.raises(ValidationError):
        knowledge.do_add_deliverable(**common, file=_upload("big.csv"))
    monkeypatch.undo()
    with pytest.raises(ValidationError):
        knowledge.do_add_deliverable(**common, link="javascript:alert(1)")
    with pytest.raises(ValidationError):
        knowledge.do_add_deliverable(**common)
    with pytest.raises(ValidationError):
        knowledge.do_add_deliverable(**common, file=_upload("t.csv"), link="https://example.ca/")
    with pytest.raises(PermissionDenied):
        knowledge.do_add_deliverable(**{**common, "actor": world["officer"]}, link="https://x.ca/")
    assert not Deliverable.objects.exists()
    made = knowledge.do_add_deliverable(**common, file=_upload("table.csv"))
    assert made.file.name.startswith("knowledge/deliverables/")
    assert made.history.count() == 1
    linked = knowledge.do_add_deliverable(**common, link="https://www150.statcan.gc.ca/t1/")
    assert linked.link.startswith("https://")


def test_a_deliverables_file_is_served_only_to_who_may_see_it(
    world: dict[str, Any], client: Any
) -> None:
    made = knowledge.do_add_deliverable(
        title_en="Tabulation",
        title_fr="Totalisation",
        owner_unit=world["experts"],
        file=_upload("tabulation.csv", b"x,y\n"),
        actor=world["manager"],
    )
    _login(client, world["officer"])
    response = client.get(f"/en/cases/knowledge/deliverables/{made.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"x,y\n"
    _login(client, world["stranger"])
    assert client.get(f"/en/cases/knowledge/deliverables/{made.pk}/file/").status_code == 404
    assert client.get(f"/en/cases/knowledge/deliverables/{made.pk}/").status_code == 404


def test_adding_a_deliverable_through_the_page(world: dict[str, Any], client: Any) -> None:
    _login(client, world["manager"])
    response = client.post(
        "/en/cases/knowledge/deliverables/new/",
        {
            "title_en": "Custom tabulation of lumber exports",
            "title_fr": "Totalisation personnalisée des exportations de bois",
            "owner_unit": world["experts"].pk,
            "file": _upload("lumber.xlsx", b"PK"),
        },
    )
    deliverable = Deliverable.objects.get()
    assert response.status_code == 302
    _login(client, world["officer"])
    page = client.get("/en/search/", {"q": "bois"}).content.decode()
    assert f"/cases/knowledge/deliverables/{deliverable.pk}/" in page


def test_the_case_page_suggests_answers_of_its_service_and_links_them(
    world: dict[str, Any], client: Any, make_case: Callable[..., Any], service: Any
) -> None:
    answer = _answer(world, service=service)
    other = _answer(world, question_en="A question about something else entirely")
    case = make_case(world["front"], world["officer"])
    _login(client, world["officer"])
    page = client.get(f"/en/cases/{case.reference}/").content.decode()
    panel = page.split('id="knowledge-heading"')[1].split('id="timeline"')[0]
    assert answer.question_en in panel
    assert other.question_en not in panel
    assert 'name="knowledge"' in panel and 'for="knowledge-search"' in panel
    found = client.get(f"/en/cases/{case.reference}/", {"knowledge": "something else"})
    assert other.question_en in found.content.decode().split('id="found-heading"')[1]
    response = client.post(f"/en/cases/{case.reference}/knowledge/link/", {"answer": answer.pk})
    assert response.status_code == 302
    link = CaseKnowledgeLink.objects.get()
    assert (link.case, link.answer, link.linked_by) == (case, answer, world["officer"])
    # Linking again changes nothing.
    client.post(f"/en/cases/{case.reference}/knowledge/link/", {"answer": answer.pk})
    assert CaseKnowledgeLink.objects.count() == 1
    after = client.get(f"/fr/cases/{case.reference}/").content.decode()
    linked = after.split('id="linked-heading"')[1].split('id="suggested-heading"')[0]
    assert answer.question_fr in linked


def test_linking_needs_the_case_and_the_item(
    world: dict[str, Any], client: Any, make_case: Callable[..., Any]
) -> None:
    draft = _answer(world, is_published=False)
    published = _answer(world)
    case = make_case(world["front"], world["officer"])
    _login(client, world["officer"])
    url = f"/en/cases/{case.reference}/knowledge/link/"
    # A draft of another unit is not seen by the officer: no such answer.
    assert client.post(url, {"answer": draft.pk}).status_code == 404
    assert client.get(url).status_code == 405
    _login(client, world["expert"])
    # The expert sees the answer but not the front unit's case.
    assert client.post(url, {"answer": published.pk}).status_code == 404
    assert not CaseKnowledgeLink.objects.exists()
