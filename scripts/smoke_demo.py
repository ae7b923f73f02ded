"""Smoke run of the demo command: start it on a spare port with a fresh SQLite file, fetch the home
page in both official languages, stop it. Exits non-zero if anything is wrong."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
        return response.status, response.read().decode()


def main() -> int:
    port = free_port()
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "COMPTOIR_PORT": str(port), "COMPTOIR_VAR_DIR": var_dir}
        env.pop("DATABASE_URL", None)
        log = Path(var_dir) / "demo.log"
        with log.open("w") as out:
            server = subprocess.Popen([ROOT / "scripts" / "demo"], env=env, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    fetch(f"http://127.0.0.1:{port}/en/")
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        print(log.read_text())
                        print("the demo did not start")
                        return 1
                    time.sleep(0.5)
            for lang in ("en", "fr"):
                status, body = fetch(f"http://127.0.0.1:{port}/{lang}/")
                if status != 200 or f'lang="{lang}"' not in body:
                    print(f"/{lang}/ answered {status} without lang={lang}")
                    return 1
                print(f"/{lang}/: {status}, {len(body)} bytes, lang={lang}")
            printed = log.read_text()
            roles = (
                "demo-admin",
                "demo-custodian",
                "demo-owner",
                "demo-viewer",
                "demo-officer",
                "demo-manager",
            )
            if not all(name in printed for name in roles):
                print(printed)
                print("the demo did not print its staff accounts")
                return 1
        finally:
            server.terminate()
            server.wait(timeout=20)
    print("demo smoke run: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
