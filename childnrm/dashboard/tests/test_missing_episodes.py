"""Missing children and their return home interviews are on someone's list (domain step 15: the interview is due
within 72 hours of the return). The coordinator's dashboard shows the children missing now and the interviews not
yet held, due or overdue; the guardian's next steps show their own children's, each linking to where the return or
the interview is recorded. An interview held (or declined) leaves the lists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.dashboard.reminders import daily_reminders_send
from childnrm.kit.dates import long_date
from childnrm.outcomes import services
from childnrm.outcomes.models import InterviewHeld, InterviewOffered, MissingEpisode
from childnrm.outcomes.tests.factories import decided_child
from conftest import demo_user, signed_in

NB = "northbridge"
pytestmark = pytest.mark.django_db


def episode(*, went: int, back: int | None) -> MissingEpisode:
    """A missing episode of a new decided child of the demo guardian: missing `went` days ago, back `back` days ago
    (None: still missing), the return home interview not yet held."""
    today = timezone.localdate()
    child = decided_child(NB).referral.child
    data: dict = {"started_on": today - timedelta(days=went), "ended_on": None}
    if back is not None:
        data |= {
            "ended_on": today - timedelta(days=back),
            "interview_offered": InterviewOffered.NOT_KNOWN,
            "interview_held": InterviewHeld.NOT_YET,
        }
    return services.missing_episode_record(child=child, user=demo_user(Role.ICTG, NB), data=data)


def section(page: str, anchor: str) -> str:
    found = re.search(rf'<section[^>]* id="{anchor}".*?</section>', page, re.S)
    assert found, f"no section {anchor}"
    return found.group(0)


def row(html: str, episode: MissingEpisode) -> str:
    found = re.search(rf'data-object="outcomes.missingepisode:{episode.pk}".*?</(tr|li)>', html, re.S)
    assert found, f"episode {episode.pk} not listed"
    return found.group(0)


@pytest.fixture
def episodes(demo):
    return {
        "late": episode(went=7, back=5),  # due 2 days ago
        "due": episode(went=2, back=1),  # due in 2 days
        "missing": episode(went=3, back=None),
    }


def test_the_coordinator_sees_who_is_missing_now_and_which_interview_is_due_or_overdue(episodes):
    page = signed_in(demo_user(Role.COORDINATOR, NB)).get(f"/dashboard/{NB}/").content.decode()

    interviews = section(page, "return-interviews")
    assert "Return home interviews not yet held (2)" in interviews
    late, due = row(interviews, episodes["late"]), row(interviews, episodes["due"])
    assert "Overdue by 2 days" in late and "In 2 days" in due
    assert interviews.index(late) < interviews.index(due)  # soonest due first
    child = episodes["late"].child
    assert f'href="/outcomes/children/{child.reference}/"' in late  # where the episodes are
    assert f"outcomes.missingepisode:{episodes['missing'].pk}" not in interviews  # no interview before the return

    missing = section(page, "missing-now")
    assert "Children missing now (1)" in missing
    assert "3 days ago" in row(missing, episodes["missing"])
    # The full lists open from the dashboard too.
    full = signed_in(demo_user(Role.COORDINATOR, NB)).get(f"/dashboard/{NB}/return-interviews/")
    assert full.status_code == 200 and "Overdue by 2 days" in full.content.decode()


def test_an_interview_held_or_declined_leaves_the_coordinators_list(episodes):
    late = episodes["late"]
    guardian = demo_user(Role.ICTG, NB)
    services.missing_episode_record(
        child=late.child,
        user=guardian,
        episode=late,
        data={
            "started_on": late.started_on,
            "ended_on": late.ended_on,
            "interview_offered": InterviewOffered.LATE,
            "interview_held": InterviewHeld.DECLINED,
        },
    )
    page = signed_in(demo_user(Role.COORDINATOR, NB)).get(f"/dashboard/{NB}/").content.decode()
    interviews = section(page, "return-interviews")
    assert "Return home interviews not yet held (1)" in interviews
    assert f"outcomes.missingepisode:{late.pk}" not in interviews


def test_the_guardians_next_steps_list_their_missing_children_and_interviews_due(episodes):
    page = signed_in(demo_user(Role.ICTG, NB)).get("/").content.decode()
    steps = re.search(r'id="your-next-steps".*?</section>', page, re.S)
    assert steps
    body = steps.group(0)
    assert "Missing children and return home interviews (3)" in body
    missing = row(body, episodes["missing"])
    assert "record their return" in missing and "Missing" in missing
    assert f'href="/outcomes/missing/{episodes["missing"].pk}/"' in missing
    assert "Overdue by 2 days" in row(body, episodes["late"])
    assert "return home interview due by" in row(body, episodes["due"]) and "In 2 days" in row(body, episodes["due"])
    # Still missing first: the most urgent.
    assert body.index(missing) < body.index(row(body, episodes["late"]))


def digest_to(role: str, site_slug: str = NB) -> str:
    reader = demo_user(role, site_slug).email
    found = [m for m in mail.outbox if m.to == [reader]]
    assert len(found) <= 1
    return f"{found[0].subject}\n{found[0].body}" if found else ""


def listed_under(body: str, label: str) -> str:
    assert f"{label}:\n" in body, body
    return body.split(f"{label}:\n", 1)[1].split("\n\n", 1)[0]


def test_the_coordinators_daily_digest_lists_who_is_missing_now_and_which_interview_is_due_or_overdue(episodes):
    """The dashboard's two lists reach the coordinators' digest too, by reference only: they were on the dashboard
    only, so a child missing for days, or an interview going past its 72 hours, waited for someone to look."""
    today = timezone.localdate()
    mail.outbox.clear()
    daily_reminders_send(today=today)
    body = digest_to(Role.COORDINATOR)

    missing = episodes["missing"]
    assert listed_under(body, "Children missing now") == (
        f"- child record {missing.child.reference}: missing since {long_date(missing.started_on)}"
    )
    late, due = episodes["late"].child.reference, episodes["due"].child.reference
    assert listed_under(body, "Return home interviews not yet held") == "\n".join(
        [
            f"- child record {late}: was due {long_date(today - timedelta(days=2))} (overdue by 2 days)",
            f"- child record {due}: due {long_date(today + timedelta(days=2))} (in 2 days)",
        ]
    )
    for episode_ in episodes.values():
        assert episode_.child.given_names not in body and episode_.child.family_name not in body
    # Only the site's own children: another site's coordinators are told nothing of them.
    elsewhere = digest_to(Role.COORDINATOR, "three-rivers")
    assert not [e for e in episodes.values() if e.child.reference in elsewhere]


def test_the_digest_lists_them_in_welsh_on_a_welsh_site(episodes, welsh_site: Site):
    mail.outbox.clear()
    daily_reminders_send(today=timezone.localdate())
    body = digest_to(Role.COORDINATOR)
    missing = episodes["missing"]
    assert listed_under(body, "Plant sydd ar goll nawr").startswith(f"- cofnod plentyn {missing.child.reference}: ")
    assert "ar goll ers " in listed_under(body, "Plant sydd ar goll nawr")
    assert episodes["late"].child.reference in listed_under(body, "Cyfweliadau dychwelyd adref heb eu cynnal eto")
