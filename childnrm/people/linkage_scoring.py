"""Scoring two records of a child: the evidence that they are the same child, in pure functions.

No database here: a record is a `Profile` (built from plain values; `people.linkage.profile_of` builds one
from a child record), its blocking keys are derived from it (`blocking_keys`), two profiles are compared
feature by feature (`compare`), each feature adding or subtracting points and saying why, and shared keys
are weighed by counts the caller brings (`key_weight`, `common_shares`). How the keys are stored and
searched, and why the weights are what they are, is told in `people.linkage`, which does the database side.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property, lru_cache
from typing import Any

import jellyfish
from anyascii import anyascii
from django.utils.translation import gettext_noop  # marks wording only: scoring never reads the language
from rapidfuzz.distance import OSA, JaroWinkler

# ---------------------------------------------------------------------------------------------------
# Weights and thresholds (points; positive is evidence for the same child, negative against)
# ---------------------------------------------------------------------------------------------------

MATCH_THRESHOLD = 6.0  # shown to the coordinator as a possible match at or above this score
STRONG_MATCH = 10.0  # labelled "Strong" at or above this score
MAX_CANDIDATES = 100  # blocked candidates scored per record, those sharing the rarest keys first (`max_candidates`)
MAX_CANDIDATES_MOST = 100  # ...growing with the register beyond REGISTER_REFERENCE, to at most this many (ADR 0029 A4)

# Names. Given names weigh more than family names: siblings share a family name.
GIVEN_SAME = 4.5
GIVEN_VARIANT = 3.5  # transliteration, sounds alike or a close spelling
GIVEN_WEAK = 1.0  # partly similar
GIVEN_DIFFERENT = -5.0
FAMILY_SAME = 4.0
FAMILY_VARIANT = 3.0
FAMILY_WEAK = 0.5
FAMILY_DIFFERENT = -2.5  # family names change (father's name, marriage, convention) more than given names
NAME_MISSING_PART = 0.9  # similarity factor when one record has a name part the other lacks
SWAPPED_PENALTY = 0.5  # a match only in swapped order is slightly weaker
REGROUPED_PENALTY = 1.0  # same names, split differently between given and family names
GIVEN_NAME_ONLY = 1.0  # only a given name to compare (one record has no family name): weaker than it looks
NEAR_DATE_OTHER_FAMILY = 1.0  # the most a near date (a slip, days apart) adds when the family names differ
# How common each name is (issue 15): an agreeing name adds points by its own share of the children searched,
# not a flat discount for common names. The hand-set points are those of a name held by TYPICAL_NAME_SHARE of the
# children; each halving of the share adds NAME_FREQUENCY_POINTS, each doubling takes them away, within bounds.
TYPICAL_NAME_SHARE = 0.005
NAME_FREQUENCY_POINTS = 0.5  # points per bit (a name twice as common is worth this much less)
NAME_FREQUENCY_MOST = 1.5  # the most a rare name adds
NAME_FREQUENCY_LEAST = -3.0  # the most a common name takes away
# A register this size (children) says little about how common a name is: shares are drawn towards the typical share
# as if this many more children held names at it (a handful of records, or a name held by one child, is not proof).
NAME_SHARE_PRIOR_CHILDREN = 1_000
COMMON_NAME_SHARE = 0.02  # a name held by more than this share of the children is called common in the evidence
RARE_NAME_SHARE = TYPICAL_NAME_SHARE / 4  # ...and by less than this, rare

# The number of children searched (issue 15): the more children, the more pairs agree by chance on the same details
# (different children with the same common full name and a date a year or two apart). The points and thresholds were
# set on a register of REGISTER_REFERENCE children; beyond it REGISTER_POINTS come off every score for each doubling
# of the children searched (the prior odds of the same child fall as the register grows). Calibrated on the
# generated set: precision at 100,000 children held at that of 20,000 (ADR 0029, Amendment 4).
REGISTER_REFERENCE = 20_000
REGISTER_POINTS = 0.93

# Similarity bands (Jaro-Winkler, 0..1) for spellings that are not the same name or a known variant.
SPELLING_STRONG = 0.92
SPELLING_WEAK = 0.85
SOUNDS_ALIKE_FLOOR = 0.80
SHORT_NAME = 5  # letters: names this short that differ by a letter are usually different names

# Dates of birth. Estimated dates are often 1 January or a guess: weaker both ways. So are placeholders
# typed as if known: 1 January when only the year is known, the 1st when only the month is.
DOB_SAME = 5.0
DOB_SAME_ESTIMATED = 2.5
DOB_SAME_ESTIMATED_DEFAULT = 1.0  # the same 1 January or 1 July on estimated dates says little
DOB_SAME_JANUARY_FIRST = 2.5  # the same 1 January, not flagged as estimated: perhaps a placeholder
DOB_SAME_MONTH_FIRST = 4.0  # the same 1st of a month, not flagged: perhaps only the month was known
DOB_PLACEHOLDER_FITS = 0.5  # a 1 January (or 1st of the month) and a date in that year (or month)
DOB_PLACEHOLDER_DIFFERENT = -1.5  # a 1st of the month and another month of the same year
DOB_YEAR_APART = 2.0  # same day and month, a year apart: a slip in the year, or a year worked out wrongly
DOB_SWAPPED = 3.5  # day and month transposed
DOB_ONE_DIGIT = 3.0  # one digit mistyped
DOB_WITHIN_WEEK = 2.5
DOB_WITHIN_MONTH = 1.0
DOB_SAME_YEAR = -4.5  # both recorded, same year, more than a month apart
DOB_DIFFERENT = -6.0  # both recorded, more than a year apart
ESTIMATE_CLOSE = 0.5  # an estimate (or a 1 January placeholder) within a year of the other record
# An estimated age that is the age a full date of birth gives on the day the age was given (15 on 1 February 2026, born
# 20 June 2010). An age is a whole number: a child's own age fits its date of birth more often than another child's
# born within the years searched does (about one time in four to seven): as much as two estimates agreeing on a
# 1 January (DOB_SAME_ESTIMATED_DEFAULT). An age a year out from a full date is about as likely for another child as
# for this one: no points (ESTIMATE_CLOSE stays for ages compared with ages or with estimated dates).
ESTIMATE_FITS = 1.0
ESTIMATE_FAR = -3.0  # an estimate further than YEAR_TOLERANCE_ESTIMATED years away
TWINS_CAP = MATCH_THRESHOLD - 0.5  # same surname and date of birth, another given name: never shown (twins)
YEAR_TOLERANCE = 1
YEAR_TOLERANCE_ESTIMATED = 3

# Sex and nationality
SEX_SAME = 0.5  # most referred children are boys: agreement says little
SEX_DIFFERENT = -3.0
NATIONALITY_SHARED = 1.0
NATIONALITY_SHARED_COMMON = 0.3  # a shared British nationality says little: most referred children are
NATIONALITY_RELATED = 0.0
NATIONALITY_DIFFERENT = -1.5
COMMON_NATIONALITIES = frozenset({"GB"})
# Where the child lives (the local authority a referral records). Agreement weighs by how many of the children
# searched live there: log2(PLACE_KEPT / share), from nothing (a site of one area, where nearly all live) to
# PLACE_SAME_MOST (a rarely shared area). PLACE_KEPT: the chance a later referral of the same child gives the same
# area. Two areas recorded differently weigh PLACE_DIFFERENT: children move and are placed elsewhere, so this is
# set for a child who moves between referrals one time in three (ADR 0029 amendment 6). A trained model has no
# weights for the area: the national sweep leaves it out (it would pull brothers and sisters together there).
PLACE_KEPT = 0.8
PLACE_SAME_MOST = 4.0
PLACE_DIFFERENT = -1.5
PLACE_KEY_PREFIX = "la:"
# The share weighed is counted as if PLACE_SHARE_PRIOR_CHILDREN more children all lived in the area: until a register
# is large enough to show how few live there, a shared area says nothing (at a site of one area, nearly all live in
# it). The coordinator reads the share itself.
PLACE_SHARE_PRIOR_CHILDREN = 100
# Identifiers the referrer knows (ADR 0029 amendment 7), compared whatever the names say and found by their own
# keys (IDENTIFIER_KEY_PREFIX) whatever the birth year. An NHS number is one person's and carries a check digit, so a
# shared one is near proof: its points are those of a clerical slip (a brother's number written in) being likelier
# than chance, and two different ones are strong evidence against (a Scottish CHI number or a temporary number is the
# rare way one child holds two). A Home Office reference is weaker both ways: a family's claim can carry one
# reference for brothers and sisters (a shared one then counts nothing between them), and a child can hold several
# of different kinds (Home Office, port, application), so two different ones say little.
NHS_SAME = 12.0
NHS_DIFFERENT = -4.0
HOME_OFFICE_SAME = 10.0
HOME_OFFICE_DIFFERENT = -1.0
IDENTIFIER_KEY_PREFIX = "i:"
NHS_KEY = IDENTIFIER_KEY_PREFIX + "nhs:"
HOME_OFFICE_KEY = IDENTIFIER_KEY_PREFIX + "ho:"
HOME_OFFICE_MIN_DIGITS = 6  # a run of fewer digits is a word or a date, not a reference number
# Nationalities often recorded for each other (border areas, shared language, new states).
RELATED_NATIONALITIES = (
    frozenset({"ER", "ET"}),
    frozenset({"SD", "SS"}),
    frozenset({"AL", "XK"}),
    frozenset({"AF", "PK"}),
    frozenset({"AF", "IR"}),
    frozenset({"IQ", "IR"}),
    frozenset({"IQ", "SY"}),
)

# ---------------------------------------------------------------------------------------------------
# Names: folding, known transliterations, similarity
# ---------------------------------------------------------------------------------------------------

# Latin spellings of the same name, common among referred children (Arabic, Dari/Pashto, Albanian,
# Tigrinya/Amharic). The first spelling is the one the others are compared as. Diacritics need no
# entry (Nguyễn, Çela and Đức are folded by anyascii); nor do spellings within SPELLING_STRONG.
TRANSLITERATIONS: tuple[tuple[str, ...], ...] = (
    # Arabic, Dari, Pashto
    ("muhammad", "mohammed", "mohamed", "mohammad", "muhammed", "mohamad", "mohamud", "mahamed", "muhamad", "mohd"),
    ("ahmad", "ahmed", "ahmet", "ahamed"),
    ("mahmud", "mahmoud", "mahmood", "mehmood"),
    ("uthman", "osman", "othman", "usman"),
    ("yusuf", "yousif", "yousef", "youssef", "yusif", "yousuf", "yussuf", "yosef"),
    ("umar", "omar", "omer"),
    ("abdulrahman", "abdelrahman", "abdalrahman", "abderrahman", "abdurrahman", "abdirahman"),
    ("abdullah", "abdalla", "abdallah", "abdulla", "abdella"),
    ("husayn", "hussein", "hussain", "husain", "hossein", "hosein", "husein"),
    ("hasan", "hassan"),
    ("ibrahim", "ebrahim", "ibraheem", "ibrahem"),
    ("ismail", "ismael", "esmail", "ismaeel"),
    ("sulayman", "suleiman", "sulaiman", "suleyman", "soliman", "sleiman"),
    ("mustafa", "mostafa", "moustafa", "mustapha"),
    ("khalid", "khaled"),
    ("musa", "moussa", "mousa", "moosa"),
    ("yahya", "yehia", "yahia"),
    ("hamza", "hamzah"),
    ("said", "saeed", "sayed", "sayyid", "sayid", "syed"),
    ("hamid", "hameed", "hamed"),
    ("rahim", "raheem"),
    ("karim", "kareem"),
    ("navid", "naweed", "naveed", "nawid"),
    ("jawad", "javad"),
    ("zabihullah", "zabiullah", "zabihollah"),
    ("husseini", "hosseini", "hussaini", "husaini", "hosaini"),
    ("nuri", "noori", "nouri"),
    ("haidari", "haidary", "heydari", "haydari"),
    ("muhammadi", "mohammadi", "mohamadi"),
    ("alamin", "elamin", "alameen", "elameen"),
    ("abubakar", "abubakr", "aboubakar", "abubaker"),
    ("adam", "adem"),
    ("idris", "idriss", "edris"),
    # Albanian (q and ç are said "ch"; xh and gj are said "j")
    ("krasniqi", "krasniqui", "krasnichi", "krasnici", "krasniki"),
    ("hoxha", "hoxa", "hodja", "hodza", "hodzha", "hoxhaj"),
    ("cela", "chela", "tsela"),
    ("xhafa", "jafa", "dzhafa", "djafa", "xafa"),
    ("gjoka", "djoka", "gyoka"),
    ("lleshi", "leshi"),
    ("zeqiri", "zekiri", "zechiri"),
    ("shehu", "sehu"),
    ("qazim", "kazim", "cazim"),
    ("ermal", "ermall"),
    # Tigrinya and Amharic
    ("tesfay", "tesfaye", "tesfai", "tesfae"),
    ("gebremedhin", "ghebremedhin", "gebremedin", "gebremadhin", "ghebremedin"),
    ("gebreyesus", "ghebreyesus", "gebreiyesus"),
    ("woldemariam", "weldemariam", "woldemaryam", "weldemariyam"),
    ("yohannes", "yohanes", "yohannis", "johannes", "yohanis"),
    ("haile", "hailie", "hayle"),
    ("tekle", "tekleh"),
    ("mebrahtu", "mebratu", "mebrahtom"),
    ("berhane", "birhane", "brhane", "berhani"),
    ("filmon", "philmon", "filimon"),
    ("yonas", "jonas", "yonnas"),
    ("senait", "senayt"),
    ("abraha", "abreha", "abrha"),
    ("semere", "semre"),
)
_CANONICAL: dict[str, str] = {variant: group[0] for group in TRANSLITERATIONS for variant in group}

# Particles and markers that carry little about identity: Arabic "al"/"bin", the Vietnamese middle
# names "Van" (boys) and "Thi" (girls). Ignored when comparing token by token, kept in joined names.
LOW_INFORMATION_TOKENS = frozenset({"al", "el", "ul", "bin", "ibn", "bint", "wad", "van", "thi", "de", "da"})

_SPLIT = re.compile(r"([\s\-‐‑–—/,.;_]+)")  # the separators kept: a name is shown as written
_NOT_LETTER = re.compile(r"[^a-z]")


@dataclass(frozen=True)
class Token:
    shown: str  # as written, for evidence
    norm: str  # folded to lower-case ASCII letters
    after: str = " "  # what followed it as written ("-" in Anna-Maria), to show joined names exactly

    @property
    def informative(self) -> bool:
        return self.norm not in LOW_INFORMATION_TOKENS


def fold(text: str) -> str:
    """Lower-case ASCII letters only: scripts and diacritics folded (Nguyễn → nguyen, Çela → cela)."""
    return _NOT_LETTER.sub("", anyascii(text).lower())


@lru_cache(maxsize=65536)  # a search reads a hundred candidates' names, most of them names read before
def tokens(text: str) -> tuple[Token, ...]:
    out = []
    pieces = _SPLIT.split(text or "")
    for part, after in zip(pieces[::2], [*pieces[1::2], ""], strict=True):
        norm = fold(part)
        if norm:
            out.append(Token(part, norm, after))
    return tuple(out)


def written(part: Sequence[Token]) -> str:
    """Tokens shown as they were written, hyphens included ("Anna-Maria", not "Anna Maria")."""
    return "".join(t.shown + (t.after if i < len(part) - 1 else "") for i, t in enumerate(part))


def canonical(norm: str) -> str:
    return _CANONICAL.get(norm, norm)


@lru_cache(maxsize=65536)
def sound_key(norm: str) -> str:
    """Phonetic key of a folded name (NYSIIS of its known spelling), used for blocking and comparison."""
    return jellyfish.nysiis(canonical(norm))[:40] if norm else ""


# Letters written for one sound in the Latin spellings of Arabic, Dari/Pashto, Albanian and Tigrinya names
# (and English ones): folded to one spelling before comparing, longest first. Albanian xh and gj, and
# the dj/dzh an English-speaking officer writes for them, are said "j"; a first y is a j in these
# transliterations (Yohannes/Johannes, Yonas/Jonas, Yusuf/Jusuf); q, c and ch are k (Krasniqi/Krasnichi/Krasnici,
# Qazim/Kazim); kh, gh and dh lose their h (Khalid/Halid, Ghirmay/Girmay, Gebremedhin/Gebremedin);
# ph is f (Filmon/Philmon), w is v (Naweed/Naveed), ou and oo are u, ee and ie are i.
_SOUND_FOLDS: tuple[tuple[str, str], ...] = (
    ("dzh", "j"),
    ("xh", "j"),
    ("gj", "j"),
    ("dj", "j"),
    ("ph", "f"),
    ("kh", "h"),
    ("gh", "g"),
    ("dh", "d"),
    ("ch", "k"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ie", "i"),
    ("w", "v"),
)
_INITIAL_VOWELS = {"o": "u", "e": "i"}  # Omar/Umar, Osman/Usman, Ebrahim/Ibrahim, Eyob/Iyob
_DOUBLED = re.compile(r"(.)\1+")
_VOWEL_RUN = re.compile(r"[aeiou]+")
SKELETON_MIN_LENGTH = 4  # letters: shorter names are compared letter by letter (Ali/Eli, Tuan/Toan)
SKELETON_KEY_MIN = 3  # consonants: a blocking key of fewer would join too many children


@lru_cache(maxsize=65536)
def spelt_as_said(norm: str) -> str:
    """A folded name written one way for each sound (Khalid, Halid → halid; Yonas, Jonas → jonas).

    Letters for one sound folded (`_SOUND_FOLDS`), a leading o or e read as u or i, a leading y as j, y after
    the first letter read as i (Tesfay/Tesfai), doubled letters single (Hassan/Hasan) and a final h after a
    vowel dropped (Hamzah/Hamza, Abdallah/Abdalla).
    """
    s = norm
    for old, new in _SOUND_FOLDS:
        s = s.replace(old, new)
    if s[:1] in _INITIAL_VOWELS:
        s = _INITIAL_VOWELS[s[0]] + s[1:]
    if s[:1] == "y":
        s = "j" + s[1:]
    s = s[:1] + s[1:].replace("y", "i")
    s = _DOUBLED.sub(r"\1", s)
    if len(s) > 2 and s.endswith("h") and s[-2] in "aeiou":
        s = s[:-1]
    return s


def consonant_key(norm: str) -> str:
    """The consonants of a name as said, its first letter kept (Mohammed, Muhamad, Mohamed → mhmd).

    A blocking key (`s:`): Arabic and Tigrinya spellings differ mostly in their vowels. It also joins
    different names (Mahmoud → mhmd), which the comparison then tells apart by where the vowels fall.
    """
    said = spelt_as_said(canonical(norm))
    return said[:1] + _VOWEL_RUN.sub("", said[1:])


def _vowel_classes(run: str) -> frozenset[str]:
    # a, i and u (o written for u); e is written for either a or i and agrees with both
    return frozenset(c for c, letters in (("a", "a"), ("i", "i"), ("u", "uo")) if any(x in run for x in letters))


@lru_cache(maxsize=262144)
def same_consonants(a: str, b: str) -> bool:
    """Same consonants in the same places, vowels that may be the same sound (Mohammed/Muhamad, Hussein/Husain).

    Names a letter apart in their vowels are different names when the vowels cannot be the same sound
    (Hassan/Hussein, Hamid/Hamad, Ali/Eli); names shorter than SKELETON_MIN_LENGTH are left alone.
    """
    if min(len(a), len(b)) < SKELETON_MIN_LENGTH:
        return False
    sa, sb = spelt_as_said(canonical(a)), spelt_as_said(canonical(b))
    if _VOWEL_RUN.sub(".", sa) != _VOWEL_RUN.sub(".", sb):
        return False
    for x, y in zip(_VOWEL_RUN.findall(sa), _VOWEL_RUN.findall(sb), strict=True):
        cx, cy = _vowel_classes(x), _vowel_classes(y)
        if cx and cy and not cx & cy:
            return False
    return True


# Kinds of agreement between two names, strongest first.
SAME = "same"
ACCENTS = "accents"  # same letters once diacritics are folded
TRANSLITERATION = "transliteration"
SPELT_AS_SAID = "spelt_as_said"  # the same once letters for one sound are folded (j/y, w/v, ph/f, kh/h, ou/u...)
SAME_CONSONANTS = "same_consonants"  # same consonants, vowels that may be one sound (Mohammed/Muhamad)
_TRANSLITERATED = frozenset({TRANSLITERATION, SPELT_AS_SAID, SAME_CONSONANTS})
SOUNDS_ALIKE = "sounds_alike"
SPELLING = "spelling"
PARTLY = "partly"
DIFFERENT = "different"
_AGREEING = frozenset({SAME, ACCENTS, TRANSLITERATION, SPELT_AS_SAID, SAME_CONSONANTS, SOUNDS_ALIKE, SPELLING})


@lru_cache(maxsize=262144)
def _norm_similarity(a: str, b: str, loose: bool = True) -> tuple[float, str]:
    """How alike two folded names are, and how. `loose` (not for Vietnamese names, a fixed set of short
    syllables where Tuan and Toan, Hung and Hong are different names) lets letters for one sound and vowels
    that may be one sound agree."""
    if a == b:
        return 1.0, SAME
    ca, cb = canonical(a), canonical(b)
    if ca == cb:
        return 0.97, TRANSLITERATION
    if loose and spelt_as_said(ca) == spelt_as_said(cb):
        return 0.96, SPELT_AS_SAID
    if loose and same_consonants(a, b):
        return max(0.93, JaroWinkler.similarity(a, b)), SAME_CONSONANTS
    # Compare as written and as the known spelling: a typo of a listed variant is far from the canonical.
    jw = max(JaroWinkler.similarity(a, b), JaroWinkler.similarity(ca, cb))
    edits = min(OSA.distance(a, b), OSA.distance(ca, cb))
    substituted = len(a) == len(b) and sorted(a) != sorted(b)  # a letter changed, not added, dropped or swapped
    if min(len(a), len(b)) <= SHORT_NAME and (edits > 1 or substituted or len(a) <= 3 or len(b) <= 3):
        # Short names that differ by a changed letter are usually different names (Tran/Tram,
        # Thanh/Thang, Tuan/Toan): at best partly similar.
        return jw, PARTLY if edits <= 1 and a[0] == b[0] else DIFFERENT
    if edits <= 1:
        return max(jw, SPELLING_STRONG), SPELLING  # one slip: a dropped, doubled, swapped or wrong letter
    if jw >= SOUNDS_ALIKE_FLOOR and sound_key(a) == sound_key(b):
        return max(jw, SPELLING_STRONG), SOUNDS_ALIKE
    if jw >= SPELLING_STRONG:
        return jw, SPELLING
    if jw >= SPELLING_WEAK:
        return jw, PARTLY
    return jw, DIFFERENT


def token_similarity(a: Token, b: Token, loose: bool = True) -> tuple[float, str]:
    similarity, kind = _norm_similarity(a.norm, b.norm, loose)
    if kind == SAME and a.shown.casefold() != b.shown.casefold():
        kind = ACCENTS if anyascii(a.shown) != a.shown or anyascii(b.shown) != b.shown else SAME
    return similarity, kind


@dataclass(frozen=True)
class TokenPair:
    a: Token
    b: Token
    similarity: float
    kind: str


@dataclass(frozen=True)
class FieldMatch:
    """How alike two name parts are (e.g. two records' given names)."""

    similarity: float
    kind: str  # the weakest kind among the matched tokens (or of the joined name)
    pairs: tuple[TokenPair, ...]
    unmatched: tuple[Token, ...]  # informative tokens one record has and the other lacks
    primary_agrees: bool = True  # the names each record is called by are paired and agree (see _primary)

    @property
    def share_keys(self) -> tuple[str, ...]:
        """The phonetic keys of this record's informative paired names, whose shares weigh an agreement."""
        return tuple("n:" + sound_key(p.a.norm) for p in self.pairs if p.a.informative)


_KIND_ORDER = (
    SAME,
    ACCENTS,
    TRANSLITERATION,
    SPELT_AS_SAID,
    SAME_CONSONANTS,
    SOUNDS_ALIKE,
    SPELLING,
    PARTLY,
    DIFFERENT,
)


def _weakest(kinds: Iterable[str]) -> str:
    return max(kinds, key=_KIND_ORDER.index, default=DIFFERENT)


def _primary(tokens_: Sequence[Token], vietnamese: bool) -> Token:
    """The name a person is called by: the first given name, or the last for Vietnamese names."""
    informative = [t for t in tokens_ if t.informative] or list(tokens_)
    return informative[-1] if vietnamese else informative[0]


def field_similarity(a: Sequence[Token], b: Sequence[Token], *, vietnamese: bool = False) -> FieldMatch | None:
    """Compare two name parts token by token (best pairing) and as joined strings; None if one is empty."""
    if not a or not b:
        return None
    if len(a) == 1 and len(b) == 1:
        # One name on each side, the commonest case: joined, they are themselves.
        similarity, kind = token_similarity(a[0], b[0], not vietnamese)
        return FieldMatch(similarity, kind, (TokenPair(a[0], b[0], similarity, kind),), ())
    joined_a = Token(written(a), "".join(t.norm for t in a))
    joined_b = Token(written(b), "".join(t.norm for t in b))
    loose = not vietnamese
    joined_sim, joined_kind = token_similarity(joined_a, joined_b, loose)
    joined = FieldMatch(joined_sim, joined_kind, (TokenPair(joined_a, joined_b, joined_sim, joined_kind),), ())
    if len(a) == len(b) and joined_kind not in {SAME, ACCENTS, TRANSLITERATION, SPELT_AS_SAID}:
        # Joining helps only when one record writes as one word what the other splits (Abdul Rahman).
        joined = FieldMatch(0.0, DIFFERENT, (), ())
    ia = [t for t in a if t.informative] or list(a)
    ib = [t for t in b if t.informative] or list(b)
    swap = len(ia) > len(ib)
    short, long = (ib, ia) if swap else (ia, ib)
    pairs: list[TokenPair] = []
    used: set[int] = set()
    for t in short:
        best = None
        for j, u in enumerate(long):
            if j in used:
                continue
            sim, kind = token_similarity(u, t, loose) if swap else token_similarity(t, u, loose)
            if best is None or sim > best[0]:
                best = (sim, kind, j, u)
        if best is None:
            continue
        sim, kind, j, u = best
        used.add(j)
        pairs.append(TokenPair(u, t, sim, kind) if swap else TokenPair(t, u, sim, kind))
    unmatched = tuple(u for j, u in enumerate(long) if j not in used)
    similarity = sum(p.similarity for p in pairs) / len(pairs)
    if unmatched:
        similarity *= NAME_MISSING_PART
    primary_a, primary_b = _primary(a, vietnamese), _primary(b, vietnamese)
    primary_agrees = any(p.a is primary_a and p.b is primary_b and p.kind in _AGREEING for p in pairs)
    token_match = FieldMatch(similarity, _weakest(p.kind for p in pairs), tuple(pairs), unmatched, primary_agrees)
    token_agrees = not unmatched and all(p.kind in _AGREEING for p in pairs)
    return joined if joined.kind in _AGREEING and not token_agrees else token_match


@dataclass(frozen=True)
class FieldOutline:
    """What the points of a name part's comparison need of a `FieldMatch`, without the tokens as written."""

    kinds: tuple[str, ...]  # of the paired names, SAME where the names differ only in accents (scored alike)
    unmatched: bool
    primary_agrees: bool
    share_keys: tuple[str, ...]  # as `FieldMatch.share_keys`
    agrees: bool  # every pair agrees (`_AGREEING`)
    different: bool  # some pair is DIFFERENT


@lru_cache(maxsize=32768)  # kept across searches (the names of a register recur); bounded: tens of megabytes
def field_outline(a: tuple[str, ...], b: tuple[str, ...], vietnamese: bool) -> FieldOutline | None:
    """`field_similarity` of two name parts given by their folded names, in outline (None if one is empty).

    How the names were written changes only "same" into "same but for accents" (`token_similarity`), which score
    alike and pair alike, so the folded names decide the points. The same steps as `field_similarity`, on the
    folded names by position, without building tokens and pairs (test: `test_linkage_perf_outline`).
    """
    if not a or not b:
        return None
    loose = not vietnamese
    if len(a) == 1 and len(b) == 1:  # one name on each side, the commonest case: joined, they are themselves
        kind = _norm_similarity(a[0], b[0], loose)[1]
        keys = ("n:" + sound_key(a[0]),) if a[0] not in LOW_INFORMATION_TOKENS else ()
        return FieldOutline((kind,), False, True, keys, kind in _AGREEING, kind == DIFFERENT)
    joined_a = "".join(a)
    joined_kind = _norm_similarity(joined_a, "".join(b), loose)[1]
    # Joining helps only when one record writes as one word what the other splits (Abdul Rahman).
    joined_agrees = joined_kind in _AGREEING and (
        len(a) != len(b) or joined_kind in {SAME, ACCENTS, TRANSLITERATION, SPELT_AS_SAID}
    )
    ia = [i for i, n in enumerate(a) if n not in LOW_INFORMATION_TOKENS] or list(range(len(a)))
    ib = [j for j, n in enumerate(b) if n not in LOW_INFORMATION_TOKENS] or list(range(len(b)))
    swap = len(ia) > len(ib)
    short, long = (ib, ia) if swap else (ia, ib)
    pairs: list[tuple[int, int, str]] = []  # (position in a, position in b, kind)
    used: set[int] = set()
    for t in short:
        best = None
        for j, u in enumerate(long):
            if j in used:
                continue
            sim, kind = _norm_similarity(a[u], b[t], loose) if swap else _norm_similarity(a[t], b[u], loose)
            if best is None or sim > best[0]:
                best = (sim, kind, j, u)
        if best is None:
            continue
        _, kind, j, u = best
        used.add(j)
        pairs.append((u, t, kind) if swap else (t, u, kind))
    unmatched = len(used) < len(long)
    kinds = tuple(kind for _, _, kind in pairs)
    agrees = all(k in _AGREEING for k in kinds)
    if joined_agrees and not (not unmatched and agrees):
        keys = ("n:" + sound_key(joined_a),) if joined_a not in LOW_INFORMATION_TOKENS else ()
        return FieldOutline((joined_kind,), False, True, keys, True, False)
    primary_a, primary_b = (ia[-1], ib[-1]) if vietnamese else (ia[0], ib[0])  # `_primary`
    return FieldOutline(
        kinds,
        unmatched,
        any(i == primary_a and j == primary_b and k in _AGREEING for i, j, k in pairs),
        tuple("n:" + sound_key(a[i]) for i, _, _ in pairs if a[i] not in LOW_INFORMATION_TOKENS),
        bool(kinds) and agrees,
        DIFFERENT in kinds,
    )


# ---------------------------------------------------------------------------------------------------
# Profiles: what is compared, built from a child record and its referrals (or from generated data)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    given: tuple[Token, ...]
    family: tuple[Token, ...]
    source: str = ""  # "" for the record's own name; otherwise where the alias was recorded
    written: str = ""  # the name exactly as entered (hyphens and all); tokens alone would lose them
    referral: str = ""  # the reference of the referral an alias was given on (for pages to say it in their language)

    @property
    def shown(self) -> str:
        return self.written or " ".join(t.shown for t in (*self.given, *self.family))

    @property
    def all_tokens(self) -> tuple[Token, ...]:
        return (*self.given, *self.family)

    # The folded names, kept with the name: a search compares each candidate's parts by them (`PointsScorer`), and
    # tuples of strings hash at C speed where tuples of tokens would each be hashed in Python.
    @cached_property
    def given_norms(self) -> tuple[str, ...]:
        return tuple(t.norm for t in self.given)

    @cached_property
    def family_norms(self) -> tuple[str, ...]:
        return tuple(t.norm for t in self.family)

    @cached_property
    def informative_norms(self) -> tuple[str, ...]:
        """The folded names of all its informative tokens, given and family (for names regrouped)."""
        return tuple(t.norm for t in self.all_tokens if t.informative)


def make_name(given_names: str, family_name: str, source: str = "") -> Name:
    written = " ".join(p for p in ((given_names or "").strip(), (family_name or "").strip()) if p)
    return Name(tokens(given_names), tokens(family_name), source, written)


@dataclass(frozen=True)
class Profile:
    id: int
    reference: str
    names: tuple[Name, ...]
    date_of_birth: date | None = None
    date_of_birth_estimated: bool = False
    # (years, date the age was given) from a referral without a date of birth
    estimated_age: tuple[int, date] | None = None
    sex: str = ""
    nationalities: frozenset[str] = field(default_factory=frozenset)
    # the local authority the child lives in: a key (PLACE_KEY_PREFIX + its id) and its name for the words
    local_authority: str = ""
    local_authority_name: str = ""
    # keys of the NHS numbers and Home Office references its referrals give (`identifier_keys`)
    identifiers: frozenset[str] = field(default_factory=frozenset)

    @property
    def place_key(self) -> str:
        return PLACE_KEY_PREFIX + self.local_authority if self.local_authority else ""

    @property
    def birth_year(self) -> tuple[int | None, bool]:
        """(year, estimated): from the date of birth, else from an estimated age."""
        if self.date_of_birth is not None:
            return self.date_of_birth.year, self.date_of_birth_estimated
        approx = self.approximate_birth_date
        return (approx.year, True) if approx else (None, True)

    @property
    def birth_text(self) -> str:
        """The date of birth or estimated age, as the pages show it."""
        if self.date_of_birth is not None:
            return _long_date(self.date_of_birth) + (" (estimated)" if self.date_of_birth_estimated else "")
        if self.estimated_age is not None:
            years, on = self.estimated_age
            return f"Not known: estimated age {years} on {_long_date(on)}"
        return "Not known"

    @property
    def nationalities_shown(self) -> str:
        return ", ".join(sorted(self.nationalities))

    @property
    def main_name(self) -> Name:
        return self.names[0]

    @property
    def aliases(self) -> tuple[Name, ...]:
        return self.names[1:]

    @property
    def approximate_birth_date(self) -> date | None:
        if self.estimated_age is None:
            return None
        years, on = self.estimated_age
        # Someone "15" on a date was born between 15 and 16 years before it: take the middle.
        return on - timedelta(days=round(365.25 * (years + 0.5)))


def profile_from_values(
    *,
    id: int,
    reference: str,
    given_names: str,
    family_name: str,
    date_of_birth: date | None,
    date_of_birth_estimated: bool,
    sex: str,
    nationalities: Iterable[str] | None,
    referrals: Iterable[tuple[str, Any, int | None, Any]] = (),
    local_authority: Any = None,
    local_authority_name: str = "",
    nhs_numbers: Iterable[str] = (),
    home_office_references: Iterable[str] = (),
) -> Profile:
    """A profile from plain values; `referrals` are (reference, aliases, estimated age, when referred);
    `local_authority`, the id of the area the child lives in; `nhs_numbers` and `home_office_references`, as the
    child's referrals give them."""
    names = [make_name(given_names, family_name)]
    estimated_age = None
    for referral_reference, aliases, age, referred_at in referrals:
        for alias in aliases or []:
            if not isinstance(alias, Mapping):
                continue
            name = make_name(str(alias.get("given_names") or ""), str(alias.get("family_name") or ""))
            if name.all_tokens:
                names.append(
                    Name(
                        name.given,
                        name.family,
                        f"an alias on referral {referral_reference}",
                        name.written,
                        referral=referral_reference,
                    )
                )
        if age is not None and estimated_age is None and referred_at is not None:
            on = referred_at.date() if hasattr(referred_at, "date") else referred_at
            estimated_age = (age, on)
    return Profile(
        id=id,
        reference=reference,
        names=tuple(n for n in names if n.all_tokens) or (names[0],),
        date_of_birth=date_of_birth,
        date_of_birth_estimated=date_of_birth_estimated,
        estimated_age=estimated_age if date_of_birth is None else None,
        sex=sex if sex in {"female", "male"} else "",
        nationalities=frozenset(str(n).upper() for n in (nationalities or []) if n),
        local_authority=str(local_authority) if local_authority else "",
        local_authority_name=local_authority_name or "",
        identifiers=identifier_keys(nhs_numbers, home_office_references),
    )


_HOME_OFFICE_TOKEN = re.compile(r"[A-Z0-9]+(?:[/-][A-Z0-9]+)*")
_DIGITS_SPACED = re.compile(r"(?<=\d)[\s-]+(?=\d)")
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")  # "claimed 12/03/2024": a date, not a reference


def nhs_number_key(stored: str) -> str:
    """The key of an NHS number as a referral keeps it (10 digits: `referrals.identifiers` checks and normalises it
    on the way in), or "" for anything else."""
    return NHS_KEY + stored if len(stored) == 10 and stored.isdigit() else ""


def home_office_keys(text: str) -> set[str]:
    """The keys of the reference numbers in a Home Office reference as written ("Port reference EDD/1234567",
    "UAN 1234-5678-9012-3456"): each run of letters and digits (joined by / or -, digits by spaces) holding at
    least HOME_OFFICE_MIN_DIGITS digits, upper case, without its separators. The words around them are left."""
    if not text:
        return set()  # most referrals give none: no regex for them on the search's path
    text = _DIGITS_SPACED.sub("", _DATE.sub(" ", text.upper()))
    keys = set()
    for token in _HOME_OFFICE_TOKEN.findall(text):
        plain = token.replace("/", "").replace("-", "")  # str methods: a search reads a hundred candidates' references
        if sum(map(str.isdigit, plain)) >= HOME_OFFICE_MIN_DIGITS:
            keys.add((HOME_OFFICE_KEY + plain)[:KEY_MAX_LENGTH])
    return keys


def identifier_keys(nhs_numbers: Iterable[str], home_office_references: Iterable[str]) -> frozenset[str]:
    keys = {nhs_number_key(n) for n in nhs_numbers} - {""}
    for reference in home_office_references:
        keys |= home_office_keys(reference)
    return frozenset(keys)


# ---------------------------------------------------------------------------------------------------
# Blocking keys
# ---------------------------------------------------------------------------------------------------

KEY_MAX_LENGTH = 64


def blocking_keys(profile: Profile) -> set[str]:
    """The keys a record is found by: a phonetic key (`n:`) per name token and joined name part, the
    consonants of each token as said (`s:`, for transliterations the phonetic key splits), the date, and its
    identifiers (`i:`, an NHS number or Home Office reference).

    Low-information tokens (al, bin, Van, Thi) are left out: they would join unrelated children.
    """
    keys: set[str] = set()
    for name in profile.names:
        for part in (name.given, name.family):
            for token in part:
                if token.informative and len(token.norm) > 1:
                    keys.add("n:" + sound_key(token.norm))
                    consonants = consonant_key(token.norm)
                    if len(consonants) >= SKELETON_KEY_MIN:
                        keys.add("s:" + consonants)  # Mohammed, Muhamad and Mohamed share "s:mhmd"
            if len(part) > 1:
                keys.add("n:" + sound_key("".join(t.norm for t in part)))
    dob = profile.date_of_birth
    if dob is not None and not profile.date_of_birth_estimated:
        low, high = sorted((dob.month, dob.day))
        keys.add(f"d:{dob.year}-{low:02d}-{high:02d}")  # the same key for day and month swapped
        # Day and month with each name: finds a mistyped year, searched without the birth-year limit.
        # (`x:MMDD:NYSIIS` as before for phonetic keys, so keys already stored stay valid; `x:MMDD:s:...`)
        keys |= {f"x:{low:02d}{high:02d}:{k[2:] if k.startswith('n:') else k}" for k in keys if k[:2] in {"n:", "s:"}}
    keys |= profile.identifiers  # an NHS number or Home Office reference finds the child whatever else differs
    return {k[:KEY_MAX_LENGTH] for k in keys if len(k) > 2}


def stored_keys(profile: Profile) -> set[str]:
    """The keys kept for a record: its blocking keys, and its area (`Profile.place_key`). The area finds no
    candidate (a search would join every child of a town); it is kept so that the count of its holders, read with
    the others, weighs a shared area by how many live there."""
    return blocking_keys(profile) | ({profile.place_key} if profile.place_key else set())


def any_year(key: str) -> bool:
    """Keys searched whatever the birth year: those carrying day and month themselves, and identifiers."""
    return key.startswith(("x:", IDENTIFIER_KEY_PREFIX))


def years_compatible(year: int | None, estimated: bool, other_year: int | None, other_estimated: bool) -> bool:
    """Whether two birth years are close enough to compare the records (the database query does the same)."""
    if year is None or other_year is None:
        return True
    tolerance = YEAR_TOLERANCE_ESTIMATED if estimated or other_estimated else YEAR_TOLERANCE
    return abs(year - other_year) <= tolerance


# ---------------------------------------------------------------------------------------------------
# Comparison with evidence
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nationalities:
    """Nationality codes in a reason: English names them by code, a page by name in the reader's language."""

    codes: tuple[str, ...]


@dataclass(frozen=True)
class SexRecorded:
    """A recorded sex ("female", "male") in a reason: a page says it in the reader's language."""

    code: str


@dataclass(frozen=True)
class Said:
    """A reason as its wording (an English template, marked for the catalogue) and the values it names.

    `english()` is the reason as stored with a decision; `people.linkage_reasons` says it in the reader's language.
    Values are text, dates, `Nationalities`, `SexRecorded`, another `Said`, or a tuple of `Said`s (a list of
    phrases, joined by semicolons).
    """

    message: str
    values: tuple[tuple[str, Any], ...] = ()

    def english(self) -> str:
        return self.message % {name: _english(value) for name, value in self.values}

    def as_json(self) -> dict[str, Any]:
        """A phrase of plain words as kept with a possible earlier record (its values are text or phrases)."""
        return {
            "message": self.message,
            "values": {k: v.as_json() if isinstance(v, Said) else str(v) for k, v in self.values},
        }

    @classmethod
    def from_json(cls, kept: dict[str, Any] | str) -> Said:
        """A kept phrase; plain text, as records found before 2026-12-07 keep their words, is its own wording."""
        if isinstance(kept, str):
            return cls(kept)
        values = kept.get("values", {})
        return say(kept["message"], **{k: cls.from_json(v) if isinstance(v, dict) else v for k, v in values.items()})


def say(message: str, **values: Any) -> Said:
    return Said(message, tuple(values.items()))


def _english(value: Any) -> str:
    if isinstance(value, Said):
        return value.english()
    if isinstance(value, tuple):
        return "; ".join(_english(v) for v in value)
    if isinstance(value, date):
        return _long_date(value)
    if isinstance(value, Nationalities):
        return ", ".join(value.codes)
    if isinstance(value, SexRecorded):
        return value.code
    return str(value)


@dataclass(frozen=True)
class Evidence:
    feature: str  # "name", "date_of_birth", "sex", "nationality", "local_authority", "identifier"
    points: float
    said: Said  # the detail as wording and values, for a page in the reader's language
    # The same in a few plain words, for a line of evidence at triage ("day and month of birth swapped"), as
    # phrases for the reader's language; none when not worth a place there (agreement on sex says little).
    phrases: tuple[Said, ...] = ()

    @classmethod
    def of(cls, feature: str, points: float, said: Said, words: str | Said | tuple[Said, ...] = "") -> Evidence:
        """`words`: a phrase's wording (marked for the catalogue), a phrase with values, or several phrases."""
        if isinstance(words, str):
            phrases: tuple[Said, ...] = (Said(words),) if words else ()
        elif isinstance(words, Said):
            phrases = (words,)
        else:
            phrases = words
        return cls(feature, points, said, phrases)

    @cached_property
    def words(self) -> str:
        """The plain words in English ("same date of birth; date of birth may be a placeholder (1 January)")."""
        return "; ".join(p.english() for p in self.phrases)

    @cached_property
    def text(self) -> str:
        """The detail in English, with the values compared ("Dates of birth 4 March 2011 and 3 April 2011: ..."),
        as kept with a decision. Worded when first read: a search scores many candidates it never shows."""
        return self.said.english()

    def as_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "points": round(self.points, 2), "text": self.text, "words": self.words}


