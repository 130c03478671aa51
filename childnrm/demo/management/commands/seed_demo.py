from django.core.management.base import BaseCommand

from childnrm.burdens.demo import load_demo_time
from childnrm.case_reviews.demo import load_demo_case_reviews
from childnrm.demo.cases import load_demo_cases
from childnrm.demo.compose import load_demo_data
from childnrm.learning.demo import load_demo_review_summaries
from childnrm.outcomes.demo import load_demo_follow_ups
from childnrm.people.demo import DEMO_PASSWORD
from childnrm.training.demo import load_demo_training


class Command(BaseCommand):
    help = "Load the demo sites, agencies, users of every role, synthetic children and demo cases (idempotent)."

    def handle(self, *args, **options) -> None:
        users = load_demo_data()
        cases = load_demo_cases()
        # Decided cases with outcome reviews recorded, due and overdue, and a missing episode (outcomes app).
        cases += load_demo_follow_ups()
        # A case review of each demo site, with an overdue action, and its published summary (case_reviews, learning).
        load_demo_case_reviews()
        load_demo_review_summaries()
        # Past training sessions with their self-assessments, and a national course (training app).
        load_demo_training()
        # How long the demo sittings lasted and the time people logged on the decided cases (burdens app).
        load_demo_time()
        self.stdout.write(
            f"Demo data ready: {len(users)} demo accounts, password '{DEMO_PASSWORD}'"
            + (f"; {cases} demo referrals made." if cases else ".")
        )
