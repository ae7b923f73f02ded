"""Every form field and every API input with a length limit refuses one character more, with a
message that exists in French too.

- **Forms**: every ``django.forms.Form`` (and model form) defined in a ``comptoir`` module whose
  name ends in ``forms``, by its declared fields (``base_fields``): each ``CharField`` with a
  ``max_length`` is cleaned with a value one character too long; the error's message under
  ``translation.override("fr")`` must differ from the English one. Fields a form adds in its
  ``__init__`` are not seen here (they are few, and each has its own form test).
- **API**: every operation of ``/api/openapi.json`` whose query parameters or JSON body
  properties (one level of nesting and the items of a list included) carry ``maxLength`` is
  called with a value one character too long: a 400 in the error shape, the message on that
  field, in French when asked in French and different from the English one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

import comptoir
from comptoir.accounts.roles import Role


def _form_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(comptoir.__path__, "comptoir."):
        if info.name.rsplit(".", 1)[-1].endswith("forms"):
            importlib.import_module(info.name)
            names.append(info.name)
    return names


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _limited_char_fields() -> list[tuple[str, str, forms.CharField]]:
    _form_modules()
    found = {}
    for form in _subclasses(forms.BaseForm):
        if not form.__module__.startswith("comptoir.") or not hasattr(form, "base_fields"):
            continue
        for name, field in form.base_fields.items():
            if isinstance(field, forms.CharField) and field.max_length:
                found[(f"{form.__module__}.{form.__qualname__}", name)] = field
    return [(form, name, field) for (form, name), field in sorted(found.items())]


def test_the_walk_finds_the_forms_of_every_app() -> None:
    modules = {form.split(".")[1] for form, _name, _field in _limited_char_fields()}
    assert {"casework", "clients", "inventory", "portal"} <= modules, modules


@pytest.mark.parametrize(
    ("form", "name", "field"),
    _limited_char_fields(),
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_limited_form_field_refuses_one_character_more_in_both_languages(
    form: str, name: str, field: forms.CharField
) -> None:
    assert field.max_length is not None
    value = "a" * (field.max_length + 1)
    field.clean("a" * field.max_length)  # the limit itself is accepted
    with pytest.raises(ValidationError) as caught:
        field.clean(value)
    with translation.override("en"):
        english = " ".join(caught.value.messages)
    with translation.override("fr"):
        french = " ".join(caught.value.messages)
    assert english and french
    assert english != french, f"{form}.{name}: {english!r} has no French"


# --- the API ------------------------------------------------------------------------------------


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    if "anyOf" in schema:  # ``X | None``: the non-null side
        schema = next(
            (_resolve(document, s) for s in schema["anyOf"] if s.get("type") != "null"), schema
        )
    return schema


def _limited_properties(
    document: dict[str, Any], schema: dict[str, Any], prefix: str = "", depth: int = 0
) -> Iterator[tuple[str, int, Callable[[str], Any]]]:
    """(field name as the error names it, limit, body builder) for each limited property."""
    schema = _resolve(document, schema)
    for name, prop in (schema.get("properties") or {}).items():
        prop = _resolve(document, prop)
        if prop.get("type") == "string" and prop.get("maxLength"):
            yield f"{prefix}{name}", prop["maxLength"], lambda v, n=name: {n: v}
        elif depth < 2 and prop.get("type") == "object":
            for inner, limit, build in _limited_properties(document, prop, f"{name}.", depth + 1):
                yield inner, limit, lambda v, n=name, b=build: {n: b(v)}
        elif depth < 2 and prop.get("type") == "array" and "items" in prop:
            items = _resolve(document, prop["items"])
            for inner, limit, build in _limited_properties(
                document, items, f"{name}.0.", depth + 1
            ):
                yield inner, limit, lambda v, n=name, b=build: {n: [b(v)]}


@pytest.mark.django_db
def test_every_limited_api_input_refuses_one_character_more_in_both_languages(
    call: Callable[..., Any],
    make_user: Callable[..., Any],
    make_token: Callable[..., str],
    make_api_client: Callable[..., Any],
) -> None:
    token = make_token(make_user(Role.ADMINISTRATOR), scope="read_write")
    client = make_api_client()
    document = call("get", "/api/openapi.json").json()
    tried, failures = 0, []
    for path, item in document["paths"].items():
        url = path.replace("{client_id}", str(client.pk)).replace("{record_id}", "1")
        url = url.replace("{reference}", "AAAA-AAAA")
        for method, operation in item.items():
            inputs: list[tuple[str, int, dict[str, Any]]] = []
            for parameter in operation.get("parameters", []):
                schema = _resolve(document, parameter.get("schema", {}))
                if parameter["in"] == "query" and schema.get("maxLength"):
                    inputs.append((parameter["name"], schema["maxLength"], {"query": True}))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                for name, limit, build in _limited_properties(document, body["schema"]):
                    inputs.append((name, limit, {"build": build}))
            for name, limit, how in inputs:
                value = "a" * (limit + 1)
                answers = {}
                for language in ("en", "fr"):
                    if "query" in how:
                        response = call(
                            method, f"{url}?{name}={value}", token=token, accept_language=language
                        )
                    else:
                        response = call(
                            method, url, token=token, json=how["build"](value),
                            accept_language=language,
                        )  # fmt: skip
                    answers[language] = response
                tried += 1
                label = f"{method.upper()} {path} {name}"
                en, fr = answers["en"], answers["fr"]
                if en.status_code != 400 or fr.status_code != 400:
                    failures.append(f"{label}: {en.status_code}/{fr.status_code}")
                    continue
                en_fields, fr_fields = en.json()["error"]["fields"], fr.json()["error"]["fields"]
                if name not in en_fields or name not in fr_fields:
                    failures.append(f"{label}: not on the field: {sorted(en_fields)}")
                elif en_fields[name] == fr_fields[name]:
                    failures.append(f"{label}: {en_fields[name]} has no French")
                elif fr.headers.get("Content-Language") != "fr":
                    failures.append(f"{label}: answered in {fr.headers.get('Content-Language')}")
    assert tried >= 10, tried
    assert not failures, "\n".join(failures)
