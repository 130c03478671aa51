"""Every word the child reads on their feedback pages, in one place, so its reading age is measured
(tests/test_wording.py: the ceiling of the younger child's letter, a reading age of about 9; the pages as shown,
in Welsh and English, by tests/test_reading_level.py and docs/welsh-reading-level.md).

Plain words, short sentences, "you" and "we". Nothing here names the child, their case or the decision: the
pages work on a device without signing in, and anyone looking over a shoulder learns nothing.

The words here are English, marked for the Welsh catalogue (gettext_noop) and translated where they are shown
(forms.py, the templates), so the reading-age test reads the English and the child reads their own language. A
sentence with a number in it is `ngettext_lazy`, translated when its number is put in (`TIME_LIMIT % {"num": n}`).
The Welsh says "ti", as Welsh writing for children does (docs/welsh-glossary.md, "Register").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_noop, ngettext_lazy

from childnrm.accounts import nations
from childnrm.accounts.models import Site
from childnrm.feedback import tokens
from childnrm.feedback.models import Scale

# The name the child's pages go by, in their header and title: not the service's, which says what the case is about
# to anyone looking over a shoulder.
SERVICE = gettext_noop("Your say")
TITLE = gettext_noop("Tell us what you think")
INTRO = (
    gettext_noop("You met someone who told you what the panel decided. We want to know how that went for you."),
    gettext_noop("There are no right or wrong answers. This is not a test."),
    gettext_noop("You can ask the person with you to help you."),
)


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    hint: str
    missing: str  # the error message when no answer is chosen


LISTENED = Question(
    "listened",
    gettext_noop("Did you feel listened to?"),
    gettext_noop("Did the people you met hear what you had to say?"),
    gettext_noop("Pick an answer to: did you feel listened to? You can pick I'm not sure."),
)
UNDERSTOOD = Question(
    "understood",
    gettext_noop("Did you understand what happened?"),
    gettext_noop("Did you get what the panel decided, and what it means for you?"),
    gettext_noop("Pick an answer to: did you understand what happened? You can pick I'm not sure."),
)
SCALE_QUESTIONS = (LISTENED, UNDERSTOOD)

# The words beside each face. The face is a picture of the same words, never the only way to tell them apart.
SCALE_WORDS = {
    Scale.YES: gettext_noop("Yes"),
    Scale.A_BIT: gettext_noop("A bit"),
    Scale.NO: gettext_noop("No"),
    Scale.NOT_SURE: gettext_noop("I'm not sure"),
}

BETTER = Question(
    "better",
    gettext_noop("What would make it better?"),
    gettext_noop(
        "You can write as much or as little as you like. Or you can leave it blank. The person with you can write "
        "it for you."
    ),
    "",
)
BETTER_TOO_LONG = gettext_noop("That is too long. Please make it shorter.")
SEND = gettext_noop("Send my answers")
ANSWERS_CHECK = gettext_noop("Please check your answers")  # the error summary's title

# How long the child has, said when the form opens: the minutes left, rounded up (ADR 0022, amendment 4).
TIME_LIMIT = ngettext_lazy(
    "You have %(num)s minute to send your answers.", "You have %(num)s minutes to send your answers.", "num"
)
TIME_LIMIT_FINE = gettext_noop("If you need more time, that is fine. You will not lose your answers.")

# Answers sent after the time ran out: shown back, unsaved, with a box for a new code (ADR 0022, amendment 4).
TIME_RAN_OUT_BANNER = gettext_noop("Important")
TIME_RAN_OUT = (
    gettext_noop("Your time ran out, so we have not got your answers yet."),
    gettext_noop(
        "Your answers are still here. Ask the person helping you for a new code. Type it in at the end, then send "
        "your answers."
    ),
)
NEW_CODE_LABEL = gettext_noop("Your new code")
NEW_CODE_MISSING = gettext_noop("Type in your new code")

THANKS_TITLE = gettext_noop("Thank you")
THANKS = (
    gettext_noop("We got your answers."),
    gettext_noop("They help us do better for you and for other young people."),
    gettext_noop("You can give this device back now."),
)

CODE_TITLE = gettext_noop("Type in your code")
CODE_CHECK = gettext_noop("Please check your code")  # the error summary's title
CODE_INTRO = gettext_noop("The person helping you has a code. It has 8 letters and numbers.")
CODE_LABEL = gettext_noop("Your code")
CODE_HINT = gettext_noop("For example, ABCD-EF23")
CODE_BUTTON = gettext_noop("Go on")
CODE_MISSING = gettext_noop("Type in your code")
CODE_WRONG = gettext_noop("That code does not work. Check it with the person helping you.")

LINK_GONE_TITLE = gettext_noop("This link does not work")
LINK_GONE = (
    gettext_noop("It may be old, or it may have been used."),
    gettext_noop("Ask the person helping you for a new code."),
)

TOO_MANY_TITLE = gettext_noop("Please wait a little")
TOO_MANY = (
    gettext_noop("You have tried a lot of times."),
    gettext_noop("Wait 10 minutes, then try again. Or ask the person helping you."),
)

# The child's own support pages, the footer's links on their pages: the service's privacy notice and accessibility
# statement name what the case is about, so the child reads these, in the same plain words.
PRIVACY_TITLE = gettext_noop("What happens to your answers")
# Who keeps the answers: the body that runs children's social care where the child lives (accounts.nations): their
# council, or in Northern Ireland their Health and Social Care Trust.
PRIVACY_KEEPER = {
    nations.COUNCIL: gettext_noop("Your council looks after your answers. It keeps them safe."),
    nations.HSC_TRUST: gettext_noop("Your Health and Social Care Trust looks after your answers. It keeps them safe."),
}
# The same, when the child's nation is not known (the page opened before any form on this visit, from the code
# page's footer): naming no body, so it is true in all four nations, and never "your council" to a child in
# Northern Ireland.
PRIVACY_KEEPER_ANYWHERE = gettext_noop(
    "Where you live, some people have the job of helping children. They look after your answers. They keep them safe."
)


def privacy(where: Site | str | None = None) -> tuple[str, ...]:
    """The privacy notice in the child's words, naming who keeps their answers as the site's nation does (`where`:
    the site, or its nation; none: not known, and nobody named)."""
    keeper = PRIVACY_KEEPER_ANYWHERE if where is None else PRIVACY_KEEPER[nations.social_care_body(where)]
    return (
        gettext_noop("We keep the answers you pick. We keep the words you write too."),
        gettext_noop("The people who keep you safe can read them."),
        gettext_noop("We count all the answers, with no names. This helps us do better."),
        gettext_noop("We delete your words when we do not need them."),
        keeper,
        gettext_noop("You can ask to see what we keep about you. You can ask us to put it right."),
        gettext_noop("Ask the person helping you."),
    )


PRIVACY = privacy()  # the child's nation not known; a page that knows the child's site shows privacy(site)
ACCESSIBILITY_TITLE = gettext_noop("Using these pages")
ACCESSIBILITY = (
    gettext_noop("You can use a keyboard here. A phone or a screen reader works too."),
    gettext_noop("You can make the words bigger on your device. You can change the colours too."),
    gettext_noop("Is something not working for you? Tell the person helping you. They can help you answer."),
    gettext_noop("They can show you all our rules for making this easy to use."),
)


def time_limit_english(minutes: int) -> str:
    """`TIME_LIMIT` in English, for `minutes` (the reading-age tests measure the English)."""
    with translation.override(None):
        return str(TIME_LIMIT % {"num": minutes})


def child_texts() -> list[str]:
    """Everything the child may read, in the order the pages show it (for the reading age test)."""
    texts = [TITLE, *INTRO]  # the pages' main text (SERVICE, in the header, is two plain words)
    # As the form opens: the session's whole life left.
    texts += [time_limit_english(int(tokens.life().total_seconds() // 60)), TIME_LIMIT_FINE]
    for question in SCALE_QUESTIONS:
        texts += [question.text, question.hint, *SCALE_WORDS.values(), question.missing]
    texts += [BETTER.text, BETTER.hint, BETTER_TOO_LONG, SEND, ANSWERS_CHECK, THANKS_TITLE, *THANKS]
    texts += [TIME_RAN_OUT_BANNER, *TIME_RAN_OUT, NEW_CODE_LABEL, NEW_CODE_MISSING]
    texts += [CODE_TITLE, CODE_INTRO, CODE_LABEL, CODE_BUTTON, CODE_MISSING, CODE_WRONG, CODE_CHECK]
    texts += [LINK_GONE_TITLE, *LINK_GONE, TOO_MANY_TITLE, *TOO_MANY]
    texts += [PRIVACY_TITLE, *PRIVACY, *PRIVACY_KEEPER.values(), ACCESSIBILITY_TITLE, *ACCESSIBILITY]
    return texts
