"""Delete uploaded files that no row refers to (left by a request that failed between the two), and
files kept for a form that was never sent again once they expire (kit.pending).

Run daily, e.g. beside the reminders: `15 2 * * * … manage.py delete_orphan_uploads`. Only files
older than a day are considered, so an upload in progress is never touched.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from childnrm.kit.uploads import orphan_uploads_delete
from childnrm.referrals.tasks import UPLOAD_FOLDERS


class Command(BaseCommand):
    help = "Delete uploaded files that no row refers to, once they are a day old, and expired pending uploads."

    def handle(self, *args, **options) -> None:
        deleted = orphan_uploads_delete(folders=UPLOAD_FOLDERS)
        # Counts only: stored names are random, but no path belongs in a log either.
        self.stdout.write(f"Deleted {len(deleted)} orphaned upload(s).")
