"""The language of the child's own feedback pages (ADR 0023): the child's, not the device's.

The child's letters are written in the child's recorded language (`Child.correspondence_language`; unrecorded, a
site in Wales, or whose default is Welsh, writes both, and any other site English: letters.services). The child's
feedback pages open in the same language, without the child having to find the switch: Welsh for a Welsh
preference and for "both languages" (Welsh first, as Welsh public bodies do, with the switch offered), English for
an English one.

The child's language is put in the visit's session (`accounts.middleware.VISIT_LANGUAGE`) when the form is first
opened for a feedback session on the device, and the child's pages (the code, the form, its errors, the thank-you
page) are shown in it for the rest of the visit. The language switch in the header drops it: its cookie (or, for
someone signed in, their account) then holds the choice, and the next page follows the switch. Opening the form
again for the same feedback session does not undo the switch; a new feedback session (another child, on the same
device) starts again from that child's language. Nothing lasting is changed on the device or anyone's account.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from childnrm.accounts.middleware import VISIT_LANGUAGE
from childnrm.accounts.models import Site
from childnrm.feedback.models import FeedbackSession
from childnrm.kit import i18n
from childnrm.letters.services import site_letter_language
from childnrm.people.models import Child

# The feedback session whose child's language was put in this visit (once per session, so the switch holds).
_CHOSEN_FOR = "feedback_language_for"


def child_language(child: Child) -> str:
    """The language the child's pages open in: the first language of the child's letters."""
    letters = child.correspondence_language or site_letter_language(child.site)
    return i18n.LETTER_LANGUAGES[letters][0]


def visit_site(request: HttpRequest) -> Site | None:
    """The site of the child whose feedback form was opened in this visit (who keeps their answers), if one was."""
    session = getattr(request, "session", None)
    found = session.get(_CHOSEN_FOR) if session is not None else None
    if found is None:
        return None
    return Site.objects.filter(children__feedback_sessions__pk=found).first()


def use_visit_language(request: HttpRequest) -> None:
    """Show this page in the language chosen for the visit, if one was (the child's, until the switch is used)."""
    session = getattr(request, "session", None)
    chosen = i18n.supported(session.get(VISIT_LANGUAGE)) if session is not None else None
    if chosen and chosen != translation.get_language():
        translation.activate(chosen)  # core's LanguageResetMiddleware puts the thread back after the response
        request.LANGUAGE_CODE = chosen


def open_in_childs_language(request: HttpRequest, found: FeedbackSession) -> None:
    """The form of `found` opened: the first time on this device, the visit takes the child's language."""
    if request.session.get(_CHOSEN_FOR) != found.pk:
        request.session[_CHOSEN_FOR] = found.pk
        request.session[VISIT_LANGUAGE] = child_language(found.child)
    use_visit_language(request)
