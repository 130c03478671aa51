"""A return of fewer sites is part of the all-sites return (ADR 0019, amendment 6).

The Home Office return of a quarter can be downloaded for every site (an analyst's "All pilot sites", and the
release folder's) and for fewer: one site (an analyst's choice, a coordinator's own) or some (a coordinator of two
sites). Each was protected on its own, secondary suppression running across its own sites only, so two returns hid a
site's figures differently: where the all-sites return hid Northbridge's 6 girls to cover Three Rivers' 2 and
Northbridge's own return showed the 6, All sites less 6 gave the 2 back (and the other sites' own returns, or a return
of some sites, gave back what the all-sites return hid in the same way). Now every return of the quarter shows each
site's figures as the all-sites return does, and the total of fewer sites only where it shows each of them; the
tables of the sites' pages take their return's cells as fixed, as before."""

from __future__ import annotations

import csv
import io
import itertools
import random
from datetime import date

import pytest

from childnrm.accounts.models import Role, Site
from childnrm.kit.disclosure import DEFAULT_RULES, DisclosureRules
from childnrm.statistics import dimensions as dim
from childnrm.statistics import report
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tables import StatTable
from childnrm.statistics.tests.factories import CaseSpec, make_case
from childnrm.statistics.tests.known_dataset import _day
from childnrm.statistics.tests.subtraction import given_back
from childnrm.statistics.tests.test_return_and_decisions_shared_totals import (
    NATIONALITIES,
    Q1,
    Q2,
    SUPPRESSION_ONLY,
    Case,
    Published,
    _consistency_grid,
    _frame,
    _key,
    _other_nationalities_grid,
    _plan_numbers,
    _release_tables,
    _return,
    _return_grids,
    _share_grids,
    site_ids,  # noqa: F401 (a fixture)
)

QUARTERS = [Quarter(2025, 3), Quarter(2025, 4), Q1, Q2]
TYPES = ["Sexual", "Labour", "Criminal", "Sexual & Criminal", "Labour & Criminal"]


def _cases(generator: random.Random, names: list[str]) -> list[Case]:
    """A small data set at random: three sites of different sizes over five quarters, some cases decided at a site
    other than the one that received them."""

    def decision(site: str, received: Quarter) -> tuple[str, Quarter, bool] | None:
        if generator.random() < 0.35:
            return None
        later = [q for q in QUARTERS if q >= received] or [QUARTERS[0]]
        elsewhere = generator.random() < 0.15
        return generator.choice(names) if elsewhere else site, generator.choice(later), generator.random() < 0.6

    cases = []
    for _ in range(generator.randint(20, 70)):
        site = generator.choices(names, weights=[5, 3, 2])[0]
        received = generator.choice([Quarter(2024, 4), *QUARTERS])
        cases.append(
            Case(
                site,
                received,
                gender=generator.choice(["Male", "Male", "Female", dim.NOT_KNOWN]),
                exploitation=TYPES[min(int(generator.expovariate(0.8)), len(TYPES) - 1)],
                location=generator.choice(["UK", "UK", "Overseas"]),
                responder=generator.choice(dim.FIRST_RESPONDER_TYPES[:3]),
                nationality=generator.choices(NATIONALITIES, weights=[8, 3, 3, 2, 2, 1, 1, 1])[0],
                rg=decision(site, received),
                cg=decision(site, received),
                plan=generator.random() < 0.5,
            )
        )
    return cases


def _scope(names) -> str:
    """The sites a count is of, by name: one site's own name, several joined."""
    return " + ".join(sorted(names))


def _named(scope_of: dict[int, str], quarters: list[Quarter]):
    """given_back's name of each cell, as `_key` names it for the period of `quarters`, with the sites it counts: a
    site's row names its site, and any other figure (a return's All sites, a page's tables) is of the sites of its
    return or page."""
    key = _key(quarters)

    def name(table: StatTable, i: int, j: int) -> tuple:
        kind, where = key(table, i, j)
        return kind, frozenset({"site": scope_of[id(table)], **dict(where)}.items())

    return name


def _returns(frame, ids: dict[str, int], rules: DisclosureRules) -> dict[str, StatTable]:
    """The return of the quarter for every set of the sites (every site, each site alone, each pair), by its sites."""
    names = sorted(ids)
    chosen = [combination for n in range(1, len(names) + 1) for combination in itertools.combinations(names, n)]
    return {
        _scope(sites): _return(frame, StatisticsFilters(tuple(ids[s] for s in sites), Q1, Q2), rules)
        for sites in chosen
    }


def _attack(
    returns: dict[str, StatTable],
    page: Published | None = None,
    page_scope: str = "",
    rules: DisclosureRules = SUPPRESSION_ONLY,
    quarters: tuple[Quarter, ...] = (Q2,),
) -> tuple[set, set]:
    """given_back over every return's grids (a row per site, the sites' total), and the page's tables, of the period
    of `quarters`, if given."""
    tables, scope_of = [], {}
    for scope, ho_return in returns.items():
        for grid in _return_grids(ho_return):
            tables.append(grid)
            scope_of[id(grid)] = scope
    published: set = set()
    if page is not None:
        own = [
            *page.tables,
            _consistency_grid(page, rules),
            *_share_grids(page.equality),
            *_other_nationalities_grid(page),
        ]
        for table in own:
            if not table.is_empty and "times" not in table.key:
                tables.append(table)
                scope_of[id(table)] = page_scope
        published = {
            (kind, frozenset({"site": page_scope, **dict(where)}.items())) for kind, where in _plan_numbers(page.plans)
        }
    return given_back(tables, _named(scope_of, list(quarters)), published=published)


