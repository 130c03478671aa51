"""Forms for asking, answering, withdrawing, and the lists' filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.accounts.models import Organisation
from childnrm.information import services, services_protocols
from childnrm.information.models import LawfulBasis, ProtocolBasis
from childnrm.kit.forms import GovukDateField, GovukFormMixin
from childnrm.kit.pending import KeepsUploadsMixin, too_many_files
from childnrm.panels.models import Agency
from childnrm.referrals.documents import (
    ACCEPT_ATTRIBUTE,
    MAX_DOCUMENT_BYTES,
    MESSAGE_EMPTY,
    MESSAGE_TOO_BIG,
    DocumentRefused,
    document_check,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


def _offer_bases(field: forms.ChoiceField, sites: list, *, protocol: bool = False) -> None:
    """Offer only the lawful bases of the sites' nations (accounts.nations), saying what is uncertain about them."""
    laws = list({law.nation: law for law in (nations.rules(site) for site in sites or [None])}.values())
    offered = {code for law in laws for code in (law.protocol_bases if protocol else law.request_bases)}
    enum = ProtocolBasis if protocol else LawfulBasis
    field.choices = [(code, label) for code, label in enum.choices if code in offered]
    notes = " ".join(str(law.bases_help) for law in laws if law.bases_help)
    if notes:
        field.help_text = f"{field.help_text} {notes}".strip()


def _text(
    label: _StrOrPromise,
    *,
    required_message: _StrOrPromise,
    max_length: int,
    help_text: _StrOrPromise = "",
    rows: int = 5,
):
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=max_length,
        error_messages={
            "required": required_message,
            "max_length": format_lazy(
                _("{label} must be {count} characters or fewer"), label=label, count=f"{max_length:,}"
            ),
        },
    )


