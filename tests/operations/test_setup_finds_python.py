"""scripts/setup on a machine whose Python is older than 3.12 (Debian 12, Ubuntu 22.04, RHEL 8):
after the PATH and pyenv it falls back to a Python managed by uv, and says in one sentence when
that download is not possible. Run as ``scripts/setup --find-python`` with a PATH that hides every
Python 3.12+, a home of its own, and every download pointed at a closed loopback port: nothing is
fetched."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SETUP = PROJECT / "scripts" / "setup"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def no_python(tmp_path: Path) -> Path:
    """A folder for the PATH with the few tools set-up uses before it looks for Python, and no
    Python at all."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("bash", "dirname", "mktemp", "rm"):
        found = shutil.which(tool, path="/usr/bin:/bin")
        assert found, tool
        (folder / tool).symlink_to(found)
    return folder


def old_python(tmp_path: Path) -> Path:
    """The same, with the system's python3 when it is older than 3.12 (Debian 12's 3.11)."""
    folder = no_python(tmp_path)
    system = Path("/usr/bin/python3")
    is_old = "import sys; sys.exit(sys.version_info >= (3, 12))"
    if system.exists() and subprocess.run([system, "-c", is_old], check=False).returncode == 0:
        (folder / "python3").symlink_to(system)
    return folder


def find_python(
    tmp_path: Path, path: str, **extra: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    port = closed_port()
    env = {
        "PATH": path,
        "HOME": str(tmp_path / "home"),
        "PYENV_ROOT": str(tmp_path / "no-pyenv"),
        # Every download goes to a closed port: it fails at once, as without internet access.
        "PIP_INDEX_URL": f"http://127.0.0.1:{port}/simple",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "5",
        "PIP_NO_CACHE_DIR": "1",
        "UV_PYTHON_INSTALL_MIRROR": f"http://127.0.0.1:{port}",
        "UV_PYTHON_INSTALL_DIR": str(tmp_path / "uv-python"),
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_HTTP_RETRIES": "0",
        "UV_NO_CONFIG": "1",
        **extra,
    }
    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(SETUP), "--find-python"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result, time.monotonic() - started


def sentences(stderr: str) -> list[str]:
    """The lines of stderr that are not progress lines (``==> ...``)."""
    return [line for line in stderr.splitlines() if line.strip() and "==>" not in line]


def test_the_normal_path_is_untouched(tmp_path) -> None:
    # A Python 3.12+ on the PATH is used as before: no uv, no download.
    result, _ = find_python(tmp_path, f"{Path(sys.executable).parent}:/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).name.startswith("python")
    assert "uv" not in result.stderr
    assert not (tmp_path / "home").exists()


def test_without_internet_uv_cannot_be_installed_in_one_sentence(tmp_path) -> None:
    folder = old_python(tmp_path)
    if not (folder / "python3").exists():
        pytest.skip("this machine has no system python3 older than 3.12 to install uv with")
    result, seconds = find_python(tmp_path, str(folder))
    assert result.returncode == 1
    [sentence] = sentences(result.stderr)
    assert sentence.startswith("No Python 3.12 or newer was found, and uv")
    assert "could not be downloaded from PyPI" in sentence and "internet" in sentence
    assert result.stdout == ""
    assert seconds < 60


def test_without_pip_it_says_so(tmp_path) -> None:
    result, _ = find_python(tmp_path, str(no_python(tmp_path)))
    assert result.returncode == 1
    [sentence] = sentences(result.stderr)
    assert "no python3 with pip" in sentence


def test_a_python_installed_by_uv_is_used(tmp_path) -> None:
    # A stand-in for uv that "installs" Python 3.12 by pointing at this test run's interpreter:
    # what setup does with uv's answers, without downloading anything.
    folder = old_python(tmp_path)
    marker = tmp_path / "installed"
    (folder / "uv").write_text(
        "#!/bin/bash\n"
        f'echo "$*" >> {tmp_path}/uv-calls\n'
        'if [ "$1 $2" = "python find" ]; then\n'
        f"  [ -e {marker} ] && echo {sys.executable} && exit 0; exit 2\n"
        "fi\n"
        f'if [ "$1 $2 $3" = "python install 3.12" ]; then : > {marker}; exit 0; fi\n'
        "exit 3\n"
    )
    (folder / "uv").chmod(0o755)
    result, _ = find_python(tmp_path, str(folder))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sys.executable
    calls = (tmp_path / "uv-calls").read_text().splitlines()
    assert calls == [
        "python find --managed-python >=3.12",
        "python install 3.12",
        "python find --managed-python >=3.12",
    ]


def real_uv() -> str | None:
    """uv on the PATH, or where scripts/setup installs it for this user."""
    home = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    for candidate in (shutil.which("uv"), home / "comptoir" / "uv" / "bin" / "uv"):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return None


def test_without_internet_uv_cannot_download_python_in_one_sentence(tmp_path) -> None:
    uv = real_uv()
    if uv is None:
        pytest.skip("no uv on this machine (scripts/setup installs it only when it needs it)")
    folder = old_python(tmp_path)
    (folder / "uv").symlink_to(uv)
    result, seconds = find_python(tmp_path, str(folder))
    assert result.returncode == 1
    [sentence] = sentences(result.stderr)
    assert sentence.startswith("No Python 3.12 or newer was found, and uv could not download one")
    assert "internet" in sentence
    assert not list((tmp_path / "uv-python").glob("cpython-*"))
    assert seconds < 60
