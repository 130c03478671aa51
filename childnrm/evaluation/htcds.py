"""The HTCDS export: each case in the shape of the UN/IOM Human Trafficking Case Data Standard v2.0, with the
CTDC Global Dataset's own columns for age, majority and year, so the site's cases can be set beside CTDC data.

Record-level, so released like the evaluation extract: only under a data-sharing agreement in force that covers it,
pseudonymised with the agreement's salt under this file's own key (never the extract's pseudonyms, so the two files
cannot be joined on them: ADR 0020 amendment 5), nothing finer than the month, no free text, nationality
generalised and rows flagged for small groups, counted over every field it releases that could single a child out,
as it shows them (`QUASI_IDENTIFIERS`, by the extract's `protect`). The mapping and its gaps are in
docs/htcds-mapping.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from childnrm.accounts.models import OrganisationType
from childnrm.decisions.models import Outcome
from childnrm.evaluation.extract import NOT_KNOWN, CaseSource, Protection, QuasiIdentifier, month, protect
from childnrm.evaluation.models import Dataset
from childnrm.evaluation.pseudonyms import Pseudonymiser
from childnrm.evaluation.regions import NOT_KNOWN as NOT_KNOWN_REGION
from childnrm.evaluation.regions import region_of
from childnrm.people.models import Sex
from childnrm.referrals.models import ReferralStatus
from childnrm.referrals.vocab import ExploitationLocation, ExploitationType, Indicator
from childnrm.triage.models import TriageOutcome

COLUMNS = [
    "x_PersonPseudonym",
    "x_CasePseudonym",
    "prs_Gender",
    "prs_Nationality",
    "x_CitizenshipRegion",
    "ageBroad",
    "majorityStatus",
    "vic_TypeOfExploitation",
    "vic_LabourIndustry",
    "vic_MethodsOfControl",
    "vic_LocationOfExploitation",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrganisation",
    "cas_Status",
    "cas_ReferringOrganisationType",
    "cas_IncomingReferralDate",
    "yearOfRegistration",
    "x_SmallGroup",
]
DELIMITER = ";"  # HTCDS's multi-select spreadsheets separate values with semicolons

GENDER = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.NOT_KNOWN: "Unknown"}
TYPE_OF_EXPLOITATION = {
    ExploitationType.LABOUR: "Forced labour",
    ExploitationType.SEXUAL: "Sexual exploitation",
    # Criminal exploitation (county lines among it) is HTCDS's "Illicit activities".
    ExploitationType.CRIMINAL: "Illicit activities",
    # Domestic servitude: forced labour in households (its industry is said in vic_LabourIndustry).
    ExploitationType.DOMESTIC_SERVITUDE: "Forced labour",
    ExploitationType.ORGAN_HARVESTING: "Organ removal",
    ExploitationType.OTHER: "Other",
}
HOUSEHOLDS = "T_ActivitiesOfHouseholdsAsEmployers"
# Referral indicators that are HTCDS methods of control. What the referrer saw, not a finding.
METHODS_OF_CONTROL = {
    Indicator.DEBT_BONDAGE: "DebtBondage",
    Indicator.NO_DOCUMENTS: "WithholdsDocuments",
    Indicator.RESTRICTED_MOVEMENT: "RestrictsMovement",
    Indicator.PHYSICAL_INJURIES: "PhysicalAbuse",
    Indicator.WORKING_LONG_HOURS: "ExcessiveWorkingHours",
}
ORGANISATION_TYPE = {
    OrganisationType.LOCAL_AUTHORITY: "LocalGovernmentOrganisation",
    OrganisationType.POLICE: "LawEnforcement",
    OrganisationType.HEALTH: "HealthServiceOrganisation",
    OrganisationType.NGO: "NGO",
    OrganisationType.HOME_OFFICE: "CentralGovernmentOrganisation",
    OrganisationType.ICTG_SERVICE: "NGO",
    OrganisationType.OTHER_AGENCY: "",
}
POSSIBLE = "Possible victim of trafficking"
ACTUAL = "Actual victim of trafficking"
NOT_A_VICTIM = "Not a victim of trafficking"


def age_broad(age: int | None) -> str:
    """CTDC's age bands (its codebook's ageBroad), from the age at referral."""
    if age is None:
        return ""
    for upper, label in ((8, "0--8"), (17, "9--17"), (20, "18--20"), (23, "21--23"), (26, "24--26")):
        if age <= upper:
            return label
    return "27+"  # never for a child's referral; the finer adult bands are not needed here


def trafficking_status(source: CaseSource) -> tuple[str, str]:
    """HTCDS v2.0's trafficking status, and the type of organisation that decided it.

    A conclusive grounds decision settles it (positive: actual victim; negative: not a victim). A positive
    reasonable grounds decision is "reasonable grounds to believe": still a possible victim. A negative one is a
    determination that the child is not one. Without a decision the child is a possible victim; a case handed to
    the Single Competent Authority is decided there (its decision is not recorded here).
    """
    panel = "LocalGovernmentOrganisation"  # the local multi-agency panel, convened by the local authority
    if source.cg is not None:
        return (ACTUAL if source.cg.outcome == Outcome.POSITIVE else NOT_A_VICTIM), panel
    if source.rg is not None:
        return (POSSIBLE if source.rg.outcome == Outcome.POSITIVE else NOT_A_VICTIM), panel
    return POSSIBLE, ""


def case_status(source: CaseSource) -> str:
    if source.status == ReferralStatus.HANDED_OFF or source.route in (TriageOutcome.SCA, TriageOutcome.OTHER_SITE):
        return "ClosedReferred"
    if source.status == ReferralStatus.WITHDRAWN:
        return "Closed"
    if source.rg is not None or source.cg is not None:
        return "FollowUp"
    return "Active"


def gender(source: CaseSource) -> str:
    return GENDER.get(source.sex, "Unknown")


def majority_status(age: int | None) -> str:
    return "" if age is None else ("Minor" if age < 18 else "Adult")


def type_of_exploitation(source: CaseSource) -> str:
    types = [TYPE_OF_EXPLOITATION[t] for t in source.exploitation_types if t in TYPE_OF_EXPLOITATION]
    return DELIMITER.join(dict.fromkeys(types))


def labour_industry(source: CaseSource) -> str:
    return HOUSEHOLDS if ExploitationType.DOMESTIC_SERVITUDE in source.exploitation_types else ""


def methods_of_control(source: CaseSource) -> str:
    return DELIMITER.join(sorted({METHODS_OF_CONTROL[i] for i in source.indicators if i in METHODS_OF_CONTROL}))


def location_of_exploitation(source: CaseSource) -> str:
    if source.exploitation_location in (ExploitationLocation.UK, ExploitationLocation.BOTH):
        return "GB"  # overseas countries are not recorded
    return ""


def referring_organisation_type(source: CaseSource) -> str:
    return ORGANISATION_TYPE.get(source.referrer_type, "")


def htcds_row(source: CaseSource, protection: Protection, pseudonyms: Pseudonymiser) -> list[str]:
    status, decided_by = trafficking_status(source)
    row = {
        "x_PersonPseudonym": pseudonyms.of("child", source.person_id),
        "x_CasePseudonym": pseudonyms.of("case", source.referral_id),
        "prs_Gender": gender(source),
        # A nationality generalised for a small group is left out (HTCDS wants an ISO code); the region stays.
        "prs_Nationality": "" if protection.generalised else source.nationality,
        "x_CitizenshipRegion": region_of(source.nationality),
        "ageBroad": age_broad(source.age),
        "majorityStatus": majority_status(source.age),
        "vic_TypeOfExploitation": type_of_exploitation(source),
        "vic_LabourIndustry": labour_industry(source),
        "vic_MethodsOfControl": methods_of_control(source),
        "vic_LocationOfExploitation": location_of_exploitation(source),
        "vic_TraffickingStatus": status,
        "vic_TraffickingStatusDecisionMakingOrganisation": decided_by,
        "cas_Status": case_status(source),
        "cas_ReferringOrganisationType": referring_organisation_type(source),
        "cas_IncomingReferralDate": month(source.referred_on),
        "yearOfRegistration": str(source.referred_on.year),
        "x_SmallGroup": "yes" if protection.small_group else "no",
    }
    return [row[c] for c in COLUMNS]


def _nationality(source: CaseSource, nationality: str) -> str:
    # The code, or its region once generalised. A nationality not recorded shows as a blank code and "Not known",
    # generalised or not: one value here (the extract's "not_known" is its own).
    return NOT_KNOWN_REGION if nationality == NOT_KNOWN else nationality


# What the file releases that could single a child out (ADR 0020 amendment 3), each as the file shows it: a
# guardian service's referral is an NGO's, domestic servitude is forced labour told apart by its industry, ages are
# CTDC's bands. Columns that follow from these are not counted again (yearOfRegistration from the month,
# majorityStatus from the age band, the region from the nationality). Not counted, as in the extract: the pseudonyms,
# and what became of the case (vic_TraffickingStatus, its decision-making organisation, cas_Status), which is what
# the file is for. No site column (one site's file), no ethnicity.
QUASI_IDENTIFIERS: dict[str, QuasiIdentifier] = {
    "referral_month": lambda s, nationality: month(s.referred_on),  # cas_IncomingReferralDate
    "nationality": _nationality,  # prs_Nationality, x_CitizenshipRegion
    "sex": lambda s, nationality: gender(s),  # prs_Gender
    "age_band": lambda s, nationality: age_broad(s.age),  # ageBroad
    "first_responder_type": lambda s, nationality: referring_organisation_type(s),  # cas_ReferringOrganisationType
    "exploitation_types": lambda s, nationality: type_of_exploitation(s),  # vic_TypeOfExploitation
    "labour_industry": lambda s, nationality: labour_industry(s),  # vic_LabourIndustry
    "exploitation_location": lambda s, nationality: location_of_exploitation(s),  # vic_LocationOfExploitation
    "methods_of_control": lambda s, nationality: methods_of_control(s),  # vic_MethodsOfControl
}


def htcds_rows(sources: Sequence[CaseSource], *, salt: str) -> tuple[list[str], list[list[str]]]:
    pseudonyms = Pseudonymiser(salt, dataset=Dataset.HTCDS)
    protections = protect(sources, QUASI_IDENTIFIERS)
    return list(COLUMNS), [htcds_row(s, protections[s.referral_id], pseudonyms) for s in sources]
