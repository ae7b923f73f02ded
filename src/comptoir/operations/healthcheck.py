"""``python -m comptoir.operations.healthcheck [PATH]``: exit 0 when the local web server answers
``PATH`` (default ``/healthz``) with 200, else 1 — the container image's ``HEALTHCHECK``.

It asks the address of ``COMPTOIR_BIND`` (its first; ``0.0.0.0`` and ``[::]`` are asked on
loopback) with the first name of ``COMPTOIR_ALLOWED_HOSTS`` as ``Host``, since Django refuses any
other. Standard library only, and no Django: it runs every few seconds and must stay cheap.
"""

from __future__ import annotations

import http.client
import os
import sys

WILDCARDS = {"0.0.0.0": "127.0.0.1", "[::]": "::1", "": "127.0.0.1"}  # noqa: S104 - mapped away


def probe_target(environ: dict[str, str]) -> tuple[str, int, str]:
    """(address, port, Host header) the probe uses for this environment."""
    bind = environ.get("COMPTOIR_BIND") or f"127.0.0.1:{environ.get('PORT', '8000')}"
    first = bind.split(",")[0].strip()
    address, _, port = first.rpartition(":")
    address = WILDCARDS.get(address, address).strip("[]")
    names = [name.strip() for name in environ.get("COMPTOIR_ALLOWED_HOSTS", "").split(",")]
    host = next((name.lstrip(".") for name in names if name and name != "*"), "localhost")
    return address, int(port), host


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "/healthz"
    try:
        address, port, host = probe_target(dict(os.environ))
    except ValueError:  # a unix: socket, or no port
        sys.stderr.write(f"COMPTOIR_BIND={os.environ.get('COMPTOIR_BIND')}: no TCP port to ask\n")
        return 1
    connection = http.client.HTTPConnection(address, port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        status = connection.getresponse().status
    except OSError as error:
        sys.stderr.write(f"{path}: {error}\n")
        return 1
    finally:
        connection.close()
    if status != 200:
        sys.stderr.write(f"{path}: HTTP {status}\n")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
