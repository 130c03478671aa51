from django.core.management.base import BaseCommand

from childnrm.core.demo import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Load the demo sites, agencies, users of every role and synthetic children (idempotent)."

    def handle(self, *args, **options) -> None:
        users = load_demo_data()
        self.stdout.write(f"Demo data ready: {len(users)} demo accounts, password '{DEMO_PASSWORD}'.")
