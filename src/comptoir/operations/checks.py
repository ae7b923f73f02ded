"""What ``comptoir check --deploy`` adds to Django's own deployment checks (issue 16, item 1).

Django's checks already say when ``DEBUG`` is on (``security.W018``), the secret key is weak
(``security.W009``), ``ALLOWED_HOSTS`` is empty (``security.W020``), and HTTPS, HSTS or the
cookies are not enforced. These add the mistakes of a Comptoir deployment that they cannot see,
one message each, with the environment variable to change:

- ``operations.E001``: the secret key is the development key (``COMPTOIR_TESTING`` is set);
- ``operations.E002``: ``DATABASE_URL`` names a database server but no database;
- ``operations.E003``: the mail backend cannot be imported (``COMPTOIR_EMAIL_BACKEND``);
- ``operations.E004``: SMTP is chosen with no host (``COMPTOIR_SMTP_HOST``);
- ``operations.E005``: an SMTP user name without a password, or a password without a user;
- ``operations.E006``: a folder Comptoir writes in (the clients' files, the uploads) cannot be
  written;
- ``operations.W001``: the database is SQLite;
- ``operations.W002``: only loopback host names are allowed (``COMPTOIR_ALLOWED_HOSTS`` unset);
- ``operations.W003``: mail is printed or kept in memory, not sent;
- ``operations.W004``: the sender address is ``@localhost`` (``COMPTOIR_FROM_EMAIL`` unset);
- ``operations.W005``: the site's address for links in mail is local or not HTTPS.

``scripts/serve`` runs ``comptoir check --deploy --fail-level WARNING`` before it starts
anything; an operator who means one of the warnings (SQLite for a small office) names its id in
``COMPTOIR_SILENCED_CHECKS`` (docs/operator-guide.md, "Settings checked at start").
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

#: The key the settings fall back to when ``COMPTOIR_TESTING`` is set and no key is given.
DEVELOPMENT_SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})

#: Django's mail backends that send nothing anywhere.
NON_SENDING_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key_is_not_the_development_one(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    if settings.SECRET_KEY != DEVELOPMENT_SECRET_KEY:
        return []
    return [
        checks.Error(
            _(
                "The secret key is the development key: COMPTOIR_TESTING is set and "
                "COMPTOIR_SECRET_KEY is not."
            ),
            hint=_(
                "Remove COMPTOIR_TESTING and set COMPTOIR_SECRET_KEY to a long random value, "
                "for example the output of: python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'."
            ),
            id="operations.E001",
        )
    ]


@checks.register("comptoir", deploy=True)
def check_database_setting(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The database as ``DATABASE_URL`` describes it (read without connecting: the readiness
    probe and ``migrate`` say whether it answers)."""
    database = settings.DATABASES["default"]
    engine = str(database.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return [
            checks.Warning(
                _(
                    "The database is the SQLite file %(file)s: for a department's production "
                    "site, set DATABASE_URL to a PostgreSQL database."
                )
                % {"file": database.get("NAME")},
                hint=_(
                    "SQLite suits one small office on one machine; if that is the intent, add "
                    "operations.W001 to COMPTOIR_SILENCED_CHECKS."
                ),
                id="operations.W001",
            )
        ]
    if not str(database.get("NAME") or "").strip():
        return [
            checks.Error(
                _(
                    "DATABASE_URL names a database server but no database: add its name after "
                    "the last slash (postgres://user@host:5432/comptoir)."
                ),
                id="operations.E002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_allowed_hosts_are_not_only_loopback(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    hosts = {host.lower() for host in settings.ALLOWED_HOSTS}
    if not hosts or not hosts <= LOOPBACK_NAMES:
        return []  # empty: Django's security.W020 says so
    return [
        checks.Warning(
            _(
                "Only loopback host names are allowed (%(hosts)s): a request for the site's "
                "public name is refused with 400 Bad Request. Set COMPTOIR_ALLOWED_HOSTS to the "
                "names the site is reached at."
            )
            % {"hosts": ", ".join(settings.ALLOWED_HOSTS)},
            id="operations.W002",
        )
    ]


@checks.register("comptoir", deploy=True)
def check_mail_transport(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """How outgoing mail leaves (``MAILERS``): the half-set SMTP settings, and a backend that sends
    nothing. GC Notify's own settings are checked by ``notifications.checks``."""
    mailer: dict[str, Any] = dict(settings.MAILERS.get("default", {}))
    backend = str(mailer.get("BACKEND", ""))
    options: dict[str, Any] = dict(mailer.get("OPTIONS") or {})
    try:
        import_string(backend)
    except ImportError:
        return [
            checks.Error(
                _(
                    "The mail backend %(backend)s cannot be imported: check "
                    "COMPTOIR_EMAIL_BACKEND (leave it unset for SMTP)."
                )
                % {"backend": backend},
                id="operations.E003",
            )
        ]
    found: list[checks.CheckMessage] = []
    if backend in NON_SENDING_BACKENDS:
        found.append(
            checks.Warning(
                _(
                    "Mail is not sent: the backend %(backend)s prints it or keeps it. Leave "
                    "COMPTOIR_EMAIL_BACKEND unset to send through SMTP."
                )
                % {"backend": backend},
                id="operations.W003",
            )
        )
    if backend.endswith("smtp.EmailBackend"):
        if not str(options.get("host") or "").strip():
            found.append(
                checks.Error(
                    _(
                        "Mail goes through SMTP but COMPTOIR_SMTP_HOST is empty: set it to the "
                        "mail relay's host name (unset, it is localhost)."
                    ),
                    id="operations.E004",
                )
            )
        if bool(options.get("username")) != bool(options.get("password")):
            found.append(
                checks.Error(
                    _(
                        "COMPTOIR_SMTP_USER and COMPTOIR_SMTP_PASSWORD go together: one is set "
                        "and the other is empty."
                    ),
                    id="operations.E005",
                )
            )
    if str(settings.DEFAULT_FROM_EMAIL).lower().endswith("@localhost"):
        found.append(
            checks.Warning(
                _(
                    "Mail is sent from %(address)s, which no one can answer: set "
                    "COMPTOIR_FROM_EMAIL to the department's address."
                )
                % {"address": settings.DEFAULT_FROM_EMAIL},
                id="operations.W004",
            )
        )
    site = urlsplit(str(getattr(settings, "COMPTOIR_SITE_URL", "")))
    if site.scheme != "https" or (site.hostname or "") in LOOPBACK_NAMES | {""}:
        found.append(
            checks.Warning(
                _(
                    "The links in mail to clients point at %(url)s: set COMPTOIR_SITE_URL to "
                    "the site's public HTTPS address."
                )
                % {"url": settings.COMPTOIR_SITE_URL},
                id="operations.W005",
            )
        )
    return found


def unwritable_reason(folder: Path) -> str | None:
    """Why Comptoir could not write files under ``folder`` (``None`` when it can): the folder,
    or the nearest folder above it that exists when it is to be created, is tried with a
    temporary file, so the answer holds for root, read-only mounts and access lists alike."""
    target = folder
    while not target.exists():
        if target.parent == target:
            return _("none of the folders above it exists")
        target = target.parent
    if not target.is_dir():
        return _("%(path)s is not a folder") % {"path": target}
    try:
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError as error:
        return _("a file cannot be created in %(path)s (%(error)s)") % {
            "path": target,
            "error": error.strerror or type(error).__name__,
        }
    return None


@checks.register("comptoir", deploy=True)
def check_folders_are_writable(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    folders = [
        ("COMPTOIR_PRIVATE_MEDIA_ROOT", Path(settings.COMPTOIR_PRIVATE_MEDIA_ROOT)),
        ("MEDIA_ROOT (COMPTOIR_VAR_DIR/media)", Path(settings.MEDIA_ROOT)),
    ]
    found: list[checks.CheckMessage] = []
    for name, folder in folders:
        reason = unwritable_reason(folder)
        if reason is not None:
            found.append(
                checks.Error(
                    _(
                        "%(name)s is %(folder)s, where Comptoir cannot write: %(reason)s. The "
                        "user that runs Comptoir (%(user)s) must be able to create files there."
                    )
                    % {"name": name, "folder": folder, "reason": reason, "user": _user()},
                    id="operations.E006",
                )
            )
    return found


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return str(os.geteuid())
