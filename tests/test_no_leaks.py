"""Every role against every page and every API read: no 500, and no leak (issue 11, item 11).

The pages come from the URL configuration itself (``get_resolver()``, walked recursively, the
translated pages under both ``/en/`` and ``/fr/``); the API reads from ``/api/openapi.json``. Each
address is filled from the data built below (:data:`PAGE_DATA`, :data:`API_DATA`) and requested
as each caller: one officer, a manager of each of two units, a custodian, a service owner, a
viewer, an administrator, a staff member with no role, and anonymous.

What may be seen comes from the models' own ``visible_to(user)`` querysets, the one source of
truth, never from a second table here:

- never a 500;
- an object the caller may not see answers exactly as an object that does not exist (a 404, or
  the page's 403 or sign-in redirect when it refuses before looking anything up), never a 200;
- no page or API answer shows the reference of a case, or the name of a confidential client,
  that the caller may not see (list pages and searches are asked for each of them by name);
- every address answers someone (so a table entry that points at the wrong object, and is
  refused to everyone, fails instead of passing).

A new URL pattern or API operation with a parameter these tables do not fill fails the test with
a message naming it: say which object it shows, so no page is silently skipped. The narrower
``tests/api/test_schema_access.py`` (the API engineer's: status codes of every GET operation by
role, without unit members) stays; the API part here adds unit members, confidential cases of
each unit and the leak check of every answer's body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

from comptoir.accounts.roles import Role

pytestmark = pytest.mark.django_db

#: Addresses not requested, and why.
SKIPPED = {
    "account_logout": "signing out ends the caller's session (it changes state; nothing to leak)",
    "set_language": "POST only, changes the session's language; it shows no data",
}
#: URL prefixes not walked, and why.
SKIPPED_PREFIXES = {
    "admin/": "Django's admin: only superusers, and Django's own access rules, tested upstream",
    "api/": "the API is called through its OpenAPI document (test_every_api_read_...)",
}
#: Addresses that may refuse every caller here, and why (every other address must answer
#: someone).
REFUSED_TO_ALL = {
    "inventory:public_service_standards": "the public sees approved years only; none is here",
    "mfa_deactivate_totp": "allauth: only with an authenticator app set up (none is here)",
    "mfa_view_recovery_codes": "allauth: only with an authenticator app set up (none is here)",
    "mfa_download_recovery_codes": "allauth: only with an authenticator app set up",
    # The portal's status page and its files open with a client's secret token (or the grant a
    # look-up gives one browser): whoever holds it sees the case, by design. The walk has none.
    "portal_status": "opened by a client's token only; the walk's token names no case",
    "portal_file": "opened by a client's token only; the walk's token names no case",
    "portal_session_file": "opened by a look-up's grant in the session; the walk has none",
    # The survey page opens with the token of an invitation's link (the client who holds it
    # answers; nothing of a case is shown). The walk's token names no invitation: a 404.
    "portal_survey": "opened by a survey invitation's token only; the walk's names none",
    # The merge page names its records in the query string (?record=…), which the walk does not
    # fill: without them it is a 404 for a steward, a 403 for others. Who may open it with
    # records is tests/clients/test_merge_pages.py's.
    "clients:merge_records": "its records are in the query string, which the walk leaves empty",
}
#: A value that names nothing, per parameter name (what "does not exist" answers).
MISSING = {
    "pk": "999999999",
    "contact_point_pk": "999999999",
    "reference": "ZZZZ-ZZZZ",
    "owner_org": "no-such-org",
    "code": "no-such-unit",
    "record_id": "999999999",
    "client_id": "999999999",
    "sequence": "999999",
}


@dataclass(frozen=True)
class Target:
    """One way to fill an address: its parameters, and the object it shows (``None`` when the
    page shows no single object: it is checked for leaks only)."""

    kwargs: dict[str, str]
    obj: Any = None


# --- the data -------------------------------------------------------------------------------


@pytest.fixture
def world(
    make_user: Callable[..., Any],
    make_service_year: Callable[..., Any],
    settings: Any,
    tmp_path: Any,
) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from comptoir.casework import actions, knowledge
    from comptoir.casework.attachments import store_attachment
    from comptoir.clients.actions import do_add_contact_point, do_create_client
    from comptoir.inventory.models import (
        Finding,
        ServiceStandard,
        StandardYear,
        Unit,
        UnitMembership,
    )

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMPTOIR_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    record = make_service_year(service_id="4242")
    organization = record.service.organization
    standard = StandardYear.objects.create(
        standard=ServiceStandard.objects.create(service=record.service, service_standard_id="S1"),
        service_year=record,
        fiscal_year=record.fiscal_year,
    )
    finding = Finding.objects.create(
        resource="service", fiscal_year=record.fiscal_year, service_year=record, rule="x"
    )
    units = {}
    for code in ("leak-a", "leak-b"):
        units[code] = Unit.objects.create(
            organization=organization,
            code=code,
            name_en=f"Unit {code}",
            name_fr=f"Unité {code}",
            kind=Unit.Kind.CONTACT_CENTRE,
            holiday_categories="public,government",
        )

    def member(unit: Any, role: Role, *, is_manager: bool = False) -> Any:
        user = make_user(role)
        UnitMembership.objects.create(unit=unit, user=user, is_manager=is_manager)
        return user

    callers: dict[str, Any] = {
        "anonymous": None,
        "no role": make_user(None),
        "officer of A": member(units["leak-a"], Role.CLIENT_SERVICE_OFFICER),
        "manager of A": member(units["leak-a"], Role.UNIT_MANAGER, is_manager=True),
        "manager of B": member(units["leak-b"], Role.UNIT_MANAGER, is_manager=True),
        "custodian": make_user(Role.INVENTORY_CUSTODIAN),
        "service owner": make_user(Role.SERVICE_OWNER),
        "viewer": make_user(Role.VIEWER),
        "administrator": make_user(Role.ADMINISTRATOR),
    }
    cases, clients, points, files = [], [], [], []
    for letter, code in (("a", "leak-a"), ("b", "leak-b")):
        unit = units[code]
        worker = callers[f"manager of {letter.upper()}"]
        for confidential in (False, True):
            word = "Secret" if confidential else "Plain"
            client = do_create_client(
                kind="person",
                preferred_language="en",
                segment="public",
                given_name=f"{word}{letter}",
                family_name=f"Zorglubian{letter}{word.lower()}",
                is_confidential=confidential,
                actor=None,
            )
            points.append(
                do_add_contact_point(
                    client, kind="email", value=f"{word.lower()}{letter}@example.ca", actor=None
                )
            )
            case, _token = actions.do_receive_case(
                service=record.service,
                kind="enquiry",
                channel="TEL",
                entry_unit=unit,
                language="en",
                client=client,
                is_confidential=confidential,
                description=f"Question of {word}{letter}",
                actor=worker,
            )
            # A correctable event (sequence 2), for the page that corrects it.
            actions.do_log_time(case, 5, actor=worker)
            clients.append(client)
            cases.append(case)
            files.append(store_attachment(case, filename="form.txt", data=b"Form", source="portal"))
    manager_a = callers["manager of A"]
    answer = knowledge.do_create_answer(
        question_en="Where are the tables?",
        question_fr="Où sont les tableaux?",
        answer_en="Here.",
        answer_fr="Ici.",
        owner_unit=units["leak-a"],
        is_published=False,
        actor=manager_a,
    )
    deliverable = knowledge.do_add_deliverable(
        title_en="Tabulation",
        title_fr="Totalisation",
        owner_unit=units["leak-a"],
        link="https://example.ca/tabulation",
        produced_for=cases[1],
        actor=manager_a,
    )
    tabulation = knowledge.do_add_deliverable(
        title_en="Tabulation file",
        title_fr="Fichier de totalisation",
        owner_unit=units["leak-b"],
        file=SimpleUploadedFile("tabulation.csv", b"a,b\n"),
        actor=callers["manager of B"],
    )
    from datetime import date

    from comptoir.insight.actions import do_publish_report, do_save_report

    report = do_save_report(
        user=callers["administrator"],
        organization=organization,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        heard_en="Heard",
        heard_fr="Entendu",
        changed_en="Changed",
        changed_fr="Changé",
    )
    published = do_save_report(
        user=callers["administrator"],
        organization=organization,
        period_start=date(2025, 10, 1),
        period_end=date(2025, 12, 31),
        heard_en="Heard",
        heard_fr="Entendu",
        changed_en="Changed",
        changed_fr="Changé",
    )
    do_publish_report(published, user=callers["administrator"])
    from comptoir.clients.actions import do_merge_clients

    twins = [
        do_create_client(
            kind="person",
            preferred_language="en",
            segment="public",
            given_name="Twin",
            family_name="Merged",
            actor=None,
        )
        for _ in range(2)
    ]
    merge = do_merge_clients(twins[0], [twins[1]], reason="One person", actor=None)
    return {
        "merge": merge,
        "callers": callers,
        "report": report,
        "published_report": published,
        "tabulation": tabulation,
        "record": record,
        "standard": standard,
        "finding": finding,
        "units": list(units.values()),
        "cases": cases,
        "files": files,
        "clients": clients,
        "points": points,
        "answer": answer,
        "deliverable": deliverable,
    }


def _each(objects: list[Any], name: str = "pk", value: Callable[[Any], str] | None = None):
    return [Target({name: value(obj) if value else str(obj.pk)}, obj) for obj in objects]


def _cases(w: dict[str, Any], **extra: str) -> list[Target]:
    return [Target({"reference": case.reference, **extra}, case) for case in w["cases"]]


#: Address name → how to fill it from the data. Each address with parameters must be here.
PAGE_DATA: dict[str, Callable[[dict[str, Any]], list[Target]]] = {
    "inventory:service_detail": lambda w: _each([w["record"]]),
    "inventory:service_year_edit": lambda w: _each([w["record"]]),
    "inventory:service_test": lambda w: _each([w["record"]]),
    "inventory:priority_assessment": lambda w: _each([w["record"]]),
    "inventory:service_owner_assign": lambda w: _each([w["record"]]),
    "inventory:service_owner_unassign": lambda w: _each([w["record"]]),
    "inventory:standard_year_edit": lambda w: _each([w["standard"]]),
    # The rule belongs to the standard itself, not to one year's record of it.
    "inventory:standard_rule": lambda w: _each([w["standard"].standard]),
    "inventory:finding_resolve": lambda w: _each([w["finding"]]),
    "inventory:fiscal_year_approve": lambda w: [
        Target(
            {
                "owner_org": w["record"].service.organization.owner_org,
                "code": w["record"].fiscal_year.code,
            },
            w["record"].fiscal_year,
        )
    ],
    "inventory:public_service_standards": lambda w: [
        Target({"owner_org": w["record"].service.organization.owner_org})
    ],
    # The organization's heat map shows its fiscal years; the service's, its yearly records.
    "insight:organization": lambda w: [
        Target({"owner_org": w["record"].service.organization.owner_org}, w["record"].fiscal_year)
    ],
    "insight:service": lambda w: _each([w["record"]]),
    # A service's public real-time figures and feeds: anyone reads them (nothing to hide).
    "measurement:realtime_service": lambda w: [Target({"pk": str(w["record"].service_id)})],
    "measurement:realtime_service_json": lambda w: [Target({"pk": str(w["record"].service_id)})],
    "measurement:realtime_service_csv": lambda w: [Target({"pk": str(w["record"].service_id)})],
    # A unit's performance report (page and PDF): every inventory reader may open any unit's;
    # the cases it counts are the reader's own (checked for leaks).
    "reports:unit": lambda w: [Target({"pk": str(unit.pk)}) for unit in w["units"]],
    "reports:unit_pdf": lambda w: [Target({"pk": str(unit.pk)}) for unit in w["units"]],
    "clients:client_detail": lambda w: _each(w["clients"]),
    # POST only (a GET is refused with 405): the merge's record kept is what it changes.
    "clients:merge_undo": lambda w: [Target({"pk": str(w["merge"].pk)}, w["merge"].survivor)],
    "clients:client_edit": lambda w: _each(w["clients"]),
    "clients:contact_point_add": lambda w: _each(w["clients"]),
    "clients:contact_point_end": lambda w: [
        Target({"pk": str(point.client_id), "contact_point_pk": str(point.pk)}, point)
        for point in w["points"]
    ],
    "casework:unit_queue": lambda w: [Target({"code": unit.code}) for unit in w["units"]],
    "casework:bulk_assign": lambda w: [Target({"code": unit.code}) for unit in w["units"]],
    "casework:answer_detail": lambda w: _each([w["answer"]]),
    "casework:answer_edit": lambda w: _each([w["answer"]]),
    "casework:deliverable_detail": lambda w: _each([w["deliverable"], w["tabulation"]]),
    "casework:deliverable_file": lambda w: _each([w["tabulation"]]),
    "casework:case_link_knowledge": _cases,
    "casework:case_detail": _cases,
    "casework:case_act": lambda w: _cases(w, act="note"),
    "casework:event_correct": lambda w: _cases(w, sequence="2"),
    # A case's file: the case decides who may download it.
    "casework:attachment_file": lambda w: [
        Target({"reference": file.case.reference, "pk": str(file.pk)}, file.case)
        for file in w["files"]
    ],
    # A draft (its writers only) and, publicly, a published report.
    "insight:feedback_report": lambda w: _each([w["report"]]),
    "insight:feedback_publish": lambda w: _each([w["report"]]),
    "insight:feedback_public_detail": lambda w: [Target({"pk": str(w["published_report"].pk)})],
    # The wording of each kind of message (administrators only); no single object is shown.
    "mail:template_edit": lambda w: [Target({"kind": "acknowledgement"})],
    # The portal's token pages, with a token that names no case (see REFUSED_TO_ALL).
    "portal_status": lambda w: [Target({"token": "no-such-token"})],
    "portal_file": lambda w: [
        Target({"token": "no-such-token", "pk": str(file.pk)}) for file in w["files"]
    ],
    "portal_session_file": lambda w: [Target({"pk": str(file.pk)}) for file in w["files"]],
    # The survey page, with a token that names no invitation (see REFUSED_TO_ALL).
    "portal_survey": lambda w: [Target({"token": "no-such-token"})],
    # allauth's links from emails: a key that was never issued (the page says the link is bad).
    "account_confirm_email": lambda w: [Target({"key": "never-issued"})],
    "account_reset_password_from_key": lambda w: [Target({"uidb36": "0", "key": "never-issued"})],
}
#: The given names of the clients (also in what each case asked): each finds a case and a client.
SEARCH_WORDS = ("Plaina", "Secreta", "Plainb", "Secretb")
#: Pages that search or filter a list: asked again with each of :data:`SEARCH_WORDS`.
SEARCH_PARAMETER = {
    "search:search": "q",
    "clients:client_list": "q",
    "casework:case_entry": "q",
    "casework:knowledge_list": "q",
}


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "", *, locale: bool = False):
    """(route with ``<name>`` parameters, full name, under the language prefix) of every page."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if isinstance(pattern.pattern, LocalePrefixPattern):
                yield from _routes(pattern.url_patterns, prefix, namespace, locale=True)
                continue
            part = _route_text(pattern.pattern)
            space = namespace
            if pattern.namespace:
                space = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, prefix + part, space, locale=locale)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield prefix + _route_text(pattern.pattern), name, locale


