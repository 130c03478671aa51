"""What the letters say: built once, from the decision, and kept as produced.

Two letters for each final decision:

- the formal outcome letter to the referrer: references (not the child's name: the referrer follows the case
  by its reference), the stage and outcome, the date, the test applied and its guidance (by title), the reasons
  in brief, what happens next and who to contact;
- the letter for the child: dated, in short sentences and plain words, with separate wording for each stage and
  outcome, naming the child's guardian (ICTG) and social worker and how to reach them (or, when neither is
  recorded, the panel coordinator, saying so plainly). Its reading level is measured in tests/test_readability.py.

The child's letter has two wordings, chosen by the child's age on the letter's date (`child_age_on`):

- under 12: for a child still at primary school (in England and Wales, Year 7, the first year of secondary
  school, starts at 11 going on 12). Written to be read with a trusted adult ("a grown-up you know will read
  this letter with you"), at a reading age of about 9;
- 12 and over: the teenagers' wording. Most children referred to the NRM are teenagers, and a teenager told
  about "grown-ups" hears that they are being talked down to. It speaks to them directly, names the people
  they deal with (social worker, guardian), uses the word they will hear ("exploitation"), asks them to say
  if they think something is wrong or missing, and mentions help at 18, still in short plain
  sentences (English is often not their first language, and trauma makes reading harder).

12 is where the teenagers' wording starts because it is the first age that is at secondary school whatever the
birthday (in England and Wales), so no child at primary school gets it. With no age known (a panel decides only
when it is known), the teenagers' wording is used: it is just as plain and does not talk down.

A decision on reconsideration (one that replaced a negative decision after someone asked the panel to look again:
reviews.ReconsiderationRequest) is not written as if it were the first: both letters say what was asked (the child's,
who asked as the request's kind of requester says it, or "someone"), that a differently constituted panel looked at
it again, the new outcome and whether it changed (`Reconsideration`, which letters.selectors.reconsideration_answered
reads).

A correction (decisions.DecisionKind.CORRECTION: a new version of a decision that stood, which cannot change its
outcome) is not written as a new decision either, nor as another reconsideration: both letters say that the panel
corrected its decision, and whether the outcome changed (`Correction`, which letters.selectors.correction_of reads).
A correction of a decision on reconsideration says so: the referrer's letter keeps the account of the
reconsideration (told as done, not as new), and the child's says it is the decision made when the panel looked again.

The content is a plain dict (title, facts, sections of paragraphs) so it can be stored as JSON on the letter
and shown again exactly as it was sent.

Each letter is written in the active language (ADR 0023): the service writes it inside
`kit.i18n.language("cy")` for a Welsh letter. Every fixed sentence is marked for translation, and so are the
decision's words the letters print (the elements found, the stage, the outcome in law: `ACT_WORDS` and the rest,
pinned to the decisions app's own wording by tests/test_welsh_letters.py). What the panel wrote itself (its reasons)
is printed as written. The test and the guidance's title are said in the letter's language (decisions.guidance), and a
letter in Welsh quotes the test in the English words the decision records. A paragraph is a string, or
{"text": ..., "lang": "en"} for one known to be in English inside a Welsh letter (the guidance's test).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.decisions import guidance
from childnrm.decisions.models import Act, ActFinding, Decision, Outcome, PurposeFinding, SlaveryFinding, Stage
from childnrm.kit.dates import long_date
from childnrm.referrals.vocab import ExploitationType
from childnrm.reviews.models import ReconsiderationGround, RequesterKind
from childnrm.triage.eligibility import working_birth_date

# The decision's words as the letters print them, translated here (the decisions app keeps its own English labels;
# tests/test_welsh_letters.py fails if these and its choices drift apart).
ACT_LABELS = {
    Act.RECRUITMENT: _("Recruitment"),
    Act.TRANSPORT: _("Transport"),
    Act.TRANSFER: _("Transfer"),
    Act.HARBOURING: _("Harbouring"),
    Act.RECEIPT: _("Receipt"),
}
PURPOSE_LABELS = {
    ExploitationType.LABOUR: _("Labour exploitation"),
    ExploitationType.SEXUAL: _("Sexual exploitation"),
    ExploitationType.CRIMINAL: _("Criminal exploitation"),
    ExploitationType.DOMESTIC_SERVITUDE: _("Domestic servitude"),
    ExploitationType.ORGAN_HARVESTING: _("Organ harvesting"),
    ExploitationType.OTHER: _("Other"),
    ExploitationType.NOT_KNOWN: _("Not known"),
}
SLAVERY_LABELS = {
    SlaveryFinding.SLAVERY: _("Slavery"),
    SlaveryFinding.SERVITUDE: _("Servitude"),
    SlaveryFinding.FORCED_LABOUR: _("Forced or compulsory labour"),
}
STAGE_WORDS: dict[str, Promise] = {
    Stage.REASONABLE_GROUNDS: _("reasonable grounds"),
    Stage.CONCLUSIVE_GROUNDS: _("conclusive grounds"),
}
OUTCOME_WORDS: dict[str, Promise] = {Outcome.POSITIVE: _("positive"), Outcome.NEGATIVE: _("negative")}
# The finding in law, as decisions.wording.outcome_clause words it in English.
OUTCOME_CLAUSES = {
    (Stage.REASONABLE_GROUNDS, Outcome.POSITIVE): _(
        "there are reasonable grounds to believe that the child is a victim of modern slavery"
    ),
    (Stage.REASONABLE_GROUNDS, Outcome.NEGATIVE): _(
        "there are not reasonable grounds to believe that the child is a victim of modern slavery"
    ),
    (Stage.CONCLUSIVE_GROUNDS, Outcome.POSITIVE): _(
        "on the balance of probabilities, the child is a victim of modern slavery"
    ),
    (Stage.CONCLUSIVE_GROUNDS, Outcome.NEGATIVE): _(
        "on the balance of probabilities, the child is not found to be a victim of modern slavery"
    ),
}


def _english(text: str) -> dict[str, str] | str:
    """A paragraph known to be English (the guidance's wording): marked so inside a Welsh letter."""
    return text if translation.get_language() == "en-gb" else {"text": text, "lang": "en"}


@dataclass(frozen=True)
class Contact:
    """A person named in a letter: the panel coordinator, the child's guardian or social worker."""

    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Reconsideration:
    """What a decision on reconsideration answers: the decision that stood before it (its outcome and date), and the
    request when it is recorded: who asked (their name, organisation and reviews.RequesterKind), when, and on which
    grounds (reviews.ReconsiderationGround codes)."""

    earlier_outcome: str
    earlier_decided_on: date | None
    asked_by: str = ""
    asked_by_organisation: str = ""
    asked_on: date | None = None
    grounds: tuple[str, ...] = ()
    asked_by_kind: str = ""

    def changed(self, decision: Decision) -> bool:
        return decision.outcome != self.earlier_outcome


@dataclass(frozen=True)
class Correction:
    """What a correction corrects: the version of the decision that stood before it (its outcome and date). Whether
    that decision was made on reconsideration is the letter's `Reconsideration`, read through the corrections."""

    earlier_outcome: str
    earlier_decided_on: date | None

    def changed(self, decision: Decision) -> bool:
        return decision.outcome != self.earlier_outcome


@dataclass(frozen=True)
class LetterPeople:
    coordinator: Contact
    site_name: str  # said in the letter's language (letters.services.site_name_in_letter)
    guardians: tuple[Contact, ...] = ()
    social_worker: Contact | None = None


def _reconsider_by(decision: Decision, reconsider_by: date | None) -> date | None:
    """The last day to ask for reconsideration, as the letter must print it: computed once by
    decisions.reconsideration.last_day when the decision is communicated (reviews.ReconsiderationWindow) and
    passed in by letters.services. A negative decision's letter cannot be written without it."""
    if decision.outcome != Outcome.NEGATIVE:
        return None
    if reconsider_by is None:
        raise ValueError("A negative decision's letter needs the last day to ask for reconsideration")
    return reconsider_by


def _listed(codes: list[str], labels: dict[Any, Any]) -> str:
    words = [str(labels.get(c, c)) for c in codes]
    return ", ".join(words)


def _findings_paragraphs(decision: Decision) -> list[str]:
    """What the panel found on each element, either way: a list of acts or purposes only for an element found,
    and for a negative decision the element not met, with its coded reason (issue 8, rule 3)."""
    paragraphs: list[str] = []
    if decision.outcome == Outcome.NEGATIVE and decision.negative_reason_id:
        paragraphs.append(
            gettext("Why the decision is negative. %(reason)s.") % {"reason": str(decision.negative_reason)}
        )
    act_why = (decision.act_reasoning or "").strip()

    def found_words(found: str) -> str:
        return gettext("The panel found: %(found)s. ") % {"found": found} if found else ""

    if decision.act_finding == ActFinding.FOUND:
        found = _listed(decision.act_found, ACT_LABELS)
        paragraphs.append(gettext("The act. ") + found_words(found) + act_why)
    elif decision.act_finding == ActFinding.NOT_FOUND:
        paragraphs.append(gettext("The act. The panel did not find an act of trafficking. ") + act_why)
    elif decision.act_finding == ActFinding.NOT_NEEDED:
        paragraphs.append(
            gettext("The act. None is needed: the panel found slavery, servitude or forced or compulsory labour. ")
            + act_why
        )
    if decision.slavery_found:
        found = _listed(decision.slavery_found, SLAVERY_LABELS)
        # The law of the deciding site's nation (accounts.nations); England and Wales keep their sentence.
        law = nations.rules(deciding_site(decision))
        heading = (
            gettext("Slavery, servitude or forced or compulsory labour (Modern Slavery Act 2015, section 1). ")
            if law.english_law
            else gettext("Slavery, servitude or forced or compulsory labour (%(law)s). ") % {"law": law.slavery_law}
        )
        paragraphs.append(heading + found_words(found) + (decision.slavery_reasoning or "").strip())
    purpose_why = (decision.purpose_reasoning or "").strip()
    if decision.purpose_finding == PurposeFinding.FOUND:
        found = _listed(decision.purpose_found, PURPOSE_LABELS)
        paragraphs.append(gettext("The purpose of exploitation. ") + found_words(found) + purpose_why)
    elif decision.purpose_finding == PurposeFinding.NOT_FOUND:
        paragraphs.append(
            gettext("The purpose of exploitation. The panel did not find an exploitative purpose. ") + purpose_why
        )
    return [p.strip() for p in paragraphs]


def _best_interests(decision: Decision) -> str:
    return (decision.best_interests or "").strip() or gettext("The panel's reasons are kept in the decision record.")


def _outcome_sentence(decision: Decision) -> str:
    """'The panel made a positive reasonable grounds decision: there are reasonable grounds to believe …'."""
    return gettext("The panel made a %(outcome)s %(stage)s decision: %(clause)s.") % {
        "outcome": OUTCOME_WORDS[decision.outcome],
        "stage": STAGE_WORDS[decision.stage],
        "clause": OUTCOME_CLAUSES[(decision.stage, decision.outcome)],
    }


def _test_paragraphs(decision: Decision) -> list[Any]:
    """The test the panel applied, then the guidance it is worded in, by its title. The decision keeps the test in
    the guidance's English words: a letter in another language says it in that language and quotes the English
    (marked so), or, for a wording it cannot say, quotes the English alone."""
    test = (decision.test_applied or "").strip().rstrip(".")
    version = gettext("This is the test as worded in the guidance applied: %(guidance)s.") % {
        "guidance": guidance.title_shown(decision.guidance_version)
    }
    if translation.get_language() == "en-gb":
        if test[:7].lower() == "whether":
            test = f"The panel considered {test}"
        return [f"{test}. {version}"]
    if guidance.test_translated(decision.test_applied):
        shown = guidance.test_shown(decision.test_applied).rstrip(".")
        return [
            gettext("The panel considered %(test)s.") % {"test": shown},
            gettext("The guidance words the test in English:"),
            _english(f"{test}."),
            version,
        ]
    return [
        gettext("The panel considered the test as the guidance words it, in English:"),
        _english(f"{test}."),
        version,
    ]


def deciding_site(decision: Decision):
    """The site whose panel took the decision: its sitting's. After a transfer the case's site is the receiving one,
    which produces the letters and is who to contact now, but did not decide."""
    return decision.meeting.site if decision.meeting_id else decision.referral.site


def _capital(words: Any) -> str:
    words = str(words)
    return words[:1].upper() + words[1:]


def _reconsideration_facts(reconsidered: Reconsideration) -> list[list[str]]:
    """The formal letter's facts about the request and the decision it reconsidered."""
    facts = [
        [
            gettext("Decision reconsidered"),
            gettext("%(outcome)s, made on %(date)s")
            % {
                "outcome": _capital(OUTCOME_WORDS.get(reconsidered.earlier_outcome, reconsidered.earlier_outcome)),
                "date": long_date(reconsidered.earlier_decided_on),
            },
        ]
    ]
    if reconsidered.asked_by:
        who = reconsidered.asked_by
        if reconsidered.asked_by_organisation:
            who = f"{who}, {reconsidered.asked_by_organisation}"
        facts.append([gettext("Reconsideration asked for by"), who])
    if reconsidered.asked_on:
        facts.append([gettext("Request received on"), long_date(reconsidered.asked_on)])
    return facts


def _reconsideration_paragraphs(decision: Decision, reconsidered: Reconsideration, *, corrected: bool) -> list[str]:
    """The formal letter's account of the reconsideration: what was asked, that the case was looked at again by a
    differently constituted panel, the new outcome and whether it changed. In a correction's letter (`corrected`)
    the reconsideration is told as done before: the correction is not another one (`_correction_paragraphs`)."""
    earlier = {
        "stage": STAGE_WORDS[decision.stage],
        "date": long_date(reconsidered.earlier_decided_on),
        "outcome": OUTCOME_WORDS.get(reconsidered.earlier_outcome, reconsidered.earlier_outcome),
    }
    asked = (
        gettext("%(name)s asked the panel to reconsider its %(stage)s decision of %(date)s, which was %(outcome)s.")
        % {"name": reconsidered.asked_by, **earlier}
        if reconsidered.asked_by
        else gettext("The panel was asked to reconsider its %(stage)s decision of %(date)s, which was %(outcome)s.")
        % earlier
    )
    grounds = set(reconsidered.grounds)
    new_evidence = ReconsiderationGround.NEW_EVIDENCE in grounds
    not_followed = ReconsiderationGround.GUIDANCE_NOT_FOLLOWED in grounds
    if new_evidence and not_followed:
        asked += " " + gettext("The request was based on new evidence, and said that the guidance was not followed.")
    elif new_evidence:
        asked += " " + gettext("The request was based on new evidence.")
    elif not_followed:
        asked += " " + gettext("The request said that the guidance was not followed.")
    now = {"before": earlier["outcome"], "now": OUTCOME_WORDS[decision.outcome]}
    if corrected:
        return [
            asked,
            gettext(
                "A differently constituted panel reconsidered the case and made a new decision, which replaced the "
                "earlier one."
            ),
            gettext(
                "The reconsideration changed the outcome: the earlier decision was %(before)s, and the decision on "
                "reconsideration was %(now)s."
            )
            % now
            if reconsidered.changed(decision)
            else gettext(
                "The reconsideration did not change the outcome: the decision on reconsideration was %(now)s, as the "
                "earlier decision was."
            )
            % now,
        ]
    return [
        asked,
        gettext(
            "A differently constituted panel has reconsidered the case and made a new decision, which replaces "
            "the earlier one."
        ),
        gettext(
            "The outcome has changed: the earlier decision was %(before)s, and the decision on reconsideration "
            "is %(now)s."
        )
        % now
        if reconsidered.changed(decision)
        else gettext(
            "The outcome has not changed: the decision on reconsideration is %(now)s, as the earlier decision was."
        )
        % now,
    ]


def _correction_fact(corrected: Correction) -> list[str]:
    """The formal letter's fact about the decision the correction corrects."""
    return [
        gettext("Decision corrected"),
        gettext("%(outcome)s, made on %(date)s")
        % {
            "outcome": _capital(OUTCOME_WORDS.get(corrected.earlier_outcome, corrected.earlier_outcome)),
            "date": long_date(corrected.earlier_decided_on),
        },
    ]


def _correction_paragraphs(decision: Decision, corrected: Correction, *, on_reconsideration: bool) -> list[str]:
    """The formal letter's account of a correction: which decision the panel corrected (saying so when it was made on
    reconsideration), that the corrected decision replaces it, and whether the outcome changed."""
    earlier = {"stage": STAGE_WORDS[decision.stage], "date": long_date(corrected.earlier_decided_on)}
    which = (
        gettext(
            "The panel has corrected the %(stage)s decision it made on reconsideration on %(date)s. The corrected "
            "decision in this letter replaces it."
        )
        if on_reconsideration
        else gettext(
            "The panel has corrected its %(stage)s decision of %(date)s. The corrected decision in this letter "
            "replaces it."
        )
    ) % earlier
    now = {
        "before": OUTCOME_WORDS.get(corrected.earlier_outcome, corrected.earlier_outcome),
        "now": OUTCOME_WORDS[decision.outcome],
    }
    return [
        which,
        gettext(
            "The outcome has changed: the decision corrected was %(before)s, and the corrected decision is %(now)s."
        )
        % now
        if corrected.changed(decision)
        else gettext("The outcome has not changed: the corrected decision is %(now)s, as the decision corrected was.")
        % now,
    ]


def _decision_label(*, reconsidered: bool, corrected: bool) -> str:
    if corrected:
        return gettext("Corrected decision on reconsideration") if reconsidered else gettext("Corrected decision")
    return gettext("Decision on reconsideration") if reconsidered else gettext("Decision")


def _referrer_title(*, reconsidered: bool, corrected: bool) -> str:
    if corrected:
        return (
            gettext("Corrected outcome of the reconsideration of the %(stage)s decision on referral %(reference)s")
            if reconsidered
            else gettext("Corrected outcome of the %(stage)s decision on referral %(reference)s")
        )
    return (
        gettext("Outcome of the reconsideration of the %(stage)s decision on referral %(reference)s")
        if reconsidered
        else gettext("Outcome of the %(stage)s decision on referral %(reference)s")
    )


def referrer_letter(
    decision: Decision,
    *,
    people: LetterPeople,
    reconsider_by: date | None = None,
    reconsidered: Reconsideration | None = None,
    corrected: Correction | None = None,
) -> dict[str, Any]:
    """The formal outcome letter to the referrer; for a decision on reconsideration (`reconsidered`), the outcome of
    the reconsideration; for a correction (`corrected`), the corrected outcome, with what the correction changed."""
    kinds = {"reconsidered": reconsidered is not None, "corrected": corrected is not None}
    referral = decision.referral
    site = deciding_site(decision)
    stage = str(STAGE_WORDS[decision.stage])
    outcome_words = gettext("%(outcome)s: %(clause)s") % {
        "outcome": OUTCOME_WORDS[decision.outcome],
        "clause": OUTCOME_CLAUSES[(decision.stage, decision.outcome)],
    }
    facts = [
        [gettext("Referral reference"), referral.reference],
        [gettext("Child reference"), referral.child.reference if referral.child_id else gettext("Not recorded")],
        [_decision_label(**kinds), f"{stage.capitalize()}, {outcome_words}"],
        [gettext("Date of decision"), long_date(decision.decided_on)],
        [gettext("Decided by"), site.display_name],
        [gettext("Guidance version applied"), guidance.title_shown(decision.guidance_version)],
    ]
    if corrected is not None:
        facts[2:2] = [_correction_fact(corrected)]
    if reconsidered is not None:
        facts[2:2] = _reconsideration_facts(reconsidered)
    if decision.version > 1:
        facts.append([gettext("Version of the decision"), str(decision.version)])

    reasons = _findings_paragraphs(decision)
    if decision.credibility_reasoning:
        reasons.append(gettext("Credibility. ") + decision.credibility_reasoning.strip())
    if not reasons:
        reasons.append(gettext("The panel's full reasons are kept in the decision record."))
    reasons = [r.strip() for r in reasons]
    reasons.append(
        gettext(
            "For a child, only the act and the purpose of exploitation need to be shown; the means (such as force "
            "or deception) do not."
        )
    )

    if decision.outcome == Outcome.POSITIVE and decision.stage == Stage.REASONABLE_GROUNDS:
        days = {"days": site.recovery_period_days}
        if site.rg_and_cg_at_one_sitting:
            when = gettext(
                "The panel may make the conclusive grounds decision as soon as it has enough evidence, which can be "
                "at the same sitting. We will write to you when it is made."
            )
        else:
            earliest = decision.decided_on + timedelta(days=site.recovery_period_days)
            when = gettext(
                "The conclusive grounds decision will not be made before %(earliest)s, at least %(days)s days after "
                "this decision. We will write to you when it is made."
            ) % {"earliest": long_date(earliest), **days}
        next_steps = [
            gettext(
                "The child now has a recovery period of at least %(days)s calendar days, during which they receive "
                "support and protection."
            )
            % days,
            gettext(
                "The panel will gather further information and make a conclusive grounds decision, on the balance of "
                "probabilities. "
            )
            + when,
            gettext(
                "The safeguarding plan agreed by the panel continues. Please send the panel coordinator any new "
                "information you have about the child's case."
            ),
        ]
    elif decision.outcome == Outcome.POSITIVE:
        next_steps = [
            gettext("This is the conclusive grounds decision: the child is recognised as a victim of modern slavery."),
            gettext(
                "The safeguarding plan agreed by the panel continues. The decision does not end the support the "
                "child receives; the panel coordinator can tell you about support available to the child now and "
                "at 18."
            ),
        ]
    else:
        ends = _reconsider_by(decision, reconsider_by)
        next_steps = [
            gettext(
                "You, or anyone supporting the child, may ask the panel to reconsider this decision by %(ends)s (the "
                "window runs from the day the decision was final and sent to you), if there is new evidence or if "
                "you believe the guidance was not followed. Send your request, with reasons and any new evidence, to "
                "the panel coordinator. A differently constituted panel will reconsider the case."
            )
            % {"ends": long_date(ends)},
            *(
                [
                    gettext("The support the child will still get: %(support)s")
                    % {"support": decision.support_after_negative.strip()}
                ]
                if decision.support_after_negative.strip()
                else []
            ),
            gettext(
                "Reconsideration is not an appeal. The formal remedy against this decision is judicial review; you "
                "may wish to take legal advice about it."
            ),
            gettext(
                "The child's safeguarding does not depend on this decision: the support and plan agreed for the "
                "child continue."
            ),
        ]

    who = {"name": people.coordinator.name, "site": people.site_name, "email": people.coordinator.email}
    contact = [
        (
            gettext("%(name)s, panel coordinator, %(site)s. Email: %(email)s. Please quote the referral reference.")
            if people.coordinator.email
            else gettext("%(name)s, panel coordinator, %(site)s. Please quote the referral reference.")
        )
        % who
    ]
    return {
        "title": _referrer_title(**kinds) % {"stage": stage, "reference": referral.reference},
        "greeting": gettext("Dear %(name)s") % {"name": referral.referrer_name}
        if referral.referrer_name
        else gettext("Dear referrer"),
        "facts": facts,
        "sections": [
            *(
                [
                    {
                        "heading": gettext("The correction"),
                        "paragraphs": _correction_paragraphs(
                            decision, corrected, on_reconsideration=reconsidered is not None
                        ),
                    }
                ]
                if corrected is not None
                else []
            ),
            *(
                [
                    {
                        "heading": gettext("The reconsideration"),
                        "paragraphs": _reconsideration_paragraphs(
                            decision, reconsidered, corrected=corrected is not None
                        ),
                    }
                ]
                if reconsidered is not None
                else []
            ),
            {"heading": gettext("The decision"), "paragraphs": [_outcome_sentence(decision)]},
            {"heading": gettext("The test applied"), "paragraphs": _test_paragraphs(decision)},
            {"heading": gettext("The reasons in brief"), "paragraphs": reasons},
            {"heading": gettext("The child's best interests"), "paragraphs": [_best_interests(decision)]},
            {"heading": gettext("What happens next"), "paragraphs": next_steps},
            {"heading": gettext("Who to contact"), "paragraphs": contact},
        ],
        "sign_off": f"{people.site_name}",
    }


# The child's letter ------------------------------------------------------------------------------
#
# Short sentences and short words, in two wordings chosen by the child's age on the letter's date (see the
# module docstring). Each wording is measured in tests/test_readability.py for every stage and outcome.

TEEN_FROM_AGE = 12  # 12 and over get the teenagers' wording; under 12, the younger children's


class Wording:
    YOUNGER = "under 12"
    TEENAGER = "12 and over"


def age_on(born: date, on: date) -> int:
    """Age in whole years on `on`. A 29 February birthday falls on 1 March in other years, as in
    triage.eligibility.eighteenth_birthday (UK practice)."""
    try:
        birthday = born.replace(year=on.year)
    except ValueError:
        birthday = date(on.year, 3, 1)
    return on.year - born.year - (1 if on < birthday else 0)


def child_age_on(decision: Decision, on: date) -> int | None:
    """The child's age on the letter's date: from the child record's date of birth (estimated or not), else the
    referral's, else the estimated age the referral gave (taken as turned that day, as eligibility reads it)."""
    referral = decision.referral
    born = referral.child.date_of_birth if referral.child is not None else None
    if born is None:
        born, _ = working_birth_date(referral)
    return age_on(born, on) if born is not None else None


def wording_for(age: int | None) -> str:
    """Under 12: the younger children's wording. 12 and over, or (rarely: a panel only decides when the age is
    known) no age known: the teenagers' wording, which is just as plain but never talks down."""
    return Wording.YOUNGER if age is not None and age < TEEN_FROM_AGE else Wording.TEENAGER


# The teenagers' wording says who sits on the panel: people from the body that runs children's social care where they
# live (accounts.nations.social_care_body), the police and health. In Northern Ireland that body is a Health and
# Social Care Trust, which runs health services too, so it is named with the police alone.
_PANEL_MEMBERS = "panel members"  # in _CHILD_DECISION: the sentence of the child's nation (_PANEL_OF)
_PANEL_OF = {
    nations.COUNCIL: _(
        "A panel has looked at what happened to you. It is a group of people from your council, the police and health."
    ),
    nations.HSC_TRUST: _(
        "A panel has looked at what happened to you. It is a group of people from your Health and Social Care Trust "
        "and the police."
    ),
}

_CHILD_DECISION: dict[str, dict[tuple[str, str], list[Any]]] = {
    Wording.YOUNGER: {
        (Stage.REASONABLE_GROUNDS, Outcome.POSITIVE): [
            _("A group of grown-ups called a panel has looked at what happened to you."),
            _("They think some people may have used you to get money or things for them."),
            _("That is wrong. It should not happen to any child."),
            _("This is the first step. It means you will get help and support."),
        ],
        (Stage.REASONABLE_GROUNDS, Outcome.NEGATIVE): [
            _("A group of grown-ups called a panel has looked at what happened to you."),
            _("They did not find enough to say that people used you to get money or things for them."),
            _("This does not mean that no one believes you."),
            _("You will still get help to stay safe."),
        ],
        (Stage.CONCLUSIVE_GROUNDS, Outcome.POSITIVE): [
            _("The panel has made its last choice about what happened to you."),
            _("The panel is sure that some people used you to get money or things for them."),
            _("That was wrong. It should not happen to any child."),
            _("You will keep on getting help and support."),
        ],
        (Stage.CONCLUSIVE_GROUNDS, Outcome.NEGATIVE): [
            _("The panel has made its last choice about what happened to you."),
            _("They did not find enough to be sure that people used you to get money or things for them."),
            _("This does not mean that no one believes you."),
            _("You will still get help to stay safe."),
        ],
    },
    Wording.TEENAGER: {
        (Stage.REASONABLE_GROUNDS, Outcome.POSITIVE): [
            _PANEL_MEMBERS,
            _(
                "They think there are good reasons to believe that someone used you to make money or get things for "
                "them. This is called exploitation."
            ),
            _("That is wrong. It should not happen to anyone."),
            _("This is the first step. It means you can get help and support."),
        ],
        (Stage.REASONABLE_GROUNDS, Outcome.NEGATIVE): [
            _PANEL_MEMBERS,
            _("They did not find enough to say that someone used you to make money or get things for them."),
            _("This does not mean that nobody believes you."),
            _("You will still get help to stay safe."),
        ],
        (Stage.CONCLUSIVE_GROUNDS, Outcome.POSITIVE): [
            _("The panel has now made its final decision about what happened to you."),
            _(
                "The panel is sure that someone used you to make money or get things for them. This is called "
                "exploitation."
            ),
            _("That was wrong. It should not happen to anyone."),
            _("You will keep getting help and support."),
        ],
        (Stage.CONCLUSIVE_GROUNDS, Outcome.NEGATIVE): [
            _("The panel has now made its final decision about what happened to you."),
            _("They did not find enough to be sure that someone used you to make money or get things for them."),
            _("This does not mean that nobody believes you."),
            _("You will still get help to stay safe."),
        ],
    },
}


# Who asked the panel to look again, as the child is told it (reviews.RequesterKind), in each wording. Someone else's
# request (OTHER: a family member, a lawyer, the child themselves, brought through one of the others) and a request
# not recorded name no one.
_ASKED_BY: dict[str, dict[str, Promise]] = {
    Wording.YOUNGER: {
        RequesterKind.REFERRER: _("The grown-up who told the panel about you asked it to look again at its choice."),
        RequesterKind.SOCIAL_WORKER: _("Your social worker asked the panel to look again at its choice."),
        RequesterKind.ICTG: _("Your guardian asked the panel to look again at its choice."),
        RequesterKind.SUPPORT_PROVIDER: _("A grown-up who helps you asked the panel to look again at its choice."),
        RequesterKind.OTHER: _("Someone asked the panel to look again at its choice."),
    },
    Wording.TEENAGER: {
        RequesterKind.REFERRER: _("The person who told the panel about you asked it to look again at its decision."),
        RequesterKind.SOCIAL_WORKER: _("Your social worker asked the panel to look again at its decision."),
        RequesterKind.ICTG: _("Your guardian asked the panel to look again at its decision."),
        RequesterKind.SUPPORT_PROVIDER: _("Someone who helps you asked the panel to look again at its decision."),
        RequesterKind.OTHER: _("Someone asked the panel to look again at its decision."),
    },
}


def _child_reconsideration(decision: Decision, wording: str, reconsidered: Reconsideration) -> list[str]:
    """What the child is told of a reconsideration: who asked the panel to look again (and why, as the request said),
    that other people on the panel did, and whether their decision is the one made before."""
    grounds = set(reconsidered.grounds)
    new_information = ReconsiderationGround.NEW_EVIDENCE in grounds
    got_it_wrong = ReconsiderationGround.GUIDANCE_NOT_FOLLOWED in grounds
    same = not reconsidered.changed(decision)
    asked_by = _ASKED_BY[wording]
    asked = str(asked_by.get(reconsidered.asked_by_kind, asked_by[RequesterKind.OTHER]))
    if wording == Wording.YOUNGER:
        lines = [asked]
        if new_information:
            lines.append(gettext("They had something new to tell the panel."))
        if got_it_wrong:
            lines.append(
                gettext("They also thought the panel got it wrong.")
                if new_information
                else gettext("They thought the panel got it wrong.")
            )
        lines.append(gettext("Different grown-ups on the panel have looked at it again."))
        lines.append(
            gettext("They made the same choice as last time.")
            if same
            else gettext("They made a different choice this time.")
        )
        return lines
    lines = [asked]
    if new_information and got_it_wrong:
        lines.append(
            gettext("They asked because there was new information, and because they thought the panel got it wrong.")
        )
    elif new_information:
        lines.append(gettext("They asked because there was new information."))
    elif got_it_wrong:
        lines.append(gettext("They asked because they thought the panel got it wrong."))
    lines.append(gettext("Different people on the panel have now looked at it again."))
    lines.append(
        gettext("Their decision is the same as last time.")
        if same
        else gettext("Their decision is different this time.")
    )
    return lines


def _child_correction(
    decision: Decision, wording: str, corrected: Correction, *, on_reconsideration: bool
) -> list[str]:
    """What the child is told of a correction: that the panel put right a mistake in what it wrote (about the decision
    it made when it looked again, if it did), and whether its decision changed. Never that it looked again now."""
    same = not corrected.changed(decision)
    if wording == Wording.YOUNGER:
        return [
            gettext("The panel found a mistake in what it wrote after it looked again. The mistake is now put right.")
            if on_reconsideration
            else gettext("The panel found a mistake in what it wrote about its choice. The mistake is now put right."),
            gettext("Its choice is still the same.") if same else gettext("Its choice has changed."),
        ]
    return [
        gettext("The panel has corrected a mistake in what it wrote about its decision after it looked again.")
        if on_reconsideration
        else gettext("The panel has corrected a mistake in what it wrote about its decision."),
        gettext("Its decision has not changed.") if same else gettext("Its decision has changed."),
    ]


def _child_decision(
    decision: Decision, wording: str, reconsidered: Reconsideration | None, corrected: Correction | None = None
) -> list[str]:
    """What the panel decided, in the child's wording; after a reconsideration or a correction, opened by what
    happened to it."""
    panel_of = _PANEL_OF[nations.social_care_body(deciding_site(decision))]
    lines = [
        str(panel_of) if line == _PANEL_MEMBERS else str(line)
        for line in _CHILD_DECISION[wording][(decision.stage, decision.outcome)]
    ]
    if corrected is not None:
        correction = _child_correction(decision, wording, corrected, on_reconsideration=reconsidered is not None)
        # The child was told of the reconsideration when it was decided: the correction says whose decision this is,
        # and is not told as the panel looking again. A plain correction keeps the first line, which says who the
        # panel is.
        return [*correction, *lines[1:]] if reconsidered is not None else [lines[0], *correction, *lines[1:]]
    if reconsidered is None:
        return lines
    # The first line of each wording says the panel has looked at what happened: the reconsideration's lines say it.
    return [*_child_reconsideration(decision, wording, reconsidered), *lines[1:]]


def _child_next(decision: Decision, ends: date | None, wording: str) -> list[str]:
    younger = wording == Wording.YOUNGER
    if decision.outcome == Outcome.NEGATIVE:
        until = {"date": long_date(ends)}
        if younger:
            return [
                gettext("The grown-ups who help you can ask the panel to look again."),
                gettext("They can do this if they think the panel got it wrong. They have until %(date)s to ask.")
                % until,
                gettext("Your plan to keep you safe will go on."),
            ]
        return [
            gettext("The people who help you can ask the panel to look again."),
            gettext(
                "They can do this if there is new information, or if they think the panel got it wrong. They have "
                "until %(date)s to ask."
            )
            % until,
            gettext("Tell them if you think something is wrong or missing."),
            gettext("Your plan to keep you safe will go on."),
        ]
    if decision.stage == Stage.REASONABLE_GROUNDS:
        return [
            gettext("Now the panel will take some time to find out more."),
            gettext("Then it will make one last choice. We will tell you when it does.")
            if younger
            else gettext("Then it will make its final decision. We will tell you when it does."),
            gettext("Your plan to keep you safe will go on."),
        ]
    if younger:
        return [
            gettext("Your plan to keep you safe will go on."),
            gettext("The grown-ups who help you will talk to you about what comes next."),
        ]
    return [
        gettext("Your plan to keep you safe will go on."),
        gettext(
            "The people who help you will talk to you about what comes next. That includes the help you can get "
            "when you turn 18."
        ),
    ]


def _reach(contact: Contact) -> list[str]:
    """How to reach someone, as far as it is recorded."""
    lines = []
    if contact.phone:
        lines.append(gettext("Their phone number is %(phone)s.") % {"phone": contact.phone})
    if contact.email:
        lines.append(gettext("Their email is %(email)s.") % {"email": contact.email})
    return lines


def _who_to_talk_to(people: LetterPeople, wording: str) -> list[str]:
    """The guardian and the social worker with how to reach them; plainly who to ask when neither is recorded."""
    talk: list[str] = []
    for guardian in people.guardians:
        talk.append(
            gettext("%(name)s is your guardian. It is their job to help you and be on your side.")
            % {"name": guardian.name}
        )
        talk += _reach(guardian)
    if people.social_worker is not None:
        talk.append(gettext("You can talk to %(name)s, your social worker.") % {"name": people.social_worker.name})
        talk += _reach(people.social_worker)
    coordinator = people.coordinator
    # Not every child has a guardian (ICTG): where none is recorded the letter does not promise one.
    if not people.guardians and people.social_worker is None:
        talk.append(gettext("We do not have the name of your social worker yet."))
        talk.append(gettext("You can talk to %(name)s. They look after the panel.") % {"name": coordinator.name})
        talk += _reach(coordinator)
        talk.append(gettext("They can tell you who your social worker is, and if you have a guardian."))
    else:
        if not people.guardians:
            talk.append(gettext("Your social worker can tell you if you have a guardian."))
        if people.social_worker is None:
            talk.append(
                gettext("We do not have the name of your social worker yet. Your guardian can find out for you.")
            )
        talk.append(
            gettext("You can ask %(name)s about this letter too. They look after the panel.")
            % {"name": coordinator.name}
        )
        talk += _reach(coordinator)
    talk.append(
        gettext("It is fine to ask lots of questions.")
        if wording == Wording.YOUNGER
        else gettext("You can ask as many questions as you like.")
    )
    return [line for line in talk if line]


def child_letter(
    decision: Decision,
    *,
    people: LetterPeople,
    reconsider_by: date | None = None,
    dated: date | None = None,
    reconsidered: Reconsideration | None = None,
    corrected: Correction | None = None,
) -> dict[str, Any]:
    """The letter for the child, dated `dated` (the day it is produced), in the wording for their age that day; for a
    decision on reconsideration (`reconsidered`), telling them the panel looked again and whether it changed; for a
    correction (`corrected`), that the panel put right a mistake and whether its decision changed."""
    dated = dated or timezone.localdate()
    referral = decision.referral
    child = referral.child
    given = (child.given_names if child is not None else referral.given_names) or ""
    first_name = given.split()[0] if given.split() else ""
    ends = _reconsider_by(decision, reconsider_by)
    wording = wording_for(child_age_on(decision, dated))
    younger = wording == Wording.YOUNGER

    return {
        "title": gettext("A letter for you"),
        "date": long_date(dated),
        "wording": wording,
        "greeting": gettext("Dear %(name)s") % {"name": first_name} if first_name else gettext("Hello"),
        "facts": [],
        "sections": [
            {
                "heading": gettext("What the panel said"),
                "paragraphs": [
                    gettext("A grown-up you know will read this letter with you.")
                    if younger
                    else gettext(
                        "Someone you trust, like your social worker or guardian, can go through this letter with you."
                    ),
                    *_child_decision(decision, wording, reconsidered, corrected),
                ],
            },
            {
                "heading": gettext("You are not in trouble"),
                "paragraphs": [
                    gettext("You have not done anything wrong."),
                    gettext("What happened is not your fault."),
                ],
            },
            {"heading": gettext("What happens next"), "paragraphs": _child_next(decision, ends, wording)},
            {"heading": gettext("Who you can talk to"), "paragraphs": _who_to_talk_to(people, wording)},
        ],
        "sign_off": gettext("From the panel"),
    }


def letter_text(content: dict[str, Any]) -> str:
    """The letter as plain text, in reading order (for readability checks and search)."""
    if "versions" in content:  # bilingual: each language's letter in turn, Welsh first
        return "\n".join(letter_text(version) for version in content["versions"])
    parts = [content.get("title", ""), content.get("date", ""), content.get("greeting", "")]
    parts += [f"{label}: {value}" for label, value in content.get("facts", [])]
    for section in content.get("sections", []):
        parts.append(section["heading"])
        parts += [p["text"] if isinstance(p, dict) else p for p in section["paragraphs"]]
    parts.append(content.get("sign_off", ""))
    return "\n".join(p for p in parts if p)