@dataclass(frozen=True)
class Match:
    a: Profile
    b: Profile
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def strength(self) -> str:
        return "Strong" if self.score >= STRONG_MATCH else "Possible"

    @property
    def evidence_for(self) -> list[Evidence]:
        return [e for e in self.evidence if e.points > 0]

    @property
    def evidence_against(self) -> list[Evidence]:
        return [e for e in self.evidence if e.points < 0]

    @property
    def evidence_notes(self) -> list[Evidence]:
        return [e for e in self.evidence if e.points == 0]

    def evidence_dicts(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.evidence]

    @property
    def in_phrases(self) -> list[Said]:
        """The evidence in plain words: identifiers first, then date of birth, names, sex, nationality and area; no
        score."""
        order = {"identifier": -1, "date_of_birth": 0, "name": 1, "sex": 2, "nationality": 3, "local_authority": 4}
        ranked = sorted(self.evidence, key=lambda e: order.get(e.feature, 9))  # stable: names keep their order
        return list(dict.fromkeys(p for e in ranked for p in e.phrases))

    @property
    def in_words(self) -> list[str]:
        """`in_phrases` in English."""
        return [p.english() for p in self.in_phrases]

    def phrases_kept(self) -> list[dict[str, Any]]:
        """`in_phrases` as kept with a possible earlier record, to be said in the language of the page reading it."""
        return [p.as_json() for p in self.in_phrases]


