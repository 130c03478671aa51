"""The feedback app's part of the demo, and the builders its tests use.

`load_demo` (core.demo's loader, on every demo load, so cheap and idempotent): twelve children's answers at each
demo site, given with the demo guardian over the last six months, so the summary has numbers to show and hide:

- "Did you feel listened to?": yes 9, a bit 2, no 1 (the 2 and the 1 are hidden: fewer than 5);
- "Did you understand what happened?": yes 8, a bit 4 (the 4 is hidden, and the 8 with it: the total would
  give the 4 away). One more "a bit" makes it 5, and both are shown.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.feedback import services, tokens
from childnrm.feedback.models import FeedbackSession, Scale
from childnrm.people.models import AssociationKind, Child

# (felt listened to, understood what happened, what would make it better) for each demo answer.
DEMO_ANSWERS = (
    (Scale.YES, Scale.YES, "Meeting somewhere that is not the police station."),
    (Scale.YES, Scale.YES, ""),
    (Scale.YES, Scale.YES, "If my interpreter came every time."),
    (Scale.YES, Scale.YES, ""),
    (Scale.YES, Scale.YES, "Knowing sooner."),
    (Scale.YES, Scale.YES, ""),
    (Scale.YES, Scale.YES, ""),
    (Scale.YES, Scale.YES, "Less waiting."),
    (Scale.YES, Scale.A_BIT, "Shorter words."),
    (Scale.A_BIT, Scale.A_BIT, "If they asked me what I wanted first."),
    (Scale.A_BIT, Scale.A_BIT, ""),
    (Scale.NO, Scale.A_BIT, "Nobody told me what the panel was."),
)


def load_demo(*, site, site_users, organisations) -> None:
    if FeedbackSession.objects.filter(child__site=site).exists():
        return
    guardian = site_users[Role.ICTG]
    children = list(
        Child.objects.filter(site=site, associations__user=guardian, associations__kind=AssociationKind.ICTG).order_by(
            "pk"
        )
    )
    if not children:
        return
    now = timezone.now()
    sessions = []
    for i, (listened, understood, better) in enumerate(DEMO_ANSWERS):
        started = now - timedelta(days=180 - i * 14, hours=2)
        sessions.append(
            FeedbackSession(
                child=children[i % len(children)],
                started_by=guardian,
                started_at=started,
                started_as=AssociationKind.ICTG,
                expires_at=started + tokens.life(),
                code_hash=tokens.code_hash(tokens.new_code()),
                answered_at=started + timedelta(minutes=10),
                listened=listened,
                understood=understood,
                better=better,
            )
        )
    FeedbackSession.objects.bulk_create(sessions)


def open_session(child: Child, user) -> services.Started:
    """A session started now by `user` (the child's guardian or lead social worker), as the start button does."""
    return services.session_start(child=child, user=user)