def _route_text(pattern: Any) -> str:
    """A route with ``<name>`` parameters (a regular expression's groups written the same way)."""
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", text)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    return text.lstrip("^").rstrip("$").replace("\\", "")


def _fill(route: str, values: dict[str, str]) -> str:
    return re.sub(r"<(\w+)>", lambda match: values[match[1]], route)


def _parameters(route: str) -> list[str]:
    return re.findall(r"<(\w+)>", route)


# --- what a caller may see ------------------------------------------------------------------


def _visible(model_object: Any, user: Any) -> bool:
    from django.contrib.auth.models import AnonymousUser

    manager = type(model_object).objects
    return manager.visible_to(user or AnonymousUser()).filter(pk=model_object.pk).exists()


def _secrets(w: dict[str, Any], user: Any) -> dict[str, str]:
    """Words the caller must never be shown → what they name: the references of the cases they
    may not see, and the names of the confidential clients they may not see."""
    words = {
        case.reference: f"case {case.reference}" for case in w["cases"] if not _visible(case, user)
    }
    for client in w["clients"]:
        if client.is_confidential and not _visible(client, user):
            words[client.family_name] = f"confidential client {client.pk}"
    return words


def _leaks(body: str, secrets: dict[str, str]) -> list[str]:
    return [what for word, what in secrets.items() if word in body]


