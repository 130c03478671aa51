"""Create an API token for an organisation's system and print its secret (shown this once only)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from childnrm.accounts.models import Organisation, User
from childnrm.api.models import Scope
from childnrm.api.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for an organisation. The secret is printed once; only its hash is kept."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisation", required=True, help="The organisation's name, exactly")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'Case management system'")
        parser.add_argument(
            "--scope",
            action="append",
            choices=Scope.values,
            help="Limit the token to these scopes (repeatable). Default: all.",
        )
        parser.add_argument("--created-by", help="Email of the person asking for the token (for the audit trail)")

    def handle(self, *args, **options) -> None:
        organisation = Organisation.objects.filter(name=options["organisation"], active=True).first()
        if organisation is None:
            raise CommandError(f"No organisation named {options['organisation']!r}")
        created_by = None
        if options["created_by"]:
            created_by = User.objects.filter(email=options["created_by"].lower()).first()
            if created_by is None:
                raise CommandError(f"No user with email {options['created_by']!r}")
        token, secret = api_token_create(
            organisation=organisation, name=options["name"], scopes=options["scope"], created_by=created_by
        )
        self.stdout.write(f"Created token {token.prefix} for {organisation.name} ({', '.join(token.scopes)}).")
        self.stdout.write("Copy the secret now: it is not stored and cannot be shown again.")
        self.stdout.write(secret)
