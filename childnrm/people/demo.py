"""Demo data's base: four sites, their agencies, one user of every role at each, and synthetic children.

The other apps' demo records are added on top of this by the demo app (`childnrm.demo.compose`, the top layer);
their own demo modules use the names and accounts here.

Two sites in England (one local authority; a consortium of two), one in Wales (Welsh by default, with
Welsh-speaking users and a child whose letters are in Welsh) and one in Scotland (issue 13).

Idempotent: running it again changes nothing that is already there, but gives a Welsh name an earlier load did not
have. Names are synthetic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils.text import capfirst
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts import nations
from childnrm.accounts.models import Membership, Nation, Organisation, OrganisationType, Role, Site, User
from childnrm.accounts.services import demo_totp_key
from childnrm.accounts.welsh_names import welsh_council_name
from childnrm.kit.i18n import Language, LetterLanguage
from childnrm.people.models import AssociationKind, Child, ChildAssociation, Sex

DEMO_PASSWORD = "demo-panels-2026"
DEMO_EMAIL_DOMAIN = "childnrm.example"


@dataclass(frozen=True)
class DemoSite:
    slug: str
    name: str
    local_authorities: tuple[tuple[str, str], ...]  # (name, GSS-style code)
    police: str
    health: str
    nation: str = Nation.ENGLAND
    default_language: str = Language.ENGLISH
    # The guardians' organisation (an ICTG_SERVICE organisation; Scotland's is the Scottish Guardianship Service,
    # made with the site, so a demo of the sites in England has one guardian service).
    guardian_service: str = "Independent Child Trafficking Guardian Service"
    # Users who chose a language with the language switch: {role: language}.
    languages: tuple[tuple[str, str], ...] = ()
    # A child whose letters are in this language (people.Child.correspondence_language), if any.
    child_letter_language: str = ""
    # The Welsh names of the site, its police and its health body (a Welsh council's comes from its GSS code).
    name_cy: str = ""
    police_cy: str = ""
    health_cy: str = ""


SITES = (
    DemoSite(
        "northbridge",
        "Northbridge Child Panel",
        (("Northbridge City Council", "E08900001"),),
        "Northbridge Police",
        "Northbridge Integrated Care Board",
    ),
    DemoSite(
        "three-rivers",
        "Three Rivers Consortium Panel",
        (("Eastwick Borough Council", "E06900002"), ("Westholm County Council", "E10900003")),
        "Three Rivers Constabulary",
        "Three Rivers Integrated Care Board",
    ),
    DemoSite(
        "cardiff",
        "Cardiff Child Panel",
        (("Cardiff Council", "W06000015"),),
        "South Wales Police",
        "Cardiff and Vale University Health Board",
        nation=Nation.WALES,
        default_language=Language.WELSH,
        # Welsh speakers who chose Welsh, and an analyst who chose English; the others follow the site's default.
        languages=(
            (Role.COORDINATOR, Language.WELSH),
            (Role.CHAIR, Language.WELSH),
            (Role.PANEL_MEMBER, Language.WELSH),
            (Role.ICTG, Language.WELSH),
            (Role.FIRST_RESPONDER, Language.WELSH),
            (Role.ANALYST, Language.ENGLISH),
        ),
        child_letter_language=LetterLanguage.WELSH,
        name_cy="Panel Plant Caerdydd",
        police_cy="Heddlu De Cymru",
        health_cy="Bwrdd Iechyd Prifysgol Caerdydd a’r Fro",
    ),
    DemoSite(
        "glasgow",
        "Glasgow Child Panel",
        (("Glasgow City Council", "S12000049"),),
        "Police Scotland",
        "NHS Greater Glasgow and Clyde",
        nation=Nation.SCOTLAND,
        guardian_service="Scottish Guardianship Service",
    ),
)
# The sites in England, the demo of every test (conftest's `demo`); `demo_nations` loads all four.
ENGLAND_SITES = ("northbridge", "three-rivers")
SHARED_ORGANISATIONS = (
    ("Safe Futures Children's Charity", OrganisationType.NGO),
    ("Home Office Single Competent Authority", OrganisationType.HOME_OFFICE),
    ("Independent Child Trafficking Guardian Service", OrganisationType.ICTG_SERVICE),
    ("Regional Schools and Youth Justice Service", OrganisationType.OTHER_AGENCY),
)
# Which organisation each demo role works for: "la", "police", "health" or a shared organisation's name.
ROLE_ORGANISATION = {
    Role.FIRST_RESPONDER: "police",
    Role.COORDINATOR: "la",
    Role.CHAIR: "la",
    Role.PANEL_MEMBER: "health",
    Role.ADVISER: "Regional Schools and Youth Justice Service",
    Role.ICTG: "guardian_service",  # the site's own (DemoSite.guardian_service)
    Role.SCA_QUALITY_ASSURER: "Home Office Single Competent Authority",
    Role.ANALYST: "la",
    Role.SITE_ADMIN: "la",
    Role.DATA_PROTECTION_OFFICER: "la",
    Role.LIBRARY_MODERATOR: "la",
}
GIVEN = [
    "Amara",
    "Jayden",
    "Ardit",
    "Minh",
    "Tesfay",
    "Leah",
    "Kai",
    "Elira",
    "Duc",
    "Yonas",
    "Ruby",
    "Tyrese",
    "Besnik",
    "Linh",
    "Samir",
    "Maya",
    "Reece",
    "Dritan",
    "Hoa",
    "Abel",
]
FAMILY = [
    "Okafor",
    "Hughes",
    "Hoxha",
    "Nguyen",
    "Gebremedhin",
    "Clarke",
    "Brown",
    "Krasniqi",
    "Tran",
    "Tesfaye",
    "Walsh",
    "Campbell",
    "Berisha",
    "Pham",
    "Osman",
    "Patel",
    "Evans",
    "Shehu",
    "Le",
    "Haile",
]
# Child referrals are mostly UK nationals, then Albanian, Vietnamese, Eritrean, Sudanese (domain.md).
NATIONALITIES = [
    ("GB", 55),
    ("AL", 10),
    ("VN", 8),
    ("ER", 7),
    ("SD", 6),
    ("AF", 4),
    ("RO", 3),
    ("NG", 3),
    ("IR", 2),
    ("EG", 2),
]
SEXES = [(Sex.MALE, 78), (Sex.FEMALE, 21), (Sex.NOT_KNOWN, 1)]


def demo_email(role: str, site_slug: str) -> str:
    return f"{role.replace('_', '-')}.{site_slug}@{DEMO_EMAIL_DOMAIN}"


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _organisation(name: str, type_: str, gss_code: str = "", name_cy: str = "") -> Organisation:
    name_cy = name_cy or welsh_council_name(gss_code)
    org, _ = Organisation.objects.get_or_create(
        name=name, defaults={"type": type_, "gss_code": gss_code, "name_cy": name_cy}
    )
    _welsh_name_if_blank(org, name_cy)
    return org


def _welsh_name_if_blank(record: Organisation | Site, name_cy: str) -> None:
    """A demo loaded before Welsh names were kept gets them on a rerun; a Welsh name set since is kept."""
    if name_cy and not record.name_cy:
        type(record).objects.filter(pk=record.pk).update(name_cy=name_cy)
        record.name_cy = name_cy


def demo_account(email: str, full_name: str, organisation: Organisation) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name, organisation=organisation)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True, key=demo_totp_key(email))
    return user


@dataclass
class DemoSiteLoaded:
    """A demo site as loaded: what each app's `load_demo(site=, site_users=, organisations=)` is given."""

    site: Site
    site_users: dict[str, User]
    organisations: dict[str, Organisation]
    users: list[User]


