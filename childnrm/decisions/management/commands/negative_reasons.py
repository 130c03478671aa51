"""List, add or retire the coded reasons for a negative decision.

manage.py negative_reasons list
manage.py negative_reasons add CODE "LABEL"
manage.py negative_reasons retire CODE
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from childnrm.decisions.models import NegativeReason
from childnrm.decisions.negative_reasons import NegativeReasonInvalid, negative_reason_add, negative_reason_retire


class Command(BaseCommand):
    help = "List, add or retire the coded reasons for a negative decision."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Every code, active or retired")
        add = sub.add_parser("add", help="Add a code (or bring a retired one back)")
        add.add_argument("code")
        add.add_argument("label")
        retire = sub.add_parser("retire", help="Offer a code no more (decisions that used it keep it)")
        retire.add_argument("code")

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "add":
                reason = negative_reason_add(code=options["code"], label=options["label"])
                self.stdout.write(f"Added {reason.code}: {reason.label}")
            elif action == "retire":
                reason = negative_reason_retire(code=options["code"])
                self.stdout.write(f"Retired {reason.code}")
            else:
                for reason in NegativeReason.objects.all():
                    state = "active" if reason.active else "retired"
                    self.stdout.write(f"{reason.code}\t{state}\t{reason.label}")
        except NegativeReasonInvalid as exc:
            raise CommandError(str(exc)) from None