# ---------------------------------------------------------------------------------------------------
# Trained weights (ADR 0029): a model trained on the service's own records replaces the hand-set points
# ---------------------------------------------------------------------------------------------------

# The probability of the same child at which a pair reaches MATCH_THRESHOLD when weights are trained: the
# threshold favours recall (a missed duplicate is two cases for one child; a false candidate, a glance).
TRAINED_MATCH_PROBABILITY = 0.2
# Bounds on the adjustment for how common a name is (Splink's term-frequency adjustment), in bits.
TF_ADJUST_DOWN = -6.0
TF_ADJUST_UP = 2.0


@dataclass(frozen=True)
class TrainedWeights:
    """The match weights of a trained model (`people.models.LinkageModel`), by comparison level.

    `weights` maps a level ("given:same", "date_of_birth:swapped"...) to log2(m/u); `u` maps it to u, for
    the adjustment by how common a name is. Levels a model lacks keep their hand-set points.
    """

    weights: Mapping[str, float]
    u: Mapping[str, float]
    probability_two_random_records_match: float
    records: int
    label: str = ""  # "trained 4 December 2026 on 19,618 records", for the evidence
    trained_on: date | None = None  # the day it was trained, for the evidence in the reader's language

    def prior(self, searched: int) -> float:
        """Log2 prior odds of the same child, for one record against `searched` others.

        A child has about as many other records whatever the size of the register, so the chance that a
        pair picked at random is of the same child falls as the number of children searched grows.
        """
        chance = self.probability_two_random_records_match * self.records / max(searched, 1)
        chance = min(max(chance, 1e-12), 0.5)
        return math.log2(chance / (1 - chance))

    def prior_points(self, searched: int) -> float:
        """The prior in points: a pair at TRAINED_MATCH_PROBABILITY scores MATCH_THRESHOLD."""
        p = TRAINED_MATCH_PROBABILITY
        return self.prior(searched) + MATCH_THRESHOLD - math.log2(p / (1 - p))

    def name_frequency(self, level: str, share: float | None) -> float:
        """Bits added for how common the name is (Splink's term-frequency adjustment: u against its frequency)."""
        u = self.u.get(level)
        if not share or not u:
            return 0.0
        return min(max(math.log2(u / share), TF_ADJUST_DOWN), TF_ADJUST_UP)


