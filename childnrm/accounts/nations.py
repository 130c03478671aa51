"""The rules that differ by UK nation: one place, read by every app (issue 13, ADR 0027).

A site is in one nation (`Site.nation`). The nation decides:

- the statutory safeguarding categories a child's record offers (safeguarding.StatutoryKind holds every nation's
  categories and their labels; a site offers only its nation's, and a period keeps the category it was recorded
  under, so a case moved between nations keeps the law it was recorded in);
- the lawful bases offered for information sharing (information.LawfulBasis and ProtocolBasis hold every
  nation's; UK GDPR and the DPA 2018 everywhere, each nation's own statutes beside them);
- the decision guidance and the words of its tests (decisions.guidance builds each nation's versions from these);
- the name of the guardian service;
- bank holidays, for working-day clocks (referrals.clocks, by the same field).

Where the law or its application is uncertain, the `*_help` texts say so on the page rather than guess silently.
Sources, with the dates they were read, are in docs/nations.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from childnrm.access.roles import Role
from childnrm.accounts.models import Nation, Site

# Statutory categories (the values of safeguarding.StatutoryKind) --------------------------------------------------

# England and Wales (Children Act 1989; in Wales the Social Services and Well-being (Wales) Act 2014).
CHILD_IN_NEED = "child_in_need"
CHILD_PROTECTION_PLAN = "child_protection_plan"
LOOKED_AFTER = "looked_after"
# Scotland (Children's Hearings (Scotland) Act 2011; Children (Scotland) Act 1995; National Guidance 2021/2023).
CP_REGISTER_SCOTLAND = "cp_register_scotland"
COMPULSORY_SUPERVISION_ORDER = "compulsory_supervision_order"
INTERIM_SUPERVISION_ORDER = "interim_supervision_order"
CHILD_PROTECTION_ORDER_SCOTLAND = "child_protection_order_scotland"
LOOKED_AFTER_SCOTLAND = "looked_after_scotland"
# Northern Ireland (Children (Northern Ireland) Order 1995; Co-operating to Safeguard Children and Young People).
CP_REGISTER_NI = "cp_register_ni"
LOOKED_AFTER_NI = "looked_after_ni"

# Every nation's "looked after" (retention keeps a looked-after child's case longest, whichever law it was under).
LOOKED_AFTER_CATEGORIES = (LOOKED_AFTER, LOOKED_AFTER_SCOTLAND, LOOKED_AFTER_NI)

# Lawful bases for an information request or answer (the values of information.LawfulBasis) -------------------------

PUBLIC_TASK_SAFEGUARDING = "public_task_safeguarding"
LEGAL_OBLIGATION = "legal_obligation"
UK_GDPR_REQUEST_BASES = (PUBLIC_TASK_SAFEGUARDING, LEGAL_OBLIGATION)
ENGLAND_REQUEST_BASES = ("children_act_2004_s11", "children_act_1989_s47", "crime_and_disorder_s115")
WALES_REQUEST_BASES = ("children_act_2004_s28", "sswb_wales_2014_s130")
SCOTLAND_REQUEST_BASES = ("children_scotland_1995_s22", "childrens_hearings_scotland_2011_s60", "cp_guidance_scotland")
NI_REQUEST_BASES = ("children_ni_order_1995_art66", "children_ni_order_1995_art18", "cooperating_to_safeguard_ni")

# Lawful bases and gateways a sharing protocol may rely on (the values of information.ProtocolBasis) ----------------

UK_GDPR_PROTOCOL_BASES = (
    "gdpr_6_1_e",
    "gdpr_6_1_c",
    "gdpr_9_2_g_sch1_18",
    "gdpr_9_2_g_sch1_10",
    "gdpr_9_2_h_sch1_2",
)
ENGLAND_PROTOCOL_BASES = (
    "children_act_1989_s17",
    "children_act_1989_s47",
    "children_act_2004_s10",
    "children_act_2004_s11",
    "crime_and_disorder_s115",
)
WALES_PROTOCOL_BASES = ("children_act_2004_s28", "sswb_wales_2014_s130")
SCOTLAND_PROTOCOL_BASES = (
    "children_scotland_1995_s22",
    "childrens_hearings_scotland_2011_s60",
    "cyp_scotland_2014",
    "cp_guidance_scotland",
)
NI_PROTOCOL_BASES = ("children_ni_order_1995_art18", "children_ni_order_1995_art66", "cooperating_to_safeguard_ni")

# What a referral said was in place (its answer fields), as each nation's category. A referral is written before it
# is routed to a site, so it asks in the words of England and Wales; an answer with no counterpart in the site's
# law is not turned into a period (the coordinator records the child's actual status).
REFERRAL_ANSWERS = ("child_in_need", "child_protection_plan", "looked_after")


@dataclass(frozen=True)
class NationRules:
    nation: str
    statutory_categories: tuple[str, ...]
    referral_categories: dict[str, str]  # a referral's answer field -> this nation's category
    request_bases: tuple[str, ...]
    protocol_bases: tuple[str, ...]
    # The law on trafficking and exploitation, and where slavery, servitude and forced labour is defined.
    law: str | Promise
    slavery_law: str | Promise
    # The guidance a panel applies (decisions.guidance adds each version's dates), and whom its tests are about.
    guidance: str | Promise
    victim_of: str
    guardian_service: str | Promise  # the service, as the UI names it
    guardian_title: str | Promise  # one of its guardians
    guardian_short: str | Promise  # in brackets after "guardian", as "(ICTG)"
    statutory_help: str | Promise = ""
    bases_help: str | Promise = ""
    guidance_help: str | Promise = ""
    guardian_help: str | Promise = ""

    @property
    def english_law(self) -> bool:
        """England and Wales share their trafficking law, its statutory guidance and the guardian service."""
        return self.nation in (Nation.ENGLAND, Nation.WALES)

    def offers_category(self, code: str) -> bool:
        return code in self.statutory_categories

    def offers_request_basis(self, code: str) -> bool:
        return code in self.request_bases

    def offers_protocol_basis(self, code: str) -> bool:
        return code in self.protocol_bases


_ENGLAND_WALES_REFERRAL = {n: n for n in REFERRAL_ANSWERS}
_MODERN_SLAVERY_GUIDANCE = _(
    "Modern Slavery: Statutory Guidance for England and Wales (under section 49 of the Modern Slavery Act 2015)"
)

_ENGLAND = NationRules(
    nation=Nation.ENGLAND,
    statutory_categories=(CHILD_IN_NEED, CHILD_PROTECTION_PLAN, LOOKED_AFTER),
    referral_categories=_ENGLAND_WALES_REFERRAL,
    request_bases=(PUBLIC_TASK_SAFEGUARDING, *ENGLAND_REQUEST_BASES, LEGAL_OBLIGATION),
    protocol_bases=(*UK_GDPR_PROTOCOL_BASES, *ENGLAND_PROTOCOL_BASES),
    law=_("Modern Slavery Act 2015"),
    slavery_law=_("Modern Slavery Act 2015 section 1"),
    guidance=_MODERN_SLAVERY_GUIDANCE,
    victim_of="a victim of modern slavery",
    guardian_service=_("Independent Child Trafficking Guardian service"),
    guardian_title=_("Independent Child Trafficking Guardian"),
    guardian_short="ICTG",
)

_WALES = NationRules(
    nation=Nation.WALES,
    statutory_categories=(CHILD_IN_NEED, CHILD_PROTECTION_PLAN, LOOKED_AFTER),
    referral_categories=_ENGLAND_WALES_REFERRAL,
    request_bases=(PUBLIC_TASK_SAFEGUARDING, *ENGLAND_REQUEST_BASES, *WALES_REQUEST_BASES, LEGAL_OBLIGATION),
    protocol_bases=(*UK_GDPR_PROTOCOL_BASES, *ENGLAND_PROTOCOL_BASES, *WALES_PROTOCOL_BASES),
    law=_("Modern Slavery Act 2015"),
    slavery_law=_("Modern Slavery Act 2015 section 1"),
    guidance=_MODERN_SLAVERY_GUIDANCE,
    victim_of="a victim of modern slavery",
    guardian_service=_("Independent Child Trafficking Guardian service"),
    guardian_title=_("Independent Child Trafficking Guardian"),
    guardian_short="ICTG",
    statutory_help=_(
        "In Wales, the Social Services and Well-being (Wales) Act 2014 replaced the Children Act 1989's provisions "
        "on children in need and looked-after children: record a child with care and support needs as a child in "
        "need, and a child looked after under the 2014 Act as looked after. Check the child's status with their "
        "local authority."
    ),
    bases_help=_(
        "In Wales, the duty to safeguard of Welsh bodies is in section 28 of the Children Act 2004 (section 11 covers "
        "bodies in England and some bodies working in both), and section 130 of the Social Services and Well-being "
        "(Wales) Act 2014 is the duty to report a child at risk."
    ),
)

_SCOTLAND = NationRules(
    nation=Nation.SCOTLAND,
    statutory_categories=(
        CP_REGISTER_SCOTLAND,
        COMPULSORY_SUPERVISION_ORDER,
        INTERIM_SUPERVISION_ORDER,
        CHILD_PROTECTION_ORDER_SCOTLAND,
        LOOKED_AFTER_SCOTLAND,
    ),
    referral_categories={"child_protection_plan": CP_REGISTER_SCOTLAND, "looked_after": LOOKED_AFTER_SCOTLAND},
    request_bases=(PUBLIC_TASK_SAFEGUARDING, *SCOTLAND_REQUEST_BASES, LEGAL_OBLIGATION),
    protocol_bases=(*UK_GDPR_PROTOCOL_BASES, *SCOTLAND_PROTOCOL_BASES),
    law=_("Human Trafficking and Exploitation (Scotland) Act 2015"),
    slavery_law=_("Human Trafficking and Exploitation (Scotland) Act 2015 section 4"),
    guidance=_(
        "Modern Slavery: Non-Statutory Guidance for Scotland (Home Office), with the Human Trafficking and "
        "Exploitation (Scotland) Act 2015 and the National Guidance for Child Protection in Scotland 2021 "
        "(updated 2023)"
    ),
    victim_of=(
        "a victim of human trafficking or of slavery, servitude or forced or compulsory labour, as sections 1 and 4 "
        "of the Human Trafficking and Exploitation (Scotland) Act 2015 define them"
    ),
    guardian_service=_("Scottish Guardianship Service"),
    guardian_title=_("guardian from the Scottish Guardianship Service"),
    guardian_short=_("Scottish Guardianship Service"),
    statutory_help=_(
        "Scotland's categories: the child protection register (National Guidance for Child Protection in Scotland "
        "2021, updated 2023), orders and measures under the Children's Hearings (Scotland) Act 2011, and looked "
        "after under the Children (Scotland) Act 1995. A referral's child in need plan has no Scottish counterpart "
        "here and is not recorded as a status: record the measure in place, if any."
    ),
    bases_help=_(
        "Choose a UK GDPR basis and, where one applies, a Scottish statute. Part 4 of the Children and Young People "
        "(Scotland) Act 2014 (information sharing by the named person) was never brought into force, so that Act is "
        "offered for protocols only, for its duties that are in force. The National Guidance for Child Protection "
        "is guidance on when to share, not a lawful basis on its own."
    ),
    guidance_help=_(
        "In Scotland the Home Office guidance is non-statutory and the offences are those of the Human Trafficking "
        "and Exploitation (Scotland) Act 2015. The test is worded here in that Act's terms; the dates of the "
        "guidance versions follow the Home Office guidance, whose changes in 2023 applied to decisions across the "
        "UK. Check with the Scottish Government's guidance in force if in doubt."
    ),
    guardian_help=_(
        "Guardians in Scotland come from the Scottish Guardianship Service (Aberlour and the Scottish Refugee "
        "Council). Section 11 of the Human Trafficking and Exploitation (Scotland) Act 2015 (independent child "
        "trafficking guardians) is in force only for making regulations."
    ),
)

_NORTHERN_IRELAND = NationRules(
    nation=Nation.NORTHERN_IRELAND,
    statutory_categories=(CP_REGISTER_NI, LOOKED_AFTER_NI),
    referral_categories={"child_protection_plan": CP_REGISTER_NI, "looked_after": LOOKED_AFTER_NI},
    request_bases=(PUBLIC_TASK_SAFEGUARDING, *NI_REQUEST_BASES, LEGAL_OBLIGATION),
    protocol_bases=(*UK_GDPR_PROTOCOL_BASES, *NI_PROTOCOL_BASES),
    law=_("Human Trafficking and Exploitation (Criminal Justice and Support for Victims) Act (Northern Ireland) 2015"),
    slavery_law=_(
        "Human Trafficking and Exploitation (Criminal Justice and Support for Victims) Act (Northern Ireland) 2015 "
        "section 1"
    ),
    guidance=_(
        "Modern Slavery: Non-Statutory Guidance for Northern Ireland (Home Office), with the Human Trafficking and "
        "Exploitation (Criminal Justice and Support for Victims) Act (Northern Ireland) 2015 and Co-operating to "
        "Safeguard Children and Young People in Northern Ireland"
    ),
    victim_of=(
        "a victim of human trafficking or of slavery, servitude or forced or compulsory labour, as sections 1 and 2 "
        "of the Human Trafficking and Exploitation (Criminal Justice and Support for Victims) Act (Northern "
        "Ireland) 2015 define them"
    ),
    guardian_service=_("Independent Guardian Service"),
    guardian_title=_("Independent Guardian"),
    guardian_short=_("Independent Guardian Service"),
    statutory_help=_(
        "Northern Ireland's categories: the child protection register (Co-operating to Safeguard Children and Young "
        "People in Northern Ireland) and looked after under the Children (Northern Ireland) Order 1995. The Order "
        "also has children in need (Article 17): record their support in the plan. A referral's child in need plan "
        "is not recorded as a status here."
    ),
    bases_help=_(
        "Choose a UK GDPR basis and, where one applies, the Children (Northern Ireland) Order 1995. Co-operating to "
        "Safeguard Children and Young People in Northern Ireland is guidance on when to share, not a lawful basis on "
        "its own."
    ),
    guidance_help=_(
        "In Northern Ireland the Home Office guidance is non-statutory and the offences are those of the Human "
        "Trafficking and Exploitation (Criminal Justice and Support for Victims) Act (Northern Ireland) 2015. The "
        "test is worded here in that Act's terms; the dates of the guidance versions follow the Home Office "
        "guidance. Check with the Department of Justice's guidance in force if in doubt."
    ),
    guardian_help=_(
        "Independent Guardians are appointed under section 21 of the 2015 Act (Northern Ireland); the Independent "
        "Guardian Service is provided by Barnardo's NI."
    ),
)

RULES: dict[str, NationRules] = {
    Nation.ENGLAND: _ENGLAND,
    Nation.WALES: _WALES,
    Nation.SCOTLAND: _SCOTLAND,
    Nation.NORTHERN_IRELAND: _NORTHERN_IRELAND,
}


def rules(where: Site | str | None) -> NationRules:
    """The rules of a site's nation (or of a nation given by its value). Unknown or none: England's."""
    nation = where.nation if isinstance(where, Site) else where
    return RULES.get(nation or Nation.ENGLAND, _ENGLAND)


# The guardian service's agency code (panels.Agency.ICTG), whose label names England and Wales's service.
GUARDIAN_AGENCY = "ictg"


def agency_choices(choices, where: Site | str | None) -> list[tuple[str, str]]:
    """Agency choices with the guardian service named as the site's nation names it."""
    law = rules(where)
    if law.english_law:
        return list(choices)
    return [(code, str(law.guardian_service) if code == GUARDIAN_AGENCY else label) for code, label in choices]