@pytest.mark.parametrize("rules", [SUPPRESSION_ONLY, DEFAULT_RULES], ids=["suppression", "default"])
def test_no_return_of_any_sites_gives_back_what_another_hides(site_ids, rules):  # noqa: F811
    """Small data sets at random, at three sites. The returns of the quarter for every site, for each site alone and
    for each pair of sites, set side by side (each cell named by what it counts and at which sites): no count hidden
    in one is shown in another, and none is given back. A site's own return is its row of the all-sites return."""
    generator = random.Random(2028)
    names = sorted(site_ids)
    for _ in range(12):
        frame = _frame(_cases(generator, names), site_ids)
        returns = _returns(frame, site_ids, rules)
        assert _attack(returns) == (set(), set())
        every = returns[_scope(names)]
        for name in names:
            mine = [row for row in every.rows if row.labels[0] == name]
            assert [row.cells for row in returns[name].rows] == [row.cells for row in mine], name


def test_the_tables_of_any_sites_give_back_nothing_with_every_return(site_ids):  # noqa: F811
    """The same data sets: the page of each set of sites (one site, two, every site), for the two years to the quarter
    and for two quarters, beside every return of the quarter: nothing hidden in one is shown or given back."""
    generator = random.Random(2028)
    names = sorted(site_ids)
    rules = SUPPRESSION_ONLY
    periods = [[Q1, Q2], dim.quarters_between(report.two_years_to(Q2), Q2)]
    for _ in range(4):
        frame = _frame(_cases(generator, names), site_ids)
        returns = _returns(frame, site_ids, rules)
        for n in range(1, len(names) + 1):
            for sites in itertools.combinations(names, n):
                chosen = {name: site_ids[name] for name in sites}
                for period in periods:
                    filters = StatisticsFilters(tuple(chosen.values()), period[0], Q2)
                    page = _release_tables(frame, filters, rules, chosen)
                    found = _attack(returns, page, _scope(sites), rules, tuple(period))
                    assert found == (set(), set()), (sites, period[0].code)


# --- End to end: the downloads -----------------------------------------------------------------------------


def test_a_sites_own_return_shows_its_figures_as_the_all_sites_return_does(demo, client_as):
    # Girls and boys referred in the quarter: Northbridge 6 and 7, Three Rivers 2 and 9. The all-sites return hides
    # Three Rivers' 2 girls and, to cover them, Northbridge's 6 (and so their boys); Northbridge's own return, protected
    # on its own, showed its 6 girls (rounded, 5) beside All sites' 8 (10): the 2 came back. Now it hides them too,
    # whether an analyst downloads it or Northbridge's coordinator does, and Northbridge's page hides them in the
    # quarter's row.
    quarter = Quarter.of(date.today()).previous()
    referred = [("northbridge", "female", 6), ("northbridge", "male", 7)]
    referred += [("three-rivers", "female", 2), ("three-rivers", "male", 9)]
    for slug, sex, n in referred:
        for i in range(n):
            make_case(CaseSpec(slug, _day(quarter, 1 + i), sex=sex))
    northbridge = Site.objects.get(slug="northbridge")

    def download(client, site: str) -> dict[tuple[str, str, str], str]:
        response = client.get(f"/statistics/home-office-return/?format=csv&quarter_to={quarter.code}&site={site}")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
        return {(r[0], r[3], r[4]): r[5] for r in rows}

    analyst = client_as(Role.ANALYST)
    every = download(analyst, "all")
    girls = "Referrals by gender", "Female"
    assert every[("Three Rivers Consortium Panel", *girls)] == "[c]"
    assert every[(northbridge.name, *girls)] == "[c]"
    assert every[("All sites", *girls)] == "10"
    mine = {cell: value for cell, value in every.items() if cell[0] == northbridge.name}
    assert download(analyst, "northbridge") == mine
    coordinator = client_as(Role.COORDINATOR, "northbridge")  # their own site: the only one they may choose
    assert download(coordinator, "all") == mine

    part = "figures in it are those of the return for every pilot site"
    assert part not in analyst.get(f"/statistics/?site=all&quarter_to={quarter.code}").content.decode()
    response = coordinator.get(f"/statistics/?quarter_to={quarter.code}")
    assert part in response.content.decode()  # the page says why its return hides more than its own figures need
    table = next(t for t in response.context["tables"] if t.key == "referrals_by_quarter_gender")
    row = next(r for r in table.rows if r.labels == (str(quarter.year), f"Q{quarter.number}"))
    hidden = {key: cell.suppressed for key, cell in zip(table.value_keys, row.cells, strict=True)}
    assert hidden == {key[2]: value == "[c]" for key, value in mine.items() if key[1] == girls[0]}