class RequestForm(GovukFormMixin, forms.Form):
    non_field_anchor = "main-content"
    organisation = forms.ModelChoiceField(
        label=_("Which organisation are you asking?"),
        queryset=Organisation.objects.none(),
        empty_label=_("Select an organisation"),
        error_messages={
            "required": _("Select the organisation you are asking"),
            "invalid_choice": _("Select an organisation"),
        },
    )
    agency = forms.ChoiceField(
        label=_("What kind of agency is it?"),
        help_text=_("Used to see which agencies the panel relies on and how quickly each answers"),
        choices=[("", _("Select the kind of agency")), *Agency.choices],
        error_messages={"required": _("Select the kind of agency"), "invalid_choice": _("Select the kind of agency")},
    )
    question = _text(
        _("What do you want to know?"),
        help_text=_("Ask only for what the panel needs to decide and to plan the child's safeguarding"),
        required_message=_("Enter what you want to know"),
        max_length=services.QUESTION_MAX_LENGTH,
        rows=6,
    )
    purpose = _text(
        _("Why does the panel need it?"),
        help_text=_("The purpose is recorded with the request and with the agency's answer"),
        required_message=_("Enter why the panel needs this information"),
        max_length=services.PURPOSE_MAX_LENGTH,
        rows=3,
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis for sharing"),
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the lawful basis for sharing"),
            "invalid_choice": _("Select the lawful basis"),
        },
    )
    lawful_basis_detail = forms.CharField(
        label=_("The lawful basis in full (if there is no current protocol)"),
        help_text=_(
            "Needed when your site has no current information-sharing protocol with the organisation: "
            "the law, the section and why it applies to this request"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=services.PURPOSE_MAX_LENGTH,
        error_messages={
            "max_length": format_lazy(
                _("The lawful basis must be {count} characters or fewer"), count=f"{services.PURPOSE_MAX_LENGTH:,}"
            )
        },
    )
    due_on = GovukDateField(
        label=_("When is the answer due?"),
        help_text=_("For example, 27 3 2027"),
        what=_("The due date"),
        enter=_("Enter the date the answer is due"),
        required=True,
    )

    def __init__(self, *args, protocol_organisations: set[int] | None = None, site=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_bases(self.fields["lawful_basis"], [site])
        self.fields["agency"].choices = nations.agency_choices(self.fields["agency"].choices, site)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(active=True).order_by("name")
        if protocol_organisations is not None:
            # Without JavaScript the warning must be in the choice itself.
            field.label_from_instance = lambda org: (
                org.display_name
                if org.pk in protocol_organisations
                else gettext("%(name)s (no current sharing protocol)") % {"name": org.display_name}
            )

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on is not None and due_on < timezone.localdate():
            self.fields["due_on"].error_parts = ["day", "month", "year"]
            raise forms.ValidationError(gettext("The date the answer is due must be today or in the future"))
        return due_on


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class AnswerForm(KeepsUploadsMixin, GovukFormMixin, forms.Form):
    non_field_anchor = "main-content"
    text = _text(
        _("Your answer"),
        help_text=_("Share what your organisation knows that answers the question. Share only what the panel needs"),
        required_message=_("Enter the information you are sharing"),
        max_length=services.ANSWER_MAX_LENGTH,
        rows=10,
    )
    documents = MultipleFileField(
        label=_("Upload documents (optional)"),
        help_text=_("PDF, PNG, JPEG or Word documents, each smaller than 10MB. You can select more than one"),
        required=False,
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis for sharing"),
        help_text=_("The basis the panel gave is selected. Change it if your organisation shares on another basis"),
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the lawful basis for sharing"),
            "invalid_choice": _("Select the lawful basis"),
        },
    )
    purpose = _text(
        _("Purpose of sharing"),
        help_text=_("The panel's purpose is filled in. Change it if you share for a narrower purpose"),
        required_message=_("Enter the purpose you are sharing this information for"),
        max_length=services.PURPOSE_MAX_LENGTH,
        rows=3,
    )
    confirm = forms.BooleanField(
        label=_(
            "I confirm this information is shared for this purpose and on this lawful basis, "
            "and that it is the minimum needed"
        ),
        error_messages={"required": _("Confirm the lawful basis and purpose of sharing")},
    )

    def __init__(self, *args, site=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _offer_bases(self.fields["lawful_basis"], [site])

    def clean_documents(self) -> list[services.Upload]:
        files = self.cleaned_data.get("documents") or []
        if len(files) > services.MAX_DOCUMENTS:
            raise forms.ValidationError(too_many_files(services.MAX_DOCUMENTS))
        uploads = []
        for upload in files:
            if upload.size == 0:
                raise forms.ValidationError(f"{upload.name}: {MESSAGE_EMPTY}")
            if upload.size > MAX_DOCUMENT_BYTES:  # refused before reading it into memory
                raise forms.ValidationError(f"{upload.name}: {MESSAGE_TOO_BIG}")
            try:
                document_check(file=upload)  # in chunks: ten 10MB answers are not held in memory
            except DocumentRefused as refusal:
                raise forms.ValidationError(f"{upload.name}: {refusal.message}")
            uploads.append(services.Upload(name=upload.name, file=upload))
        return uploads


class WithdrawForm(GovukFormMixin, forms.Form):
    non_field_anchor = "main-content"
    reason = _text(
        _("Why are you withdrawing the request?"),
        help_text=_("The organisation asked will see this reason"),
        required_message=_("Enter why you are withdrawing the request"),
        max_length=services.REASON_MAX_LENGTH,
        rows=4,
    )


STATUS_CHOICES = [
    ("open", _("Waiting for an answer")),
    ("overdue", _("Overdue")),
    ("answered", pgettext_lazy("information request", "Answered")),
    ("withdrawn", _("Withdrawn")),
    ("all", _("All")),
]


class ListFilterForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    agency = forms.ChoiceField(label=_("Agency"), choices=[("", _("Any agency")), *Agency.choices], required=False)
    case = forms.CharField(label=_("Referral reference"), required=False, max_length=20)

    def __init__(self, *args, with_agency: bool = True, with_case: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not with_agency:
            del self.fields["agency"]
        if not with_case:
            del self.fields["case"]

    def values(self) -> dict[str, str]:
        """The filters to apply; a value not understood (an old link, an edited URL) is quietly dropped."""
        if not self.is_bound:
            return {"status": "open", "agency": "", "case": ""}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or "open",
            "agency": data.get("agency") or "",
            "case": (data.get("case") or "").strip().upper(),
        }


# Information-sharing protocols ------------------------------------------------------------------


def _protocol_text(
    label: _StrOrPromise, *, required_message: _StrOrPromise, help_text: _StrOrPromise = "", rows: int = 4
):
    return _text(
        label,
        help_text=help_text,
        required_message=required_message,
        max_length=services_protocols.TEXT_MAX_LENGTH,
        rows=rows,
    )


class ProtocolForm(GovukFormMixin, forms.Form):
    """A protocol's terms: `with_organisation` when it is first recorded (the partner cannot change)."""

    non_field_anchor = "main-content"

    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Select an organisation"),
        error_messages={
            "required": _("Select the partner organisation"),
            "invalid_choice": _("Select an organisation"),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        help_text=_("As it appears on the signed document"),
        max_length=services_protocols.TITLE_MAX_LENGTH,
        error_messages={
            "required": _("Enter the protocol's title"),
            "max_length": format_lazy(
                _("The title must be {count} characters or fewer"), count=services_protocols.TITLE_MAX_LENGTH
            ),
        },
    )
    parties = _protocol_text(
        _("Parties"),
        help_text=_("Every organisation that signed up to the protocol"),
        required_message=_("Enter the parties"),
    )
    information_shared = _protocol_text(
        _("What may be shared"),
        help_text=_("The kinds of information each party may share under the protocol"),
        required_message=_("Enter what information may be shared"),
        rows=5,
    )
    purpose = _protocol_text(
        _("Purpose of sharing"), required_message=_("Enter the purpose the information is shared for"), rows=3
    )
    lawful_bases = forms.MultipleChoiceField(
        label=_("Lawful bases"),
        help_text=_("Select every basis the protocol relies on, including a UK GDPR Article 6 basis"),
        choices=ProtocolBasis.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select the lawful bases the protocol relies on"),
            "invalid_choice": _("Select lawful bases from the list"),
        },
    )
    lawful_basis_detail = forms.CharField(
        label=_("Lawful basis in the protocol's words (optional)"),
        help_text=_("Anything the list does not cover, for example another statutory gateway"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=services_protocols.TEXT_MAX_LENGTH,
    )
    signatories = _protocol_text(
        _("Signatories"),
        help_text=_("Name, role and organisation of each person who signed, one a line"),
        required_message=_("Enter who signed the protocol"),
    )
    starts_on = GovukDateField(
        label=_("Start date"),
        help_text=_("For example, 1 4 2026"),
        what=_("The start date"),
        enter=_("Enter the date the protocol starts"),
        required=True,
    )
    review_on = GovukDateField(
        label=_("Review date"),
        help_text=_("The protocol lapses if it is not reviewed by this date"),
        what=_("The review date"),
        enter=_("Enter the date the protocol is to be reviewed"),
        required=True,
    )

    def __init__(self, *args, with_organisation: bool = True, sites=None, site=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The bases of the site's nation; a coordinator of sites in several nations sees them all (the service
        # refuses any the chosen site's nation does not offer).
        _offer_bases(self.fields["lawful_bases"], [site] if site is not None else list(sites or []), protocol=True)
        if sites is not None and len(sites) > 1:  # a coordinator of several sites says whose protocol it is
            self.fields = {
                "site": forms.ModelChoiceField(
                    label=_("Site"),
                    queryset=sites,
                    empty_label=_("Select a site"),
                    error_messages={"required": _("Select the site"), "invalid_choice": _("Select a site")},
                    widget=forms.Select(attrs={"class": "govuk-select"}),
                ),
                **self.fields,
            }
        if with_organisation:
            self.fields["organisation"].queryset = Organisation.objects.filter(active=True).order_by("name")
        else:
            del self.fields["organisation"]

    def clean(self):
        cleaned = super().clean()
        starts_on, review_on = cleaned.get("starts_on"), cleaned.get("review_on")
        if starts_on and review_on and review_on <= starts_on:
            self.fields["review_on"].error_parts = ["day", "month", "year"]
            self.add_error("review_on", gettext("The review date must be after the start date"))
        return cleaned

    def terms(self) -> dict:
        """The cleaned terms, as the services take them."""
        return {name: self.cleaned_data[name] for name in services_protocols.PROTOCOL_FIELDS}


class ProtocolDocumentForm(KeepsUploadsMixin, GovukFormMixin, forms.Form):
    non_field_anchor = "main-content"
    document = forms.FileField(
        label=_("Upload the signed protocol"),
        help_text=_("A PDF, PNG, JPEG or Word document smaller than 10MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"required": _("Select the signed protocol"), "empty": MESSAGE_EMPTY},
    )

    def clean_document(self) -> services.Upload:
        upload = self.cleaned_data["document"]
        if upload.size > MAX_DOCUMENT_BYTES:  # the kit's handler left a placeholder: nothing to read
            raise forms.ValidationError(MESSAGE_TOO_BIG)
        return services.Upload(name=upload.name, file=upload)