NAME_LEVELS = ("same", "said", "consonants", "spelling", "partly", "different")


def name_level(kinds: Sequence[str]) -> str:
    """A name part's comparison level as the trained model has it (the weakest kind of its tokens)."""
    if not kinds or DIFFERENT in kinds:
        return "different"
    if PARTLY in kinds:
        return "partly"
    if all(k in {SAME, ACCENTS} for k in kinds):
        return "same"
    if all(k in {SAME, ACCENTS, TRANSLITERATION, SPELT_AS_SAID} for k in kinds):
        return "said"
    if all(k in _TRANSLITERATED | {SAME, ACCENTS} for k in kinds):
        return "consonants"
    return "spelling"


def is_placeholder_date(d: date, estimated: bool) -> bool:
    """A 1 January, a 1st of the month or a date flagged as estimated: agreement on it says less."""
    return estimated or d.day == 1


def date_level(a: Profile, b: Profile) -> str | None:
    """The dates of birth's comparison level as the trained model has it (the same levels as its SQL)."""
    x, y = a.date_of_birth, b.date_of_birth
    if x is None or y is None:
        return None
    placeholder = is_placeholder_date(x, a.date_of_birth_estimated) or is_placeholder_date(y, b.date_of_birth_estimated)
    if x == y:
        return "same_placeholder" if placeholder else "same"
    if x.year == y.year and x.day == y.month and x.month == y.day:
        return "swapped"
    if (x.month, x.day) == (y.month, y.day) and abs(x.year - y.year) == 1:
        return "year_apart"
    if abs((x - y).days) <= 31:
        return "close"
    if placeholder:
        return "placeholder_other"
    return "same_year" if x.year == y.year else "different"


def _trained_points(e: Evidence, level: str | None, trained: TrainedWeights) -> Evidence:
    if level is None or level not in trained.weights:
        return e
    return replace(e, points=round(trained.weights[level], 2))


def evidence_line(words: Sequence[str]) -> str:
    """Plain-word evidence as one line: "Same date of birth; surname spelt differently; same nationality"."""
    line = "; ".join(words)
    return line[:1].upper() + line[1:]


def _long_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


