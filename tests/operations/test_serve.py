"""scripts/serve, for real: on a free loopback port, against a database of its own (a SQLite file
in a temporary folder, or a new PostgreSQL database in the suite's PostgreSQL pass), it checks the
settings, refuses pending migrations unless told, collects the static files, answers /readyz, serves
a static file under its hashed name with a far-future cache header (WhiteNoise), and on SIGTERM
(or SIGINT, Ctrl+C) stops the web server and the worker; when one of the two dies, it stops the
other and fails."""

from __future__ import annotations

import gzip
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SERVE = PROJECT / "scripts" / "serve"
HOST = "comptoir.example.gc.ca"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A database nobody else uses: SQLite in a temporary folder, or on the PostgreSQL pass a new
    database on the same server (dropped afterwards)."""
    test_url = os.environ.get("DATABASE_URL", "")
    if not test_url.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('serve-db') / 'comptoir.sqlite3'}"
        return
    import dj_database_url
    import psycopg

    parts = dj_database_url.parse(test_url)
    admin = {
        "host": parts.get("HOST") or None,
        "port": parts.get("PORT") or None,
        "user": parts.get("USER") or None,
        "password": parts.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    admin = {key: value for key, value in admin.items() if value is not None}
    name = f"comptoir_serve_{secrets.token_hex(4)}"
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield test_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve-var")


def serve_env(var_dir: Path, database_url: str, port: int) -> dict[str, str]:
    """A production environment: none of the test run's Comptoir settings, settings that pass
    ``check --deploy`` (SQLite accepted on purpose), loopback only."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COMPTOIR_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "COMPTOIR_VAR_DIR": str(var_dir),
            "COMPTOIR_SECRET_KEY": secrets.token_urlsafe(50),
            "COMPTOIR_ALLOWED_HOSTS": HOST,
            "COMPTOIR_SMTP_HOST": "relay.example.gc.ca",
            "COMPTOIR_FROM_EMAIL": "comptoir@example.gc.ca",
            "COMPTOIR_SITE_URL": f"https://{HOST}",
            "COMPTOIR_SILENCED_CHECKS": "operations.W001",
            "COMPTOIR_BIND": f"127.0.0.1:{port}",
            "COMPTOIR_WEB_WORKERS": "2",
            "LANG": "C.UTF-8",
        }
    )
    return env


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    # The proxy in front says the request was HTTPS (gunicorn believes it from loopback).
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_ready(port: int, process: subprocess.Popen[str], *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "scripts/serve stopped before it was ready"
        try:
            if get(port, "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"/readyz did not answer 200 within {seconds} s")


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc's children lists)."""
    found: set[int] = set()
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.add(child)
            pending.append(child)
    return found


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in {"Z", "X"}


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _as_from_a_terminal() -> None:
    """Undo what a test runner started in the background inherits: a shell that starts a job
    in the background without job control (``scripts/test`` runs both passes so) ignores
    SIGINT in it, and a signal ignored at a shell's start can never be trapped — Ctrl+C at a
    terminal, or systemd's SIGINT, reach scripts/serve with the default disposition."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(env: dict[str, str], *args: str, output: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["bash", str(SERVE), "--no-setup", *args],
        env=env,
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
        cwd=PROJECT,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,  # only resets a signal, before exec
    )


def stop_everything(process: subprocess.Popen[str], pids: set[int]) -> None:
    """After a failed assertion: nothing of the test is left running."""
    for pid in {process.pid, *pids}:
        if is_running(pid):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_it_refuses_pending_migrations(var_dir, database_url, tmp_path) -> None:
    env = serve_env(var_dir, database_url, free_port())
    output = tmp_path / "serve.log"
    process = start(env, output=output)
    assert process.wait(timeout=120) == 1
    log = output.read_text()
    assert "migrations are not applied" in log and "scripts/serve --migrate" in log, log
    assert "Web server" not in log  # nothing was started


def test_it_refuses_settings_that_fail_the_checks(var_dir, database_url, tmp_path) -> None:
    env = serve_env(var_dir, database_url, free_port())
    env["COMPTOIR_SMTP_HOST"] = ""
    output = tmp_path / "serve.log"
    process = start(env, "--migrate", output=output)
    assert process.wait(timeout=120) == 1
    log = output.read_text()
    assert "operations.E004" in log and "COMPTOIR_SMTP_HOST" in log, log
    assert "Applying the migrations" not in log


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_serve_then_a_signal_stops_both(var_dir, database_url, tmp_path, stop_signal) -> None:
    port = free_port()
    output = tmp_path / "serve.log"
    process = start(serve_env(var_dir, database_url, port), "--migrate", output=output)
    pids: set[int] = set()
    try:
        wait_ready(port, process, seconds=240)
        pids = descendants(process.pid)
        lines = [command_line(pid) for pid in pids]
        assert any("gunicorn" in line for line in lines), lines
        assert any("comptoir worker" in line for line in lines), lines

        # A static file under its hashed name, compressed, cached for ever.
        manifest = json.loads((var_dir / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["comptoir/comptoir.css"]
        assert hashed != "comptoir/comptoir.css"
        status, headers, body = get(port, f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
        assert int(headers["Cache-Control"].split("max-age=")[1].split(",")[0]) >= 365 * 86400
        assert headers.get("Content-Encoding") == "gzip"
        source = PROJECT / "src" / "comptoir" / "static" / "comptoir" / "comptoir.css"
        assert b"body" in gzip.decompress(body) and source.exists()

        # The access log names the request id the proxy sent.
        assert get(port, "/healthz", **{"X-Request-ID": "probe-4711"})[0] == 200
        time.sleep(0.5)
        assert "[probe-4711]" in output.read_text()

        process.send_signal(stop_signal)
        assert process.wait(timeout=60) == 0, output.read_text()
        assert "Stopped (web server: exit status 0, worker: 0)" in output.read_text()
        deadline = time.monotonic() + 10
        while any(is_running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in pids if is_running(pid)], output.read_text()
    finally:
        if process.poll() is None or any(is_running(pid) for pid in pids):
            stop_everything(process, pids)


def test_when_the_worker_dies_the_web_server_is_stopped(var_dir, database_url, tmp_path) -> None:
    port = free_port()
    output = tmp_path / "serve.log"
    process = start(serve_env(var_dir, database_url, port), "--migrate", output=output)
    pids: set[int] = set()
    try:
        wait_ready(port, process, seconds=240)
        pids = descendants(process.pid)
        [worker] = [pid for pid in pids if "comptoir worker" in command_line(pid)]
        os.kill(worker, signal.SIGKILL)
        assert process.wait(timeout=60) == 1
        assert "the worker stopped by itself" in output.read_text()
        deadline = time.monotonic() + 10
        while any(is_running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in pids if is_running(pid)]
        with pytest.raises(OSError):
            get(port, "/healthz")
    finally:
        if process.poll() is None or any(is_running(pid) for pid in pids):
            stop_everything(process, pids)
