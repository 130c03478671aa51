"""A decision returned to the SCA, once retention has anonymised its case: the return's page says the record as sent
was anonymised (and when) instead of showing or offering it, and takes no new finding or answer (docs/retention.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.kit.dates import long_date
from childnrm.retention.anonymise import case_anonymise
from childnrm.reviews import services
from childnrm.reviews.models import QualityFinding
from childnrm.reviews.tests import factories as f

pytestmark = pytest.mark.django_db

ANONYMISED = "What was sent was anonymised on"


@pytest.fixture
def anonymised_return(demo):
    """A return with a finding not yet answered, whose case retention has since anonymised."""
    finding = f.finding()
    sent = finding.decision_return
    case_anonymise(sent.decision.referral)
    sent.refresh_from_db()
    assert sent.export == {"anonymised": True}
    return sent


def test_the_return_page_says_the_record_was_anonymised_and_when(anonymised_return, client_as):
    sent = anonymised_return
    referral = sent.decision.referral
    for role in (Role.SCA_QUALITY_ASSURER, Role.COORDINATOR):
        page = client_as(role).get(reverse("reviews:return", args=[sent.pk])).content.decode()
        assert ANONYMISED in page and long_date(referral.anonymised_at) in page
        assert referral.reference in page  # the return is still named by its case
        assert reverse("reviews:return-pdf", args=[sent.pk]) not in page
        assert reverse("reviews:return-json", args=[sent.pk]) not in page
        assert 'name="finding"' not in page
        assert reverse("reviews:finding-answer", args=[sent.findings.get().pk]) not in page


@pytest.mark.parametrize("route", ["reviews:return-pdf", "reviews:return-json"])
def test_the_anonymised_record_is_not_downloaded(anonymised_return, client_as, route):
    sent = anonymised_return
    response = client_as(Role.SCA_QUALITY_ASSURER).get(reverse(route, args=[sent.pk]), follow=True)
    assert response.redirect_chain == [(reverse("reviews:return", args=[sent.pk]), 302)]
    assert ANONYMISED in response.content.decode()


def test_no_finding_or_answer_is_written_into_an_anonymised_case(anonymised_return, client_as):
    sent = anonymised_return
    finding = sent.findings.get()
    with pytest.raises(services.ReviewStateError, match="at the end of its retention period"):
        f.finding(sent=sent)
    with pytest.raises(services.ReviewStateError, match="at the end of its retention period"):
        services.finding_respond(
            finding=finding, user=f.site_user(Role.COORDINATOR, "northbridge"), response="The child now lives at…"
        )
    sca = client_as(Role.SCA_QUALITY_ASSURER)
    sca.post(reverse("reviews:return", args=[sent.pk]), {"rating": "minor", "finding": "New words"})
    coordinator = client_as(Role.COORDINATOR)
    response = coordinator.post(
        reverse("reviews:finding-answer", args=[finding.pk]), {"response": "New words"}, follow=True
    )
    assert "at the end of its retention period" in response.content.decode()
    assert QualityFinding.objects.filter(decision_return=sent).count() == 1
    finding.refresh_from_db()
    assert (finding.finding, finding.panel_response, finding.responded_at) == ("", "", None)
