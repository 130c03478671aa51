"""The children list's search: one box for a name or a reference, as a coordinator asked about a child types it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from childnrm.kit.forms import GovukFormMixin


class ChildSearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Find a child"),
        help_text=_("Their name, or a child or referral reference, for example CH-AB23CD45 or NRM-AB23CD45"),
        required=False,
        max_length=200,
    )

    def query(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""
