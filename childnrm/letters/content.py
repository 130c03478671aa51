"""What the letters say: built once, from the decision, and kept as produced.

Two letters for each final decision:

- the formal outcome letter to the referrer: references (not the child's name: the referrer follows the case
  by its reference), the stage and outcome, the date, the test applied and its guidance version, the reasons
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

The content is a plain dict (title, facts, sections of paragraphs) so it can be stored as JSON on the letter
and shown again exactly as it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from childnrm.decisions.models import Act, ActFinding, Decision, Outcome, PurposeFinding, SlaveryFinding, Stage
from childnrm.decisions.wording import outcome_clause
from childnrm.kit.dates import long_date
from childnrm.referrals.eligibility import working_birth_date
from childnrm.referrals.vocab import ExploitationType

ACT_LABELS = dict(Act.choices)
PURPOSE_LABELS = dict(ExploitationType.choices)
SLAVERY_LABELS = dict(SlaveryFinding.choices)
STAGE_WORDS = {Stage.REASONABLE_GROUNDS: "reasonable grounds", Stage.CONCLUSIVE_GROUNDS: "conclusive grounds"}


@dataclass(frozen=True)
class Contact:
    """A person named in a letter: the panel coordinator, the child's guardian or social worker."""

    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class LetterPeople:
    coordinator: Contact
    site_name: str
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


def _listed(codes: list[str], labels: dict[str, str]) -> str:
    words = [labels.get(c, c) for c in codes]
    return ", ".join(words)


def _findings_paragraphs(decision: Decision) -> list[str]:
    """What the panel found on each element, either way: a list of acts or purposes only for an element found,
    and for a negative decision the element not met, with its coded reason (issue 8, rule 3)."""
    paragraphs: list[str] = []
    if decision.outcome == Outcome.NEGATIVE and decision.negative_reason_id:
        paragraphs.append(f"Why the decision is negative. {decision.negative_reason.label}.")
    act_why = (decision.act_reasoning or "").strip()
    if decision.act_finding == ActFinding.FOUND:
        found = _listed(decision.act_found, ACT_LABELS)
        paragraphs.append("The act. " + (f"The panel found: {found}. " if found else "") + act_why)
    elif decision.act_finding == ActFinding.NOT_FOUND:
        paragraphs.append("The act. The panel did not find an act of trafficking. " + act_why)
    elif decision.act_finding == ActFinding.NOT_NEEDED:
        paragraphs.append(
            "The act. None is needed: the panel found slavery, servitude or forced or compulsory labour. " + act_why
        )
    if decision.slavery_found:
        found = _listed(decision.slavery_found, SLAVERY_LABELS)
        paragraphs.append(
            "Slavery, servitude or forced or compulsory labour (Modern Slavery Act 2015, section 1). "
            f"The panel found: {found}. " + (decision.slavery_reasoning or "").strip()
        )
    purpose_why = (decision.purpose_reasoning or "").strip()
    if decision.purpose_finding == PurposeFinding.FOUND:
        found = _listed(decision.purpose_found, PURPOSE_LABELS)
        paragraphs.append(
            "The purpose of exploitation. " + (f"The panel found: {found}. " if found else "") + purpose_why
        )
    elif decision.purpose_finding == PurposeFinding.NOT_FOUND:
        paragraphs.append("The purpose of exploitation. The panel did not find an exploitative purpose. " + purpose_why)
    return [p.strip() for p in paragraphs]


def _best_interests(decision: Decision) -> str:
    return (decision.best_interests or "").strip() or "The panel's reasons are kept in the decision record."


def _outcome_sentence(decision: Decision) -> str:
    """'The panel made a positive reasonable grounds decision: there are reasonable grounds to believe …'."""
    stage = STAGE_WORDS[decision.stage]
    return f"The panel made a {decision.outcome} {stage} decision: {outcome_clause(decision.stage, decision.outcome)}."


def _test_sentence(decision: Decision) -> str:
    test = (decision.test_applied or "").strip().rstrip(".")
    if test[:7].lower() == "whether":
        test = f"The panel considered {test}"
    return f"{test}. This is the test as worded in the guidance version {decision.guidance_version}."


