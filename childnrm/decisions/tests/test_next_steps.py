"""A final decision's page leads the coordinator to what follows it: letters, reconsideration, the SCA return."""

from __future__ import annotations

import re

from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.decisions.models import Outcome
from childnrm.decisions.tests.factories import draft_decision, final_decision


def links_in(body: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', body))


def test_a_final_negative_decision_links_to_letters_reconsideration_and_the_return(client_as):
    decision = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    coordinator = client_as(Role.COORDINATOR)
    body = coordinator.get(reverse("decisions:detail", args=[decision.pk])).content.decode().replace("&amp;", "&")
    wanted = {
        reverse("letters:decision", args=[decision.pk]),
        f"{reverse('reviews:reconsideration-new')}?decision={decision.pk}",
        f"{reverse('reviews:return-new')}?decision={decision.pk}",
    }
    assert wanted <= links_in(body)
    for url in wanted:
        response = coordinator.get(url)
        assert response.status_code == 200, url
        assert decision.referral.reference in response.content.decode()


def test_a_positive_decision_offers_no_reconsideration_and_a_draft_no_next_steps(client_as):
    positive = final_decision("northbridge")
    coordinator = client_as(Role.COORDINATOR)
    body = coordinator.get(reverse("decisions:detail", args=[positive.pk])).content.decode()
    assert reverse("reviews:reconsideration-new") not in body
    assert reverse("letters:decision", args=[positive.pk]) in body

    draft = draft_decision("northbridge")
    body = coordinator.get(reverse("decisions:detail", args=[draft.pk])).content.decode()
    assert "What happens next" not in body


# Issue 9 item 4: after sign-off, "What happens next" lists the plan, the letters, explaining the decision to the
# child, telling the guardian and the SCA return, each linked to its page and showing whether it is done.


def next_steps_of(body: str) -> dict[str, dict[str, object]]:
    """Each step of the "What happens next" list: its link (or None), and its status words."""
    listed = body.split('id="next-steps"', 1)[1].split("</ul>", 1)[0]
    steps = {}
    for chunk in listed.split("<li")[1:]:
        key = re.search(r'data-step="([^"]+)"', chunk).group(1)
        link = re.search(r'href="([^"]+)"', chunk)
        status = re.search(r'id="next-[^"]+-status">(.*?)</div>', chunk, re.S).group(1)
        steps[key] = {
            "url": link.group(1).replace("&amp;", "&") if link else None,
            "done": "Done" if status == "Done" else ("Not done" if "Not done" in status else ""),
        }
    return steps


def test_after_sign_off_each_next_step_links_to_its_page_and_says_whether_it_is_done(client_as):
    from django.utils import timezone

    from childnrm.letters import services as letters
    from childnrm.reviews import services as reviews
    from childnrm.safeguarding.services import guardian_allocate
    from conftest import demo_user

    decision = final_decision("northbridge")
    coordinator_user = demo_user(Role.COORDINATOR)
    coordinator = client_as(Role.COORDINATOR)

    def steps():
        return next_steps_of(coordinator.get(reverse("decisions:detail", args=[decision.pk])).content.decode())

    first = steps()
    assert list(first) == ["plan", "letters", "explain", "guardian", "sca-return"]
    # The plan was agreed at the decision's sitting (a positive reasonable grounds decision needs it).
    plan = decision.referral.child.safeguarding_plans.get()
    assert first["plan"] == {"url": reverse("safeguarding:plan", args=[plan.pk]), "done": "Done"}
    assert first["letters"] == {"url": reverse("letters:decision", args=[decision.pk]), "done": "Not done"}
    assert first["explain"] == {"url": reverse("letters:explanation-add", args=[decision.pk]), "done": "Not done"}
    # No guardian allocated yet: the step leads to allocating one, and cannot be done or not done.
    child = decision.referral.child
    assert first["guardian"] == {"url": reverse("safeguarding:guardian", args=[child.reference]), "done": ""}
    assert first["sca-return"] == {
        "url": f"{reverse('reviews:return-new')}?decision={decision.pk}",
        "done": "Not done",
    }
    for step in first.values():
        assert coordinator.get(step["url"]).status_code == 200, step

    guardian_allocate(child=child, user=coordinator_user, guardian=demo_user(Role.ICTG))
    assert steps()["guardian"] == {"url": reverse("letters:decision", args=[decision.pk]), "done": "Not done"}
    letters.letters_produce(decision=decision, user=coordinator_user)  # tells the allocated guardian too
    explained = letters.explanation_record(
        decision=decision,
        user=coordinator_user,
        explained_by_name="Sam Okafor",
        explained_by_role="Social worker",
        explained_on=timezone.localdate(),
        how="in_person",
    )
    sent = reviews.return_send(decision=decision, user=coordinator_user)

    done = steps()
    assert {key: step["done"] for key, step in done.items()} == {
        "plan": "Done",
        "letters": "Done",
        "explain": "Done",
        "guardian": "Done",
        "sca-return": "Done",
    }
    assert done["explain"]["url"] == reverse("letters:explanation", args=[explained.pk])
    assert done["sca-return"]["url"] == reverse("reviews:return", args=[sent.pk])
    for step in done.values():
        assert coordinator.get(step["url"]).status_code == 200, step


def test_the_chair_sees_what_happens_next_without_links_to_pages_they_cannot_use(client_as):
    decision = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    chair = client_as(Role.CHAIR)
    body = chair.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    steps = next_steps_of(body)
    assert list(steps) == ["plan", "letters", "explain", "guardian", "sca-return", "reconsideration"]
    # The coordinator's pages (letters, the return, reconsideration): named, with their state, never a dead link.
    for key in ("letters", "explain", "guardian", "sca-return", "reconsideration"):
        assert steps[key]["url"] is None, key
    assert steps["letters"]["done"] == "Not done"
    for step in steps.values():
        if step["url"]:
            assert chair.get(step["url"]).status_code == 200, step
