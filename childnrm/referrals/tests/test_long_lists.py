"""Issue 9 item 9: the nationality and language questions are GOV.UK's accessible autocomplete over the
select (tests/browser/test_forms_keep_effort.py types and picks); only their page loads its assets."""

from __future__ import annotations

import re

from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.referrals.services import referral_start
from conftest import demo_user, signed_in

AUTOCOMPLETE_JS = "/static/autocomplete/accessible-autocomplete.min.js"


def test_nationality_and_language_selects_are_marked_for_the_autocomplete_and_only_their_page_loads_it(demo):
    referrer = demo_user(Role.FIRST_RESPONDER)
    draft = referral_start(user=referrer)
    client = signed_in(referrer)
    page = client.get(reverse("referrals:section", args=[draft.reference, "background"])).content.decode()
    select = r'<select class="govuk-select" id="id_(\w+)" name="\w+"[^>]*data-module="app-autocomplete"'
    marked = re.findall(select, page)
    assert marked == [f"nationality_{i}" for i in range(3)] + [f"language_{i}" for i in range(3)]
    assert 'id="id_ethnicity"' in page  # a short list stays a plain select
    assert AUTOCOMPLETE_JS in page and "/static/js/autocomplete.mjs" in page
    assert "/static/autocomplete/accessible-autocomplete.min.css" in page
    # The select is what is sent: the answers are the options' codes, as without JavaScript.
    assert '<option value="AL">Albania</option>' in page

    other = client.get(reverse("referrals:section", args=[draft.reference, "child"])).content.decode()
    assert AUTOCOMPLETE_JS not in other and "app-autocomplete" not in other
