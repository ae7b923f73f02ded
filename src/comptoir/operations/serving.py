"""What the production web server needs from Comptoir beside its settings file
(``comptoir.config.gunicorn``): how many workers by default, and gunicorn's log lines as JSON.

:class:`JsonLogger` (``COMPTOIR_LOG_FORMAT=json``) writes gunicorn's own messages and its access
log as one JSON object a line with the fields of :class:`comptoir.operations.requests.JsonFormatter`
(``time``, ``level``, ``logger``, ``message``, ``request_id``), the access lines with the request's
``method``, ``path``, ``status``, ``bytes``, ``duration_ms``, ``remote`` and ``user_agent`` too, so
a log collector reads the web server's lines and Django's the same way.
"""

from __future__ import annotations

import json
import logging
import os
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger

from comptoir.operations.requests import JsonFormatter

#: More workers than this rarely help one machine and each holds a database connection.
MAX_DEFAULT_WEB_WORKERS = 8


def default_web_workers(cpus: int | None = None) -> int:
    """gunicorn's rule of thumb, 2 × CPUs + 1, for the CPUs this process may use, at most
    :data:`MAX_DEFAULT_WEB_WORKERS`."""
    if cpus is None:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cpus or 1) + 1, MAX_DEFAULT_WEB_WORKERS)


class JsonLogger(Logger):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn's logger, writing JSON lines (see the module's documentation)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        query = environ.get("QUERY_STRING") or ""
        entry = {
            "time": datetime.fromtimestamp(time.time(), tz=UTC).isoformat(),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": atoms["r"],
            "request_id": atoms.get("{x-request-id}o", "-"),
            "method": atoms["m"],
            "path": (atoms["U"] or "") + (f"?{query}" if query else ""),
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "remote": atoms["h"],
            "user_agent": atoms["a"],
        }
        try:
            self.access_log.info("%s", json.dumps(entry, ensure_ascii=False))
        except Exception:
            self.error(traceback.format_exc())
