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
DEFAULT_QUARTERS = 4  # the last year: the four quarters to the end of the last complete one
ALL_SITES = "all"  # the site filter's value for every site the user may see
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

    def __init__(
        self,
        data=None,
        *args,
        sites: list[Site],
        own_sites: list[Site] | None = None,
        every_pilot_site: bool = False,
        today=None,
        **kwargs,
    ) -> None:
        """`sites`: those the user may see (`selectors.statistics_sites`); `own_sites`: those shown until the user
        chooses (`selectors.own_statistics_sites`; default all of `sites`); `every_pilot_site`: whether `sites` are
        every pilot site (an analyst's) rather than only the user's own."""
        self.sites = sites
        self.own_sites = [s for s in (own_sites or sites) if s in sites] or list(sites)
        # Until the user chooses, their own site(s): one of them named, several as "your sites", and all the sites
        # they may see as the choice to compare across them.
        if len(sites) <= 1 or len(self.own_sites) == len(sites):
            self.default_site = ALL_SITES
        elif len(self.own_sites) == 1:
            self.default_site = self.own_sites[0].slug
        else:
            self.default_site = ""
        if data is not None and not data.get("site"):
            data = {**data, "site": self.default_site}
        super().__init__(data, *args, **kwargs)
        self.fields["site"].initial = self.default_site
        self.quarters = offered_quarters(today)
        if len(sites) > 1:
            every = _("All pilot sites") if every_pilot_site else _("All your sites")
            mine = [("", _("Your sites"))] if self.default_site == "" else []
            self.fields["site"].choices = [*mine, (ALL_SITES, every), *((s.slug, s.name) for s in sites)]
        else:
            # One site (a coordinator's): nothing to choose, the site is named.
            self.fields["site"].choices = [(ALL_SITES, s.name) for s in sites]
        quarter_choices = [(q.code, quarter_label(q)) for q in self.quarters]
        self.fields["quarter_from"].choices = _any(_("The last four quarters"), quarter_choices)
        self.fields["quarter_to"].choices = _any(_("The last complete quarter"), quarter_choices)
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
        # By default the last complete quarter: the Home Office return is for a quarter that has ended, and a
        # quarter still going looks like a fall in every table.
        last = Quarter.parse(data["quarter_to"]) if data.get("quarter_to") else self.quarters[-2]
        if data.get("quarter_from"):
            first = Quarter.parse(data["quarter_from"])
            if not data.get("quarter_to") and first > last:
                last = first  # only a start chosen, the current quarter: the default end follows it
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
        site = data.get("site") or self.default_site
        named = [s for s in self.sites if s.slug == site]
        chosen = self.sites if site == ALL_SITES else named or self.own_sites
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

    def described(self, *, without: tuple[str, ...] = ()) -> list[str]:
        """The filters in force, in words, for the page and the files' notes (leaving out the fields `without`)."""
        data = self.cleaned_data if self.is_bound and (self.is_valid() or True) else {}
        words = []
        for name in FILTER_NAMES:
            value = data.get(name) or (self.default_site if name == "site" else "")
            if name in without or name in ("quarter_from", "quarter_to") or (name == "site" and len(self.sites) <= 1):
                continue
            if value:
                label = dict(self.fields[name].choices).get(value, value)
                words.append(f"{self.fields[name].label}: {label}")
        return words
