"""Benchmark: casework at scale on PostgreSQL (issue 11, item 12).

Creates a fresh database on the server of ``--postgres`` (default
``postgres://postgres@127.0.0.1:5432/postgres``; the database ``comptoir_bench_casework`` is
created and dropped by this script), migrates it, runs ``comptoir demo`` (units, services, the
casework accounts, rules, its own 3,000 cases), then writes ``--clients M`` (default 250,000)
clients and ``--cases N`` (default 1,000,000) cases with ``comptoir.casework.generator`` through
the bulk writer. It then measures, over ``--samples`` runs each (server time: the request timed
inside this process, through Django's test client):

- (a) the first page of the unit queue with the most unassigned open cases, signed in as the
  demo unit manager, against the bare SQL of the same 25 rows;
- (a') the same queue's read path alone (``casework.queries.unit_queue``: the tab counts and the
  page's rows with their relations, no HTML) against bare SQL of the same counts and rows;
- (b) a full-text search through the search page against the bare SQL the backend runs, written
  by hand without the visibility filters (the tsquery made once from ``websearch_to_tsquery`` in
  English and French, the matches counted up to 1,001, the band of the 200 newest ranked, one
  page read);
- (c) case creation through the API (``POST /api/cases/`` with a bearer token) per second against
  a bare Django view defined here that inserts one ``Case`` row with the ORM, in the same run;
- (d) the peak resident memory of the process after each phase.

With ``--keep`` the database stays; ``--reuse`` then measures it again without generating it
anew (the schema is migrated first). It prints p50/p95, the ratios and the data size, and writes
the figures as JSON to
``bench/results/`` (git-ignored). Run by hand, never in CI, under the shared CPU lock::

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_casework_scale.py --cases 100000 \\
        --clients 25000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from _postgres import admin as _admin
from _postgres import percentiles as _percentiles
from _postgres import with_db as _with_db

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "comptoir_bench_casework"
RESULTS = ROOT / "bench" / "results"
SEARCH_WORDS = ("tableau", "census", "Tremblay", "exportations")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(call: Any, samples: int) -> list[float]:
    call()  # warm: the first request compiles templates and fills caches
    times = []
    for _n in range(samples):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


# --- the bare insert view (the floor of case creation) --------------------------------------------


def bare_insert(request: Any) -> Any:
    """One ``Case`` row inserted with the ORM, nothing else (no event, no check, no index)."""
    import hashlib
    import secrets

    from django.http import JsonResponse
    from django.utils import timezone

    from comptoir.casework.actions import draw_reference_number
    from comptoir.casework.models import Case
    from comptoir.core.casework import make_reference

    body = json.loads(request.body)
    now = timezone.now()
    case = Case.objects.create(
        reference=make_reference(draw_reference_number()),
        status_token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
        service_id=body["service"],
        kind="enquiry",
        channel="TEL",
        entry_unit_id=body["entry_unit"],
        current_unit_id=body["entry_unit"],
        language=body["language"],
        description=body["description"],
        is_anonymous=True,
        created_at=now,
        status="open",
        received_at=now,
        last_event_at=now,
    )
    return JsonResponse({"reference": case.reference}, status=201)


URLCONF = "bench_casework_scale_urls"


def _install_urlconf() -> None:
    """The project's addresses and the bare insert view, as a module of their own."""
    import types

    from django.urls import path

    from comptoir.config import urls

    module = types.ModuleType(URLCONF)
    module.urlpatterns = [path("bench/bare-insert/", bare_insert), *urls.urlpatterns]  # type: ignore[attr-defined]
    sys.modules[URLCONF] = module


