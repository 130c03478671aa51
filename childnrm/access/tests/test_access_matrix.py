"""The access matrix: every URL route, requested as every role, as another site's user and anonymously.

Routes are discovered from the URL configuration, so a new route fails this test until someone
decides who may use it and how to fill its URL parameters. Each app may add both in its own
`tests/access_expectations*.py`: `EXPECTED` (route name -> PUBLIC, ANY_SIGNED_IN or a set of roles) and
`SAMPLES` (URL parameter -> function of a site slug returning a value naming a record of that site).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from childnrm.access.constants import ANY_SIGNED_IN, API, NOWHERE, PUBLIC
from childnrm.accounts.models import Role, User
from childnrm.people.models import Child
from conftest import demo_user, signed_in

ALL_ROLES = frozenset(Role)

# Who may use each route on a record of their own site. Everyone else must be refused.
EXPECTED: dict[str, object] = {
    "core:home": ANY_SIGNED_IN,
    "core:accessibility": PUBLIC,
    "core:privacy": PUBLIC,
    "core:health": PUBLIC,
    "accounts:sign-in": PUBLIC,
    "accounts:second-factor": ANY_SIGNED_IN,
    "accounts:enrol": ANY_SIGNED_IN,
    "accounts:recovery-codes": ANY_SIGNED_IN,
    "accounts:sign-out": ANY_SIGNED_IN,
    "accounts:account": ANY_SIGNED_IN,
    "accounts:password-change": ANY_SIGNED_IN,
    "accounts:password-reset": PUBLIC,
    "accounts:password-reset-sent": PUBLIC,
    "accounts:password-reset-confirm": PUBLIC,
    "accounts:password-reset-complete": PUBLIC,
    "accounts:site-users": {Role.SITE_ADMIN},
    "accounts:site-user-list": {Role.SITE_ADMIN},
    "accounts:site-user-add": {Role.SITE_ADMIN},
    "accounts:site-user-detail": {Role.SITE_ADMIN},
    "accounts:site-user-reset-second-factor": {Role.SITE_ADMIN},
    # The sample child is allocated to the demo guardian. It names the demo first responder as its referrer but
    # came from no referral they sent, so it is not theirs to open (a referrer sees their own referrals' children).
    "people:list": {Role.COORDINATOR, Role.FIRST_RESPONDER, Role.ICTG, Role.PANEL_MEMBER},
    "people:detail": {Role.COORDINATOR, Role.ICTG},
    "people:audit": {Role.COORDINATOR},
}


def _load_app_expectations() -> None:
    import importlib
    import pkgutil

    import childnrm

    for app in pkgutil.iter_modules(childnrm.__path__):
        if not app.ispkg:
            continue
        # Test code, so each app's expectations live in its tests package.
        tests_path = next(str(p) for p in childnrm.__path__) + f"/{app.name}/tests"
        for module in pkgutil.iter_modules([tests_path]):
            if module.name.startswith("access_expectations"):
                extra = importlib.import_module(f"childnrm.{app.name}.tests.{module.name}")
                EXPECTED.update(getattr(extra, "EXPECTED", {}))
                SAMPLES.update(getattr(extra, "SAMPLES", {}))


SAMPLES: dict[str, object] = {}
_load_app_expectations()
REFUSED = {403, 404}
ALLOWED = {200, 302, 405}  # 405: a POST-only route answering GET to someone allowed to use it


def discover_routes() -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                found.append((f"{namespace}:{p.name}" if namespace else str(p.name), p))

    walk(get_resolver().url_patterns, None)
    return found


ROUTES = discover_routes()


def sample_kwargs(route: URLPattern, site_slug: str) -> dict[str, object]:
    """URL parameters pointing at a real record of `site_slug`."""
    child = Child.objects.filter(site__slug=site_slug).order_by("pk").first()
    member = demo_user(Role.PANEL_MEMBER, site_slug)
    values = {
        "reference": child.reference,
        "site_slug": site_slug,
        "user_id": member.pk,
        "uidb64": "MQ",
        "token": "set-password",
    }
    names = list(route.pattern.converters) or list(route.pattern.regex.groupindex)
    values.update({name: make(site_slug) for name, make in SAMPLES.items() if name in names})
    names = list(route.pattern.converters) or list(route.pattern.regex.groupindex)
    missing = [n for n in names if n not in values]
    assert not missing, f"Add a sample value for URL parameter(s) {missing} to the access matrix"
    return {n: values[n] for n in names}


def _paper_document(site_slug: str) -> dict[str, object]:
    """A document of the case on the sample sitting's agenda (`sample_item`, as its URL names). Its text names the
    child, as a statement does: so what the download serves is read for another site's data and for its audit like
    any page."""
    from childnrm.panels.tests.samples import sample_item
    from childnrm.referrals.tests.access_expectations import document_of

    referral = sample_item(site_slug).referral
    text = f"Statement about {referral.child_display_name}\n".encode()
    uploader = referral.created_by or demo_user(Role.FIRST_RESPONDER, site_slug)
    return {"document": document_of(referral, uploaded_by=uploader, text=text).pk}


# A GET route that serves nothing without its query (it sends the user back to the page offering it) is read with
# one: route name -> function of a site slug returning the query's parameters, naming a record of that site.
SAMPLE_QUERIES: dict[str, Callable[[str], dict[str, object]]] = {
    "panels:paper-document": _paper_document,
    "statistics:download": lambda site_slug: {"table": "referrals_by_first_responder"},
}


def sample_query(name: str, site_slug: str) -> str:
    """The route's sample query string ("?..."), or "" for a route that needs none. After `sample_kwargs`: a query
    may name a record of the sample the URL names."""
    make = SAMPLE_QUERIES.get(name)
    return f"?{urlencode(make(site_slug))}" if make else ""


def child_data_of(site_slug: str) -> list[str]:
    """What on a page names a child of `site_slug`: its children's references and names, its referrals' references
    and the names on them (a referral's child may have no record yet). A name also held at another site is left
    out, as that site's pages may show it. Read after the URLs are drawn: some samples are referrals made then."""
    from childnrm.referrals.models import Referral

    children = list(Child.objects.filter(site__slug=site_slug))
    referrals = list(Referral.objects.filter(site__slug=site_slug))
    elsewhere = {c.display_name for c in Child.objects.exclude(site__slug=site_slug)} | {
        r.child_display_name for r in Referral.objects.exclude(site__slug=site_slug)
    }
    # A draft with no name yet reads "Name not given": a phrase, not a child's name.
    names = [c.display_name for c in children] + [
        r.child_display_name for r in referrals if r.given_names or r.family_name
    ]
    markers = [c.reference for c in children] + [r.reference for r in referrals]
    return markers + [name for name in dict.fromkeys(names) if name and name not in elsewhere]


def personal_data_of(site_slug: str) -> list[str]:
    return child_data_of(site_slug) + [u.email for u in User.objects.filter(memberships__site__slug=site_slug)]


def _text(response) -> str:
    # Stored documents are streamed (FileResponse): read the stream, as a browser would.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace")


def test_every_route_has_an_expectation_and_an_access_rule():
    names = {name for name, _ in ROUTES}
    assert names - set(EXPECTED) == set(), "New routes need an entry in EXPECTED"
    for name, route in ROUTES:
        assert getattr(route.callback, "access_rule", None) is not None, f"{name} declares no access rule"


@pytest.mark.parametrize("name", [n for n, _ in ROUTES])
def test_route_as_every_role_and_other_site(name, demo):
    route = dict(ROUTES)[name]
    expected = EXPECTED[name]
    own_url = reverse(name, kwargs=sample_kwargs(route, "northbridge")) + sample_query(name, "northbridge")
    other_url = reverse(name, kwargs=sample_kwargs(route, "three-rivers")) + sample_query(name, "three-rivers")
    if expected == API:
        check_api_route(name, route, own_url)
        return
    if expected == NOWHERE:
        check_nowhere(name, own_url)
        return
    other_site_data = personal_data_of("three-rivers")
    own_child = Child.objects.filter(site__slug="northbridge").order_by("pk").first()
    names_a_record = bool(set(route.pattern.converters) & ({"reference", "site_slug", "user_id"} | set(SAMPLES)))

    # Anonymous: public pages only; everything else sends them to sign in, showing nothing.
    anonymous = Client()
    for url in (own_url, other_url):
        response = anonymous.get(url)
        if expected == PUBLIC:
            assert response.status_code in {200, 302}, (name, response.status_code)
        else:
            assert response.status_code == 302 and "/account/sign-in/" in response["Location"], name
        assert own_child.display_name not in _text(response)

    for role in Role:
        client = signed_in(demo_user(role, "northbridge"))
        allowed = expected in (PUBLIC, ANY_SIGNED_IN) or role in expected
        response = client.get(own_url)
        body = _text(response)
        if allowed:
            assert response.status_code in ALLOWED, f"{name} as {role}: {response.status_code}"
        else:
            assert response.status_code in REFUSED, f"{name} as {role}: {response.status_code}"
            assert own_child.display_name not in body and own_child.reference not in body
        for method in ("get", "post"):
            # A user of this site reaching for the other site's record: refused, nothing shown.
            response = getattr(client, method)(other_url)
            body = _text(response)
            leaked = [m for m in other_site_data if m in body]
            assert not leaked, f"{name} {method} as {role} of another site leaked {leaked}"
            if names_a_record:
                refused = REFUSED | ({405} if method == "get" else set())
                assert response.status_code in refused, f"{name} {method} as {role}: {response.status_code}"


def check_api_route(name: str, route: URLPattern, own_url: str) -> None:
    """API routes take tokens, not sessions. No token: 401 with a JSON error. Another organisation's
    token: 404 for this organisation's referral. Neither sees anything of this organisation's referrals."""
    from childnrm.api.services import api_token_create
    from childnrm.api.tests.access_expectations_api import site_organisation
    from childnrm.referrals.models import Referral

    own_organisation = site_organisation("northbridge")
    own_token = api_token_create(organisation=own_organisation, name="matrix")[1]
    other_token = api_token_create(organisation=site_organisation("three-rivers"), name="matrix")[1]
    own_data = personal_data_of("northbridge") + list(
        Referral.objects.filter(referrer_organisation=own_organisation).values_list("reference", flat=True)
    )
    names_a_record = bool(set(route.pattern.converters) & set(SAMPLES))
    for method in ("get", "post"):
        anonymous = getattr(Client(), method)(own_url)
        assert anonymous.status_code in {401, 405}, f"{name} {method} without a token: {anonymous.status_code}"
        if anonymous.status_code == 401:
            assert anonymous.json()["errors"], name
        other = getattr(Client(), method)(own_url, HTTP_AUTHORIZATION=f"Bearer {other_token}")
        if names_a_record:
            assert other.status_code in REFUSED | {405}, f"{name} {method} as another organisation: {other.status_code}"
        leaked = [m for m in own_data if m in _text(anonymous) + _text(other)]
        assert not leaked, f"{name} {method} leaked {leaked}"
        own = getattr(Client(), method)(own_url, HTTP_AUTHORIZATION=f"Bearer {own_token}")
        # 415/422: an empty form post is refused as input, after access was granted.
        assert own.status_code in ALLOWED | {415, 422}, f"{name} {method} with its own token: {own.status_code}"


def check_nowhere(name: str, url: str) -> None:
    """A catch-all: 404 in the API's JSON to anyone (no session, every role, a token), whatever the method."""
    from childnrm.api.services import api_token_create
    from childnrm.api.tests.access_expectations_api import site_organisation

    token = api_token_create(organisation=site_organisation("northbridge"), name="matrix")[1]
    clients = [Client(), Client(HTTP_AUTHORIZATION=f"Bearer {token}")]
    clients += [signed_in(demo_user(role, "northbridge")) for role in Role]
    for client in clients:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, f"{name} {method}: {response.status_code}"
            assert response.json()["errors"], name


def test_view_without_access_rule_is_refused(client_as, settings):
    """Deny by default: the middleware refuses a view that forgot to declare its rule."""
    from django.http import HttpResponse
    from django.urls import clear_url_caches, include, path

    def forgotten(request):
        return HttpResponse("secret")

    module = type("Urls", (), {})()
    module.urlpatterns = [path("forgotten/", forgotten), path("", include("childnrm.urls"))]
    import sys

    sys.modules["childnrm_test_forgotten_urls"] = module
    settings.ROOT_URLCONF = "childnrm_test_forgotten_urls"
    clear_url_caches()
    try:
        response = client_as(Role.COORDINATOR).get("/forgotten/")
        assert response.status_code == 403
        assert "secret" not in _text(response)
    finally:
        clear_url_caches()
