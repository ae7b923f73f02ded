"""The web server's configuration (comptoir.config.gunicorn), its JSON access log, the container's
health probe, and the Dockerfile, read without Docker."""

from __future__ import annotations

import importlib
import json
import re
import shlex
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from comptoir.operations import healthcheck
from comptoir.operations.serving import MAX_DEFAULT_WEB_WORKERS, JsonLogger, default_web_workers

PROJECT = Path(__file__).resolve().parents[2]


def load_config(monkeypatch, **environ: str):
    for name in (
        "COMPTOIR_BIND",
        "PORT",
        "COMPTOIR_WEB_WORKERS",
        "COMPTOIR_WEB_THREADS",
        "COMPTOIR_LOG_FORMAT",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("comptoir.config.gunicorn", None)
    return importlib.import_module("comptoir.config.gunicorn")


def test_defaults(monkeypatch) -> None:
    config = load_config(monkeypatch)
    assert config.bind == ["127.0.0.1:8000"]
    assert config.workers == default_web_workers()
    assert config.wsgi_app == "comptoir.config.wsgi:application"
    assert config.control_socket_disable is True
    assert config.graceful_timeout < config.timeout
    assert "%({x-request-id}o)s" in config.access_log_format
    assert not hasattr(config, "logger_class")


def test_from_the_environment(monkeypatch) -> None:
    config = load_config(monkeypatch, PORT="9001", COMPTOIR_WEB_WORKERS="3")
    assert (config.bind, config.workers) == (["127.0.0.1:9001"], 3)
    config = load_config(
        monkeypatch,
        COMPTOIR_BIND="0.0.0.0:8000, unix:/run/comptoir.sock",
        COMPTOIR_LOG_FORMAT="json",
    )
    assert config.bind == ["0.0.0.0:8000", "unix:/run/comptoir.sock"]
    assert config.logger_class == "comptoir.operations.serving.JsonLogger"


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (3, 7), (4, 8), (64, 8)])
def test_workers_are_two_per_cpu_plus_one_capped(cpus, workers) -> None:
    assert default_web_workers(cpus) == workers
    assert workers <= MAX_DEFAULT_WEB_WORKERS


def test_the_json_access_line(capsys) -> None:
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    logger = JsonLogger(config)
    response = SimpleNamespace(
        status="201 Created",
        headers=[("X-Request-ID", "lb-42"), ("Content-Type", "text/html")],
        sent=512,
    )
    request = SimpleNamespace(headers=[("USER-AGENT", 'probe "quoted"/1.0')])
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/fr/portail/?x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/fr/portail/",
        "QUERY_STRING": "x=1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_USER_AGENT": 'probe "quoted"/1.0',
    }
    logger.access(response, request, environ, timedelta(milliseconds=37))
    [line] = capsys.readouterr().out.splitlines()
    entry = json.loads(line)
    assert entry["request_id"] == "lb-42" and entry["logger"] == "gunicorn.access"
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/fr/portail/?x=1", 201)
    assert (entry["bytes"], entry["duration_ms"], entry["remote"]) == (512, 37, "10.0.0.7")
    assert entry["user_agent"] == 'probe "quoted"/1.0'
    assert entry["message"] == "POST /fr/portail/?x=1 HTTP/1.1"


@pytest.mark.parametrize(
    ("environ", "target"),
    [
        ({}, ("127.0.0.1", 8000, "localhost")),
        ({"PORT": "9000", "COMPTOIR_ALLOWED_HOSTS": "*,a.gc.ca"}, ("127.0.0.1", 9000, "a.gc.ca")),
        (
            {"COMPTOIR_BIND": "0.0.0.0:8000", "COMPTOIR_ALLOWED_HOSTS": ".example.gc.ca"},
            ("127.0.0.1", 8000, "example.gc.ca"),
        ),
        ({"COMPTOIR_BIND": "[::]:8080,127.0.0.1:1"}, ("::1", 8080, "localhost")),
    ],
)
def test_the_probe_asks_the_bound_address_with_an_allowed_host(environ, target) -> None:
    assert healthcheck.probe_target(environ) == target