# --- the run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.urls import reverse
    from django.utils import timezone, translation

    from comptoir.accounts.models import User
    from comptoir.api.actions import do_create_token
    from comptoir.casework import generator, queries
    from comptoir.casework.models import Case, RequestType
    from comptoir.clients.models import Client as ClientRecord
    from comptoir.inventory.models import Service, Unit, UnitMembership

    figures: dict[str, Any] = {"rss_mb": {"setup": _rss_mb()}}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not args.reuse:
        call_command("demo", "--password", "benchmark-password-only", stdout=open(os.devnull, "w"))  # noqa: SIM115
    figures["setup_seconds"] = time.perf_counter() - started
    manager = User.objects.get(username="demo-manager")
    officer = User.objects.get(username="demo-officer")
    units = list(Unit.objects.all())
    staff: dict[int, list[int]] = {}
    for membership in UnitMembership.objects.filter(is_active=True):
        staff.setdefault(membership.unit_id, []).append(membership.user_id)

    now = timezone.now()
    start = now - timedelta(days=3 * 365)
    rng = random.Random(args.seed)
    if args.reuse:
        from comptoir.casework.models import CaseEvent

        data = {
            "cases": Case.objects.count(),
            "clients": ClientRecord.objects.count(),
            "events": CaseEvent.objects.count(),
        }
        figures["data"] = data
        print(
            f"data (reused from a previous --keep run): {data['cases']:,} cases, "
            f"{data['clients']:,} clients, {data['events']:,} events"
        )
    else:
        started = time.perf_counter()
        clients = generator.generate_clients(rng, args.clients, start=start, end=now)
        cases = generator.generate_cases(
            rng,
            args.cases,
            units=[generator.UnitInfo(u.pk, u.kind, u.time_zone, u.organization_id) for u in units],
            services=list(Service.objects.values_list("pk", "organization_id")),
            request_types=list(RequestType.objects.values_list("pk", flat=True)),
            staff=staff,
            clients=args.clients,
            start=start,
            end=now,
            taken=Case.objects.values_list("reference", flat=True),
        )
        counts = generator.write_generated(clients, cases, actor=None, now=now, reason="benchmark")
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        figures["generate"] = {
            "seconds": seconds,
            "cases_per_second": counts.cases / seconds,
            **counts.__dict__,
        }
        figures["rss_mb"]["generated"] = _rss_mb()
        data = {
            "cases": Case.objects.count(),
            "clients": ClientRecord.objects.count(),
            "events": counts.events,
        }
        figures["data"] = data
        print(
            f"data: {data['cases']:,} cases, {data['clients']:,} clients, {counts.events:,} events "
            f"generated in {seconds:.0f} s ({counts.cases / seconds:,.0f} cases/s)"
        )

    _install_urlconf()
    with override_settings(
        ROOT_URLCONF=URLCONF,
        ALLOWED_HOSTS=["testserver"],
        COMPTOIR_REQUIRE_MFA=False,
        SECURE_SSL_REDIRECT=False,
        # The pages as served, but without the collected static files' manifest.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        DEBUG=False,
    ):
        browser = Client()
        browser.force_login(manager)

        # (a) the unit queue's first page.
        queue_unit = (
            Case.objects.exclude(status="resolved")
            .filter(owner=None)
            .values("current_unit")
            .order_by()
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        unit = Unit.objects.get(pk=queue_unit["current_unit"])
        with translation.override("en"):
            queue_url = reverse("casework:unit_queue", args=[unit.code])

        def page() -> None:
            response = browser.get(queue_url)
            assert response.status_code == 200, response.status_code

        def bare_queue() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, reference, status, kind, channel, tier, priority, received_at, "
                    "last_event_at, client_id, service_id FROM casework_case "
                    "WHERE current_unit_id = %s AND status <> 'resolved' AND owner_id IS NULL "
                    "ORDER BY received_at, id LIMIT 25",
                    [unit.pk],
                )
                cursor.fetchall()

        figures["queue"] = _compare(page, bare_queue, args.samples, queue_unit["n"])
        _print("unit queue, first page", figures["queue"], f"{queue_unit['n']:,} waiting")

        # (a') the same page's data without the HTML: the read path (its tab counts, the rows
        # with their relations) against bare SQL of the same counts and rows.
        def queue_data() -> None:
            with translation.override("en"):
                result = queries.unit_queue(manager, unit)
                list(result.page.object_list)

        def bare_queue_data() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FILTER (WHERE owner_id IS NULL), COUNT(*), "
                    "COUNT(*) FILTER (WHERE next_due_at <= now()), "
                    "COUNT(*) FILTER (WHERE awaiting_since IS NOT NULL) FROM casework_case "
                    "WHERE current_unit_id = %s AND NOT (status = 'resolved')",
                    [unit.pk],
                )
                cursor.fetchall()
            bare_queue()

        figures["queue_data"] = _compare(queue_data, bare_queue_data, args.samples, None)
        _print("unit queue, read path only", figures["queue_data"], "")

        # (b) full-text search.
        searches = []
        with translation.override("en"):
            search_url = reverse("search:search")
        for word in SEARCH_WORDS:

            def search(word: str = word) -> None:
                response = browser.get(search_url, {"q": word})
                assert response.status_code == 200, response.status_code

            def bare_search(word: str = word) -> None:
                # What the backend asks, written by hand without the visibility filters: the
                # query made once, the matches counted up to 1,001, the band of the 200 newest
                # ranked, one page read.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT (websearch_to_tsquery('english', unaccent(%s)) "
                        "|| websearch_to_tsquery('french', unaccent(%s)))::text",
                        [word, word],
                    )
                    (tsquery,) = cursor.fetchone()
                    cursor.execute(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM search_searchentry "
                        "WHERE document @@ %s::tsquery LIMIT 1001) AS bounded",
                        [tsquery],
                    )
                    cursor.execute(
                        "SELECT newest.id, newest.title, newest.body FROM (SELECT id, title, "
                        "body, document FROM search_searchentry WHERE document @@ %s::tsquery "
                        "ORDER BY updated_at DESC, id DESC LIMIT 200) AS newest "
                        "ORDER BY ts_rank(newest.document, %s::tsquery) DESC, newest.id LIMIT 20",
                        [tsquery, tsquery],
                    )
                    cursor.fetchall()

            result = _compare(search, bare_search, args.samples, None)
            result["word"] = word
            searches.append(result)
            _print(f"search {word!r}", result, "")
        figures["search"] = searches

        # (c) case creation through the API, against the bare insert view.
        _token, raw = do_create_token(officer, scope="read_write", name="bench", actor=None)
        api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        entry = Unit.objects.get(code="ottawa-contact-centre")
        service = Service.objects.filter(organization_id=entry.organization_id).first()
        body = {
            "service": service.pk,
            "entry_unit": entry.pk,
            "language": "fr",
            "description": "Demande de données sur le commerce de détail au Québec.",
            "is_anonymous": True,
        }
        created = {}
        for name, url in (("api", "/api/cases/"), ("bare", "/bench/bare-insert/")):

            def post(url: str = url) -> None:
                response = api.post(url, body, content_type="application/json")
                assert response.status_code == 201, (response.status_code, response.content)

            times = _timed(post, args.samples * 4)
            created[name] = {"per_second": len(times) / sum(times), **_percentiles(times)}
        created["ratio_of_floor"] = created["api"]["per_second"] / created["bare"]["per_second"]
        figures["create"] = created
        print(
            f"case creation: API {created['api']['per_second']:.0f}/s, bare insert view "
            f"{created['bare']['per_second']:.0f}/s: {created['ratio_of_floor']:.0%} of the floor"
        )
    figures["rss_mb"]["measured"] = _rss_mb()
    print(
        "peak RSS: " + ", ".join(f"{phase} {mb:.0f} MB" for phase, mb in figures["rss_mb"].items())
    )
    return figures