# "Given name: <phrases>", one part's comparison, in the singular (one pair) or the plural.
_PART_WORDS = {
    "given": (gettext_noop("Given name: %(phrases)s"), gettext_noop("Given names: %(phrases)s")),
    "family": (gettext_noop("Family name: %(phrases)s"), gettext_noop("Family names: %(phrases)s")),
    "all": (gettext_noop("Name: %(phrases)s"), gettext_noop("Names: %(phrases)s")),
}
# How each pair of names compares: a is this record's, b the other's.
_PAIR_WORDS = {
    SAME: gettext_noop("'%(a)s' is the same"),
    ACCENTS: gettext_noop("'%(a)s' and '%(b)s' are the same name written with and without accents"),
    TRANSLITERATION: gettext_noop("'%(b)s' is a known transliteration of '%(a)s'"),
    SPELT_AS_SAID: gettext_noop("'%(b)s' is '%(a)s' transliterated differently (the same sounds in other letters)"),
    SAME_CONSONANTS: gettext_noop(
        "'%(b)s' may be a transliteration of '%(a)s' (the same consonants, vowels written differently)"
    ),
    SOUNDS_ALIKE: gettext_noop("'%(b)s' sounds like '%(a)s' (similarity %(similarity)s)"),
    SPELLING: gettext_noop("'%(b)s' is a spelling variant of '%(a)s' (similarity %(similarity)s)"),
    PARTLY: gettext_noop("'%(a)s' and '%(b)s' are partly similar (similarity %(similarity)s)"),
    DIFFERENT: gettext_noop("'%(a)s' and '%(b)s' differ (similarity %(similarity)s)"),
}


def _describe_field(part: str, match: FieldMatch) -> Said:
    label, plural = _PART_WORDS[part]
    phrases = []
    for p in match.pairs:
        wording = _PAIR_WORDS.get(p.kind, _PAIR_WORDS[DIFFERENT])
        values = {"a": p.a.shown, "b": p.b.shown}
        if "%(similarity)s" in wording:
            values["similarity"] = f"{p.similarity:.2f}"
        phrases.append(say(wording, **values))
    if match.unmatched:
        extra = ", ".join(f"'{t.shown}'" for t in match.unmatched)
        phrases.append(say(gettext_noop("%(names)s only in one record"), names=extra))
    subject = label if len(match.pairs) == 1 and not match.unmatched else plural
    return say(subject, phrases=tuple(phrases))


_GIVEN_ONLY = gettext_noop("Only the given names could be compared: one record has no family name")
_NOT_CALLED_BY = gettext_noop("%(reason)s (not the name each is called by)")
_COMMON_NAME = gettext_noop("%(reason)s (a common name here: %(share)s of records)")
_RARE_NAME = gettext_noop("%(reason)s (a rare name here: %(share)s of records)")
_REGISTER_PRIOR = gettext_noop(
    "%(searched)s children searched: the more children, the likelier that two different children's details agree"
)


# One name part's agreement in plain words, each whole phrase for the catalogue (a page says them in its language,
# `linkage_reasons.evidence_line`): (part, several names) -> level -> words.
_NAME_PART_WORDS: dict[tuple[str, bool], dict[str, str]] = {
    ("given", False): {
        "different": gettext_noop("different given name"),
        "partly": gettext_noop("given name partly alike"),
        "same": gettext_noop("same given name"),
        "accents": gettext_noop("same given name, written without accents in one record"),
        "transliteration": gettext_noop("given name spelt differently (transliteration)"),
        "spelt": gettext_noop("given name spelt differently"),
    },
    ("given", True): {
        "different": gettext_noop("different given names"),
        "partly": gettext_noop("given names partly alike"),
        "same": gettext_noop("same given names"),
        "accents": gettext_noop("same given names, written without accents in one record"),
        "transliteration": gettext_noop("given names spelt differently (transliteration)"),
        "spelt": gettext_noop("given names spelt differently"),
    },
    ("family", False): {
        "different": gettext_noop("different surname"),
        "partly": gettext_noop("surname partly alike"),
        "same": gettext_noop("same surname"),
        "accents": gettext_noop("same surname, written without accents in one record"),
        "transliteration": gettext_noop("surname spelt differently (transliteration)"),
        "spelt": gettext_noop("surname spelt differently"),
    },
    ("family", True): {
        "different": gettext_noop("different surnames"),
        "partly": gettext_noop("surnames partly alike"),
        "same": gettext_noop("same surnames"),
        "accents": gettext_noop("same surnames, written without accents in one record"),
        "transliteration": gettext_noop("surnames spelt differently (transliteration)"),
        "spelt": gettext_noop("surnames spelt differently"),
    },
    ("all", False): {
        "different": gettext_noop("different name"),
        "partly": gettext_noop("name partly alike"),
        "same": gettext_noop("same name"),
        "accents": gettext_noop("same name, written without accents in one record"),
        "transliteration": gettext_noop("name spelt differently (transliteration)"),
        "spelt": gettext_noop("name spelt differently"),
    },
    ("all", True): {
        "different": gettext_noop("different names"),
        "partly": gettext_noop("names partly alike"),
        "same": gettext_noop("same names"),
        "accents": gettext_noop("same names, written without accents in one record"),
        "transliteration": gettext_noop("names spelt differently (transliteration)"),
        "spelt": gettext_noop("names spelt differently"),
    },
}
# A name part's words when one record has a name more, and when the name is common.
ANOTHER_NAME_WORDS = {
    "given": gettext_noop("%(words)s, with another given name in one record only"),
    "family": gettext_noop("%(words)s, with another surname in one record only"),
    "all": gettext_noop("%(words)s, with another name in one record only"),
}
COMMON_NAME_WORDS = gettext_noop("%(words)s (a common name here)")
_NOT_CALLED_BY_WORDS = gettext_noop("a given name shared, but not the one each is called by")


def _field_words(part: str, match: FieldMatch, kinds: Sequence[str]) -> Said:
    """One name part's agreement in plain words: "same surname", "given name spelt differently"."""
    phrases = _NAME_PART_WORDS[(part, not (len(match.pairs) <= 1 and not match.unmatched))]
    if not kinds or any(k == DIFFERENT for k in kinds):
        words = phrases["different"]
    elif any(k == PARTLY for k in kinds):
        words = phrases["partly"]
    elif all(k == SAME for k in kinds):
        words = phrases["same"]
    elif all(k in {SAME, ACCENTS} for k in kinds):
        words = phrases["accents"]
    elif all(k in _TRANSLITERATED | {SAME, ACCENTS} for k in kinds):
        words = phrases["transliteration"]
    else:
        words = phrases["spelt"]
    if match.unmatched and kinds and not any(k == DIFFERENT for k in kinds):
        return say(ANOTHER_NAME_WORDS[part], words=Said(words))
    return Said(words)


def _field_points(
    part: str, match: FieldMatch, common: Mapping[str, float], trained: TrainedWeights | None = None
) -> tuple[float, Said, Said]:
    """Points for one name part: every token agreeing is a match; any token plainly different counts against.

    Returns the points, the detail and the plain words.
    """
    text = _describe_field(part, match)
    kinds = [p.kind for p in match.pairs]
    words = _field_words(part, match, kinds)
    if trained is not None and part != "all" and f"{part}:same" in trained.weights:
        return _trained_field_points(part, match, common, trained, kinds, text, words, _PART_POINTS[part])
    points, not_called_by, share = _hand_set_field_points(part, match, common, kinds)
    if not_called_by:
        return points, say(_NOT_CALLED_BY, reason=text), Said(_NOT_CALLED_BY_WORDS)
    if share is not None and share > COMMON_NAME_SHARE:
        text = say(_COMMON_NAME, reason=text, share=_percent(share))
        words = say(COMMON_NAME_WORDS, words=words)
    elif share is not None and share < RARE_NAME_SHARE:
        text = say(_RARE_NAME, reason=text, share=_percent(share))
    return points, text, words


# The hand-set points of a name part, (same, variant, weak, different): the given names, the family names, and both
# compared as one ("all": regrouped names).
_GIVEN_POINTS = (GIVEN_SAME, GIVEN_VARIANT, GIVEN_WEAK, GIVEN_DIFFERENT)
_FAMILY_POINTS = (FAMILY_SAME, FAMILY_VARIANT, FAMILY_WEAK, FAMILY_DIFFERENT)
_PART_POINTS: dict[str, tuple[float, float, float, float]] = {
    "given": _GIVEN_POINTS,
    "family": _FAMILY_POINTS,
    "all": tuple(g + f for g, f in zip(_GIVEN_POINTS, _FAMILY_POINTS, strict=True)),  # type: ignore[dict-item]
}


def _hand_set_field_points(
    part: str, match: FieldMatch | FieldOutline, common: Mapping[str, float], kinds: Sequence[str]
) -> tuple[float, bool, float | None]:
    """`_field_points`'s points without its words (which a search's rejected candidates never need): the points,
    whether a given name is shared that is not the one each is called by, and the name's share when it counted."""
    same, variant, weak, different = _PART_POINTS[part]
    if not kinds:
        return different, False, None
    differing = sum(1 for k in kinds if k == DIFFERENT)
    if differing:
        # A shared middle name does not make two different first names agree (siblings share them).
        return different * differing / len(kinds), False, None
    if any(k == PARTLY for k in kinds):
        return weak, False, None
    if part == "given" and not match.primary_agrees:
        # "Minh Nam" and "Văn Minh" share a name, but not the one either child is called by.
        return weak, True, None
    points = same if all(k in {SAME, ACCENTS} for k in kinds) else variant
    if match.unmatched:
        points -= same - variant  # a name part only one record has: as good as a variant, not the same
    # Agreement on a name many children share is weaker evidence, on one few share stronger: by the name's own share.
    share = _name_share(match, common)
    if share is None:
        return points, False, None
    return round(points + name_frequency_points(share), 2), False, share


def _name_share(match: FieldMatch | FieldOutline, shares: Mapping[str, float]) -> float | None:
    """The share of the children holding the rarest of this record's agreeing names (its phonetic key), if known."""
    known = [shares[k] for k in match.share_keys if k in shares]
    return min(known) if known else None


def name_frequency_points(share: float) -> float:
    """Points an agreeing name gains (rare) or loses (common) for the share of the children holding it."""
    bits = math.log2(TYPICAL_NAME_SHARE / max(share, 1e-9))
    return min(max(NAME_FREQUENCY_POINTS * bits, NAME_FREQUENCY_LEAST), NAME_FREQUENCY_MOST)


def _percent(share: float) -> str:
    return f"{share:.0%}" if share >= 0.01 else f"{100 * share:.2g}%"


def max_candidates(searched: int, base: int = MAX_CANDIDATES) -> int:
    """How many blocked candidates are scored in a register of `searched` children.

    `base` up to REGISTER_REFERENCE children, then growing with the square root of the register (the children who
    share only a common name with a record grow with it) to at most MAX_CANDIDATES_MOST: the search's time grows
    with the cap. Past it candidates are still held back, and the search says so (`Candidates.more_than_shown`).
    """
    if searched <= REGISTER_REFERENCE:
        return base
    return max(base, min(MAX_CANDIDATES_MOST, round(base * math.sqrt(searched / REGISTER_REFERENCE))))


def register_prior(searched: int | None) -> float:
    """Points for the number of children searched (none up to REGISTER_REFERENCE; fewer the more there are)."""
    if not searched or searched <= REGISTER_REFERENCE:
        return 0.0
    return round(-REGISTER_POINTS * math.log2(searched / REGISTER_REFERENCE), 2)


def review_threshold(searched: int | None, threshold: float = MATCH_THRESHOLD) -> float:
    """The score a hand-set match needs to be shown for review ("possible earlier record"): `threshold` before the
    register's prior. The prior raises the bar for "likely the same child" (STRONG_MATCH) only: a missed duplicate
    costs a child more than one more record for the coordinator to read (ADR 0029, Amendment 4)."""
    return threshold + register_prior(searched)


def _trained_field_points(
    part: str,
    match: FieldMatch,
    common: Mapping[str, float],
    trained: TrainedWeights,
    kinds: Sequence[str],
    text: Said,
    words: Said,
    hand_set: tuple[float, float, float, float],
) -> tuple[float, Said, Said]:
    """`_field_points` with a trained model's weights: the level's weight, adjusted for how common the name is.

    A level the model has no weight for (not seen in training) keeps its hand-set points.
    """
    same, variant, weak, different = hand_set
    w = trained.weights
    level = name_level(kinds)
    if level == "different":
        differing = sum(1 for k in kinds if k == DIFFERENT) or 1
        return w.get(f"{part}:different", different) * differing / max(len(kinds), 1), text, words
    if part == "given" and not match.primary_agrees:
        return (
            w.get("given:partly", weak),
            say(_NOT_CALLED_BY, reason=text),
            Said(_NOT_CALLED_BY_WORDS),
        )
    fallback = {"same": same, "partly": weak}.get(level, variant)
    points = w.get(f"{part}:{level}", fallback)
    if match.unmatched:
        points -= same - variant  # a name part only one record has (hand-set: no level of the model says it)
    if level in {"same", "said"}:
        share = _name_share(match, common) or 0.0
        adjust = trained.name_frequency(f"{part}:{level}", share)
        points += adjust
        if adjust < 0 and share > COMMON_NAME_SHARE:
            text = say(_COMMON_NAME, reason=text, share=f"{share:.0%}")
            words = say(COMMON_NAME_WORDS, words=words)
    return round(points, 2), text, words


