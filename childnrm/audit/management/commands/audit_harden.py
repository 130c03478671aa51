"""PostgreSQL: make the audit tables impossible for the application's own role to change or unguard.

Run once after `migrate` (and again after any migration of the audit app), connected as a superuser:

    DATABASE_URL=postgres://postgres@db/childnrm .venv/bin/python manage.py audit_harden --app-role childnrm

See docs/operations.md ("Audit trail") and ADR 0012.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from childnrm.audit.hardening import AUDIT_TABLES, HardeningRefused, audit_tables_harden


class Command(BaseCommand):
    help = "PostgreSQL: give the audit tables to a separate owner role; the app's role may only INSERT and SELECT."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--app-role", required=True, help="The role the application connects as")
        parser.add_argument(
            "--owner-role", default="childnrm_audit_owner", help="The tables' new owner (created, without login)"
        )

    def handle(self, *args, app_role: str, owner_role: str, **options) -> None:
        try:
            report = audit_tables_harden(app_role=app_role, owner_role=owner_role)
        except HardeningRefused as refused:
            raise CommandError(f"Not hardened: {refused}") from refused
        if report.created_owner:
            self.stdout.write(f"Created the role {owner_role} (no login)")
        self.stdout.write(
            self.style.SUCCESS(
                f"{', '.join(AUDIT_TABLES)} now belong to {owner_role}; {app_role} may only SELECT and INSERT"
            )
        )
