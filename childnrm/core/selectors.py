"""Reads for the shared pages."""

from __future__ import annotations

from django.db.models import Count

from childnrm.access.policy import Perm, sites_where
from childnrm.accounts.models import Site
from childnrm.people.models import Child, Sex

# Published tables protect small numbers: counts from 1 to this are shown as "fewer than 5".
SMALL_NUMBER_THRESHOLD = 4


def _protect(count: int) -> str:
    return f"fewer than {SMALL_NUMBER_THRESHOLD + 1}" if 0 < count <= SMALL_NUMBER_THRESHOLD else str(count)


def children_by_site_and_sex(user) -> list[dict]:
    """Counts of children per site and sex, for the sites where the user may see statistics.

    One grouped query; small numbers are suppressed before they leave this function.
    """
    site_ids = sites_where(user, Perm.STATISTICS_VIEW)
    counts = {
        (row["site_id"], row["sex"]): row["n"]
        for row in Child.objects.filter(site_id__in=site_ids).values("site_id", "sex").annotate(n=Count("id"))
    }
    rows = []
    for site in Site.objects.filter(id__in=site_ids).order_by("name"):
        cells = [counts.get((site.id, sex), 0) for sex in Sex.values]
        rows.append({"site": site.name, "cells": [_protect(c) for c in cells], "total": _protect(sum(cells))})
    return rows