@dataclass(frozen=True)
class _NameResult:
    points: float
    evidence: tuple[Evidence, ...]
    twins: bool = False  # the given names differ and the family names agree, in this alignment
    agrees: bool = False  # given and family names both compared, and both agree, in this alignment
    family_differs: bool = False  # the family names were compared and differ, in this alignment


def _compare_names(
    a: Name,
    b: Name,
    common: Mapping[str, float],
    vietnamese: bool = False,
    trained: TrainedWeights | None = None,
) -> _NameResult:
    results: list[_NameResult] = []

    def aligned(a_given, a_family, b_given, b_family, note: Said | None, penalty: float) -> None:
        evidence: list[Evidence] = []
        total = 0.0
        kinds: dict[str, list[str]] = {}
        for part, x, y in (("given", a_given, b_given), ("family", a_family, b_family)):
            match = field_similarity(x, y, vietnamese=vietnamese)
            if match is None:
                continue
            kinds[part] = [p.kind for p in match.pairs]
            points, text, words = _field_points(part, match, common, trained)
            total += points
            evidence.append(Evidence.of("name", points, text, words))
        if not evidence:
            return
        if note:
            evidence.insert(
                0, Evidence.of("name", -penalty, note, gettext_noop("given name and surname the other way round"))
            )
            total -= penalty
        twins = DIFFERENT in kinds.get("given", ()) and bool(kinds.get("family")) and set(kinds["family"]) <= _AGREEING
        agrees = len(kinds) == 2 and all(k and set(k) <= _AGREEING for k in kinds.values())
        if "family" not in kinds and "given" in kinds:
            # Only a given name to compare (one record has no family name): one name of the two a child is
            # known by, and many children share a given name.
            evidence.append(
                Evidence.of("name", -GIVEN_NAME_ONLY, say(_GIVEN_ONLY), gettext_noop("no surname to compare"))
            )
            total -= GIVEN_NAME_ONLY
        family_differs = DIFFERENT in kinds.get("family", ())
        results.append(_NameResult(total, tuple(evidence), twins, agrees, family_differs))

    aligned(a.given, a.family, b.given, b.family, None, 0.0)
    if b.family or a.family:
        aligned(
            a.given,
            a.family,
            b.family,
            b.given,
            say(
                gettext_noop("Names in swapped order: given and family names of '%(name)s' match the other way round"),
                name=b.shown,
            ),
            SWAPPED_PENALTY,
        )
    # Same names, split differently between given and family names (common with Vietnamese and
    # Eritrean names, where the father's name may be written as a family name or not).
    ta = [t for t in a.all_tokens if t.informative]
    tb = [t for t in b.all_tokens if t.informative]
    # Not when given and family names already agree as written: regrouping them would only lose the discount
    # for a common family name (Nguyen), which the joined names do not see.
    if len(ta) >= 2 and len(tb) >= 2 and not any(r.agrees for r in results):
        match = field_similarity(ta, tb, vietnamese=vietnamese)
        # Vietnamese names are a fixed set of syllables: one left over is another person's name.
        regrouped = match is not None and not (vietnamese and match.unmatched)
        if match is not None and regrouped and all(p.kind in _AGREEING for p in match.pairs):
            points, text, words = _field_points("all", match, common)
            note = say(
                gettext_noop("The same names split differently between given and family names ('%(a)s' and '%(b)s')"),
                a=a.shown,
                b=b.shown,
            )
            evidence = (
                Evidence.of(
                    "name",
                    -REGROUPED_PENALTY,
                    note,
                    gettext_noop("names split differently between given name and surname"),
                ),
                Evidence.of("name", points, text, words),
            )
            results.append(_NameResult(points - REGROUPED_PENALTY, evidence))
    best = max(results, key=lambda r: r.points, default=_NameResult(0.0, ()))
    if best.evidence and (a.source or b.source):
        used = [
            say(gettext_noop("'%(name)s' (an alias on referral %(reference)s)"), name=n.shown, reference=n.referral)
            if n.referral
            else say("'%(name)s' (%(source)s)", name=n.shown, source=n.source)
            for n in (a, b)
            if n.source
        ]
        if len(used) == 1:
            note = say(gettext_noop("Matched using %(name)s"), name=used[0])
        else:
            note = say(gettext_noop("Matched using %(name)s and %(other)s"), name=used[0], other=used[1])
        best = _NameResult(
            best.points,
            (
                Evidence.of("name", 0.0, note, gettext_noop("matched using another name given on a referral")),
                *best.evidence,
            ),
            best.twins,
            best.agrees,
            best.family_differs,
        )
    return best


def _one_digit_apart(a: date, b: date) -> bool:
    x, y = a.strftime("%d%m%Y"), b.strftime("%d%m%Y")
    return sum(1 for p, q in zip(x, y, strict=True) if p != q) == 1


def _is_default_date(d: date) -> bool:
    return (d.day, d.month) in {(1, 1), (1, 7)}


def _is_january_first(d: date) -> bool:
    return (d.day, d.month) == (1, 1)


_JANUARY = gettext_noop("date of birth may be a placeholder (1 January)")
_MONTH_FIRST = gettext_noop("date of birth may be a placeholder (1st of the month)")
_SAME_DATE = gettext_noop("same date of birth")


def _compare_dates(a: Profile, b: Profile) -> Evidence | None:
    """The dates of birth compared, by level, strongest first.

    A 1 January typed as if known is often a placeholder for "born that year", and a 1st of the month for
    "born that month": agreement on one is weaker evidence than on a full date, and a disagreement with one
    is only weak evidence against (the real date may be any in the year, or the month). Dates flagged as
    estimated are weaker still. The same day and month a year apart is a slip in the year, or a year
    worked out from an age: mild evidence for.
    """
    if a.date_of_birth and b.date_of_birth:
        x, y = a.date_of_birth, b.date_of_birth
        flagged = a.date_of_birth_estimated or b.date_of_birth_estimated
        january = _is_january_first(x) or _is_january_first(y)
        est = flagged or january  # a 1 January is read as an estimate, whether or not it is flagged
        pair = {"first": x, "second": y}
        days = abs((x - y).days)
        if x == y:
            if flagged and _is_default_date(x):
                return Evidence.of(
                    "date_of_birth",
                    DOB_SAME_ESTIMATED_DEFAULT,
                    say(
                        gettext_noop(
                            "Same estimated date of birth, %(date)s, a date often given when the real one is not known"
                        ),
                        date=x,
                    ),
                    gettext_noop("same estimated date of birth, one often given when the real one is not known"),
                )
            if flagged:
                return Evidence.of(
                    "date_of_birth",
                    DOB_SAME_ESTIMATED,
                    say(gettext_noop("Same date of birth, %(date)s, estimated"), date=x),
                    gettext_noop("same estimated date of birth"),
                )
            if january:
                return Evidence.of(
                    "date_of_birth",
                    DOB_SAME_JANUARY_FIRST,
                    say(
                        gettext_noop(
                            "Same date of birth, %(date)s, but 1 January is often a placeholder for a date not known"
                        ),
                        date=x,
                    ),
                    (Said(_SAME_DATE), Said(_JANUARY)),
                )
            if x.day == 1:
                return Evidence.of(
                    "date_of_birth",
                    DOB_SAME_MONTH_FIRST,
                    say(
                        gettext_noop(
                            "Same date of birth, %(date)s, but the 1st of the month is sometimes a placeholder"
                        ),
                        date=x,
                    ),
                    (Said(_SAME_DATE), Said(_MONTH_FIRST)),
                )
            return Evidence.of(
                "date_of_birth",
                DOB_SAME,
                say(gettext_noop("Same date of birth, %(date)s"), date=x),
                _SAME_DATE,
            )
        if not est and x.year == y.year and x.day == y.month and x.month == y.day:
            return Evidence.of(
                "date_of_birth",
                DOB_SWAPPED,
                say(gettext_noop("Dates of birth %(first)s and %(second)s: day and month swapped"), **pair),
                gettext_noop("date of birth with day and month swapped"),
            )
        if (x.month, x.day) == (y.month, y.day) and abs(x.year - y.year) == 1 and not january:
            return Evidence.of(
                "date_of_birth",
                DOB_YEAR_APART,
                say(
                    gettext_noop(
                        "Dates of birth %(first)s and %(second)s: the same birthday a year apart (a slip in the year, "
                        "or an estimated year)"
                    ),
                    **pair,
                ),
                gettext_noop("same birthday a year apart"),
            )
        if not est and _one_digit_apart(x, y):
            return Evidence.of(
                "date_of_birth",
                DOB_ONE_DIGIT,
                say(gettext_noop("Dates of birth %(first)s and %(second)s differ by one digit"), **pair),
                gettext_noop("dates of birth one digit apart"),
            )
        if days <= 7:
            return Evidence.of("date_of_birth", DOB_WITHIN_WEEK, say(_DAYS_APART, **pair, days=days), days_apart(days))
        if not flagged and (x.day == 1 or y.day == 1) and x.year == y.year:
            first = x if x.day == 1 else y
            if x.month == y.month or january:
                what = (
                    gettext_noop(
                        "Dates of birth %(first)s and %(second)s: %(placeholder)s may be a placeholder (1 January) for "
                        "the other date"
                    )
                    if january
                    else gettext_noop(
                        "Dates of birth %(first)s and %(second)s: %(placeholder)s may be a placeholder (the 1st of the "
                        "month) for the other date"
                    )
                )
                return Evidence.of(
                    "date_of_birth",
                    DOB_WITHIN_MONTH if days <= 31 else DOB_PLACEHOLDER_FITS,
                    say(what, **pair, placeholder=first),
                    _JANUARY if january else _MONTH_FIRST,
                )
            return Evidence.of(
                "date_of_birth",
                DOB_PLACEHOLDER_DIFFERENT,
                say(
                    gettext_noop(
                        "Dates of birth %(first)s and %(second)s: same year, different months; %(placeholder)s may be "
                        "a placeholder"
                    ),
                    **pair,
                    placeholder=first,
                ),
                (Said(gettext_noop("born the same year, on different dates")), Said(_MONTH_FIRST)),
            )
        if days <= 31:
            return Evidence.of("date_of_birth", DOB_WITHIN_MONTH, say(_DAYS_APART, **pair, days=days), days_apart(days))
        if est:
            years = days / 365.25
            if years <= 1:
                within = (
                    gettext_noop("Dates of birth %(first)s and %(second)s: within a year, one or both estimated")
                    if flagged
                    else gettext_noop(
                        "Dates of birth %(first)s and %(second)s: within a year, 1 January may be a placeholder"
                    )
                )
                return Evidence.of(
                    "date_of_birth",
                    ESTIMATE_CLOSE,
                    say(within, **pair),
                    gettext_noop("estimated dates of birth within a year") if flagged else _JANUARY,
                )
            if years <= YEAR_TOLERANCE_ESTIMATED:
                apart = (
                    gettext_noop(
                        "Dates of birth %(first)s and %(second)s: %(years)s years apart, one or both estimated"
                    )
                    if flagged
                    else gettext_noop(
                        "Dates of birth %(first)s and %(second)s: %(years)s years apart, 1 January may be a placeholder"
                    )
                )
                return Evidence.of(
                    "date_of_birth",
                    0.0,
                    say(apart, **pair, years=f"{years:.1f}"),
                    say(APART_WORDS["estimated"], apart=years_apart(years))
                    if flagged
                    else (say(APART_WORDS["dates"], apart=years_apart(years)), Said(_JANUARY)),
                )
            return Evidence.of(
                "date_of_birth",
                ESTIMATE_FAR,
                say(
                    gettext_noop(
                        "Dates of birth %(first)s and %(second)s: %(years)s years apart, more than an estimate usually "
                        "misses by"
                    ),
                    **pair,
                    years=f"{years:.1f}",
                ),
                say(
                    APART_WORDS["dates_far"],
                    apart=years_apart(years),
                ),
            )
        if x.year == y.year:
            return Evidence.of(
                "date_of_birth",
                DOB_SAME_YEAR,
                say(
                    gettext_noop("Dates of birth %(first)s and %(second)s: same year, %(days)s days apart"),
                    **pair,
                    days=days,
                ),
                gettext_noop("born the same year, but on different dates"),
            )
        return Evidence.of(
            "date_of_birth",
            DOB_DIFFERENT,
            say(gettext_noop("Different dates of birth, %(first)s and %(second)s"), **pair),
            gettext_noop("different date of birth"),
        )
    # One or both have only an estimated age.
    born_a = a.date_of_birth or a.approximate_birth_date
    born_b = b.date_of_birth or b.approximate_birth_date
    if born_a is None or born_b is None:
        return None
    years = abs((born_a - born_b).days) / 365.25
    fits = _age_fits(a, b)
    described = [
        say(gettext_noop("date of birth %(date)s"), date=p.date_of_birth)
        if p.date_of_birth is not None
        else say(gettext_noop("estimated age %(years)s on %(date)s"), years=p.estimated_age[0], date=p.estimated_age[1])
        for p in (a, b)
        if p.date_of_birth is not None or p.estimated_age is not None
    ]
    # Each side has a date of birth or an estimated age (else there is no birth date to compare above).
    text = say(gettext_noop("%(first)s and %(second)s"), first=described[0], second=described[1])
    if fits:
        return Evidence.of(
            "date_of_birth",
            ESTIMATE_FITS,
            say(gettext_noop("The estimated age is the age the date of birth gives on that day: %(ages)s"), ages=text),
            gettext_noop("estimated age fits the date of birth"),
        )
    if years <= 1 and not _age_against_full_date(a, b):
        return Evidence.of(
            "date_of_birth",
            ESTIMATE_CLOSE,
            say(gettext_noop("Ages agree within a year: %(ages)s"), ages=text),
            gettext_noop("ages agree within a year"),
        )
    if years <= YEAR_TOLERANCE_ESTIMATED:
        return Evidence.of(
            "date_of_birth",
            0.0,
            say(
                gettext_noop("Ages %(years)s years apart, within what estimates miss by: %(ages)s"),
                years=f"{years:.1f}",
                ages=text,
            ),
            say(APART_WORDS["ages_close"], apart=years_apart(years)),
        )
    return Evidence.of(
        "date_of_birth",
        ESTIMATE_FAR,
        say(gettext_noop("Ages %(years)s years apart: %(ages)s"), years=f"{years:.1f}", ages=text),
        say(APART_WORDS["ages"], apart=years_apart(years)),
    )