@transaction.atomic
def load_demo_sites(children_per_site: int = 12, sites: tuple[str, ...] | None = None) -> list[DemoSiteLoaded]:
    """The demo sites (`sites`: their slugs; all of them when None) with their users and children."""
    shared = {name: _organisation(name, type_) for name, type_ in SHARED_ORGANISATIONS}
    loaded: list[DemoSiteLoaded] = []
    for spec in SITES:
        if sites is not None and spec.slug not in sites:
            continue
        las = [_organisation(n, OrganisationType.LOCAL_AUTHORITY, code) for n, code in spec.local_authorities]
        site, _ = Site.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "name_cy": spec.name_cy,
                "nation": spec.nation,
                "default_language": spec.default_language,
            },
        )
        _welsh_name_if_blank(site, spec.name_cy)
        site.local_authorities.add(*las)
        orgs = {
            "la": las[0],
            "police": _organisation(spec.police, OrganisationType.POLICE, name_cy=spec.police_cy),
            "health": _organisation(spec.health, OrganisationType.HEALTH, name_cy=spec.health_cy),
            **shared,
            "guardian_service": _organisation(spec.guardian_service, OrganisationType.ICTG_SERVICE),
        }
        site_users: dict[str, User] = {}
        users: list[User] = []
        guardian = capfirst(str(nations.rules(spec.nation).guardian_title))  # as the site's nation names them
        for role in Role:
            label = f"{guardian if role == Role.ICTG else role.label} ({spec.name.split()[0]} demo)"
            user = demo_account(demo_email(role, spec.slug), label, orgs[ROLE_ORGANISATION[role]])
            Membership.objects.get_or_create(user=user, site=site, role=role)
            site_users[role] = user
            users.append(user)
        # A second chair: a negative decision's second review is by a chair who did not sit on it.
        reviewer = demo_account(
            f"second-chair.{spec.slug}@{DEMO_EMAIL_DOMAIN}", f"Second reviewer ({spec.name.split()[0]} demo)", las[0]
        )
        Membership.objects.get_or_create(user=reviewer, site=site, role=Role.CHAIR)
        users.append(reviewer)
        for role, language in spec.languages:
            if not site_users[role].language:  # a language the user chose since is theirs
                User.objects.filter(pk=site_users[role].pk).update(language=language)
                site_users[role].language = language
        if not Child.objects.filter(site=site).exists():
            _demo_children(site, las, site_users, children_per_site)
            first = Child.objects.filter(site=site).order_by("pk").first()
            if spec.child_letter_language and first is not None:
                first.correspondence_language = spec.child_letter_language
                first.save(update_fields=["correspondence_language"])
        loaded.append(DemoSiteLoaded(site, site_users, orgs, users))
    return loaded


def _demo_children(site: Site, las: list[Organisation], site_users: dict[str, User], count: int) -> None:
    rng = random.Random(site.slug)
    today = date.today()
    for i in range(count):
        age_days = rng.randint(11 * 365, 17 * 365)
        child = Child.objects.create(
            site=site,
            given_names=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            date_of_birth=today - timedelta(days=age_days),
            date_of_birth_estimated=rng.random() < 0.15,
            sex=_weighted(rng, SEXES),
            nationalities=[_weighted(rng, NATIONALITIES)],
            local_authority=las[i % len(las)],
        )
        # The demo first responder referred the first half; the demo guardian is allocated to every third.
        if i < count // 2:
            ChildAssociation.objects.create(
                child=child, user=site_users[Role.FIRST_RESPONDER], kind=AssociationKind.REFERRER
            )
        if i % 3 == 0:
            ChildAssociation.objects.create(child=child, user=site_users[Role.ICTG], kind=AssociationKind.ICTG)