def referrer_letter(decision: Decision, *, people: LetterPeople, reconsider_by: date | None = None) -> dict[str, Any]:
    """The formal outcome letter to the referrer."""
    referral = decision.referral
    site = referral.site
    stage = STAGE_WORDS[decision.stage]
    facts = [
        ["Referral reference", referral.reference],
        ["Child reference", referral.child.reference if referral.child_id else "Not recorded"],
        ["Decision", f"{stage.capitalize()}, {decision.outcome_words[0].lower()}{decision.outcome_words[1:]}"],
        ["Date of decision", long_date(decision.decided_on)],
        ["Decided by", site.name],
        ["Guidance version applied", decision.guidance_version],
    ]
    if decision.version > 1:
        facts.append(["Version of the decision", str(decision.version)])

    reasons = _findings_paragraphs(decision)
    if decision.credibility_reasoning:
        reasons.append("Credibility. " + decision.credibility_reasoning.strip())
    if not reasons:
        reasons.append("The panel's full reasons are kept in the decision record.")
    reasons = [r.strip() for r in reasons]
    reasons.append(
        "For a child, only the act and the purpose of exploitation need to be shown; the means (such as force "
        "or deception) do not."
    )

    if decision.outcome == Outcome.POSITIVE and decision.stage == Stage.REASONABLE_GROUNDS:
        if site.rg_and_cg_at_one_sitting:
            when = (
                "The panel may make the conclusive grounds decision as soon as it has enough evidence, which can be "
                "at the same sitting. We will write to you when it is made."
            )
        else:
            earliest = decision.decided_on + timedelta(days=site.recovery_period_days)
            when = (
                f"The conclusive grounds decision will not be made before {long_date(earliest)}, "
                f"at least {site.recovery_period_days} days after this decision. We will write to you when it is made."
            )
        next_steps = [
            f"The child now has a recovery period of at least {site.recovery_period_days} calendar days, during "
            "which they receive support and protection.",
            "The panel will gather further information and make a conclusive grounds decision, on the balance of "
            "probabilities. " + when,
            "The safeguarding plan agreed by the panel continues. Please send the panel coordinator any new "
            "information you have about the child's case.",
        ]
    elif decision.outcome == Outcome.POSITIVE:
        next_steps = [
            "This is the conclusive grounds decision: the child is recognised as a victim of modern slavery.",
            "The safeguarding plan agreed by the panel continues. The decision does not end the support the child "
            "receives; the panel coordinator can tell you about support available to the child now and at 18.",
        ]
    else:
        ends = _reconsider_by(decision, reconsider_by)
        next_steps = [
            f"You, or anyone supporting the child, may ask the panel to reconsider this decision by {long_date(ends)} "
            "(the window runs from the day the decision was final and sent to you), if there is new "
            "evidence or if you believe the guidance was not followed. Send your request, with reasons and any new "
            "evidence, to the panel coordinator. A differently constituted panel will reconsider the case.",
            *(
                [f"The support the child will still get: {decision.support_after_negative.strip()}"]
                if decision.support_after_negative.strip()
                else []
            ),
            "Reconsideration is not an appeal. The formal remedy against this decision is judicial review; you may "
            "wish to take legal advice about it.",
            "The child's safeguarding does not depend on this decision: the support and plan agreed for the child "
            "continue.",
        ]

    contact = [
        f"{people.coordinator.name}, panel coordinator, {people.site_name}"
        + (f". Email: {people.coordinator.email}" if people.coordinator.email else "")
        + ". Please quote the referral reference.",
    ]
    return {
        "title": f"Outcome of the {stage} decision on referral {referral.reference}",
        "greeting": f"Dear {referral.referrer_name}" if referral.referrer_name else "Dear referrer",
        "facts": facts,
        "sections": [
            {"heading": "The decision", "paragraphs": [_outcome_sentence(decision)]},
            {"heading": "The test applied", "paragraphs": [_test_sentence(decision)]},
            {"heading": "The reasons in brief", "paragraphs": reasons},
            {"heading": "The child's best interests", "paragraphs": [_best_interests(decision)]},
            {"heading": "What happens next", "paragraphs": next_steps},
            {"heading": "Who to contact", "paragraphs": contact},
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
    referrals.eligibility.eighteenth_birthday (UK practice)."""
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


_CHILD_DECISION = {
    Wording.YOUNGER: {
        (Stage.REASONABLE_GROUNDS, Outcome.POSITIVE): [
            "A group of grown-ups called a panel has looked at what happened to you.",
            "They think some people may have used you to get money or things for them.",
            "That is wrong. It should not happen to any child.",
            "This is the first step. It means you will get help and support.",
        ],
        (Stage.REASONABLE_GROUNDS, Outcome.NEGATIVE): [
            "A group of grown-ups called a panel has looked at what happened to you.",
            "They did not find enough to say that people used you to get money or things for them.",
            "This does not mean that no one believes you.",
            "You will still get help to stay safe.",
        ],
        (Stage.CONCLUSIVE_GROUNDS, Outcome.POSITIVE): [
            "The panel has made its last choice about what happened to you.",
            "The panel is sure that some people used you to get money or things for them.",
            "That was wrong. It should not happen to any child.",
            "You will keep on getting help and support.",
        ],
        (Stage.CONCLUSIVE_GROUNDS, Outcome.NEGATIVE): [
            "The panel has made its last choice about what happened to you.",
            "They did not find enough to be sure that people used you to get money or things for them.",
            "This does not mean that no one believes you.",
            "You will still get help to stay safe.",
        ],
    },
    Wording.TEENAGER: {
        (Stage.REASONABLE_GROUNDS, Outcome.POSITIVE): [
            "A panel has looked at what happened to you. It is a group of people from your council, the police "
            "and health.",
            "They think there are good reasons to believe that someone used you to make money or get things for "
            "them. This is called exploitation.",
            "That is wrong. It should not happen to anyone.",
            "This is the first step. It means you can get help and support.",
        ],
        (Stage.REASONABLE_GROUNDS, Outcome.NEGATIVE): [
            "A panel has looked at what happened to you. It is a group of people from your council, the police "
            "and health.",
            "They did not find enough to say that someone used you to make money or get things for them.",
            "This does not mean that nobody believes you.",
            "You will still get help to stay safe.",
        ],
        (Stage.CONCLUSIVE_GROUNDS, Outcome.POSITIVE): [
            "The panel has now made its final decision about what happened to you.",
            "The panel is sure that someone used you to make money or get things for them. This is called "
            "exploitation.",
            "That was wrong. It should not happen to anyone.",
            "You will keep getting help and support.",
        ],
        (Stage.CONCLUSIVE_GROUNDS, Outcome.NEGATIVE): [
            "The panel has now made its final decision about what happened to you.",
            "They did not find enough to be sure that someone used you to make money or get things for them.",
            "This does not mean that nobody believes you.",
            "You will still get help to stay safe.",
        ],
    },
}


def _child_next(decision: Decision, ends: date | None, wording: str) -> list[str]:
    younger = wording == Wording.YOUNGER
    if decision.outcome == Outcome.NEGATIVE:
        if younger:
            return [
                "The grown-ups who help you can ask the panel to look again.",
                f"They can do this if they think the panel got it wrong. They have until {long_date(ends)} to ask.",
                "Your plan to keep you safe will go on.",
            ]
        return [
            "The people who help you can ask the panel to look again.",
            f"They can do this if there is new information, or if they think the panel got it wrong. They have "
            f"until {long_date(ends)} to ask.",
            "Tell them if you think something is wrong or missing.",
            "Your plan to keep you safe will go on.",
        ]
    if decision.stage == Stage.REASONABLE_GROUNDS:
        return [
            "Now the panel will take some time to find out more.",
            "Then it will make one last choice. We will tell you when it does."
            if younger
            else "Then it will make its final decision. We will tell you when it does.",
            "Your plan to keep you safe will go on.",
        ]
    if younger:
        return [
            "Your plan to keep you safe will go on.",
            "The grown-ups who help you will talk to you about what comes next.",
        ]
    return [
        "Your plan to keep you safe will go on.",
        "The people who help you will talk to you about what comes next. That includes the help you can get when "
        "you turn 18.",
    ]


def _reach(contact: Contact) -> list[str]:
    """How to reach someone, as far as it is recorded."""
    lines = []
    if contact.phone:
        lines.append(f"Their phone number is {contact.phone}.")
    if contact.email:
        lines.append(f"Their email is {contact.email}.")
    return lines


def _who_to_talk_to(people: LetterPeople, wording: str) -> list[str]:
    """The guardian and the social worker with how to reach them; plainly who to ask when neither is recorded."""
    talk: list[str] = []
    for guardian in people.guardians:
        talk.append(f"{guardian.name} is your guardian. It is their job to help you and be on your side.")
        talk += _reach(guardian)
    if people.social_worker is not None:
        talk.append(f"You can talk to {people.social_worker.name}, your social worker.")
        talk += _reach(people.social_worker)
    coordinator = people.coordinator
    # Not every child has a guardian (ICTG): where none is recorded the letter does not promise one.
    if not people.guardians and people.social_worker is None:
        talk.append("We do not have the name of your social worker yet.")
        talk.append(f"You can talk to {coordinator.name}. They look after the panel.")
        talk += _reach(coordinator)
        talk.append("They can tell you who your social worker is, and if you have a guardian.")
    else:
        if not people.guardians:
            talk.append("Your social worker can tell you if you have a guardian.")
        if people.social_worker is None:
            talk.append("We do not have the name of your social worker yet. Your guardian can find out for you.")
        talk.append(f"You can ask {coordinator.name} about this letter too. They look after the panel.")
        talk += _reach(coordinator)
    talk.append(
        "It is fine to ask lots of questions."
        if wording == Wording.YOUNGER
        else "You can ask as many questions as you like."
    )
    return [line for line in talk if line]


def child_letter(
    decision: Decision, *, people: LetterPeople, reconsider_by: date | None = None, dated: date | None = None
) -> dict[str, Any]:
    """The letter for the child, dated `dated` (the day it is produced), in the wording for their age that day."""
    dated = dated or timezone.localdate()
    referral = decision.referral
    child = referral.child
    given = (child.given_names if child is not None else referral.given_names) or ""
    first_name = given.split()[0] if given.split() else ""
    ends = _reconsider_by(decision, reconsider_by)
    wording = wording_for(child_age_on(decision, dated))
    younger = wording == Wording.YOUNGER

    return {
        "title": "A letter for you",
        "date": long_date(dated),
        "wording": wording,
        "greeting": f"Dear {first_name}" if first_name else "Hello",
        "facts": [],
        "sections": [
            {
                "heading": "What the panel said",
                "paragraphs": [
                    "A grown-up you know will read this letter with you."
                    if younger
                    else "Someone you trust, like your social worker or guardian, can go through this letter with you.",
                    *_CHILD_DECISION[wording][(decision.stage, decision.outcome)],
                ],
            },
            {
                "heading": "You are not in trouble",
                "paragraphs": ["You have not done anything wrong.", "What happened is not your fault."],
            },
            {"heading": "What happens next", "paragraphs": _child_next(decision, ends, wording)},
            {"heading": "Who you can talk to", "paragraphs": _who_to_talk_to(people, wording)},
        ],
        "sign_off": "From the panel",
    }


def letter_text(content: dict[str, Any]) -> str:
    """The letter as plain text, in reading order (for readability checks and search)."""
    parts = [content.get("title", ""), content.get("date", ""), content.get("greeting", "")]
    parts += [f"{label}: {value}" for label, value in content.get("facts", [])]
    for section in content.get("sections", []):
        parts.append(section["heading"])
        parts += section["paragraphs"]
    parts.append(content.get("sign_off", ""))
    return "\n".join(p for p in parts if p)
