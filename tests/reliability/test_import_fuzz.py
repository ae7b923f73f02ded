"""The three CSV imports fed bad files (hypothesis): random bytes, the right headers with wrong
cells, byte-order marks, other encodings, huge fields, missing columns.

Each import either succeeds or is refused with its documented exit status
(``config.commands.EXIT_REJECTED``, 2) and a message, never another exception; and a refused
import writes nothing: every row count of the apps it writes to is the same before and after.
``comptoir inventory import`` is run with ``--strict`` (all or nothing; without it, keeping the
valid rows is its documented behaviour), ``comptoir cases import`` and ``comptoir clients
import`` are all or nothing by design.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.config.commands import EXIT_REJECTED

pytestmark = pytest.mark.django_db

EXAMPLES = 30
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

#: A cell: anything, including quotes, separators, new lines, NUL and surrogate-free unicode.
cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", '"', '""', ",", "\n", "\r\n", "\x00", "=cmd|' /C calc'!A0", "\ufeff"]
    ),
    st.sampled_from(
        ["2024-2025", "2026-13-40", "9999-99-99T99:99", "-1", "1e309", "NaN", "Y", "fr"]
    ),
    st.just("x" * 200_000),  # a huge field
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "utf-32"])


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def csv_files(draw: Any, columns: tuple[str, ...]) -> bytes:
    """Bytes of a file: random bytes, or a CSV with (some of) the right columns and bad cells."""
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(st.binary(max_size=3000))
    header = list(draw(st.permutations(columns)))
    if draw(st.booleans()):  # missing columns, or unknown ones
        header = header[: draw(st.integers(0, len(header)))]
        header += draw(st.lists(st.text(min_size=1, max_size=10), max_size=2))
    width = len(header) + draw(st.integers(-2, 2))
    rows = draw(
        st.lists(st.lists(cells, min_size=max(width, 0), max_size=max(width, 0)), max_size=4)
    )
    text = _csv_text(header, rows)
    encoding = draw(encodings)
    return text.encode(encoding, errors="replace")


def _counts(*labels: str) -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in labels
        for model in apps.get_app_config(label).get_models()
    }


def _run_import(arguments: list[Any], *labels: str) -> str:
    """Run a command; ``"imported"`` or ``"refused"``, after checking a refusal wrote nothing."""
    before = _counts(*labels)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*arguments, stdout=out, stderr=err)
    except CommandError as error:
        assert error.returncode == EXIT_REJECTED, (error.returncode, str(error))
        assert str(error).strip(), "a refusal says why"
        after = _counts(*labels)
        assert after == before, {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        return "refused"
    return "imported"


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_the_inventory_import_refuses_bad_files_whole(
    tmp_path: Path, write_inventory_files: Callable[..., Any]
) -> None:
    from comptoir.core.opendata.schema import Resource, columns_of

    outcomes: list[str] = []

    @FUZZ
    @given(
        services=csv_files(tuple(columns_of(Resource.SERVICE))),
        standards=csv_files(tuple(columns_of(Resource.STANDARD))),
    )
    def check(services: bytes, standards: bytes) -> None:
        arguments = [
            "inventory",
            "import",
            "--services",
            _write(tmp_path / "service.csv", services),
            "--standards",
            _write(tmp_path / "service-std.csv", standards),
            "--strict",
            "--summary",
            "--report",
            tmp_path / "report.csv",
        ]
        outcomes.append(_run_import(arguments, "inventory"))

    check()
    assert "refused" in outcomes


def test_the_cases_import_refuses_bad_files_whole(tmp_path: Path) -> None:
    from comptoir.casework.history_import import (
        CASE_COLUMNS,
        CASE_OPTIONAL_COLUMNS,
        EVENT_COLUMNS,
        EVENT_OPTIONAL_COLUMNS,
    )

    outcomes: list[str] = []

    @FUZZ
    @given(
        cases=csv_files(CASE_COLUMNS + CASE_OPTIONAL_COLUMNS),
        events=st.none() | csv_files(EVENT_COLUMNS + EVENT_OPTIONAL_COLUMNS),
    )
    def check(cases: bytes, events: bytes | None) -> None:
        arguments: list[Any] = ["cases", "import", _write(tmp_path / "cases.csv", cases)]
        if events is not None:
            arguments += ["--events", _write(tmp_path / "events.csv", events)]
        arguments += ["--report", tmp_path / "report.csv"]
        outcomes.append(_run_import(arguments, "casework", "clients"))

    check()
    assert "refused" in outcomes


def test_the_clients_import_refuses_bad_files_whole(tmp_path: Path) -> None:
    from comptoir.clients.bulk_import import FIELDS

    outcomes: list[str] = []

    @FUZZ
    @given(clients=csv_files(FIELDS))
    def check(clients: bytes) -> None:
        arguments = [
            "clients",
            "import",
            _write(tmp_path / "clients.csv", clients),
            "--report",
            tmp_path / "report.csv",
        ]
        outcomes.append(_run_import(arguments, "clients"))

    check()
    assert "refused" in outcomes
