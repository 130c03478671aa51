from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site
from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.kit.pending import KeepsUploadsMixin
from childnrm.learning.models import EXPLOITATION_CHOICES, Audience, ItemKind, LibraryItemVersion, Region, Theme
from childnrm.learning.selectors import LibraryFilters
from childnrm.learning.services import REASON_MAX, ItemAnswers, SummaryAnswers
from childnrm.referrals.documents import ACCEPT_ATTRIBUTE, MAX_DOCUMENT_BYTES, MESSAGE_EMPTY, MESSAGE_TOO_BIG

SORT_CHOICES = [("relevance", _("Best match")), ("newest", _("Newest first"))]


def _any(label, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class LibrarySearchForm(GovukFormMixin, forms.Form):
    q = forms.CharField(label=_("Search the library"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=_any(_("Any type"), ItemKind.choices), required=False)
    theme = forms.ChoiceField(label=_("Theme"), choices=_any(_("Any theme"), Theme.choices), required=False)
    exploitation_type = forms.ChoiceField(
        label=_("Exploitation"), choices=_any(_("Any exploitation"), EXPLOITATION_CHOICES), required=False
    )
    region = forms.ChoiceField(label=_("Region"), choices=_any(_("Any region"), Region.choices), required=False)
    audience = forms.ChoiceField(label=_("For"), choices=_any(_("Anyone"), Audience.choices), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def filters(self) -> LibraryFilters:
        """The filters to apply; a value not understood (an old link, an edited address) is dropped."""
        self.is_valid()  # cleaned_data then holds only the answers that are valid
        data = self.cleaned_data
        return LibraryFilters(
            query=data.get("q") or "",
            kind=data.get("kind") or "",
            theme=data.get("theme") or "",
            exploitation_type=data.get("exploitation_type") or "",
            region=data.get("region") or "",
            audience=data.get("audience") or "",
            sort=data.get("sort") or "relevance",
        )


class LibraryItemForm(KeepsUploadsMixin, GovukFormMixin, forms.Form):
    """An item or a new version. A chosen file is kept (kit.pending) when another answer has an error."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter a title"), "max_length": _("Title must be 200 characters or fewer")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        help_text=_("What it is and what a practitioner will learn from it. Do not name or describe any child."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("Enter a summary"), "max_length": _("Summary must be 5,000 characters or fewer")},
    )
    kind = forms.ChoiceField(
        label=_("Type of item"),
        choices=ItemKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the type of item")},
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        help_text=_("Select all that apply."),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one theme")},
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Exploitation types it covers (optional)"),
        choices=EXPLOITATION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    region = forms.ChoiceField(
        label=_("Region"),
        help_text=_("Where it comes from, or where it applies."),
        choices=_any(_("Select a region"), Region.choices),
        error_messages={"required": _("Select the region the item comes from or applies to")},
    )
    audiences = forms.MultipleChoiceField(
        label=_("Who it is for"),
        help_text=_("Select all that apply."),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select who the item is for")},
    )
    item_date = GovukDateField(
        label=_("Date of the item"),
        help_text=_("When it was written or published. For example, 27 3 2026"),
        what=_("The date of the item"),
        enter=_("Enter the date of the item"),
        future=_("The date of the item must be today or in the past"),
        required=True,
    )
    link = forms.URLField(
        label=_("Link (optional if you upload a file)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a link in the correct format, like https://www.gov.uk/guidance")},
    )
    file = forms.FileField(
        label=_("Upload a file (optional if you give a link)"),
        help_text=_("A PDF or Word document smaller than 10MB"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"empty": MESSAGE_EMPTY},
    )

    def __init__(self, *args, keep_file_of: LibraryItemVersion | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.keep_file_of = keep_file_of if keep_file_of and keep_file_of.file else None
        if self.keep_file_of:
            self.fields["file"].label = gettext("Upload a replacement file (optional)")
            self.fields["file"].help_text = gettext("Leave empty to keep %(name)s.") % {
                "name": self.keep_file_of.file_name
            }

    @staticmethod
    def initial_for(version: LibraryItemVersion) -> dict:
        fields = (
            "title",
            "summary",
            "kind",
            "themes",
            "exploitation_types",
            "region",
            "audiences",
            "item_date",
            "link",
        )
        return {name: getattr(version, name) for name in fields}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_DOCUMENT_BYTES:  # the kit's handler left a placeholder: nothing to read
            raise forms.ValidationError(MESSAGE_TOO_BIG)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("link") and not data.get("file") and not self.keep_file_of and "link" not in self.errors:
            self.add_error("link", gettext("Enter a link to the item or choose a file"))
        return data

    def answers(self) -> ItemAnswers:
        data = self.cleaned_data
        upload = data.get("file")
        return ItemAnswers(
            title=data["title"],
            summary=data["summary"],
            kind=data["kind"],
            themes=list(data["themes"]),
            exploitation_types=list(data.get("exploitation_types") or []),
            region=data["region"],
            audiences=list(data["audiences"]),
            item_date=data["item_date"],
            link=data.get("link") or "",
            file=upload,
            file_name=upload.name if upload else "",
            keep_file_of=self.keep_file_of,
        )


class RejectForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why it cannot be published"),
        help_text=_("Its author sees this, so they can put it right."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        error_messages={
            "required": _("Enter the reasons it cannot be published, for its author"),
            "max_length": _("The reasons must be 2,000 characters or fewer"),  # REASON_MAX
        },
    )


class ReviewSummaryForm(GovukFormMixin, forms.Form):
    """The anonymised summary of a case review, for every site's learning log."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What another site will look for, for example “Missing episodes and the return home interview”."),
        error_messages={"required": _("Enter a title"), "max_length": _("Title must be 200 characters or fewer")},
    )
    summary = forms.CharField(
        label=_("What happened, in outline"),
        help_text=_(
            "Enough for a practitioner elsewhere to understand the learning. Leave out names, places, dates "
            "and anything else that could identify a child, their family or the people who worked with them."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={
            "required": _("Enter what happened, in outline"),
            "max_length": _("What happened must be 5,000 characters or fewer"),
        },
    )
    learning = forms.CharField(
        label=_("What every site can learn from it"),
        help_text=_("The learning points and recommendations that apply beyond your site."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        error_messages={
            "required": _("Enter what every site can learn from the review"),
            "max_length": _("What every site can learn must be 5,000 characters or fewer"),
        },
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        help_text=_("The learning log lists summaries by theme. Select all that apply."),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one theme")},
    )

    def answers(self) -> SummaryAnswers:
        data = self.cleaned_data
        return SummaryAnswers(
            title=data["title"], summary=data["summary"], learning=data["learning"], themes=list(data["themes"])
        )


class LearningLogForm(GovukFormMixin, forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=_any(_("Every theme"), Theme.choices), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)

    def __init__(self, *args, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {s.slug: s for s in sites}
        self.fields["site"].choices = _any(_("Every site"), [(slug, s.name) for slug, s in self.sites.items()])

    def chosen(self) -> tuple[str, Site | None]:
        """(theme, site) to show; a value not understood (an old link) is dropped."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("theme") or "", self.sites.get(data.get("site") or "")