def _to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


# --- the pages ------------------------------------------------------------------------------


def _pages() -> Iterator[tuple[str, str, bool]]:
    for route, name, locale in _routes(get_resolver().url_patterns):
        bare = name.rsplit(":", 1)[-1]
        if bare in SKIPPED or any(route.startswith(p) for p in SKIPPED_PREFIXES):
            continue
        yield route, name, locale


def test_every_page_with_parameters_is_filled_by_this_test() -> None:
    missing = [
        f"{name} ({route}): say in PAGE_DATA which object it shows"
        for route, name, _locale in _pages()
        if _parameters(route) and name not in PAGE_DATA
    ]
    assert not missing, "\n".join(missing)
    unknown = [
        f"{route}: add a value that names nothing for <{parameter}> to MISSING"
        for route, name, _locale in _pages()
        for parameter in _parameters(route)
        if PAGE_DATA.get(name)
        and name.split(":")[0] in ("inventory", "clients", "casework")
        and parameter not in MISSING
        and parameter != "act"
    ]
    assert not unknown, "\n".join(unknown)


def test_every_role_against_every_page(client: Any, world: dict[str, Any]) -> None:
    callers = world["callers"]
    secrets = {label: _secrets(world, user) for label, user in callers.items()}
    failures: list[str] = []
    answered: dict[str, bool] = {}

    def get(url: str, label: str) -> Any:
        user = callers[label]
        client.logout()
        if user is not None:
            client.force_login(user)
        return client.get(url)

    pages = list(_pages())
    assert any(name == "casework:case_detail" for _r, name, _l in pages), "the walk found nothing"
    for route, name, locale in pages:
        assert not _parameters(route) or name in PAGE_DATA, f"{name}: not in PAGE_DATA"
        targets = PAGE_DATA[name](world) if _parameters(route) else [Target({})]
        for language in ("en", "fr") if locale else ("",):
            base = f"/{language}/" if language else "/"
            for label, user in callers.items():
                missing_status = None
                for target in targets:
                    url = base + _fill(route, target.kwargs)
                    response = get(url, label)
                    status = response.status_code
                    reached = status not in (401, 403, 404) and not _to_sign_in(response)
                    answered[name] = answered.get(name, False) or reached
                    where = f"{url} as {label}"
                    if status >= 500:
                        failures.append(f"{where}: {status}")
                        continue
                    if target.obj is not None and not _visible(target.obj, user):
                        if missing_status is None:
                            nothing = {
                                key: MISSING.get(key, value) for key, value in target.kwargs.items()
                            }
                            missing_status = get(base + _fill(route, nothing), label).status_code
                        if status == 200 or status != missing_status:
                            failures.append(
                                f"{where}: {status} for an object they may not see, "
                                f"{missing_status} for one that does not exist"
                            )
                    if status == 200 and "html" in response.get("Content-Type", ""):
                        for leak in _leaks(response.content.decode(), secrets[label]):
                            failures.append(f"{where}: shows {leak}")
                if name in SEARCH_PARAMETER and status == 200 and language != "fr":
                    # Words that find every case and client (what was asked, the given
                    # names), never the secret words themselves, which the page echoes back.
                    for word in SEARCH_WORDS:
                        url = base + _fill(route, {}) + f"?{SEARCH_PARAMETER[name]}={word}"
                        response = get(url, label)
                        if response.status_code >= 500:
                            failures.append(f"{url} as {label}: {response.status_code}")
                            continue
                        body = response.content.decode()
                        failures += [
                            f"{url} as {label}: shows {leak}"
                            for leak in _leaks(body, secrets[label])
                        ]
    never = sorted(name for name, ok in answered.items() if not ok and name not in REFUSED_TO_ALL)
    failures += [f"{name}: refused to every caller (is PAGE_DATA right?)" for name in never]
    assert not failures, "\n".join(failures)