def test_the_probe_exits_0_only_on_200(monkeypatch) -> None:
    answers = {"/healthz": 200, "/readyz": 503}
    hosts = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hosts.append(self.headers["Host"])
            self.send_response(answers[self.path])
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("COMPTOIR_BIND", f"127.0.0.1:{server.server_address[1]}")
        monkeypatch.setenv("COMPTOIR_ALLOWED_HOSTS", "comptoir.example.gc.ca")
        assert healthcheck.main(["healthcheck"]) == 0
        assert healthcheck.main(["healthcheck", "/readyz"]) == 1
    finally:
        server.shutdown()
        server.server_close()
    assert hosts == ["comptoir.example.gc.ca"] * 2
    monkeypatch.setenv("COMPTOIR_BIND", f"127.0.0.1:{server.server_address[1]}")
    assert healthcheck.main(["healthcheck"]) == 1  # nothing listens any more


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(instruction, arguments) of each line of the Dockerfile, continuation lines joined."""
    text = (PROJECT / "Dockerfile").read_text()
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            found.append((instruction.upper(), " ".join(arguments.split())))
    return found


def test_the_image_installs_python_packages_from_the_lock_with_hashes_only() -> None:
    instructions = dockerfile_instructions()
    bases = [
        arguments.split()[0] for instruction, arguments in instructions if instruction == "FROM"
    ]
    assert bases and all(base.startswith("python:3.12-slim") for base in bases)
    runs = [arguments for instruction, arguments in instructions if instruction == "RUN"]
    installs = [
        command
        for run in runs
        for command in re.split(r"&&|;", run)
        if re.search(r"\bpip install\b", command)
    ]
    assert installs, "the Dockerfile installs no Python package"
    for command in installs:
        words = shlex.split(command)
        assert "--require-hashes" in words and words[words.index("-r") + 1] == "requirements.lock"
    copied = [arguments for instruction, arguments in instructions if instruction == "COPY"]
    assert any("requirements.lock" in arguments for arguments in copied)
    assert any("npm ci" in run for run in runs) and not any("npm install" in run for run in runs)
    assert any("/app/.venv/bin/python scripts/venv_source.py" in run for run in runs)


def test_the_source_runs_in_a_virtual_environment_without_being_built(tmp_path) -> None:
    # What the image does (scripts/venv_source.py), in a new environment whose other packages
    # are this test run's (a second .pth), instead of the lock's installed anew.
    import subprocess
    import sysconfig

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=60)
    python = venv / "bin" / "python"
    done = subprocess.run(
        [python, PROJECT / "scripts" / "venv_source.py"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "comptoir 0.1.0" in done.stdout
    [site_packages] = (venv / "lib").glob("python3.*/site-packages")
    (site_packages / "zz-test-run.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    version = subprocess.run(
        [
            python,
            "-c",
            "import comptoir, importlib.metadata as m; "
            "print(m.version('comptoir'), comptoir.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert version == ["0.1.0", str(PROJECT / "src" / "comptoir" / "__init__.py")]
    help_text = subprocess.run(
        [venv / "bin" / "comptoir", "standards", "due", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "COMPTOIR_DEBUG": "1"},
    ).stdout
    assert "--within" in help_text


def test_the_image_runs_serve_as_a_user_and_exposes_the_port_it_binds() -> None:
    instructions = dockerfile_instructions()
    names = [instruction for instruction, _ in instructions]
    final_stage = names.index("FROM", names.index("FROM") + 1)
    users = [
        arguments for instruction, arguments in instructions[final_stage:] if instruction == "USER"
    ]
    assert users and users[-1] not in {"root", "0"}
    [exposed] = [arguments for instruction, arguments in instructions if instruction == "EXPOSE"]
    [env] = [arguments for instruction, arguments in instructions if instruction == "ENV"]
    assert f"COMPTOIR_BIND=0.0.0.0:{exposed}" in env
    [health] = [
        arguments for instruction, arguments in instructions if instruction == "HEALTHCHECK"
    ]
    assert "comptoir.operations.healthcheck" in health and "/healthz" in health
    [entrypoint] = [
        arguments for instruction, arguments in instructions if instruction == "ENTRYPOINT"
    ]
    assert json.loads(entrypoint) == ["scripts/serve", "--no-setup"]
    assert names.index("USER") < names.index("ENTRYPOINT")


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = {
        line.strip()
        for line in (PROJECT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "node_modules", "var"} <= ignored
    for needed in ("requirements.lock", "package-lock.json", "src", "scripts", "pyproject.toml"):
        assert needed not in ignored