def all_request_bases() -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for r in RULES.values() for code in r.request_bases))


def all_protocol_bases() -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for r in RULES.values() for code in r.protocol_bases))


def all_statutory_categories() -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for r in RULES.values() for code in r.statutory_categories))


# The guardian as a role (access.roles.Role.ICTG) and as a seat at a sitting (panels.AttendsAs.ICTG): their static
# labels name England and Wales's guardians; a page that knows the site names the guardian as its nation does.
GUARDIAN_ROLE = "ictg"


def guardian_role_label(where: Site | str | None) -> str:
    """The guardian's role as the site's nation names it ("Independent Guardian" in Northern Ireland)."""
    return capfirst(str(rules(where).guardian_title))


def role_label(role: str, where: Site | str | None) -> str:
    """A role's label at a site: the guardian's in the nation's words, any other role's as it is."""
    if role == GUARDIAN_ROLE and not rules(where).english_law:
        return guardian_role_label(where)
    return str(Role(role).label) if role in Role.values else role


def role_choices(choices, where: Site | str | None) -> list[tuple[str, str]]:
    """Role choices (a form's checkboxes) with the guardian's role named as the site's nation names it."""
    if rules(where).english_law:
        return list(choices)
    return [(code, role_label(code, where) if code == GUARDIAN_ROLE else label) for code, label in choices]


