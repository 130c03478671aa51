"""The statistics filters: a GET form, so a filtered page has its own address (and works without JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site
from childnrm.kit.forms import GovukFormMixin
from childnrm.people.models import Sex
from childnrm.referrals.vocab import countries_shown
from childnrm.statistics import dimensions as dim
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.selectors import StatisticsFilters

QUARTERS_OFFERED = 16  # four years back from this quarter
DEFAULT_QUARTERS = 4  # the last year, this quarter included
FILTER_NAMES = (
    "site",
    "quarter_from",
    "quarter_to",
    "nationality",
    "gender",
    "age_band",
    "ethnicity",
    "exploitation_type",
    "first_responder_type",
)


def _any(label: str | Promise, choices) -> list[tuple[str, str | Promise]]:
    return [("", label), *choices]


def quarter_label(quarter: Quarter) -> str:
    """ "2026 Q3", in the page's language."""
    return gettext("%(year)s Q%(number)s") % {"year": quarter.year, "number": quarter.number}


def offered_quarters(today=None) -> list[Quarter]:
    last = dim.Quarter.of(today or timezone.localdate())
    quarters = [last]
    for _step in range(QUARTERS_OFFERED - 1):
        quarters.append(quarters[-1].previous())
    return quarters[::-1]


class StatisticsFilterForm(GovukFormMixin, forms.Form):
    site = forms.ChoiceField(label=_("Site"), required=False)
    quarter_from = forms.ChoiceField(label=_("From the start of"), required=False)
    quarter_to = forms.ChoiceField(label=_("To the end of"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=_any(
            _("Any gender"), [(Sex.FEMALE, _("Female")), (Sex.MALE, _("Male")), (Sex.NOT_KNOWN, _(dim.NOT_KNOWN))]
        ),
    )
    age_band = forms.ChoiceField(
        label=_("Age at referral"), required=False, choices=_any(_("Any age"), [(b, _(b)) for b in dim.AGE_BANDS])
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group"),
        required=False,
        choices=_any(_("Any ethnic group"), [(g, _(g)) for g in dim.ETHNIC_GROUPS]),
    )
    exploitation_type = forms.ChoiceField(
        label=_("Exploitation type"),
        required=False,
        choices=_any(_("Any type"), dim.EXPLOITATION_FILTER_CHOICES),
    )
    first_responder_type = forms.ChoiceField(
        label=_("First responder type"),
        required=False,
        choices=_any(_("Any first responder"), [(t, _(t)) for t in dim.FIRST_RESPONDER_TYPES]),
    )

    def __init__(self, *args, sites: list[Site], today=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sites = sites
        self.quarters = offered_quarters(today)
        # One site (a coordinator's): nothing to choose, the site is named.
        if len(sites) > 1:
            self.fields["site"].choices = _any(_("All your sites"), [(s.slug, s.name) for s in sites])
        else:
            self.fields["site"].choices = [("", s.name) for s in sites]
        quarter_choices = [(q.code, quarter_label(q)) for q in self.quarters]
        self.fields["quarter_from"].choices = _any(_("The last four quarters"), quarter_choices)
        self.fields["quarter_to"].choices = _any(_("This quarter"), quarter_choices)
        self.fields["nationality"].choices = _any(
            _("Any nationality"), [("unknown", _(dim.NOT_KNOWN)), *countries_shown()]
        )

    def clean(self):
        data = super().clean()
        first, last = self._period(data)
        if first > last:
            self.add_error("quarter_to", _("The end quarter must be the same as or after the start quarter"))
        return data

    def _period(self, data) -> tuple[Quarter, Quarter]:
        last = Quarter.parse(data["quarter_to"]) if data.get("quarter_to") else self.quarters[-1]
        if data.get("quarter_from"):
            first = Quarter.parse(data["quarter_from"])
        else:
            first = last
            for _step in range(DEFAULT_QUARTERS - 1):
                first = first.previous()
        return first, last

    def filters(self) -> StatisticsFilters:
        """The filters to apply. A value not understood (an old link, an edited address) is dropped; a period
        that ends before it starts falls back to the default (the error says so)."""
        data = self.cleaned_data if self.is_bound and (self.is_valid() or True) else {}
        if "quarter_to" in self.errors:
            data = {k: v for k, v in data.items() if k not in ("quarter_from", "quarter_to")}
        first, last = self._period(data)
        chosen = [s for s in self.sites if s.slug == data.get("site")] or self.sites
        return StatisticsFilters(
            site_ids=tuple(s.pk for s in chosen),
            first=first,
            last=last,
            nationality=data.get("nationality") or "",
            gender=data.get("gender") or "",
            age_band=data.get("age_band") or "",
            ethnicity=data.get("ethnicity") or "",
            exploitation_type=data.get("exploitation_type") or "",
            first_responder_type=data.get("first_responder_type") or "",
        )

    def described(self) -> list[str]:
        """The filters in force, in words, for the page and the files' notes."""
        data = self.cleaned_data if self.is_bound and (self.is_valid() or True) else {}
        words = []
        for name in FILTER_NAMES:
            value = data.get(name)
            if value and name not in ("quarter_from", "quarter_to"):
                label = dict(self.fields[name].choices).get(value, value)
                words.append(f"{self.fields[name].label}: {label}")
        return words
