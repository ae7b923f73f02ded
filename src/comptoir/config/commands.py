"""The one way a ``comptoir`` command speaks the user's language, ``--help`` included.

A command derived from :class:`BilingualCommand` builds its parser in
:func:`comptoir.i18n.command_language` (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``, as
gettext reads them: ``LANG=fr_CA.UTF-8 comptoir inventory --help`` prints French), so its help
strings, written with ``gettext`` in ``add_arguments`` or ``gettext_lazy`` at module level, are
translated; so are the words that argparse and Django add themselves (``usage:``, the section
headings, ``--help``, ``--verbosity``...), in the command and in each of its subcommands.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, ngettext

from comptoir.i18n import command_language

#: Django's own options, whose help Django does not translate, by destination.
_DJANGO_OPTIONS = {
    "help": gettext_lazy("Show this help message and exit."),
    "version": gettext_lazy("Show the program's version number and exit."),
    "verbosity": gettext_lazy(
        "Verbosity level: 0 minimal output, 1 normal output, 2 verbose output, "
        "3 very verbose output."
    ),
    "settings": gettext_lazy(
        "The Python path to a settings module, e.g. comptoir.config.settings; "
        "without it, the DJANGO_SETTINGS_MODULE environment variable is used."
    ),
    "pythonpath": gettext_lazy("A folder to add to the Python path."),
    "traceback": gettext_lazy("Display a full stack trace when the command fails."),
    "no_color": gettext_lazy("Do not colour the command's output."),
    "force_color": gettext_lazy("Colour the command's output even when it is not a terminal."),
    "skip_checks": gettext_lazy("Skip the system checks."),
}


def _translated_formatter(
    usage_prefix: str, headings: dict[str, str]
) -> type[argparse.HelpFormatter]:
    """A help formatter writing ``usage_prefix`` and ``headings`` (translated) for argparse's."""

    class TranslatedHelpFormatter(DjangoHelpFormatter):
        def add_usage(
            self, usage: Any, actions: Any, groups: Any, prefix: str | None = None
        ) -> None:
            super().add_usage(usage, actions, groups, usage_prefix if prefix is None else prefix)

        def start_section(self, heading: str | None) -> None:
            super().start_section(headings.get(heading or "", heading))

    return TranslatedHelpFormatter


def translate_parser(parser: argparse.ArgumentParser) -> None:
    """Translate, in the active language, what argparse and Django write in ``parser``'s help and
    in its subcommands' (the command's own strings are translated where they are written)."""
    # Translators: the start of a command's usage line, "usage: comptoir inventory ...".
    usage = gettext("usage: ")
    headings = {
        "options": gettext("options"),
        "positional arguments": gettext("positional arguments"),
    }
    formatter = _translated_formatter(usage, headings)
    parsers = [parser]
    while parsers:
        current = parsers.pop()
        current.formatter_class = formatter
        for action in current._actions:  # argparse has no public way to reach them
            if action.dest in _DJANGO_OPTIONS or isinstance(action, argparse._HelpAction):
                action.help = str(_DJANGO_OPTIONS.get(action.dest, _DJANGO_OPTIONS["help"]))
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())


def add_language_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--language`` option every command has: the language of its messages and help (run
    in the user's language, like the rest of ``add_arguments``)."""
    from django.conf import settings

    parser.add_argument(
        "--language",
        choices=[code for code, _name in settings.LANGUAGES],
        default=None,
        help=gettext(
            "Language of messages (default: the language of the environment, LANGUAGE, "
            "LC_ALL or LANG, else the site's language)."
        ),
    )


class BilingualCommand(BaseCommand):
    """A management command whose ``--help`` and messages speak the user's language.

    Set ``help`` to a ``gettext_lazy`` string; write argument help with ``gettext`` in
    ``add_arguments`` (it runs in the user's language). ``handle`` runs in
    :meth:`output_language`: the ``--language`` option when the command has one, else the
    language of the environment.
    """

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        with translation.override(command_language()):
            self.help = str(type(self).help)  # argparse needs a str: translated now
            parser = super().create_parser(prog_name, subcommand, **kwargs)
            translate_parser(parser)
        return parser

    def output_language(self, options: dict[str, Any]) -> str:
        return str(options.get("language") or command_language())


#: The exit status of a command that refused its input (nothing was written).
EXIT_REJECTED = 2


def import_refused(count: int) -> CommandError:
    """The one sentence an all-or-nothing import ends with when it refused its file."""
    return CommandError(
        ngettext(
            "The import was refused: %(count)d problem; nothing was written.",
            "The import was refused: %(count)d problems; nothing was written.",
            count,
        )
        % {"count": count},
        returncode=EXIT_REJECTED,
    )
