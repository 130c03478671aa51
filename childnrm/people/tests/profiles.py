"""A child's profile for the scoring tests: a boy born on 4 March 2011, unless a test says otherwise."""

from __future__ import annotations

from datetime import date

from childnrm.people.linkage_scoring import Profile, profile_from_values


def child_profile(given: str, family: str, dob: date | None = date(2011, 3, 4), *, id: int = 1, **overrides) -> Profile:
    values = dict(
        id=id,
        reference=f"CH-{id}",
        given_names=given,
        family_name=family,
        date_of_birth=dob,
        date_of_birth_estimated=False,
        sex="male",
        nationalities=["ER"],
    )
    return profile_from_values(**{**values, **overrides})