# --- the API --------------------------------------------------------------------------------

#: Path parameter of an API operation → the objects to call it with.
API_DATA: dict[str, Callable[[dict[str, Any]], list[tuple[str, Any]]]] = {
    "reference": lambda w: [(case.reference, case) for case in w["cases"]],
    "client_id": lambda w: [(str(client.pk), client) for client in w["clients"]],
    "record_id": lambda w: [(str(w["record"].pk), w["record"])],
}


def test_every_api_read_as_every_role(client: Any, world: dict[str, Any]) -> None:
    from comptoir.api.actions import do_create_token

    callers = world["callers"]
    tokens = {
        label: do_create_token(user, scope="read", name="leaks", actor=None)[1]
        for label, user in callers.items()
        if user is not None
    }
    document = client.get("/api/openapi.json").json()
    operations = [path for path, item in document["paths"].items() if "get" in item]
    assert operations, "the OpenAPI document lists no GET operation"
    failures: list[str] = []

    def get(url: str, label: str) -> Any:
        headers = {}
        if label in tokens:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[label]}"
        return client.get(url, **headers)

    for path in operations:
        names = re.findall(r"\{(\w+)\}", path)
        unknown = [name for name in names if name not in API_DATA]
        assert not unknown, f"{path}: say in API_DATA which object {{{unknown[0]}}} reads"
        assert len(names) <= 1, f"{path}: this test fills one parameter; extend it"
        calls: list[tuple[str, Any]] = [(path, None)]
        if names:
            calls = [
                (path.replace(f"{{{names[0]}}}", value), obj)
                for value, obj in API_DATA[names[0]](world)
            ]
            missing = path.replace(f"{{{names[0]}}}", MISSING[names[0]])
        for label, user in callers.items():
            secrets = _secrets(world, user)
            for url, obj in calls:
                response = get(url, label)
                status = response.status_code
                where = f"{url} as {label}"
                if status >= 500:
                    failures.append(f"{where}: {status}")
                    continue
                if user is None and status != 401:
                    failures.append(f"{where}: {status}, expected 401")
                if obj is not None and not _visible(obj, user):
                    nothing = get(missing, label).status_code
                    if status == 200 or status != nothing:
                        failures.append(
                            f"{where}: {status} for an object they may not see, "
                            f"{nothing} for one that does not exist"
                        )
                if status == 200:
                    body = json.dumps(response.json(), ensure_ascii=False)
                    failures += [f"{where}: shows {leak}" for leak in _leaks(body, secrets)]
    assert not failures, "\n".join(failures)
