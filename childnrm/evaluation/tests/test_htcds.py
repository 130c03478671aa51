"""The HTCDS export on the known dataset: each case as HTCDS v2.0 fields (docs/htcds-mapping.md)."""

from __future__ import annotations

import pytest

from childnrm.evaluation.extract import case_sources
from childnrm.evaluation.htcds import COLUMNS, age_broad, htcds_rows
from childnrm.evaluation.tests.factories import demo_agreement, known_cases, pseudonym

pytestmark = pytest.mark.django_db


def test_each_case_in_htcds_fields(demo):
    cases = known_cases()
    agreement = demo_agreement()
    header, rows = htcds_rows(case_sources([agreement.site_id]), salt=agreement.salt)
    assert header == COLUMNS
    by_case = {row[1]: dict(zip(header, row, strict=True)) for row in rows}

    decided = by_case[pseudonym(agreement.salt, "case", cases.decided.pk, "htcds")]
    assert decided["x_PersonPseudonym"] == pseudonym(agreement.salt, "child", cases.decided.child_id, "htcds")
    assert decided["prs_Gender"] == "Male"
    assert decided["prs_Nationality"] == ""  # generalised for a small group: the ISO code is left out
    assert decided["x_CitizenshipRegion"] == "United Kingdom"
    assert decided["ageBroad"] == "9--17" and decided["majorityStatus"] == "Minor"
    assert decided["vic_TypeOfExploitation"] == "Illicit activities"
    assert decided["vic_MethodsOfControl"] == "DebtBondage"  # from the referral's indicators
    assert decided["vic_LocationOfExploitation"] == "GB"
    assert decided["vic_TraffickingStatus"] == "Actual victim of trafficking"  # a positive conclusive grounds decision
    assert decided["vic_TraffickingStatusDecisionMakingOrganisation"] == "LocalGovernmentOrganisation"
    assert decided["cas_Status"] == "FollowUp"
    assert decided["cas_ReferringOrganisationType"] == "LawEnforcement"
    assert decided["cas_IncomingReferralDate"] == cases.decided.submitted_at.strftime("%Y-%m")
    assert decided["yearOfRegistration"] == str(cases.decided.submitted_at.year)
    assert decided["x_SmallGroup"] == "yes"

    sca = by_case[pseudonym(agreement.salt, "case", cases.sca.pk, "htcds")]
    assert sca["vic_TraffickingStatus"] == "Possible victim of trafficking"
    assert sca["vic_TraffickingStatusDecisionMakingOrganisation"] == ""
    assert sca["cas_Status"] == "ClosedReferred"
    assert sca["vic_TypeOfExploitation"] == "Forced labour"
    assert sca["vic_LabourIndustry"] == "T_ActivitiesOfHouseholdsAsEmployers"
    assert sca["vic_MethodsOfControl"] == "RestrictsMovement;WithholdsDocuments"
    assert sca["vic_LocationOfExploitation"] == "GB"
    assert sca["prs_Gender"] == "Female"

    waiting = by_case[pseudonym(agreement.salt, "case", cases.waiting.pk, "htcds")]
    assert waiting["vic_TypeOfExploitation"] == "Forced labour;Sexual exploitation"
    assert waiting["cas_Status"] == "Active"
    assert waiting["x_CitizenshipRegion"] == "Europe"


def test_ctdc_age_bands():
    assert [age_broad(a) for a in (None, 0, 8, 9, 17, 18, 20, 21)] == [
        "",
        "0--8",
        "0--8",
        "9--17",
        "9--17",
        "18--20",
        "18--20",
        "21--23",
    ]
