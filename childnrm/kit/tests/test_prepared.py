"""Querysets compiled once (kit.prepared): the same rows as the queryset, for any value, from one compilation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childnrm.accounts.models import Site, User
from childnrm.kit import prepared


def _by_slug(slug: str):
    return Site.objects.filter(slug=slug).order_by("pk")


def test_each_value_gives_the_rows_its_queryset_gives(demo):
    for site in Site.objects.all():
        found = prepared.rows(Site, ("kit-test:by-slug",), _by_slug, site.slug)
        assert [(s.pk, s.name, s.active) for s in found] == [(site.pk, site.name, site.active)]
    assert prepared.rows(Site, ("kit-test:by-slug",), _by_slug, "no-such-site") == []
    assert prepared.first(Site, ("kit-test:by-slug",), _by_slug, "no-such-site") is None


def test_the_queryset_is_built_once_per_key(demo, settings):
    settings.PREPARED_CHECK = False  # as in production: the check under test builds it on every call
    built = []

    def build(pk: int):
        built.append(pk)
        return Site.objects.filter(pk=pk)

    sites = list(Site.objects.order_by("pk"))
    for site in sites:
        assert prepared.first(Site, ("kit-test:once",), build, site.pk).slug == site.slug
    assert len(built) == 1  # with a stand-in, never a real id
    assert built[0] not in {s.pk for s in sites}
    settings.PREPARED_CHECK = True
    prepared.first(Site, ("kit-test:once",), build, sites[0].pk)
    assert len(built) == 2 and built[1] == built[0]  # checked with the same stand-in
    prepared.first(Site, ("kit-test:once", "another shape"), build, sites[0].pk)
    assert len(built) == 3


def test_related_rows_come_with_each_instance_in_the_same_statement(demo):
    user = User.objects.select_related("organisation").filter(organisation__isnull=False).first()
    assert user is not None and user.organisation is not None
    organisation = user.organisation.name

    def build(email: str):
        return User.objects.select_related("organisation").filter(email=email)[:1]

    with CaptureQueriesContext(connection) as queries:
        found = prepared.first(User, ("kit-test:user",), build, user.email)
        assert found.pk == user.pk and found.organisation.name == organisation
    assert len(queries) == 1


def test_each_run_turns_the_columns_into_python_values_as_the_orm_does(demo):
    # The converters (dates and times, JSON, booleans: SQLite's come back as text and numbers) are worked out once
    # with the statement and used on every run after.
    users = list(User.objects.order_by("pk")[:3])

    def build(pk: int):
        return User.objects.select_related("organisation").filter(pk=pk)

    for _ in range(2):
        for user in users:
            found = prepared.first(User, ("kit-test:converted",), build, user.pk)
            assert [(f.attname, getattr(found, f.attname)) for f in User._meta.concrete_fields] == [
                (f.attname, getattr(user, f.attname)) for f in User._meta.concrete_fields
            ]
            assert type(found.date_joined) is type(user.date_joined) and found.date_joined.tzinfo is not None
            assert found.is_active is True or found.is_active is False


def test_values_list_rows_are_given_as_the_queryset_gives_them(demo):
    site = Site.objects.order_by("pk").first()

    def build(pk: int):
        return Site.objects.filter(pk=pk).values_list("slug", "name")

    assert prepared.rows(Site, ("kit-test:values",), build, site.pk) == [(site.slug, site.name)]

    def flat(pk: int):
        return Site.objects.filter(pk=pk).values_list("slug", flat=True)

    assert prepared.rows(Site, ("kit-test:flat",), flat, site.pk) == [site.slug]


def test_one_value_may_stand_in_several_places(demo):
    site = Site.objects.order_by("pk").first()

    def build(pk: int):
        return Site.objects.filter(pk__gte=pk, pk__lte=pk)

    assert [s.pk for s in prepared.rows(Site, ("kit-test:twice",), build, site.pk)] == [site.pk]


def test_a_value_the_orm_rewrites_is_refused(demo):
    # "contains" wraps the text in wildcards: the stand-in is not a parameter of its own, so it cannot be replaced.
    with pytest.raises(ValueError, match="one parameter of the SQL"):
        prepared.rows(Site, ("kit-test:contains",), lambda name: Site.objects.filter(name__contains=name), "North")


def test_a_statement_no_row_can_match_gives_no_rows(demo):
    def build(slug: str):
        return Site.objects.filter(pk__in=[], slug=slug)

    assert prepared.rows(Site, ("kit-test:empty",), build, "northbridge") == []


def test_a_value_of_a_narrow_integer_column_finds_its_rows(demo):
    # The int stand-in is outside a positive (or 32-bit) column's range, so Django compiles the comparison as
    # matching nothing; the real value is inside it and must find the rows the queryset finds.
    days = Site.objects.order_by("pk").values_list("rg_due_days", flat=True).first()

    def build(n: int):
        return Site.objects.filter(rg_due_days=n).order_by("pk")

    expected = list(build(days))
    assert expected
    for _ in range(2):  # the first call compiles, the second runs what was kept
        assert prepared.rows(Site, ("kit-test:narrow-int",), build, days) == expected


def test_a_key_that_leaves_out_what_the_sql_depends_on_fails_under_test(demo):
    # The key names no sites, but the builder filters by them: a second user's sites would get the first's SQL.
    sites = list(Site.objects.order_by("pk"))

    def of_site(site_id: int):
        return lambda slug: Site.objects.filter(pk=site_id, slug=slug)

    assert prepared.first(Site, ("kit-test:leaky",), of_site(sites[0].pk), sites[0].slug).pk == sites[0].pk
    with pytest.raises(AssertionError, match="leaves out something"):
        prepared.first(Site, ("kit-test:leaky",), of_site(sites[1].pk), sites[1].slug)


def test_the_latest_of_a_parent_is_its_newest_row_with_the_parent_already_set(demo, django_assert_num_queries):
    from childnrm.accounts.models import Organisation

    for organisation in Organisation.objects.all():
        newest = User.objects.filter(organisation=organisation).order_by("-date_joined", "-id").first()
        found = prepared.latest_of(
            User, ("kit-test:newest-user",), organisation, via="organisation", order_by=("-date_joined", "-id")
        )
        assert (found.pk if found else None) == (newest.pk if newest else None)
        if found is not None:
            with django_assert_num_queries(0):  # set, as the organisation's related manager would
                assert found.organisation is organisation


def test_a_fixed_statement_gives_the_rows_of_its_queryset_with_its_values_written_into_it(demo):
    # The dashboard's statements (issue 16): on PostgreSQL their values are literals, so they are planned once.
    from datetime import date

    from django.db.models import Q

    from childnrm.accounts.models import Membership, Role

    site = Site.objects.get(slug="northbridge")
    query = (
        Membership.objects.filter(site_id=site.pk, role__in=[Role.COORDINATOR, Role.CHAIR])
        .filter(Q(user__email__contains="100% o'clock") | Q(user__date_joined__date__gte=date(2000, 1, 1)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sql, params = query.query.get_compiler("default").as_sql()
    fixed_sql, fixed_params = prepared.fixed_statement(sql, params, "default")
    if connection.vendor == "postgresql":
        assert fixed_params == () and "'coordinator'" in fixed_sql and "o''clock" in fixed_sql
        with pytest.raises(ValueError):
            prepared.fixed_statement("SELECT %s", [1, 2], "default")
    else:
        assert (fixed_sql, fixed_params) == (sql, tuple(params))
    with connection.cursor() as cursor:
        cursor.execute(fixed_sql, fixed_params)
        assert [pk for (pk,) in cursor.fetchall()] == list(query) != []
