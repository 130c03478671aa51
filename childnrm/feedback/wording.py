"""Every word the child reads on their feedback pages, in one place, so its reading age is measured
(tests/test_wording.py: the ceiling of the younger child's letter, a reading age of about 9).

Plain words, short sentences, "you" and "we". Nothing here names the child, their case or the decision: the
pages work on a device without signing in, and anyone looking over a shoulder learns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from childnrm.feedback.models import Scale

TITLE = "Tell us what you think"
INTRO = (
    "You met someone who told you what the panel decided. We want to know how that went for you.",
    "There are no right or wrong answers. This is not a test.",
    "You can ask the person with you to help you.",
)


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    hint: str
    missing: str  # the error message when no answer is chosen


LISTENED = Question(
    "listened",
    "Did you feel listened to?",
    "Did the people you met hear what you had to say?",
    "Pick an answer to: did you feel listened to? You can pick I'm not sure.",
)
UNDERSTOOD = Question(
    "understood",
    "Did you understand what happened?",
    "Did you get what the panel decided, and what it means for you?",
    "Pick an answer to: did you understand what happened? You can pick I'm not sure.",
)
SCALE_QUESTIONS = (LISTENED, UNDERSTOOD)

# The words beside each face. The face is a picture of the same words, never the only way to tell them apart.
SCALE_WORDS = {
    Scale.YES: "Yes",
    Scale.A_BIT: "A bit",
    Scale.NO: "No",
    Scale.NOT_SURE: "I'm not sure",
}

BETTER = Question(
    "better",
    "What would make it better?",
    "You can write as much or as little as you like. Or you can leave it blank. The person with you can write it "
    "for you.",
    "",
)
BETTER_TOO_LONG = "That is too long. Please make it shorter."
SEND = "Send my answers"

THANKS_TITLE = "Thank you"
THANKS = (
    "We got your answers.",
    "They help us do better for you and for other young people.",
    "You can give this device back now.",
)

CODE_TITLE = "Type in your code"
CODE_INTRO = "The person helping you has a code. It has 8 letters and numbers."
CODE_LABEL = "Your code"
CODE_HINT = "For example, ABCD-EF23"
CODE_BUTTON = "Go on"
CODE_MISSING = "Type in your code"
CODE_WRONG = "That code does not work. Check it with the person helping you."

LINK_GONE_TITLE = "This link does not work"
LINK_GONE = (
    "It may be old, or it may have been used.",
    "Ask the person helping you for a new code.",
)

TOO_MANY_TITLE = "Please wait a little"
TOO_MANY = ("You have tried a lot of times.", "Wait 10 minutes, then try again. Or ask the person helping you.")


def child_texts() -> list[str]:
    """Everything the child may read, in the order the pages show it (for the reading age test)."""
    texts = [TITLE, *INTRO]
    for question in SCALE_QUESTIONS:
        texts += [question.text, question.hint, *SCALE_WORDS.values(), question.missing]
    texts += [BETTER.text, BETTER.hint, BETTER_TOO_LONG, SEND, THANKS_TITLE, *THANKS]
    texts += [CODE_TITLE, CODE_INTRO, CODE_LABEL, CODE_BUTTON, CODE_MISSING, CODE_WRONG]
    texts += [LINK_GONE_TITLE, *LINK_GONE, TOO_MANY_TITLE, *TOO_MANY]
    return texts
