"""``comptoir tokens create USERNAME [--scope read|read_write] [--name NAME]`` and
``comptoir tokens revoke PREFIX``: API tokens for integrations (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.api.actions import do_create_token, do_revoke_token
from comptoir.api.models import ApiToken, TokenScope
from comptoir.config.commands import BilingualCommand, add_language_argument


class Command(BilingualCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # lazy: translated in create_parser
        "Create and revoke the API tokens that integrations use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_language_argument(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        text = _("Create a token for a user and print it (it is shown only once).")
        create = sub.add_parser("create", help=text, description=text)
        create.add_argument("username", help=_("The user the token acts for."))
        create.add_argument(
            "--scope",
            choices=list(TokenScope.values),
            default=TokenScope.READ,
            help=_("read (the default) or read_write."),
        )
        create.add_argument("--name", default="", help=_("What the token is for."))
        text = _("Revoke a token, named by its prefix.")
        revoke = sub.add_parser("revoke", help=text, description=text)
        revoke.add_argument("prefix", help=_("The prefix shown when the token was created."))

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(self.output_language(options)):
            getattr(self, f"handle_{options['action']}")(**options)

    def handle_create(self, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not user.is_active:
            raise CommandError(
                _("No active user is named %(username)s.") % {"username": options["username"]}
            )
        token, raw = do_create_token(user, scope=options["scope"], name=options["name"], actor=None)
        self.stdout.write(raw)
        self.stderr.write(
            _("Token %(prefix)s created for %(username)s. Copy it now: it is shown only once.")
            % {"prefix": token.prefix, "username": user.get_username()}
        )

    def handle_revoke(self, **options: Any) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(_("No token has the prefix %(prefix)s.") % options)
        do_revoke_token(token, actor=None)
        self.stdout.write(_("Token %(prefix)s is revoked.") % {"prefix": token.prefix})