_DAYS_APART = gettext_noop("Dates of birth %(first)s and %(second)s are %(days)s days apart")


def _full_date(p: Profile) -> bool:
    """A date of birth recorded as known: not flagged as estimated, not a 1 January (often a placeholder)."""
    return p.date_of_birth is not None and not p.date_of_birth_estimated and not _is_january_first(p.date_of_birth)


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _age_against_full_date(a: Profile, b: Profile) -> bool:
    """One record has only an estimated age, the other a full date of birth."""
    return any(x.date_of_birth is None and x.estimated_age is not None and _full_date(y) for x, y in ((a, b), (b, a)))


def _age_fits(a: Profile, b: Profile) -> bool:
    """One record has only an estimated age, the other a full date of birth giving that age on the day it was given."""
    for x, y in ((a, b), (b, a)):
        if x.date_of_birth is None and x.estimated_age is not None and _full_date(y):
            years, on = x.estimated_age
            return y.date_of_birth is not None and _age_on(y.date_of_birth, on) == years
    return False


# Dates or ages some years apart (`years_apart` says how far), in plain words.
APART_WORDS = {
    "estimated": gettext_noop("estimated dates of birth %(apart)s"),
    "dates": gettext_noop("dates of birth %(apart)s"),
    "dates_far": gettext_noop("dates of birth %(apart)s, more than an estimate usually misses by"),
    "ages_close": gettext_noop("ages %(apart)s, within what estimates miss by"),
    "ages": gettext_noop("ages %(apart)s"),
}


def days_apart(days: int) -> Said:
    if days == 1:
        return Said(gettext_noop("dates of birth 1 day apart"))
    return say(gettext_noop("dates of birth %(days)s days apart"), days=str(days))


def years_apart(years: float) -> Said:
    if years < 1.5:
        return Said(gettext_noop("about a year apart"))
    return say(gettext_noop("about %(years)s years apart"), years=str(round(years)))  # 2 or more


def _compare_sex(a: Profile, b: Profile) -> Evidence | None:
    if not a.sex or not b.sex:
        return None
    if a.sex == b.sex:
        return Evidence.of("sex", SEX_SAME, say(gettext_noop("Both recorded as %(sex)s"), sex=SexRecorded(a.sex)))
    return Evidence.of(
        "sex",
        SEX_DIFFERENT,
        say(
            gettext_noop("Sex recorded differently: %(first)s and %(second)s"),
            first=SexRecorded(a.sex),
            second=SexRecorded(b.sex),
        ),
        gettext_noop("sex recorded differently"),
    )


def _compare_nationalities(a: Profile, b: Profile) -> Evidence | None:
    if not a.nationalities or not b.nationalities:
        return None
    shared = a.nationalities & b.nationalities
    if shared:
        points = NATIONALITY_SHARED_COMMON if shared <= COMMON_NATIONALITIES else NATIONALITY_SHARED
        return Evidence.of(
            "nationality",
            points,
            say(
                gettext_noop("Shared nationality: %(nationalities)s"),
                nationalities=Nationalities(tuple(sorted(shared))),
            ),
            gettext_noop("same nationality"),
        )
    for x in a.nationalities:
        for y in b.nationalities:
            if frozenset({x, y}) in RELATED_NATIONALITIES:
                return Evidence.of(
                    "nationality",
                    NATIONALITY_RELATED,
                    say(
                        gettext_noop("Nationalities %(first)s and %(second)s are often recorded for each other"),
                        first=Nationalities((x,)),
                        second=Nationalities((y,)),
                    ),
                    gettext_noop("nationalities often recorded for each other"),
                )
    return Evidence.of(
        "nationality",
        NATIONALITY_DIFFERENT,
        say(
            gettext_noop("Different nationalities: %(first)s and %(second)s"),
            first=Nationalities(tuple(sorted(a.nationalities))),
            second=Nationalities(tuple(sorted(b.nationalities))),
        ),
        gettext_noop("different nationality"),
    )


def place_points(share: float | None, searched: int | None = None) -> float:
    """Points for two records in the same area, where `share` of the `searched` children live (None: not counted, as
    while keys are being rebuilt: no points, rather than points the register may not bear out)."""
    if share is None:
        return 0.0
    if searched is not None:
        prior = PLACE_SHARE_PRIOR_CHILDREN
        share = (share * searched + prior) / (searched + prior)
    return round(min(max(math.log2(PLACE_KEPT / max(share, 1e-9)), 0.0), PLACE_SAME_MOST), 2)


def _compare_places(
    a: Profile, b: Profile, common: Mapping[str, float], *, searched: int | None, family: bool = False
) -> Evidence | None:
    """Where the two children live. `family`: the names say brother or sister (`_NameResult.twins`), who live
    together: then a shared area adds nothing."""
    if not a.local_authority or not b.local_authority:
        return None
    area = a.local_authority_name or a.local_authority
    if a.local_authority != b.local_authority:
        return Evidence.of(
            "local_authority",
            PLACE_DIFFERENT,
            say(
                gettext_noop("Living in different areas: %(first)s and %(second)s"),
                first=area,
                second=b.local_authority_name or b.local_authority,
            ),
            gettext_noop("lives in another area"),
        )
    share = common.get(a.place_key)
    said = (
        say(gettext_noop("Both living in %(area)s"), area=area)
        if share is None
        else say(
            gettext_noop("Both living in %(area)s, where %(share)s of the children searched live"),
            area=area,
            share=_percent(share),
        )
    )
    points = 0.0 if family else place_points(share, searched)
    # in plain words only when it counts: at a site of one area nearly every child lives there
    return Evidence.of("local_authority", points, said, gettext_noop("same area") if points > 0 else "")


def _compare_identifiers(a: Profile, b: Profile, *, family: bool = False) -> list[Evidence]:
    """The NHS numbers and Home Office references both records give. `family`: the names say brother or sister
    (`_NameResult.twins`): then a shared Home Office reference, perhaps the family's, adds nothing."""
    found = []
    for prefix, same, different in (
        (NHS_KEY, NHS_SAME, NHS_DIFFERENT),
        (HOME_OFFICE_KEY, HOME_OFFICE_SAME, HOME_OFFICE_DIFFERENT),
    ):
        mine = {k for k in a.identifiers if k.startswith(prefix)}
        theirs = {k for k in b.identifiers if k.startswith(prefix)}
        if not mine or not theirs:
            continue
        nhs = prefix == NHS_KEY
        if mine & theirs:
            if nhs:
                found.append(
                    Evidence.of(
                        "identifier",
                        same,
                        say(gettext_noop("The same NHS number on both")),
                        gettext_noop("same NHS number"),
                    )
                )
            elif family:
                said = say(
                    gettext_noop(
                        "The same Home Office reference on both, but the names say brother or sister: a family's "
                        "claim can carry one reference"
                    )
                )
                found.append(Evidence.of("identifier", 0.0, said))
            else:
                said = say(gettext_noop("The same Home Office reference on both"))
                found.append(Evidence.of("identifier", same, said, gettext_noop("same Home Office reference")))
        elif nhs:
            said = say(gettext_noop("Different NHS numbers"))
            found.append(Evidence.of("identifier", different, said, gettext_noop("different NHS numbers")))
        else:
            said = say(gettext_noop("Different Home Office references: a child can hold several, of different kinds"))
            found.append(Evidence.of("identifier", different, said))
    return found


def same_nhs_number(a: Profile, b: Profile) -> bool:
    """Whether the two records give the same NHS number: a twin has their own, so the twins rule gives way."""
    return any(k.startswith(NHS_KEY) for k in a.identifiers & b.identifiers)


def place_shares(counts: Mapping[str, int], total: int) -> dict[str, float]:
    """The share of the `total` children searched living in each area (`counts`: how many live there)."""
    return {key: n / max(total, 1) for key, n in counts.items() if n}


def twins_cap_points(raw: float) -> float:
    """The points that bring a score of `raw` down to TWINS_CAP: rounded down to the hundredth, so that with pieces
    of more decimals (trained weights, name shares) the capped score never rounds up past the cap."""
    return math.floor((TWINS_CAP - raw) * 100 + 1e-6) / 100  # the 1e-6: a float's last digit is not a hundredth


def compare(
    a: Profile,
    b: Profile,
    *,
    common: Mapping[str, float] | None = None,
    trained: TrainedWeights | None = None,
    searched: int | None = None,
) -> Match:
    """Score two records. `common` maps a blocking key of `a` to the share of the site's children holding it
    (`name_shares`): an agreeing name gains or loses points by it. `searched`, the number of children searched,
    takes `register_prior` off the score beyond REGISTER_REFERENCE children (ADR 0029, Amendment 4).

    With `trained` (a model's weights), each level's trained weight replaces its hand-set points, names are
    adjusted by how common they are, and the prior for `searched` children is added (ADR 0029); the twins
    rule, the swapped-names alignment and the words stay the same.
    """
    common = common or {}
    vietnamese = "VN" in a.nationalities or "VN" in b.nationalities
    best_name = max(
        (_compare_names(x, y, common, vietnamese, trained) for x in a.names for y in b.names),
        key=lambda r: r.points,
        default=_NameResult(0.0, ()),
    )
    evidence = list(best_name.evidence)
    dates, sex, nationality = _compare_dates(a, b), _compare_sex(a, b), _compare_nationalities(a, b)
    near = dates is not None and a.date_of_birth != b.date_of_birth and dates.points > NEAR_DATE_OTHER_FAMILY
    if near and best_name.family_differs:
        # A date a slip or days away is evidence of a slip only when the names agree; with another family name
        # too, it is two differences, and children born days apart are many in a large register.
        dates = replace(dates, points=NEAR_DATE_OTHER_FAMILY)
    if trained is not None:
        dates = dates and _trained_points(dates, f"date_of_birth:{date_level(a, b)}", trained)
        sex = sex and _trained_points(sex, f"sex:{'same' if sex.points > 0 else 'different'}", trained)
        if nationality is not None and nationality.points != NATIONALITY_RELATED:
            shared = "shared" if nationality.points > 0 else "different"
            nationality = _trained_points(nationality, f"nationality:{shared}", trained)
    place = _compare_places(a, b, common, searched=searched, family=best_name.twins)  # hand-set, trained or not
    for found in (dates, sex, nationality, place):
        if found is not None:
            evidence.append(found)
    evidence += _compare_identifiers(a, b, family=best_name.twins)  # hand-set, trained or not
    if trained is not None and searched:
        model = (
            say(
                gettext_noop("trained %(date)s on %(records)s records"),
                date=trained.trained_on,
                records=f"{trained.records:,}",
            )
            if trained.trained_on is not None
            else trained.label
        )
        evidence.append(
            Evidence.of(
                "prior",
                round(trained.prior_points(searched), 2),
                say(
                    gettext_noop(
                        "How often two of %(searched)s children's records are of the same child (model %(model)s)"
                    ),
                    searched=f"{searched:,}",
                    model=model,
                ),
            )
        )
    prior = register_prior(searched) if trained is None else 0.0
    if prior:
        evidence.append(Evidence.of("prior", prior, say(_REGISTER_PRIOR, searched=f"{searched:,}")))
    raw = sum(e.points for e in evidence)
    score = round(raw, 2)
    same_date = a.date_of_birth is not None and a.date_of_birth == b.date_of_birth
    if best_name.twins and same_date and score > TWINS_CAP and not same_nhs_number(a, b):
        # The twins rule: the same family name and date of birth with another given name is a brother or
        # sister, whatever else agrees but an NHS number (an alias that matches is another alignment, not this one).
        evidence.append(
            Evidence.of(
                "name",
                twins_cap_points(raw),
                say(
                    gettext_noop(
                        "Same family name and date of birth but a different given name: likely twins, not the same "
                        "child"
                    )
                ),
                gettext_noop("same surname and date of birth but a different given name (likely twins)"),
            )
        )
        score = round(sum(e.points for e in evidence), 2)
    return Match(a, b, score, tuple(evidence))


