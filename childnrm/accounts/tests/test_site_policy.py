"""A site's decision policy as versioned data (issue 8 rule 12): each limit at its boundary, versions and
their audit, and the page only a site administrator reaches."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from childnrm.accounts import policy
from childnrm.accounts.models import DayBasis, Role, Site, TieRule
from childnrm.audit.models import AuditEvent
from conftest import demo_user

REASON = "Agreed by the strategic safeguarding board on 1 December."


def change(site: Site, reason: str = REASON, **values):
    return policy.policy_change(site, demo_user(Role.SITE_ADMIN, site.slug), values, reason)


def refused(site: Site, **values) -> dict:
    with pytest.raises(policy.PolicyInvalid) as caught:
        change(site, **values)
    return caught.value.errors


# --- Each limit at its boundary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "too_low", "lowest", "highest", "too_high"),
    [
        ("recovery_period_days", 29, 30, 90, 91),
        ("reconsideration_window_days", 29, 30, 90, 91),
        ("information_request_days", 0, 1, 45, 46),
        ("turning_18_warning_days", 99, 100, 365, 366),
    ],
)
def test_each_limit_refuses_just_outside_and_accepts_its_edges(demo, site, field, too_low, lowest, highest, too_high):
    before = policy.policy_values(site)
    for bad in (too_low, too_high):
        errors = refused(site, **{field: bad})
        assert list(errors) == [field], errors
        site.refresh_from_db()
        assert policy.policy_values(site) == before  # nothing written
    for good in (lowest, highest):
        if before[field] == good:
            continue
        change(site, **{field: good})
        site.refresh_from_db()
        assert getattr(site, field) == good


def test_a_recovery_period_under_the_national_minimum_is_refused_with_the_reason(demo, site):
    errors = refused(site, recovery_period_days=29)
    assert errors["recovery_period_days"].startswith("The recovery period must be at least 30 days")
    # 0 is no recovery period: taking both decisions at one sitting is the separate switch.
    assert "one sitting" in refused(site, recovery_period_days=0)["recovery_period_days"]
    change(site, rg_and_cg_at_one_sitting=True)
    site.refresh_from_db()
    assert site.rg_and_cg_at_one_sitting and site.recovery_period_days == 30


def test_the_time_to_ask_for_reconsideration_is_never_under_30_days(demo, site):
    assert "at least 30 days" in refused(site, reconsideration_window_days=29)["reconsideration_window_days"]
    change(site, reconsideration_window_days=31)
    site.refresh_from_db()
    assert site.reconsideration_window_days == 31


def test_rg_due_days_are_from_1_to_the_pilots_45_calendar_days(demo, site):
    assert site.rg_due_basis == DayBasis.CALENDAR and site.rg_due_days == 45
    assert "at least 1 day" in refused(site, rg_due_days=0)["rg_due_days"]
    assert "45 calendar days" in refused(site, rg_due_days=46)["rg_due_days"]
    change(site, rg_due_days=1)
    change(site, rg_due_days=45)
    site.refresh_from_db()
    assert site.rg_due_days == 45


def test_working_days_may_not_reach_past_45_calendar_days(demo, site):
    # 45 is within the calendar limit, but 45 working days are about nine weeks.
    errors = refused(site, rg_due_basis=DayBasis.WORKING)
    assert "26 working days" in errors["rg_due_days"]
    assert "26 working days" in refused(site, rg_due_basis=DayBasis.WORKING, rg_due_days=27)["rg_due_days"]
    change(site, rg_due_basis=DayBasis.WORKING, rg_due_days=26)
    site.refresh_from_db()
    assert (site.rg_due_basis, site.rg_due_days) == (DayBasis.WORKING, 26)


@pytest.mark.parametrize("nation", ["england_and_wales", "scotland", "northern_ireland"])
def test_the_working_day_limit_always_ends_within_45_calendar_days(nation):
    """The table's 26 working days, checked against the clocks' own bank holidays for every start day."""
    from childnrm.referrals.clocks import add_working_days

    day, latest = date(2024, 1, 1), 0
    while day < date(2031, 1, 1):
        latest = max(latest, (add_working_days(day, policy.RG_DUE_WORKING.maximum, nation) - day).days)
        day += timedelta(days=1)
    assert latest <= policy.RG_DUE_CALENDAR.maximum


def test_every_bad_value_is_named_at_once_and_types_are_checked(demo, site):
    errors = refused(
        site,
        reason="",
        rg_due_days="45",
        rg_due_basis="fortnights",
        tie_rule="coin",
        negative_second_review="yes",
        recovery_period_days=True,
    )
    assert set(errors) == {
        "rg_due_days",
        "rg_due_basis",
        "tie_rule",
        "negative_second_review",
        "recovery_period_days",
        "reason",
    }
    assert errors["reason"] == policy.REASON_REQUIRED
    with pytest.raises(policy.PolicyInvalid):
        change(site, quorum=2)


def test_a_reason_is_required_and_a_change_must_change_something(demo, site):
    assert refused(site, reason="", recovery_period_days=45) == {"reason": policy.REASON_REQUIRED}
    with pytest.raises(policy.PolicyInvalid) as blank:
        change(site, reason="   ", recovery_period_days=45)
    assert blank.value.errors == {"reason": policy.REASON_REQUIRED}
    with pytest.raises(policy.PolicyUnchanged):
        change(site, **policy.policy_values(site))
    with pytest.raises(policy.PolicyUnchanged):
        change(site)
    assert policy.current_policy(site).version == 1


def test_only_a_site_administrator_of_that_site_changes_it(demo, site, other_site):
    for role in Role:
        if role == Role.SITE_ADMIN:
            continue
        with pytest.raises(PermissionDenied):
            policy.policy_change(site, demo_user(role), {"recovery_period_days": 45}, REASON)
    with pytest.raises(PermissionDenied):
        policy.policy_change(other_site, demo_user(Role.SITE_ADMIN), {"recovery_period_days": 45}, REASON)
    site.refresh_from_db()
    assert site.recovery_period_days == 30


# --- Versions and their audit ------------------------------------------------------------------------


def test_a_change_is_version_2_with_its_reason_author_and_audited_old_and_new_values(demo, site):
    first = policy.current_policy(site)
    assert first.version == 1 and first.values["tie_rule"] == TieRule.CASTING_VOTE

    admin = demo_user(Role.SITE_ADMIN)
    second = policy.policy_change(
        site, admin, {"recovery_period_days": 45, "tie_rule": TieRule.DEFER}, "  Board decision.  "
    )
    assert (second.version, second.reason, second.changed_by) == (2, "Board decision.", admin)
    assert second.values == {**first.values, "recovery_period_days": 45, "tie_rule": TieRule.DEFER}
    site.refresh_from_db()
    assert (site.recovery_period_days, site.tie_rule) == (45, TieRule.DEFER)
    assert policy.current_policy(site) == second
    first.refresh_from_db()
    assert first.values["recovery_period_days"] == 30  # the earlier version is never edited

    event = AuditEvent.objects.filter(object_type="accounts.sitepolicy", object_id=str(second.pk)).get()
    assert event.action == "update" and event.site_id == site.pk and event.actor_id == admin.pk
    assert event.detail["old"] == {"recovery_period_days": 30, "tie_rule": "casting_vote"}
    assert event.detail["new"] == {"recovery_period_days": 45, "tie_rule": "defer"}
    assert event.detail["reason"] == "Board decision." and event.detail["version"] == 2

    history = policy.policy_history(site)
    assert [v.version for v in history] == [2, 1]
    assert history[0].changes == [
        ("Recovery period", "30 days", "45 days"),
        ("When the votes are tied", TieRule.CASTING_VOTE.label, TieRule.DEFER.label),
    ]


def test_a_refused_change_writes_no_version_and_no_audit(demo, site):
    count = AuditEvent.objects.filter(object_type="accounts.sitepolicy").count()
    refused(site, recovery_period_days=29)
    assert policy.current_policy(site).version == 1
    assert AuditEvent.objects.filter(object_type="accounts.sitepolicy").count() == count


def test_versions_are_numbered_per_site(demo, site, other_site):
    change(site, recovery_period_days=40)
    change(site, recovery_period_days=50)
    change(other_site, recovery_period_days=60)
    assert policy.current_policy(site).version == 3
    assert policy.current_policy(other_site).version == 2


def test_a_decision_finalised_after_a_change_records_the_new_version(demo, site):
    from childnrm.decisions.tests.factories import final_decision

    before = final_decision(site.slug)
    assert before.site_policy.version == 1
    change(site, recovery_period_days=45)
    after = final_decision(site.slug)
    assert after.site_policy == policy.current_policy(site)
    assert after.site_policy.version == 2 and after.site_policy.values["recovery_period_days"] == 45
    before.refresh_from_db()
    assert before.site_policy.version == 1


# --- The page ----------------------------------------------------------------------------------------

FORM = {
    "rg_due_days": "45",
    "rg_due_basis": "calendar",
    "recovery_period_days": "30",
    "rg_and_cg_at_one_sitting": "no",
    "negative_second_review": "yes",
    "tie_rule": "casting_vote",
    "reconsideration_window_days": "30",
    "information_request_days": "10",
    "turning_18_warning_days": "180",
}


def test_the_admin_sees_the_policy_and_changes_it_through_the_form(client_as, site):
    client = client_as(Role.SITE_ADMIN)
    assert client.get("/account/policy/")["Location"] == f"/account/policy/{site.slug}/"
    page = client.get(f"/account/policy/{site.slug}/").content.decode()
    assert "Version 1, in force now" in page and "45 days after referral" in page
    assert f'href="/account/policy/{site.slug}/"' in client.get(f"/account/users/{site.slug}/").content.decode()
    assert 'href="/account/policy/"' in client.get("/").content.decode()

    form = client.get(f"/account/policy/{site.slug}/change/").content.decode()
    assert (
        'name="recovery_period_days" type="text" spellcheck="false" value="30"' in form
        and 'value="casting_vote" checked' in form
    )

    response = client.post(
        f"/account/policy/{site.slug}/change/",
        {**FORM, "recovery_period_days": "45", "tie_rule": "defer", "reason": "Board decision of 1 December."},
    )
    assert response["Location"] == f"/account/policy/{site.slug}/"
    site.refresh_from_db()
    assert site.recovery_period_days == 45 and site.tie_rule == TieRule.DEFER
    page = client.get(f"/account/policy/{site.slug}/").content.decode()
    assert "Version 2, in force now" in page and "Board decision of 1 December." in page
    assert "<strong>Recovery period</strong><br>Was: 30 days<br>Now: 45 days" in page
    assert demo_user(Role.SITE_ADMIN).full_name in page


def test_bad_input_shows_every_error_and_keeps_what_was_typed(client_as, site):
    response = client_as(Role.SITE_ADMIN).post(
        f"/account/policy/{site.slug}/change/",
        {**FORM, "recovery_period_days": "29", "information_request_days": "ten", "reason": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "The recovery period must be at least 30 days" in body
    assert "Enter the number of days agencies have to answer" in body
    assert str(policy.REASON_REQUIRED) in body
    assert 'value="29"' in body and 'value="ten"' in body
    assert "govuk-input--error" in body
    site.refresh_from_db()
    assert site.recovery_period_days == 30 and policy.current_policy(site).version == 1

    # Out of limits with a reason: the service refuses, the form keeps the values.
    response = client_as(Role.SITE_ADMIN).post(
        f"/account/policy/{site.slug}/change/", {**FORM, "rg_due_days": "46", "reason": "Longer"}
    )
    body = response.content.decode()
    assert "45 calendar days after referral" in body and 'value="46"' in body and "Longer" in body


def test_an_unchanged_policy_is_refused_on_the_page(client_as, site):
    response = client_as(Role.SITE_ADMIN).post(f"/account/policy/{site.slug}/change/", {**FORM, "reason": "None"})
    assert response.status_code == 200 and str(policy.UNCHANGED) in response.content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.SITE_ADMIN])
def test_every_other_role_is_refused_the_pages(client_as, site, role):
    client = client_as(role)
    for url in ("/account/policy/", f"/account/policy/{site.slug}/", f"/account/policy/{site.slug}/change/"):
        assert client.get(url).status_code in (403, 404), (role, url)
    response = client.post(
        f"/account/policy/{site.slug}/change/", {**FORM, "recovery_period_days": "45", "reason": "x"}
    )
    assert response.status_code in (403, 404)
    site.refresh_from_db()
    assert site.recovery_period_days == 30


def test_an_admin_of_another_site_is_refused(client_as, site):
    client = client_as(Role.SITE_ADMIN, "three-rivers")
    assert client.get(f"/account/policy/{site.slug}/").status_code == 404
    response = client.post(
        f"/account/policy/{site.slug}/change/", {**FORM, "recovery_period_days": "45", "reason": "x"}
    )
    assert response.status_code == 404
