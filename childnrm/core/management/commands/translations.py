"""The Welsh catalogues (ADR 0023).

    manage.py translations update [APP ...]   write each app's locale/cy/LC_MESSAGES/django.po from its code
    manage.py translations check [APP ...]    list what is not translated yet, and any message two catalogues
                                              translate differently (exit 1 if anything)
    manage.py translations start APP          give an app its (empty) Welsh catalogue, then translate it

Then `manage.py compilemessages --ignore=.venv --ignore=node_modules` (scripts/setup.sh does it when a .po changes).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from childnrm.kit import catalogues


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Write the apps' Welsh catalogues from the code and templates, or check they are complete"

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=("update", "check", "start"))
        parser.add_argument("apps", nargs="*", help="apps to work on (default: every app with a Welsh catalogue)")

    def handle(self, *args, action: str, apps: list[str], **options) -> None:
        if action == "start":
            if not apps:
                raise CommandError("Name the app to start translating")
            for app in apps:
                if not (catalogues.PACKAGE / app).is_dir():
                    raise CommandError(f"No app called {app}")
                self.stdout.write(f"Started {catalogues.update(app).relative_to(catalogues.PACKAGE.parent)}")
            return
        apps = apps or catalogues.translated_apps()
        if action == "update":
            for app in apps:
                self.stdout.write(f"Updated {catalogues.update(app).relative_to(catalogues.PACKAGE.parent)}")
            return
        found = [problem for app in apps for problem in catalogues.problems(app)]
        clashing = catalogues.clashes()
        for problem in [*found, *clashing]:
            self.stdout.write(problem)
        if found:
            raise CommandError(f"{len(found)} messages are not translated into Welsh")
        if clashing:
            raise CommandError(f"{len(clashing)} messages are translated differently by two catalogues")
        self.stdout.write(f"Complete: {', '.join(apps)}")