# ---------------------------------------------------------------------------------------------------
# Weights of shared keys (from counts the database gives)
# ---------------------------------------------------------------------------------------------------


def key_weight(count: int, total: int) -> float:
    """Bits of evidence in sharing a key held by `count` of `total` children: rare keys weigh more."""
    return round(math.log2(max(total, 2) / max(count, 1)), 3)


def name_shares(counts: Mapping[str, int], total: int) -> dict[str, float]:
    """The share of the children holding each key (`counts`: holders of each, `total`: children searched).

    Drawn towards TYPICAL_NAME_SHARE as if NAME_SHARE_PRIOR_CHILDREN more children held names at that share: in a
    small register one child more or less moves a share far, and says nothing about the name.
    """
    prior = NAME_SHARE_PRIOR_CHILDREN
    return {key: (n + prior * TYPICAL_NAME_SHARE) / (max(total, 0) + prior) for key, n in counts.items() if n}


# ---------------------------------------------------------------------------------------------------
# Points only: the score `compare` gives, without the words, for the many candidates a search rejects
# ---------------------------------------------------------------------------------------------------

# The most the names can add to a score with the hand-set points: the same rare given name and the same rare family
# name (every other alignment, an alias, swapped or regrouped names, adds no more).
NAME_POINTS_MOST = GIVEN_SAME + FAMILY_SAME + 2 * NAME_FREQUENCY_MOST


def name_points_most(shares: Mapping[str, float]) -> float:
    """The most the names can add to one record's scores, given the shares of its names (`common`).

    A name part's share points are those of the rarest of the record's own names it pairs (`_name_share`), or none
    when no paired name's share is known: at most the best of those of the record's names, and at least nothing. A
    record whose names are all common (Mohammed Ahmed) can gain no more than the same given and family name.
    """
    return part_points_most("given", shares) + part_points_most("family", shares)


def part_points_most(part: str, shares: Mapping[str, float]) -> float:
    """The most one name part ("given", "family", or "all": regrouped) can add, given the shares of the record's
    names: the same name, with the best share points of the record's names (`name_points_most`)."""
    bonus = max((name_frequency_points(v) for k, v in shares.items() if k.startswith("n:")), default=0.0)
    return _PART_POINTS[part][0] + max(bonus, 0.0) + 0.005  # a part's points are rounded to hundredths


_UNSEEN = object()  # not in a search's cache yet (None is a value there: nothing to compare)


class PointsScorer:
    """The scores `compare(a, b, common=common, searched=searched)` gives (hand-set points) to one record against many,
    in points only.

    A search rejects most of the candidates it compares, and building the words of their evidence was most of the
    comparing. The search's record is the same for every candidate and the candidates' details repeat, so each
    comparison is made once per search: each pair of name parts by their folded names (`field_outline`, kept across
    searches too), and each candidate's date of birth, sex, nationalities and area by its values. Mirrors `compare`
    and `_compare_names`: a change there is a change here (test: `test_points_only_scoring_is_the_score_compare_gives`).
    """

    def __init__(self, a: Profile, *, common: Mapping[str, float] | None = None, searched: int | None = None) -> None:
        self.a, self.common, self.searched = a, common or {}, searched
        self.prior = register_prior(searched)
        self.names_most = name_points_most(self.common)
        self.most = {part: part_points_most(part, self.common) for part in _PART_POINTS}
        self.compared = 0  # candidates whose names were compared (in part: as far as `at_least` needed)
        # (part, folded names of a's part, of b's, Vietnamese) -> (points, agrees, different, unmatched), or None
        self._parts: dict[tuple, tuple[float, bool, bool, bool] | None] = {}
        # The points of a's date of birth, sex, nationalities and area against a candidate's (None: not compared)
        self._dates: dict[tuple, float | None] = {}
        self._sexes: dict[str, float | None] = {}
        self._nationalities: dict[frozenset[str], float | None] = {}
        self._places: dict[str, float | None] = {}

    def score(self, b: Profile, *, at_least: float | None = None) -> float | None:
        """The score; None if it is below `at_least` (the names are then compared only as far as it takes to know)."""
        a = self.a
        # Each depends on a (the same for the search) and on these values of b only; only the points are used.
        key = (b.date_of_birth, b.date_of_birth_estimated, b.estimated_age)
        dates = self._dates.get(key, _UNSEEN)
        if dates is _UNSEEN:
            dates = self._dates[key] = _points_of(_compare_dates(a, b))
        sex = self._sexes.get(b.sex, _UNSEEN)
        if sex is _UNSEEN:
            sex = self._sexes[b.sex] = _points_of(_compare_sex(a, b))
        nationality = self._nationalities.get(b.nationalities, _UNSEEN)
        if nationality is _UNSEEN:
            nationality = self._nationalities[b.nationalities] = _points_of(_compare_nationalities(a, b))
        place = self._places.get(b.local_authority, _UNSEEN)
        if place is _UNSEEN:  # siblings' points are zeroed below
            place = self._places[b.local_authority] = _points_of(
                _compare_places(a, b, self.common, searched=self.searched)
            )
        others = [p for p in (dates, sex, nationality) if p is not None]
        at_place = len(others)
        if place is not None:
            others.append(place)
        at_identifiers = len(others)
        identifiers = _compare_identifiers(a, b) if a.identifiers and b.identifiers else []
        others += [e.points for e in identifiers]
        if self.prior:
            others.append(self.prior)
        need = None
        if at_least is not None:
            if sum(others) + self.names_most < at_least:
                return None
            self.compared += 1
            # What the names must add for the score to reach `at_least` (what follows only lowers it: a near date
            # with another family name, siblings' area and Home Office reference, the twins rule), less a hundredth
            # for the rounding of the score. Name comparisons that cannot reach it are left unmade.
            need = at_least - sum(others) - 0.01
        vietnamese = "VN" in a.nationalities or "VN" in b.nationalities
        names = [r for x in a.names for y in b.names if (r := self._names(x, y, vietnamese, need)) is not None]
        if need is not None and (not names or max(r[0] for r in names) < need):
            return None  # below `at_least` whatever the comparisons left unmade (each below `need`) would give
        best = max(names, key=lambda r: r[0], default=(0.0, [], False, False))
        _, pieces, twins, family_differs = best
        near = dates is not None and a.date_of_birth != b.date_of_birth and dates > NEAR_DATE_OTHER_FAMILY
        if near and family_differs:
            others[0] = NEAR_DATE_OTHER_FAMILY  # the date is the first of the others (it is there: `near`)
        if place is not None and twins and place > 0:
            others[at_place] = 0.0  # brothers and sisters live together (`_compare_places`)
        if identifiers and twins:  # ...and may share a family's Home Office reference (`_compare_identifiers`)
            sibling = [e.points for e in _compare_identifiers(a, b, family=True)]
            others[at_identifiers : at_identifiers + len(sibling)] = sibling
        pieces = [*pieces, *others]
        raw = sum(pieces)
        score = round(raw, 2)
        same_date = a.date_of_birth is not None and a.date_of_birth == b.date_of_birth
        if twins and same_date and score > TWINS_CAP and not same_nhs_number(a, b):
            score = round(raw + twins_cap_points(raw), 2)
        return score

    def _part(
        self, part: str, x: tuple[str, ...], y: tuple[str, ...], vietnamese: bool
    ) -> tuple[float, bool, bool, bool] | None:
        """A name part's points and flags (agrees, different, unmatched), by the folded names (`field_outline`)."""
        key = (part, x, y, vietnamese)
        found = self._parts.get(key, _UNSEEN)
        if found is _UNSEEN:
            outline = field_outline(x, y, vietnamese)
            found = self._parts[key] = outline and (
                _hand_set_field_points(part, outline, self.common, outline.kinds)[0],
                outline.agrees,
                outline.different,
                outline.unmatched,
            )
        return found

    def _names(
        self, a: Name, b: Name, vietnamese: bool, need: float | None = None
    ) -> tuple[float, list[float], bool, bool] | None:
        """`_compare_names` in points: the best alignment's total, its points in the order of its evidence, and
        its flags (twins, family names differ).

        With `need`, alignments that cannot add as much are left uncompared; None if none is left. The best of
        those left is the best of all when it reaches `need` (those left out are below it).
        """
        aligned = [self._aligned(a.given_norms, a.family_norms, b.given_norms, b.family_norms, 0.0, vietnamese, need)]
        if b.family or a.family:
            swapped = (a.given_norms, a.family_norms, b.family_norms, b.given_norms, SWAPPED_PENALTY)
            aligned.append(self._aligned(*swapped, vietnamese, need))
        found = [r for r in aligned if isinstance(r, tuple)]
        ta, tb = a.informative_norms, b.informative_norms
        # Regrouped names count only when no alignment agrees (one left out whose given names agree is compared
        # whole to know), and not when they could not add `need` anyway.
        if (
            len(ta) >= 2
            and len(tb) >= 2
            and (need is None or self.most["all"] - REGROUPED_PENALTY >= need)
            and not any(r[4] for r in found)
            and not any(
                self._aligned(*r.alignment, vietnamese)[4]  # type: ignore[index]
                for r in aligned
                if isinstance(r, _LeftOut) and r.alignment
            )
        ):
            match = self._part("all", ta, tb, vietnamese)
            if match is not None and not (vietnamese and match[3]) and match[1]:
                total = match[0] - REGROUPED_PENALTY
                found.append((total, [-REGROUPED_PENALTY, match[0]], False, False, False))
        if not found:
            # All left out (below `need`), or nothing to compare: no points, as `_compare_names` gives
            return None if any(isinstance(r, _LeftOut) for r in aligned) else (0.0, [], False, False)
        return max(found, key=lambda r: r[0])[:4]

    def _aligned(
        self,
        a_given: tuple[str, ...],
        a_family: tuple[str, ...],
        b_given: tuple[str, ...],
        b_family: tuple[str, ...],
        penalty: float,
        vietnamese: bool,
        need: float | None = None,
    ) -> tuple[float, list[float], bool, bool, bool] | _LeftOut | None:
        """One alignment of `_compare_names`: its total, its points, and whether twins, the family names differ and
        both parts agree; None if neither part has names on both sides. With `need`, one whose given names leave it
        below `need` whatever the family names is left out (`_LeftOut`): its family names are not compared."""
        given = self._part("given", a_given, b_given, vietnamese)
        if (
            need is not None
            and a_family
            and b_family
            and (0.0 if given is None else given[0]) + self.most["family"] - penalty < need
        ):
            # Whether it agrees is known only if the given names do not: then it does not.
            agrees_unknown = given is not None and given[1]
            return _LeftOut((a_given, a_family, b_given, b_family, penalty) if agrees_unknown else ())
        family = self._part("family", a_family, b_family, vietnamese)
        pieces = [p[0] for p in (given, family) if p is not None]
        if not pieces:
            return None
        total = sum(pieces)
        if penalty:
            pieces.insert(0, -penalty)
            total -= penalty
        twins = given is not None and given[2] and family is not None and family[1]
        agrees = given is not None and family is not None and given[1] and family[1]
        if family is None:  # there is a given name: only it to compare
            pieces.append(-GIVEN_NAME_ONLY)
            total -= GIVEN_NAME_ONLY
        family_differs = family is not None and family[2]
        return total, pieces, twins, family_differs, agrees


@dataclass(frozen=True)
class _LeftOut:
    """An alignment left uncompared by `PointsScorer` (below what the names needed), with its arguments to compare it
    whole if whether it agrees matters; () when it is known not to agree."""

    alignment: tuple = ()


def _points_of(evidence: Evidence | None) -> float | None:
    return None if evidence is None else evidence.points
