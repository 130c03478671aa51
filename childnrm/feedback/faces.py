"""The faces of the visual scale: simple line drawings in the text colour, beside the words they stand for.

Each face is decorative (aria-hidden): the radio's label is its words, so a screen reader reads "Yes", not a
picture, and nobody has to tell faces or colours apart to answer. The mouths differ in shape, not colour.
"""

from __future__ import annotations

from markupsafe import Markup

from childnrm.feedback.models import Scale

_MOUTHS = {
    Scale.YES: "M14 28 Q24 38 34 28",  # a big smile
    Scale.A_BIT: "M15 31 Q24 35 33 31",  # a small smile
    Scale.NO: "M14 35 Q24 25 34 35",  # a frown
    Scale.NOT_SURE: "M14 32 Q19 28 24 32 T34 32",  # a wavy line
}

_FACE = (
    '<svg class="app-face" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48" '
    'aria-hidden="true" focusable="false">'
    '<circle cx="24" cy="24" r="21" fill="none" stroke="currentColor" stroke-width="3"/>'
    '<circle cx="17" cy="19" r="2.5" fill="currentColor"/>'
    '<circle cx="31" cy="19" r="2.5" fill="currentColor"/>'
    '<path d="{mouth}" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round"/>'
    "</svg>"
)


def face(value: str) -> Markup:
    return Markup(_FACE).format(mouth=_MOUTHS[value])  # noqa: S704 (our own constant markup; format escapes)
