"""The Home Office online NRM form's field catalogue, as data: names, kinds, options, labels, sections.

Written from the form's own files in the public repository UKHomeOffice/modern-slavery at commit
d9eac08a247bceada1c96501d962fb49f8509474 (the newest version of `apps/nrm/fields/index.js` the
project's source index holds; the index gives no commit dates, and the issue reports the latest
snapshot as April 2026 with the field list last changed in March 2026):
- `apps/nrm/fields/index.js`: every field, its mixin (kind), its options and `maxlength`;
- `apps/nrm/translations/src/en/fields.json`: labels and option labels;
- `apps/nrm/translations/src/en/validation.json` (at dc29604f, the newest stored): error wording;
- `apps/nrm/translations/src/en/pages.json` and `apps/nrm/sections/summary-data-sections.js`:
  page headings and the "check your answers" labels, for the fields whose label is a page heading.
The journey (`apps/nrm/index.js`) is not stored at that commit; the child's path below follows the
stored journey's forks: a child (`pv-under-age` yes / not-sure) goes to the local authority page,
skips "under 18 during the exploitation", the consent and support pages (automatic referral) and the
potential victim's contact pages (the journey forks from `pv-ho-reference` to `fr-details`).

Compared with the previous catalogue (dc29604f, which the importer followed): new fields
`potential-victim-exploitative-situation-multiple`, `when-did-the-exploitation-take-place-multiple`,
`modern-slavery-indicators`, `modern-slavery-indicators-details`, `professional-insight`,
`other-potential-victims-yes-details`, `other-potential-victims-not-sure-details`, `upload-file`;
new option `when-last-contact: within-the-last-6-12-month`; `more-than-one-exploitation-situation`
and `why-are-you-making-the-referral` moved to "fields on disconnected pages" (legacy), like
`what-happened`, whose page left the journey in 2023.

The select fields' answers come from the form's own lists (`ms-lists/*.js`, required by
`apps/nrm/fields/index.js`), copied with their own commits into `childnrm/api/home_office_lists/`;
each select field names its list in `option_list` (every select field has one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

FORM_REPOSITORY = "UKHomeOffice/modern-slavery"
FORM_COMMIT = "d9eac08a247bceada1c96501d962fb49f8509474"
FORM_DATE = "2026-03 (as reported in issue 17; commit dates are not in the source index)"
PREVIOUS_COMMIT = "dc29604f7887acb78b94e266401782f5d012e1e4"
MAX_TEXT = 15000  # the form's maxlength on every free-text field

# Where a field is asked. CHILD: on the child's path. ADULT: only on an adult's path (or consent,
# support and contact pages a child skips). LEGACY: kept in the form's fields for older records only.
CHILD, ADULT, LEGACY = "child", "adult", "legacy"

YES_NO = {"yes": "Yes", "no": "No"}
YES_NO_NOT_SURE = {"yes": "Yes", "no": "No", "not-sure": "Not sure"}


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str  # text, textarea, radio, checkbox, checkbox-group, select, date, file
    label: str
    section: str
    path: str = CHILD
    options: dict[str, str] = field(default_factory=dict)  # value → the form's label
    narrative: bool = False  # part of the child's account, under its own heading
    max_length: int = MAX_TEXT
    required_message: str = ""  # the form's own wording, where it has one
    # A select's answers: one of the form's lists (home_office_lists, by its ms-lists file name), less
    # any values the form leaves out for this field; `list_message` is the form's wording for an answer
    # not on it (validation.json "equal"/"required").
    option_list: str = ""
    option_list_excludes: tuple[str, ...] = ()
    list_message: str = ""


# Section headings: the form's own page or "check your answers" headings.
S_REPORT = "Your report"
S_LA = "Which local authority have you contacted about the child?"
S_CHILD = "Potential victim"
S_ACCOUNT = "What did they say happened?"
S_TYPES = "How were they exploited?"
S_WHERE = "Where were they exploited?"
S_NOW = "Where are they now?"
S_INDICATORS = "Did you identify any modern slavery indicators?"
S_EXPLOITERS = "Who exploited them?"
S_OTHER_PVS = "Were there any other potential victims?"
S_POLICE = "Police and public authorities"
S_SUPPORT = "Support and communication needs"
S_CONTACT = "How should they be contacted?"
S_DOCUMENTS = "Documents or evidence"
S_YOU = "Your details"

SECTIONS = (
    S_CHILD,
    S_ACCOUNT,
    S_TYPES,
    S_WHERE,
    S_NOW,
    S_INDICATORS,
    S_EXPLOITERS,
    S_OTHER_PVS,
    S_POLICE,
    S_SUPPORT,
    S_LA,
    S_REPORT,
    S_YOU,
    S_CONTACT,
    S_DOCUMENTS,
)

_ORDINALS = ("", "second ", "third ", "fourth ", "fifth ", "sixth ", "seventh ", "eighth ", "ninth ", "tenth ")


def _f(name: str, kind: str, label: str, section: str, **kwargs) -> FormField:
    return FormField(name=name, kind=kind, label=label, section=section, **kwargs)


def _narrative(name: str, label: str, required: str = "", path: str = CHILD) -> FormField:
    return FormField(
        name=name, kind="textarea", label=label, section=S_ACCOUNT, narrative=True, path=path, required_message=required
    )


EXPLOITATION_TYPES = {
    "types-of-exploitation-forced-to-work": "Forced to work for nothing or almost nothing",
    "types-of-exploitation-wages-taken": "Wages taken by force or coercion, such as through control of a bank account",
    "types-of-exploitation-forced-to-commit-fraud": "Forced to commit fraud, such as using their identity to "
    "claim benefits",
    "types-of-exploitation-prostitution": "Forced into prostitution",
    "types-of-exploitation-child-exploitation": "Child sexual exploitation",
    "types-of-exploitation-taken-somewhere": "Taken somewhere, held against their will and sexually assaulted",
    "types-of-exploitation-forced-to-commit-crime": "Forced to commit a crime, such as growing cannabis, drug "
    "dealing or begging",
    "types-of-exploitation-organs-removed": "Organs, such as kidneys, removed against their will",
    "types-of-exploitation-unpaid-household-work": "Forced to do unpaid or low paid household work by relatives "
    "or strangers",
    "types-of-exploitation-other": "Other",
}

FIELDS: tuple[FormField, ...] = (
    # Your report
    _f("reference", "text", "Your reference", S_REPORT, required_message="You must enter a reference"),
    _f("user-email", "text", "Email", S_REPORT),
    _f(
        "user-organisation",
        "select",
        "Organisation",
        S_REPORT,
        required_message="You must select the organisation",
        option_list="ms_organisations",
        list_message="You must select the organisation",
    ),
    _f(
        "fr-location",
        "radio",
        "Where are you making this report?",
        S_REPORT,
        options={
            "england": "England",
            "wales": "Wales",
            "scotland": "Scotland",
            "northern-ireland": "Northern Ireland",
        },
        required_message="You must enter a region",
    ),
    _f(
        "pv-under-age",
        "radio",
        "Is the potential victim under 18?",
        S_CHILD,
        options={"yes": "Yes", "no": "No", "not-sure": "Not Sure"},
        required_message="You must select an option",
    ),
    # The local authority contacted about the child
    _f(
        "local-authority-contacted-about-child-local-authority-name",
        "select",
        "Name of local authority",
        S_LA,
        required_message="You must select the local authority from the list",
        option_list="ms_uk_local_authorities",
        list_message="You must select the local authority from the list",
    ),
    _f("local-authority-contacted-about-child-local-authority-phone", "text", "Phone number of local authority", S_LA),
    _f("local-authority-contacted-about-child-local-authority-email", "text", "Email address of local authority", S_LA),
    _f(
        "local-authority-contacted-about-child-local-authority-first-name",
        "text",
        "First name of local authority contact",
        S_LA,
    ),
    _f(
        "local-authority-contacted-about-child-local-authority-last-name",
        "text",
        "Last name of local authority contact",
        S_LA,
    ),
    _f(
        "pv-under-age-at-time-of-exploitation",
        "radio",
        "Were they under 18 at any time during the exploitation?",
        S_CHILD,
        path=ADULT,
        options=YES_NO_NOT_SURE,
    ),
    # The account: the narrative questions, each under the form's own label
    _narrative("what-happened", "What did they say happened?", "You must enter details of the exploitation", LEGACY),
    _f("birthplace", "text", "Place of birth", S_ACCOUNT, narrative=True, required_message="Enter the birthplace"),
    _narrative("family", "Their family", "Enter the family details"),
    _narrative("education", "Education", "Enter the education history"),
    _narrative("employment-history", "Previous employment history", "Enter the employment history"),
    _narrative(
        "when-did-the-exploitation-take-place",
        "Start and end date of exploitation",
        "Enter when the exploitation took place",
    ),
    _f(
        "potential-victim-exploitative-situation-multiple",
        "radio",
        "Has the potential victim been in more than one exploitative situation?",
        S_ACCOUNT,
        options={"yes": "Yes", "no": "No", "i-dont-know": "I don't know"},
    ),
    _narrative("when-did-the-exploitation-take-place-multiple", "Start date, end date and type of exploitations"),
    _narrative("more-than-one-exploitation-situation", "Date(s) of exploitation", path=LEGACY),
    _narrative(
        "how-did-the-exploitation-start", "How they came to be exploited", "Enter when the exploitation started"
    ),
    _f(
        "were-they-taken-somewhere-by-their-exploiter",
        "radio",
        "Taken somewhere by their exploiter(s)",
        S_ACCOUNT,
        options=YES_NO,
    ),
    _narrative(
        "were-they-taken-somewhere-by-their-exploiter-journey-details", "Journey details", "Enter the journey's details"
    ),
    _narrative("what-were-they-required-to-do", "An average day", "Enter what were they required to do"),
    _narrative("how-they-were-treated", "Their treatment", "Enter how they were treated"),
    _narrative("why-they-stayed", "Why they stayed", "Enter why they stayed"),
    _narrative("how-why-did-they-leave-the-situation", "How and why they left", "Enter how and why they left"),
    _f(
        "is-this-the-first-chance-to-report",
        "radio",
        "Is this the first chance they have had to report this?",
        S_ACCOUNT,
        options=YES_NO_NOT_SURE,
    ),
    _narrative(
        "why-report-now",
        "Is there anything that prevented the potential victim from reporting this sooner?",
        "Enter reason for reporting",
    ),
    _narrative("where-how-interview-carried-out", "Details about the interview", "Enter details about the interview"),
    _narrative("professional-insight", "Your professional insight"),
    _narrative("why-are-you-making-the-referral", "Reason for referral", path=LEGACY),
    _f(
        "evidence-of-dishonesty",
        "radio",
        "Are there indicators or evidence that they could be acting dishonestly?",
        S_ACCOUNT,
        options=YES_NO,
    ),
    _narrative("evidence-of-dishonesty-details", "Indicators or evidence of dishonesty"),
    _f(
        "are-others-involved",
        "radio",
        "Are there other professionals or organisations involved with this case?",
        S_ACCOUNT,
        options=YES_NO,
    ),
    _narrative("are-others-involved-details", "Other people involved"),
    # Indicators
    _f(
        "modern-slavery-indicators",
        "radio",
        "Did you identify any modern slavery indicators?",
        S_INDICATORS,
        options=YES_NO,
    ),
    _f("modern-slavery-indicators-details", "textarea", "Modern slavery indicators identified", S_INDICATORS),
    # Where
    _f(
        "where-exploitation-happened",
        "radio",
        "Where was the potential victim exploited?",
        S_WHERE,
        options={"uk": "UK", "overseas": "Overseas", "uk-and-overseas": "UK and Overseas"},
        required_message="You must select an option",
    ),
    *(
        _f(
            f"where-exploitation-happened-uk-city-{i}",
            "select",
            f"{'City or town' if i == 1 else _ORDINALS[i - 1].capitalize() + 'city or town'} in the UK",
            S_WHERE,
            option_list="ms_uk_cities_and_towns",
            list_message="You must select a city or town from the list",
        )
        for i in range(1, 11)
    ),
    _f("where-exploitation-happened-other-uk-other-location", "textarea", "UK address or location", S_WHERE),
    *(
        _f(
            f"where-exploitation-happened-overseas-country-{i}",
            "select",
            f"{'Country' if i == 1 else _ORDINALS[i - 1].capitalize() + 'country'} overseas",
            S_WHERE,
            option_list="ms_countries",
            option_list_excludes=("United Kingdom",),  # apps/nrm/util/filtered-countries.js
            list_message="You must select a country from the list",
        )
        for i in range(1, 11)
    ),
    _f(
        "where-exploitation-happened-other-overseas-other-location", "textarea", "Overseas address or location", S_WHERE
    ),
    _f(
        "current-pv-location-uk-city",
        "select",
        "City or town",
        S_NOW,
        option_list="ms_uk_cities_and_towns",
        list_message="You must select a city from the list",
    ),
    _f(
        "current-pv-location-uk-region",
        "select",
        "Region",
        S_NOW,
        option_list="ms_uk_regions",
        list_message="You must select a region from the list",
    ),
    # The exploiters
    _f("who-exploited-pv", "textarea", "Details about the exploiter(s)", S_EXPLOITERS),
    _f(
        "exploiters-location",
        "radio",
        "Do you have information about where the exploiters are?",
        S_EXPLOITERS,
        options=YES_NO,
    ),
    _f("are-exploiters-in-the-uk", "radio", "Are the exploiters in the UK?", S_EXPLOITERS, options=YES_NO),
    _f(
        "exploiters-current-location-details",
        "textarea",
        "Information about the exploiters' location",
        S_EXPLOITERS,
    ),
    _f(
        "when-last-contact",
        "radio",
        "When were the potential victim and exploiters last in contact?",
        S_EXPLOITERS,
        options={
            "within-the-last-week": "Within the last week",
            "within-the-last-month": "Within the last month",
            "within-the-last-3-month": "Within the last 3 months",
            "within-the-last-6-month": "Within the last 6 months",
            "within-the-last-6-12-month": "Within the last 6-12 months",
            "over-a-year-ago": "Over a year ago",
            "not-sure": "Not sure",
        },
        required_message="Tell us when they were last in contact",
    ),
    _f("details-last-contact", "textarea", "Details of last contact", S_EXPLOITERS),
    _f(
        "future-exploitation-concerns",
        "radio",
        "Are there concerns that the potential victim could be exploited again in the future?",
        S_EXPLOITERS,
        options=YES_NO,
    ),
    _f("future-exploitation-reasons", "textarea", "Why there are concerns", S_EXPLOITERS),
    # How
    *(_f(name, "checkbox", label, S_TYPES) for name, label in EXPLOITATION_TYPES.items()),
    _f("other-exploitation-details", "textarea", "Other type of exploitation", S_TYPES),
    # Other potential victims
    _f(
        "any-other-pvs",
        "radio",
        "Were there any other potential victims?",
        S_OTHER_PVS,
        options=YES_NO_NOT_SURE,
        required_message="You must select an option",
    ),
    _f(
        "other-potential-victims-yes-details", "textarea", "More information about other potential victims", S_OTHER_PVS
    ),
    _f(
        "other-potential-victims-not-sure-details",
        "textarea",
        "More information about possible other potential victims",
        S_OTHER_PVS,
    ),
    # Police and public authorities
    _f(
        "reported-to-police",
        "radio",
        "Do they have a crime reference number related to any reported Modern Slavery crime, in which they are "
        "a victim?",
        S_POLICE,
        options=YES_NO,
    ),
    _f(
        "reported-to-police-police-forces",
        "select",
        "Police force",
        S_POLICE,
        required_message="You must select a police force from the list",
        option_list="ms_uk_police_forces",
        list_message="You must select a police force from the list",
    ),
    _f(
        "reported-to-police-crime-reference",
        "text",
        "Crime or CAD reference",
        S_POLICE,
        required_message="You must enter a crime or CAD reference",
    ),
    _f(
        "authorities-cooperation",
        "radio",
        "Is the potential victim willing to help with investigations or criminal proceedings into their exploitation?",
        S_POLICE,
        options=YES_NO,
    ),
    _f("authorities-cooperation-details", "textarea", "Details of co-operation with authorities", S_POLICE),
    # Consent and support: an adult's path only (a child's referral is automatic)
    _f(
        "pv-want-to-submit-nrm",
        "radio",
        "Do they want their case referred to the NRM?",
        S_SUPPORT,
        path=ADULT,
        options=YES_NO,
    ),
    _f("refuse-nrm", "textarea", "Why the potential victim doesn't want their case referred", S_SUPPORT, path=ADULT),
    _f(
        "does-pv-need-support",
        "radio",
        "Does the potential victim want support?",
        S_SUPPORT,
        path=ADULT,
        options=YES_NO,
    ),
    _f(
        "pv-phone-number",
        "radio",
        "How can the support provider contact the potential victim?",
        S_CONTACT,
        path=ADULT,
        options={
            "yes": "Potential victim's telephone number",
            "pv-alternative-number": "Alternative telephone number",
            "no": "Cannot provide contact details",
        },
    ),
    _f("pv-phone-number-yes", "text", "Potential victim's phone number", S_CONTACT, path=ADULT),
    _f("pv-phone-number-alternative", "text", "Alternative telephone number", S_CONTACT, path=ADULT),
    _f(
        "alternative-number-relation-to-pv",
        "text",
        "Relationship to potential victim",
        S_CONTACT,
        path=ADULT,
        max_length=250,
    ),
    _f("no-contact-details", "textarea", "Why contact details cannot be provided", S_CONTACT, path=ADULT),
    # The potential victim
    _f(
        "pv-name-first-name",
        "text",
        "First name",
        S_CHILD,
        required_message="You must enter the potential victim's first name",
    ),
    _f(
        "pv-name-last-name",
        "text",
        "Last name",
        S_CHILD,
        required_message="You must enter the potential victim's last name",
    ),
    _f("pv-name-nickname", "text", "Nickname or name used during exploitation", S_CHILD),
    _f("pv-dob", "date", "Date of birth", S_CHILD),
    _f(
        "pv-gender",
        "radio",
        "What is their gender?",
        S_CHILD,
        options={"female": "Female", "male": "Male", "unknown": "They do not identify as male or female"},
        required_message="You must select the potential victim's gender",
    ),
    _f("does-pv-have-children", "radio", "Do they have any children?", S_CHILD, options=YES_NO),
    _f("does-pv-have-children-yes-amount", "text", "Number of children", S_CHILD),
    _f(
        "pv-nationality",
        "select",
        "Nationality",
        S_CHILD,
        required_message="You must select the potential victim's nationality from the list",
        option_list="ms_nationalities",
        list_message="You must select the potential victim's nationality from the list",
    ),
    _f(
        "pv-nationality-second",
        "select",
        "Second nationality",
        S_CHILD,
        option_list="ms_nationalities",
        list_message="You must select the potential victim's second nationality from the list",
    ),
    _f("pv-ho-reference", "radio", "Do they have any Home Office references?", S_CHILD, options=YES_NO),
    _f("pv-ho-reference-type", "text", "Type of Home Office reference, reference number or both", S_CHILD),
    # Support and communication needs
    _f("pv-interpreter-requirements", "radio", "Do they need an interpreter?", S_SUPPORT, options=YES_NO),
    _f(
        "pv-interpreter-requirements-language",
        "text",
        "Language",
        S_SUPPORT,
        required_message="You must enter a language",
    ),
    _f("pv-other-help-with-communication", "radio", "Do they need help with communication?", S_SUPPORT, options=YES_NO),
    _f(
        "pv-other-help-with-communication-aid",
        "text",
        "Communication aid",
        S_SUPPORT,
        required_message="You must enter the communication aid",
    ),
    # Who receives the decision, and how the potential victim is contacted: an adult's path only
    _f(
        "who-contact",
        "radio",
        "Who should we send our decision to?",
        S_CONTACT,
        path=ADULT,
        options={"potential-victim": "Potential victim", "someone-else": "Someone else"},
    ),
    _f(
        "pv-contact-details",
        "checkbox-group",
        "How should the potential victim be contacted?",
        S_CONTACT,
        path=ADULT,
        options={"email": "Email", "post": "Post"},
    ),
    _f("pv-contact-details-email-input", "text", "Potential victim's email address", S_CONTACT, path=ADULT),
    _f("pv-contact-details-email-check", "checkbox", "It is safe to email them here", S_CONTACT, path=ADULT),
    _f("pv-contact-details-street", "text", "Building and street", S_CONTACT, path=ADULT),
    _f("pv-contact-details-town", "text", "Town or city", S_CONTACT, path=ADULT),
    _f("pv-contact-details-county", "text", "County", S_CONTACT, path=ADULT),
    _f("pv-contact-details-postcode", "text", "Postcode", S_CONTACT, path=ADULT),
    _f("pv-contact-details-post-check", "checkbox", "It is safe to write to them here", S_CONTACT, path=ADULT),
    _f(
        "someone-else",
        "checkbox-group",
        "How should the other person be contacted?",
        S_CONTACT,
        path=ADULT,
        options={"email": "Email", "post": "Post"},
    ),
    _f("someone-else-first-name", "text", "Other person's first name", S_CONTACT, path=ADULT),
    _f("someone-else-last-name", "text", "Other person's last name", S_CONTACT, path=ADULT),
    _f("someone-else-email-input", "text", "Other person's email address", S_CONTACT, path=ADULT),
    _f("someone-else-street", "text", "Other person's building and street", S_CONTACT, path=ADULT),
    _f("someone-else-town", "text", "Other person's town or city", S_CONTACT, path=ADULT),
    _f("someone-else-county", "text", "Other person's county", S_CONTACT, path=ADULT),
    _f("someone-else-postcode", "text", "Other person's postcode", S_CONTACT, path=ADULT),
    _f(
        "someone-else-permission-check",
        "checkbox",
        "The potential victim has given you permission to send the decision to this person",
        S_CONTACT,
        path=ADULT,
    ),
    # The first responder
    _f("fr-details-first-name", "text", "First name", S_YOU, required_message="You must enter your first name"),
    _f("fr-details-last-name", "text", "Last name", S_YOU, required_message="You must enter your last name"),
    _f("fr-details-role", "text", "Role", S_YOU, required_message="You must enter your role"),
    _f("fr-details-phone", "text", "Phone number", S_YOU, required_message="You must enter a phone number"),
    _f("fr-alternative-contact", "text", "Who should we contact in your absence? (email address)", S_YOU),
    # Documents
    _f("upload-file", "file", "Uploaded file", S_DOCUMENTS),
    _f(
        "what-evidence-you-will-submit",
        "textarea",
        "List of documents or evidence to be submitted",
        S_DOCUMENTS,
    ),
)

BY_NAME: dict[str, FormField] = {f.name: f for f in FIELDS}
# The date of birth as the form's date component posts it, in three parts (kept with pv-dob).
DATE_PARTS = ("pv-dob-day", "pv-dob-month", "pv-dob-year")
CHILD_PATH: tuple[str, ...] = tuple(f.name for f in FIELDS if f.path == CHILD)
# The select fields whose answers must be on one of the form's lists (childnrm/api/home_office_lists).
LIST_FIELDS: tuple[FormField, ...] = tuple(f for f in FIELDS if f.option_list)


def label_of(name: str) -> str:
    """The form's label for a field; for a field the catalogue does not know, its name in words."""
    known = BY_NAME.get(name)
    if known is not None:
        return known.label
    words = name.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def option_label(name: str, value: str) -> str:
    known = BY_NAME.get(name)
    return known.options.get(value, value) if known is not None else value
