"""Telling the child's guardian at once that the child is missing, when the episode is recorded
(`services.missing_episode_record`), rather than the next morning. By reference and links only, as the daily run
(`reminders.missing_episodes_tell`, the one way both tell)."""

from __future__ import annotations

from django_tasks import task

from childnrm.kit import mail
from childnrm.outcomes.models import MissingEpisode
from childnrm.outcomes.reminders import missing_episodes_tell


@task()
def missing_guardians_tell_at_once(episode_id: int) -> int:
    """Tell the guardians of the episode, if the child is still missing; the number of emails sent. However long ago
    the child went missing: the daily run's bound is for episodes recorded before guardians were told. An email not
    sent is not tried again here: the daily run tells that guardian. The task then fails, naming nobody (kit.mail),
    so the queue records it."""
    with mail.failures_raised("child missing, to the guardian at once"):
        return missing_episodes_tell(
            MissingEpisode.objects.filter(pk=episode_id), "child missing, to the guardian (at once)"
        )
