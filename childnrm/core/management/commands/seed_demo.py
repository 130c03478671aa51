from django.core.management.base import BaseCommand

from childnrm.core.demo import DEMO_PASSWORD, load_demo_data
from childnrm.core.demo_cases import load_demo_cases


class Command(BaseCommand):
    help = "Load the demo sites, agencies, users of every role, synthetic children and demo cases (idempotent)."

    def handle(self, *args, **options) -> None:
        users = load_demo_data()
        cases = load_demo_cases()
        # Decided cases with outcome reviews recorded, due and overdue, and a missing episode (outcomes app).
        from childnrm.outcomes.demo import load_demo_follow_ups

        cases += load_demo_follow_ups()
        self.stdout.write(
            f"Demo data ready: {len(users)} demo accounts, password '{DEMO_PASSWORD}'"
            + (f"; {cases} demo referrals made." if cases else ".")
        )
