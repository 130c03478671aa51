"""Revoke an API token by its prefix (the part after `cnrm_`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from childnrm.api.models import ApiToken
from childnrm.api.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke an API token: requests made with it are refused from now on."

    def add_arguments(self, parser) -> None:
        parser.add_argument("prefix", help="The token's prefix, e.g. 1a2b3c4d")

    def handle(self, *args, **options) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(f"No token with prefix {options['prefix']!r}")
        api_token_revoke(token=token)
        self.stdout.write(f"Revoked token {token.prefix} ({token.name}, {token.organisation.name}).")
