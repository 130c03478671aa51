"""Nothing published in the library or the learning log may identify a child (issue 12).

Two kinds of check, split by who hears the answer:

- **At submission, nothing is looked up** (`details_in`): what looks like a child's or case's reference, a date of
  birth, an email address or a phone number, found by its shape alone. The author's answer never depends on the
  children the service holds, so the form cannot be used to ask whether a named child is known (any practitioner
  of any site submits). A case review's summary is also checked against the names of the children of the cases
  the review is about (`names_of_reviewed_children_in`): its author records that review and sees those cases, so
  the answer tells them nothing they cannot see.
- **At moderation, children's names are looked up** (`names_of_known_children_in`): any child's name written in
  full ("Given Family", "Family, Given"), at any site. Only the moderator of the item's site sees what matched
  (a warning on the moderation page, and approval refused), and every run of this check is audited with the ids of
  the children matched (`learning.services`). The words quoted are those of the item, never which child or site.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models.functions import Lower

from childnrm.case_reviews.services import name_patterns
from childnrm.people.models import Child

# A child's (CH-), case's (NRM-) or case review's (CR-) reference: the prefix, then at least four letters or digits.
# "NRM-pilot" is a word, not a reference: a suffix counts when it has a digit, is written in capitals, or has the
# length and letters the service's references have ("nrm-abcdefgh" copied in lower case is still a case's reference;
# "NRM-guidance" has an I, which no reference has).
_REFERENCE = re.compile(r"\b(?:CH|NRM|CR)-([A-Z0-9]{4,})\b", re.IGNORECASE)
_REFERENCE_SUFFIX = re.compile(r"[A-HJ-NP-Z2-9]{8}")  # people.models.random_reference
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"  # 3/4/2010, 03-04-10
    r"|\d{4}-\d{1,2}-\d{1,2}"  # 2010-04-03
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{4}}"  # 3 April 2010, 3rd of Apr 2010
    rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"  # April 3, 2010
)
# A date of birth: a date after "born", "DOB", "D.O.B." or "date of birth" (a date alone is a publication's date).
_DATE_OF_BIRTH = re.compile(
    rf"\b(?:born(?:\s+on)?|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth)\s*(?:[:\-–]|\bis\b|\bwas\b)?\s*{_DATE}",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.%+'-]+@[\w-]+(?:\.[\w-]+)+\b", re.UNICODE)
# A UK number (0 or +44, then 9 or 10 more digits, spaced or not) or any other written with its country code.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,9}|\+(?!44)\d{1,3}(?:[\s-]?\d){6,12})(?![\w])"
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def _references_in(text: str) -> list[str]:
    return [
        m.group(0)
        for m in _REFERENCE.finditer(text)
        if any(c.isdigit() for c in m.group(1))
        or m.group(1).isupper()
        or _REFERENCE_SUFFIX.fullmatch(m.group(1).upper())
    ]


def details_in(text: str) -> list[str]:
    """The words in `text` that look like a personal detail (a child's, case's or review's reference, a date of
    birth, an email address, a phone number), found by their shape: nothing is looked up, so the answer is the
    same whichever children the service holds."""
    found = _references_in(text)
    found += [m.group(0) for m in _DATE_OF_BIRTH.finditer(text)]
    found += [m.group(0) for m in _EMAIL.finditer(text)]
    found += [m.group(0).strip() for m in _PHONE.finditer(text)]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class KnownNames:
    """What the check against the children the service holds found: the words of the text (to show the moderator)
    and the ids of the children they name (for the audit trail, never shown)."""

    words: list[str]
    child_ids: list[int]

    def __bool__(self) -> bool:
        return bool(self.words)


def _names_in(text: str, children: Iterable[Child]) -> list[tuple[str, int]]:
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
                found.append((match.group(0), child.pk))
                break
    return found


def names_of_known_children_in(text: str) -> KnownNames:
    """The words in `text` that name a child known to the service, at any site, in full. For moderation only:
    the caller audits each run (`learning.services`), and only a moderator sees the answer."""
    words = {w.lower() for w in _WORD.findall(text) if len(w) > 1}
    if not words:
        return KnownNames([], [])
    # Only children whose family name is a word of the text can be named in it: one indexed-size query.
    candidates = (
        Child.objects.annotate(family=Lower("family_name"))
        .filter(family__in=words)
        .only("given_names", "family_name")
        .order_by("pk")
    )
    found = _names_in(text, candidates)
    return KnownNames(
        words=list(dict.fromkeys(word for word, _ in found)),
        child_ids=list(dict.fromkeys(child_id for _, child_id in found)),
    )


def names_of_reviewed_children_in(text: str, people: Iterable[tuple[str, str]]) -> list[str]:
    """The words in `text` that name a child of the cases a review is about: here a given or family name on its
    own counts too, as it is written (capitalised), since a review's summary is where a child's first name slips
    in. The patterns are those the case reviews' own redaction uses when a case is anonymised. The review's
    author sees these cases, so this runs at submission without telling them anything new."""
    found: list[str] = []
    for pattern in name_patterns(people):
        for match in pattern.finditer(text):
            found.append(match.group(0))
        text = pattern.sub(" ", text)  # a full name found is not found again word by word
    return list(dict.fromkeys(found))
