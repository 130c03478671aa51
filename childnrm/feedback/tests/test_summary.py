"""The children's feedback in numbers (issue 12): counts per answer at the chosen sites and dates, with disclosure
control from kit.disclosure (a count from 1 to 4 hidden, and another in its line where the total would give it
away; shown counts rounded to the nearest 5), never the children's words; for the coordinator and analysts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.feedback import services
from childnrm.feedback.demo import open_session
from childnrm.feedback.models import FeedbackSession, Scale
from childnrm.feedback.selectors import feedback_summary
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user

pytestmark = pytest.mark.django_db


def shown(summary, question: str) -> dict[str, str]:
    found = next(q for q in summary.questions if q.name == question)
    return {**{a.value: str(a.count) for a in found.answers}, "total": str(found.total)}


def year_to_today():
    today = timezone.localdate()
    return today - timedelta(days=365), today


def answer(site, listened: str, understood: str) -> FeedbackSession:
    started = open_session(demo_child(site), demo_user(Role.ICTG, site.slug))
    return services.feedback_answer(token=started.token, listened=listened, understood=understood, better="")


def test_a_count_below_five_is_hidden_with_the_one_that_would_give_it_away(site):
    summary = feedback_summary([site.pk], *year_to_today())
    # The demo's twelve answers: listened yes 9, a bit 2, no 1; understood yes 8, a bit 4.
    assert shown(summary, "listened") == {"yes": "10", "a_bit": "[c]", "no": "[c]", "not_sure": "0", "total": "10"}
    assert shown(summary, "understood") == {"yes": "[c]", "a_bit": "[c]", "no": "0", "not_sure": "0", "total": "10"}
    listened = summary.questions[0]
    assert str(listened.answers[1].percent) == "[c]"  # a hidden count's percentage is hidden too
    assert str(listened.answers[0].percent) == "[c]"  # 9 of 12 would give away the other 3
    assert str(summary.answered) == "10"


def test_one_more_answer_shows_in_the_summary(site):
    answer(site, Scale.YES, Scale.A_BIT)
    summary = feedback_summary([site.pk], *year_to_today())
    # Understood "a bit" is now 5: shown, and the 8 with it; listened "yes" 10; the 2 and the 1 stay hidden.
    assert shown(summary, "understood") == {"yes": "10", "a_bit": "5", "no": "0", "not_sure": "0", "total": "15"}
    assert shown(summary, "listened") == {"yes": "10", "a_bit": "[c]", "no": "[c]", "not_sure": "0", "total": "15"}


def test_only_the_sites_and_dates_asked_for_are_counted(site, other_site):
    both = feedback_summary([site.pk, other_site.pk], *year_to_today())
    assert shown(both, "listened")["yes"] == "20"  # 18
    assert shown(both, "listened")["a_bit"] == "[c]"  # 4
    # 20 of a shown 25, from the counts shown: the true 18 of 24 (75.0%) beside them would give both back.
    assert str(both.questions[0].answers[0].percent) == "80.0"
    today = timezone.localdate()
    assert str(feedback_summary([site.pk], today - timedelta(days=30), today).answered) == "[c]"  # the last 2 or 3
    assert str(feedback_summary([], *year_to_today()).answered) == "0"
    unanswered = open_session(demo_child(site), demo_user(Role.ICTG))
    assert unanswered.session.answered_at is None
    assert str(feedback_summary([site.pk], *year_to_today()).answered) == "10"  # not counted until answered


def test_the_coordinator_and_the_analyst_see_the_summary_and_never_the_childrens_words(client_as, site):
    for role in (Role.COORDINATOR, Role.ANALYST):
        response = client_as(role).get(reverse("feedback:summary"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Did you feel listened to?" in page and "[c]" in page and site.name in page
        for words in FeedbackSession.objects.exclude(better="").values_list("better", flat=True):
            assert words not in page
        assert Site.objects.get(slug="three-rivers").name not in page
    assert client_as(Role.ICTG).get(reverse("feedback:summary")).status_code == 403
    assert client_as(Role.COORDINATOR).get(reverse("feedback:summary"), {"months": "3"}).status_code == 200
