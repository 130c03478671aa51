"""Demo library items: a few published practice notes and guidance at each site, and one waiting for its
site's moderator, so every role sees a library with something in it."""

from __future__ import annotations

from datetime import date

from childnrm.accounts.models import Role, User
from childnrm.learning.models import LibraryItem
from childnrm.learning.services import (
    ItemAnswers,
    SummaryAnswers,
    library_item_submit,
    library_version_approve,
    review_summary_approve,
    review_summary_submit,
)

# (title, summary, kind, themes, exploitation types, audiences, published)
_ITEMS = {
    "northbridge": [
        (
            "Trauma-informed credibility: weighing inconsistent accounts",
            "Why a child's account may change between interviews, and how a panel can weigh credibility without "
            "treating inconsistency as untruth. Draws on the statutory guidance and the panel pilots' learning.",
            "practice_note",
            ["credibility", "decision_making"],
            ["criminal", "sexual"],
            ["panel_members", "coordinators"],
            True,
        ),
        (
            "County lines: spotting criminal exploitation early",
            "Signs that a child is being exploited to carry drugs between towns, for first responders and schools.",
            "guidance",
            ["county_lines", "criminal_exploitation"],
            ["criminal"],
            ["first_responders", "police"],
            True,
        ),
        (
            "Safety planning template for children who go missing",
            "A template for a safeguarding plan after a return home interview.",
            "template",
            ["missing", "safeguarding_plans"],
            [],
            ["social_workers", "guardians"],
            False,
        ),
    ],
    "three-rivers": [
        (
            "Age assessment and the NRM: what the panel needs to know",
            "How an age dispute affects who decides, and what a panel may and may not conclude about age.",
            "research",
            ["age_assessment"],
            ["labour", "criminal"],
            ["panel_members"],
            True,
        ),
    ],
}


def load_demo(*, site, site_users, organisations) -> None:
    if LibraryItem.objects.filter(site=site).exists():
        return
    for title, summary, kind, themes, exploitation, audiences, publish in _ITEMS.get(site.slug, []):
        version = library_item_submit(
            user=site_users[Role.PANEL_MEMBER],
            answers=ItemAnswers(
                title=title,
                summary=summary,
                kind=kind,
                themes=themes,
                exploitation_types=exploitation,
                region="uk",
                audiences=audiences,
                item_date=date(2026, 6, 1),
                link="https://www.gov.uk/government/publications/human-trafficking-victims-referral-and-assessment-forms",
            ),
        )
        if publish:
            library_version_approve(version=version, user=site_users[Role.LIBRARY_MODERATOR])


# Case review summaries (`manage.py seed_demo`, after the demo case reviews) ----------------------------------

DEMO_SUMMARY = SummaryAnswers(
    title="Repeated missing episodes: hearing the child before the referral",
    summary=(
        "A teenager went missing several times over a few weeks before they were referred to the NRM. Return home "
        "interviews were offered by letter and none was held. Police and children's social care each held part "
        "of the picture."
    ),
    learning=(
        "Offer every return home interview in person, within 72 hours, by someone the child knows.\n\n"
        "A second missing episode within a month should prompt a strategy discussion: the pattern, not each "
        "episode, is the sign of exploitation."
    ),
    themes=["missing", "criminal_exploitation"],
)


def load_demo_review_summaries() -> int:
    """A summary of each demo site's case review that has none: Northbridge's published, Three Rivers' waiting for
    its library moderator. Returns how many it sent."""
    from childnrm.case_reviews.models import CaseReview
    from childnrm.learning.models import ReviewSummary
    from childnrm.people.demo import demo_email

    sent = 0
    for review in CaseReview.objects.filter(site__slug__in=("northbridge", "three-rivers")).order_by("pk"):
        if ReviewSummary.objects.filter(review=review).exists():
            continue
        slug = review.site.slug
        summary = review_summary_submit(
            user=User.objects.get(email=demo_email(Role.COORDINATOR, slug)), review=review, answers=DEMO_SUMMARY
        )
        if slug == "northbridge":
            moderator = User.objects.get(email=demo_email(Role.LIBRARY_MODERATOR, slug))
            review_summary_approve(summary=summary, user=moderator)
        sent += 1
    return sent
