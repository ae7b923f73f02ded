"""Benchmark the start-up of the ``comptoir`` command: wall time of whole processes.

Run: ``flock /tmp/comptoir-cpu.lock .venv/bin/python bench/bench_startup.py [--runs N]``

Each command runs ``N`` times as a fresh process (its output discarded); the script prints the
median and the 95th percentile of the wall time, against two floors measured in the same run:

* ``python -c pass``, the least any Python command pays;
* ``python -c "import django"``, the least any Django command pays;

and then ``comptoir --help`` and ``comptoir standards due`` on the issue's example (aim ≤ 0.5 s
median). It prints the CPU time (user + system) of each process beside its wall time: on a machine
shared with other work, CPU time moves less than wall time. The commands run with
``COMPTOIR_DEBUG=1`` and a ``COMPTOIR_VAR_DIR`` that does not exist, so no database can be opened:
``standards`` must not need one (``--var-dir`` runs them with another folder).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
COMPTOIR = str(Path(PYTHON).with_name("comptoir"))
DUE = [
    "standards",
    "due",
    "--holidays",
    "CA-QC",
    "--tz",
    "America/Montreal",
    "--hours",
    "08:30-16:30",
    "--received",
    "2026-06-23T15:10",
    "--within",
    "2 business days",
]


def run_times(
    command: list[str], runs: int, env: dict[str, str]
) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of ``runs`` fresh processes, after one warm-up run."""
    subprocess.run(command, env=env, capture_output=True, check=True)  # warm the file cache
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--var-dir",
        type=Path,
        default=None,
        help="COMPTOIR_VAR_DIR to run with (default: a folder that does not exist)",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "COMPTOIR_DEBUG": "1",
            "COMPTOIR_VAR_DIR": str(options.var_dir or Path(folder) / "nowhere"),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("DATABASE_URL", None)
        print(
            f"machine: {platform.processor() or platform.machine()}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
        )
        where = "no database on disk" if options.var_dir is None else f"var dir {options.var_dir}"
        print(f"wall time of {options.runs} fresh processes each ({where})\n")
        print(f"  {'command':40} {'wall median':>12} {'p95':>8} {'CPU median':>11} {'p95':>8}")
        rows = [
            ("floor: python -c pass", [PYTHON, "-c", "pass"]),
            ("floor: python -c 'import django'", [PYTHON, "-c", "import django"]),
            ("comptoir --help", [COMPTOIR, "--help"]),
            ("comptoir standards due (issue example)", [COMPTOIR, *DUE]),
        ]
        for label, command in rows:
            walls, cpus = run_times(command, options.runs, env)
            aim = "  (aim ≤ 0.500 s)" if command[1:2] == ["standards"] else ""
            print(
                f"  {label:40} {statistics.median(walls):11.3f}s {p95(walls):7.3f}s "
                f"{statistics.median(cpus):10.3f}s {p95(cpus):7.3f}s{aim}"
            )
        print(
            "\n(CPU time: user + system of each process, steadier than wall time on a busy machine)"
        )


if __name__ == "__main__":
    main()
