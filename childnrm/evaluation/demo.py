"""The evaluation app's part of the demo, and the builders its tests use.

`load_demo` (core.demo's loader, on every demo load, so cheap): each demo site gets one data-sharing agreement in
force, requested by its demo analyst and approved by its demo data protection officer, through the services. A
site that has any agreement already is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.evaluation import services
from childnrm.evaluation.models import Dataset, DataSharingAgreement, FieldGroup, LegalBasis

DEMO_ORGANISATION = "Northfield University, Centre for Child Protection Research"


def demo_answers(today: date | None = None, **changes) -> services.AgreementAnswers:
    today = today or timezone.localdate()
    answers = {
        "organisation_name": DEMO_ORGANISATION,
        "contact_name": "Dr Sam Evaluator",
        "contact_email": "evaluation@northfield.example",
        "purpose": "Independent evaluation of the devolved decision-making pilot for the Home Office: decision "
        "times, consistency between panels and children's outcomes at each review point. Only aggregate findings "
        "are published, with small numbers suppressed.",
        "legal_basis": LegalBasis.PUBLIC_TASK_RESEARCH,
        "legal_basis_details": "Data protection impact assessment DPIA-2026-07, approved by the site's Caldicott "
        "guardian.",
        "datasets": [Dataset.EXTRACT, Dataset.HTCDS],
        "field_groups": list(FieldGroup.values),
        "starts_on": today - timedelta(days=30),
        "expires_on": today + timedelta(days=365),
        **changes,
    }
    return services.AgreementAnswers(**answers)


def agreement_in_force(site: Site, *, analyst: User, officer: User, **changes) -> DataSharingAgreement:
    """An agreement requested by `analyst` and approved by `officer`, in force today."""
    agreement = services.agreement_request(site=site, user=analyst, answers=demo_answers(**changes))
    return services.agreement_approve(agreement=agreement, user=officer)


def load_demo(*, site, site_users, organisations) -> None:
    if DataSharingAgreement.objects.filter(site=site).exists():
        return
    agreement_in_force(site, analyst=site_users[Role.ANALYST], officer=site_users[Role.DATA_PROTECTION_OFFICER])