def _compare(call: Any, bare: Any, samples: int, rows: int | None) -> dict[str, Any]:
    server = _percentiles(_timed(call, samples))
    floor = _percentiles(_timed(bare, samples))
    return {
        "server": server,
        "bare_sql": floor,
        "p95_ratio": server["p95_ms"] / max(floor["p95_ms"], 1e-6),
        "p50_ratio": server["p50_ms"] / max(floor["p50_ms"], 1e-6),
        "rows": rows,
    }


def _print(what: str, result: dict[str, Any], note: str) -> None:
    server, floor = result["server"], result["bare_sql"]
    print(
        f"{what}: p50 {server['p50_ms']:.1f} ms, p95 {server['p95_ms']:.1f} ms; bare SQL p50 "
        f"{floor['p50_ms']:.1f} ms, p95 {floor['p95_ms']:.1f} ms; x{result['p95_ratio']:.1f} at "
        f"p95 {note}".rstrip()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=250_000)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database a previous --keep run left, without generating again",
    )
    args = parser.parse_args()
    if not args.reuse:
        _admin(args.postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = _with_db(args.postgres, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")
    os.environ.setdefault("COMPTOIR_SECRET_KEY", "benchmark-only-not-a-secret")
    try:
        figures = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(args.postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}")
    figures["arguments"] = vars(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = (
        RESULTS
        / f"casework_scale_{args.cases}_{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    )
    out.write_text(json.dumps(figures, indent=2, default=str))
    print(f"figures written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
