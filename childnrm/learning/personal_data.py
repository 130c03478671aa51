"""Nothing published in the library may identify a child known to the service (issue 12).

Checked when an item is submitted and again when a moderator approves it (children are referred in
between): any child's or referral's reference, and any child's name written in full (given name then family
name, or "Family, Given"). The message quotes the words found in the item, never which child or site matched,
so the check does not tell a moderator more than the item already says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models.functions import Lower

from childnrm.case_reviews.services import name_patterns
from childnrm.people.models import Child
from childnrm.referrals.models import Referral

_REFERENCE = re.compile(r"\b(?:CH|NRM)-[A-Z0-9]{4,}\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def _names_in(text: str, children: Iterable[Child]) -> list[str]:
    found = []
    for child in children:
        given = child.given_names.split()
        if not given or not child.family_name:
            continue
        family = re.escape(child.family_name)
        patterns = [
            r"\b" + r"\s+".join(re.escape(g) for g in given) + r"\s+" + family + r"\b",  # every given name
            r"\b" + re.escape(given[0]) + r"\s+" + family + r"\b",  # first given name and family name
            r"\b" + family + r",\s*" + re.escape(given[0]) + r"\b",  # "Family, Given"
        ]
        for pattern in patterns:
            match = re.search(pattern, text, re.IGNORECASE)
            if match:
                found.append(match.group(0))
                break
    return found


def personal_data_in(text: str) -> list[str]:
    """The words in `text` that name or refer to a child known to the service (empty when none)."""
    found: list[str] = []
    references = {m.group(0).upper() for m in _REFERENCE.finditer(text)}
    if references:
        known = set(Child.objects.filter(reference__in=references).values_list("reference", flat=True))
        known |= set(Referral.objects.filter(reference__in=references).values_list("reference", flat=True))
        found += sorted(known)
    words = {w.lower() for w in _WORD.findall(text) if len(w) > 1}
    if words:
        # Only children whose family name is a word of the text can be named in it: one indexed-size query.
        candidates = (
            Child.objects.annotate(family=Lower("family_name"))
            .filter(family__in=words)
            .only("given_names", "family_name")
        )
        found += _names_in(text, candidates)
    return list(dict.fromkeys(found))


def names_of_reviewed_children_in(text: str, people: Iterable[tuple[str, str]]) -> list[str]:
    """The words in `text` that name a child of the cases a review is about: stricter than `personal_data_in`,
    which looks for full names only: here a given or family name on its own counts too, as it is written
    (capitalised), since a review's summary is where a child's first name slips in. The patterns are those the
    case reviews' own redaction uses when a case is anonymised."""
    found: list[str] = []
    for pattern in name_patterns(people):
        for match in pattern.finditer(text):
            found.append(match.group(0))
        text = pattern.sub(" ", text)  # a full name found is not found again word by word
    return list(dict.fromkeys(found))
