"""The ``comptoir`` console command: runs any Django management command with Comptoir's settings.

A command that needs no database (``STANDALONE_COMMANDS``) runs with the database-free settings of
``comptoir.config.settings_standalone`` unless ``DJANGO_SETTINGS_MODULE`` says otherwise. A
database that cannot be opened, or has no tables yet, ends any command with one translated
sentence on stderr and exit status ``EXIT_NO_DATABASE``, not a traceback (``--traceback`` shows it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db import DatabaseError

#: Commands that compute without a database (no model, no system check), by the app they are in.
STANDALONE_COMMANDS = {"standards": "comptoir.measurement"}

#: Their subcommands that need no database; the others (``standards set-rule``, ``show-rule``)
#: read and write service standards, so they run with the full settings.
STANDALONE_SUBCOMMANDS = {"standards": frozenset({"due", "explain"})}


def is_standalone(argv: list[str]) -> bool:
    """Whether ``argv`` runs a database-free command: one of ``STANDALONE_COMMANDS`` whose
    subcommand (its first argument that is not an option) is database-free, or none is given
    (``comptoir standards --help``)."""
    if len(argv) < 2 or argv[1] not in STANDALONE_COMMANDS:
        return False
    subcommand = next((arg for arg in argv[2:] if not arg.startswith("-")), None)
    allowed = STANDALONE_SUBCOMMANDS.get(argv[1])
    return subcommand is None or allowed is None or subcommand in allowed


#: The exit status when the database cannot be opened or has no tables yet.
EXIT_NO_DATABASE = 3

#: The exit status when the settings cannot be used.
EXIT_NOT_CONFIGURED = 4


def main() -> None:
    argv = [sys.argv[0], *sys.argv[1:]]
    standalone = is_standalone(argv)
    if standalone and "DJANGO_SETTINGS_MODULE" not in os.environ:
        os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.config.settings_standalone"
    else:
        standalone = False
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")
    from dj_database_url import UnknownSchemeError
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    _report_database_problems_in_threads()
    try:
        if standalone and not {"--settings", "--pythonpath"} & {a.split("=")[0] for a in argv}:
            run_standalone(argv)
        else:
            execute_from_command_line(argv)
    except DatabaseError as error:
        message = None if "--traceback" in argv else database_problem(error)
        if message is None:
            raise
        sys.stderr.write(message + "\n")
        sys.exit(EXIT_NO_DATABASE)
    except (ImproperlyConfigured, UnknownSchemeError) as error:
        if "--traceback" in argv:
            raise
        sys.stderr.write(configuration_problem(error) + "\n")
        sys.exit(EXIT_NOT_CONFIGURED)


def _report_database_problems_in_threads() -> None:
    """The same sentence when the database fails in a thread: ``runserver`` checks the database
    in its ``django-main-thread`` (then, with the auto-reloader, waits for a change as after any
    error)."""
    import threading

    from django.db import DatabaseError

    default_hook = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if isinstance(args.exc_value, DatabaseError) and "--traceback" not in sys.argv:
            message = database_problem(args.exc_value)
            if message is not None:
                sys.stderr.write(message + "\n")
                return
        default_hook(args)

    threading.excepthook = hook


def run_standalone(argv: list[str]) -> None:
    """Run a database-free command as ``execute_from_command_line`` would, but set up as
    ``django.setup`` does without what only serving requests needs: the URL machinery (which
    ``django.setup`` always imports) and Django's default logging (whose admin-mail handler
    imports the debug views): both pull in ``django.http``, the serializers, the models and the
    forms, about 0.15 s (``bench/bench_startup.py``)."""
    import logging.config

    from django.apps import apps
    from django.conf import settings
    from django.core.management import load_command_class

    if settings.LOGGING_CONFIG is None:  # settings_standalone: the project's logging only
        logging.config.dictConfig(settings.LOGGING)
    else:
        from django.utils.log import configure_logging

        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    apps.populate(settings.INSTALLED_APPS)
    load_command_class(STANDALONE_COMMANDS[argv[1]], argv[1]).run_from_argv(argv)


def configuration_problem(error: Exception) -> str:
    """Two sentences for settings that cannot be used (a bad ``DATABASE_URL``, a missing database
    driver or secret key), translated when the settings load far enough to translate."""
    detail = " ".join(str(error).split())
    english = [
        "Comptoir is not configured correctly: %(error)s",
        "Comptoir reads its settings from environment variables (the database from "
        "DATABASE_URL); see docs/operator-guide.md.",
    ]
    try:
        from django.utils import translation
        from django.utils.translation import gettext

        from comptoir.i18n import command_language

        with translation.override(command_language()):
            sentences = [
                gettext("Comptoir is not configured correctly: %(error)s"),
                gettext(
                    "Comptoir reads its settings from environment variables (the database from "
                    "DATABASE_URL); see docs/operator-guide.md."
                ),
            ]
    except Exception:  # the settings themselves failed: there is no translation to use
        sentences = english
    return "\n".join([sentences[0] % {"error": detail}, sentences[1]])


def database_problem(error: DatabaseError) -> str | None:
    """A translated sentence for a database that cannot be reached or has no tables yet, in the
    language of the environment; ``None`` when the database is there and ``error`` is another
    problem (then the traceback is the useful answer)."""
    from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
    from django.utils import translation
    from django.utils.translation import gettext

    from comptoir.i18n import command_language

    connection = connections[DEFAULT_DB_ALIAS]
    where = _describe(connection.settings_dict)
    with translation.override(command_language()):
        folder = Path(str(connection.settings_dict["NAME"])).parent
        if connection.vendor == "sqlite" and not folder.is_dir():
            return gettext(
                "Comptoir cannot create its database (%(database)s): the folder %(folder)s does "
                "not exist. Create it, set COMPTOIR_VAR_DIR to a folder that exists, or set "
                "DATABASE_URL to another database."
            ) % {"database": where, "folder": folder}
        try:
            connection.close()
            tables = connection.introspection.table_names()
        except DatabaseError as unreachable:
            return gettext(
                "Comptoir cannot open its database (%(database)s); check DATABASE_URL (without "
                "it, the SQLite file under COMPTOIR_VAR_DIR is used). The database said: "
                "%(error)s"
            ) % {
                "database": where,
                "error": " ".join(str(unreachable).split()) or type(error).__name__,
            }
        if "django_migrations" not in tables:
            return gettext(
                "The database (%(database)s) has no tables yet: run “comptoir migrate” to "
                "create them, or set DATABASE_URL to the database Comptoir uses."
            ) % {"database": where}
    return None


def _describe(database: dict[str, object]) -> str:
    """Engine and place of a database, without its user name or password."""
    engine = str(database.get("ENGINE", "")).rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"SQLite {database.get('NAME')}"
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"{engine} {host}{port}/{database.get('NAME')}"


if __name__ == "__main__":
    main()