def agency_label(code: str, label, where: Site | str | None) -> str:
    """An agency's label at a site (a panel seat, a vote): the guardian service in the nation's words."""
    law = rules(where)
    return str(law.guardian_service) if code == GUARDIAN_AGENCY and not law.english_law else str(label)


def nation_of_user(user) -> str | None:
    """The nation of the sites where the user holds a role, when they agree; None otherwise. A referral is written
    before it is routed to a site: its form speaks the law of its referrer's nation."""
    if user is None or not getattr(user, "pk", None):
        return None
    found = set(
        Site.objects.filter(memberships__user=user, memberships__active=True, active=True)
        .values_list("nation", flat=True)
        .distinct()
    )
    return found.pop() if len(found) == 1 else None


def agency_labels(labels, where: Site | str | None) -> dict[str, str]:
    """Agency labels by code (an app's `dict(Agency.choices)`) with the guardian service named as the site's nation
    names it: for pages and records that show stored agency codes (a plan's actions, votes, evidence, exports)."""
    return {code: agency_label(code, label, where) for code, label in labels.items()}


def role_labels(labels, where: Site | str | None) -> dict[str, str]:
    """Role labels by code (`dict(Role.choices)`) with the guardian's role named as the site's nation names it."""
    return dict(role_choices(labels.items(), where))


# Who runs children's social care where the child lives: the council (the local authority) in England, Wales and
# Scotland; in Northern Ireland one of the five Health and Social Care Trusts (Children (Northern Ireland) Order
# 1995), which also run health services there. A code, not words: each app words whole sentences around it, since
# Welsh mutates the word after "dy"/"eich" ("dy gyngor").
COUNCIL = "council"
HSC_TRUST = "hsc_trust"


def social_care_body(where: Site | str | None) -> str:
    """`COUNCIL`, or `HSC_TRUST` in Northern Ireland: who a child's letter says their social care comes from."""
    return HSC_TRUST if rules(where).nation == Nation.NORTHERN_IRELAND else COUNCIL
