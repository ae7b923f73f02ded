"""What the PostgreSQL benchmarks share: a database of their own on the server, the figures'
percentiles, and where the figures are written (``bench/results/``, git-ignored)."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def with_db(url: str, name: str) -> str:
    """``url`` naming the database ``name`` instead of its own."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def admin(url: str, *statements: str) -> None:
    """Run statements outside a transaction (CREATE/DROP DATABASE) on the server of ``url``."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]  # literal SQL of ours


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 of durations in seconds, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000}


def use_database(server: str, name: str, *, fresh: bool) -> str:
    """Point Django at the database ``name`` on ``server`` (created anew when ``fresh``)."""
    if fresh:
        admin(server, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    url = with_db(server, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")
    os.environ.setdefault("COMPTOIR_SECRET_KEY", "benchmark-only-not-a-secret")
    return url


def run_in_database(
    server: str, name: str, run: Callable[[], dict[str, Any]], *, fresh: bool, keep: bool
) -> dict[str, Any]:
    """``run()`` against the database ``name`` (see :func:`use_database`), which is dropped
    afterwards unless ``keep``."""
    use_database(server, name, fresh=fresh)
    try:
        return run()
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            admin(server, f"DROP DATABASE IF EXISTS {name}")


def write_figures(prefix: str, figures: dict[str, Any]) -> Path:
    """The figures as JSON under ``bench/results/``; prints and returns the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{prefix}_{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    out.write_text(json.dumps(figures, indent=2, default=str))
    print(f"figures written to {out.relative_to(ROOT)}")
    return out
