"""Benchmark: the intake proposals against many clients on PostgreSQL (issue 13, item 2; aim:
p95 ≤ 50 ms at 1,000,000 clients).

Creates the database ``comptoir_bench_clients`` on the server of ``--postgres`` (default
``postgres://postgres@127.0.0.1:5432/postgres``), migrates it and writes ``--clients N`` (default
1,000,000) clients with ``comptoir.casework.generator`` through the bulk writer, which also writes
each client's blocking strings (``clients.matching``). It then times, over ``--samples`` typed
records each:

- (a) ``clients.matching.propose`` for a record typed from an existing client with the kinds of
  change a caller's own account brings (a nickname or no accent, the email in capitals, the phone
  written another way), against the floor of the same strings' capped index look-ups in bare SQL
  (``SELECT client_id ... WHERE value = %s ORDER BY client_id LIMIT 201``, one per string, with no
  scoring and no client read);
- (b) the same for a record of nobody (a new client: the common case at a counter);
- (c) the share of (a) whose client came first (a sanity check, not a quality measure: quality
  against labelled pairs is issue 13's item 6).

With ``--keep`` the database stays; ``--reuse`` measures it again without generating it. Prints
p50/p95 and the ratios with the data size, and writes the figures as JSON to ``bench/results/``.
Run by hand, never in CI, under the shared CPU lock::

    flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_intake_proposals.py --clients 100000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
from datetime import timedelta
from typing import Any

from _postgres import DEFAULT_SERVER, percentiles, run_in_database, write_figures

BENCH_DB = "comptoir_bench_clients"
NICKNAMES = {"William": "Bill", "Robert": "Bob", "Margaret": "Peggy", "Guillaume": "William"}


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _as_typed(rng: random.Random, client: Any, points: list[Any]) -> Any:
    """What a caller gives for an existing client, a little differently written."""
    from comptoir.clients.matching import typed_record

    given = NICKNAMES.get(client.given_name, client.given_name)
    if rng.random() < 0.5:
        given = _plain(given)
    emails = [p.value for p in points if p.kind == "email"]
    phones = [p.value for p in points if p.kind == "phone"]
    return typed_record(
        given_name=given,
        family_name=client.family_name,
        organization_name=client.organization_name,
        email=emails[0].upper() if emails and rng.random() < 0.7 else "",
        phone=phones[0].replace("-", " ") if phones and rng.random() < 0.7 else "",
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from comptoir.casework import generator
    from comptoir.clients.matching import BLOCK_CAP, propose, typed_record
    from comptoir.clients.models import Client, ClientMatchKey, ContactPoint
    from comptoir.core.matching import blocking_values, normalize_record

    figures: dict[str, Any] = {}
    call_command("migrate", verbosity=0)
    if not args.reuse:
        started = time.perf_counter()
        now = timezone.now()
        rng = random.Random(args.seed)
        clients = generator.generate_clients(
            rng, args.clients, start=now - timedelta(days=3 * 365), end=now
        )
        generator.write_generated(clients, [], actor=None, now=now, reason="benchmark")
        figures["generation_seconds"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    figures["clients"] = Client.objects.count()
    figures["blocking_strings"] = ClientMatchKey.objects.count()

    rng = random.Random(args.seed + 1)
    top = Client.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = []
    while len(picked) < args.samples:
        client = Client.objects.filter(pk__gte=rng.randrange(1, top + 1), is_anonymous=False)
        found = client.order_by("pk").first()
        if found is not None:
            picked.append((found, list(ContactPoint.objects.filter(client=found))))
    typed = [_as_typed(rng, client, points) for client, points in picked]
    nobody = [
        typed_record(
            given_name=rng.choice(["Ana", "Idris", "Mei", "Olusegun"]),
            family_name=f"Zz{rng.randrange(10**6)}",
            email=f"new{rng.randrange(10**9)}@example.org",
            phone=f"709-555-{rng.randrange(10000):04d}",
        )
        for _n in range(args.samples)
    ]

    def timed(records: list[Any]) -> tuple[list[float], list[list[Any]]]:
        propose(records[0])  # warm
        times, answers = [], []
        for record in records:
            started = time.perf_counter()
            answers.append(propose(record))
            times.append(time.perf_counter() - started)
        return times, answers

    def floor(records: list[Any]) -> list[float]:
        """The same capped look-ups in bare SQL: each string's first BLOCK_CAP + 1 clients."""
        times = []
        with connection.cursor() as cursor:
            for record in records:
                values = list(blocking_values(normalize_record(record)))
                started = time.perf_counter()
                for value in values:
                    cursor.execute(
                        "SELECT client_id FROM clients_clientmatchkey WHERE value = %s"
                        " ORDER BY client_id LIMIT %s",
                        [value, BLOCK_CAP + 1],
                    )
                    cursor.fetchall()
                times.append(time.perf_counter() - started)
        return times

    existing_times, answers = timed(typed)
    nobody_times, _ = timed(nobody)
    floor_times = floor(typed)
    first = sum(
        1
        for (client, _points), found in zip(picked, answers, strict=True)
        if found and found[0].client.pk == client.pk
    )
    figures["existing"] = percentiles(existing_times)
    figures["nobody"] = percentiles(nobody_times)
    figures["floor_index_lookup"] = percentiles(floor_times)
    figures["existing_first_share"] = first / len(picked)
    figures["ratio_p95_existing_to_floor"] = figures["existing"]["p95_ms"] / max(
        figures["floor_index_lookup"]["p95_ms"], 1e-6
    )
    print(
        f"clients: {figures['clients']:,}  blocking strings: {figures['blocking_strings']:,}  "
        f"samples: {args.samples}"
    )
    if "generation_seconds" in figures:
        print(f"generation: {figures['generation_seconds']:.0f} s")
    for name in ("existing", "nobody", "floor_index_lookup"):
        times = figures[name]
        print(f"{name:>20}: p50 {times['p50_ms']:.1f} ms  p95 {times['p95_ms']:.1f} ms")
    print(
        f"existing p95 / floor p95: {figures['ratio_p95_existing_to_floor']:.1f}x  "
        f"(aim: p95 ≤ 50 ms); the existing client came first in "
        f"{figures['existing_first_share']:.0%} of the samples"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=DEFAULT_SERVER)
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()
    figures = run_in_database(
        args.postgres, BENCH_DB, lambda: run(args), fresh=not args.reuse, keep=args.keep
    )
    figures["arguments"] = vars(args)
    write_figures(f"intake_proposals_{args.clients}", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
