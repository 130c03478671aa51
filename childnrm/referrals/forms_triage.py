"""Forms for the coordinator: the queue's filters (a GET form) and the triage decision."""

from __future__ import annotations

from django import forms

from childnrm.accounts.models import Site
from childnrm.core.forms import GovukFormMixin
from childnrm.referrals.models import TriageOutcome
from childnrm.referrals.selectors_queue import QueueFilters

STATUS_CHOICES = [
    ("open", "Open"),
    ("awaiting", "Awaiting triage"),
    ("accepted", "Accepted"),
    ("handed_off", "Handed off"),
    ("withdrawn", "Withdrawn"),
    ("all", "All"),
]
OUTCOME_CHOICES = [
    ("", "Any"),
    (TriageOutcome.PANEL, "This site's panel"),
    (TriageOutcome.OTHER_SITE, "Another site's panel"),
    (TriageOutcome.SCA, "Single Competent Authority"),
]
SORT_CHOICES = [
    ("due", "Due soonest"),
    ("newest", "Newest referral"),
    ("oldest", "Oldest referral"),
    ("name", "Family name, A to Z"),
]


class QueueFilterForm(GovukFormMixin, forms.Form):
    # "Open": awaiting triage or accepted, what still needs the panel.
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    outcome = forms.ChoiceField(label="Who decides", choices=OUTCOME_CHOICES, required=False)
    site = forms.ChoiceField(label="Site", required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)
    overdue = forms.BooleanField(label="Only referrals whose decision is overdue", required=False)

    def __init__(self, *args, sites: list[Site], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(sites) > 1:
            self.fields["site"].choices = [("", "All your sites"), *((str(s.pk), s.name) for s in sites)]
        else:
            del self.fields["site"]

    def filters(self) -> QueueFilters:
        """The filters to apply; a value not understood (an old link, an edited URL) is quietly dropped."""
        if not self.is_valid():
            valid = self.data.copy()
            for name in self.errors:
                valid.pop(name, None)
            self.data, self._errors = valid, None
            self.full_clean()
        data = self.cleaned_data
        site = data.get("site")
        return QueueFilters(
            status=data.get("status") or "open",
            outcome=data.get("outcome") or "",
            overdue_only=bool(data.get("overdue")),
            site_id=int(site) if site else None,
            sort=data.get("sort") or "due",
        )


class TriageForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Who decides this referral?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who decides this referral", "invalid_choice": "Select who decides"},
    )
    site = forms.ChoiceField(
        label="Which site's panel?",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select the site to transfer the referral to"},
    )
    reason = forms.CharField(
        label="Reason for changing who decides",
        help_text="Needed only if you change the outcome the rules suggest. Say what the rules could not know.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, holding_site: Site, other_sites: list[Site], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (TriageOutcome.PANEL, f"{holding_site.name} decides"),
            (TriageOutcome.OTHER_SITE, "Transfer to another site's panel"),
            (TriageOutcome.SCA, "Hand off to the Single Competent Authority"),
        ]
        self.fields["site"].choices = [(str(s.pk), s.name) for s in other_sites]
        self.other_sites = {str(s.pk): s for s in other_sites}
        if not other_sites:
            self.fields["outcome"].choices = [c for c in self.fields["outcome"].choices if c[0] != "other_site"]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == TriageOutcome.OTHER_SITE and not data.get("site") and "site" not in self.errors:
            self.add_error("site", "Select the site to transfer the referral to")
        return data

    def chosen_site(self) -> Site | None:
        return self.other_sites.get(self.cleaned_data.get("site") or "")
