"""The child's one-time link is in no log line (ADR 0022 amendment 1), not even in the language switch of the child's
form, which carries the form's address, token and all, in its `next` (percent-encoded) to come back to it."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from django.test import Client

from childnrm.feedback.tests.test_feedback_language import child_with, form_url
from childnrm.kit.i18n import LetterLanguage
from childnrm.kit.logs import redact

pytestmark = pytest.mark.django_db


def test_the_language_switch_on_the_childs_form_logs_no_token(site):
    form = form_url(child_with(site, LetterLanguage.WELSH))
    token = form.rstrip("/").rsplit("/", 1)[1]
    html = Client().get(form).content.decode()
    switches = [unescape(h) for h in re.findall(r'href="(/account/language/\?[^"]+)"', html)]
    assert switches
    encodings = (token, quote(token, safe=""), quote(quote(token, safe=""), safe=""))
    for switch in switches:
        line = redact(f'"GET {switch} HTTP/1.1" 302')
        assert not any(form in line for form in encodings), line
