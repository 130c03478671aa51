"""Import a referral saved from the Home Office online NRM form (a JSON object of its fields)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from childnrm.accounts.models import Organisation
from childnrm.api.home_office import HomeOfficeFormIn, list_errors, map_form
from childnrm.api.schemas import unstorable_values
from childnrm.api.services import (
    ApiInputError,
    FormAlreadyImported,
    already_imported_message,
    api_home_office_form_existing,
    api_referral_submit,
)
from childnrm.referrals.models import ReferralSource


class Command(BaseCommand):
    help = (
        "Import a child's referral saved from the Home Office online NRM form, submit it and print its "
        "reference. Importing the same form again changes nothing; a changed form with the same reference "
        "is refused."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="JSON file: one object of form field name → value")
        parser.add_argument("--organisation", required=True, help="The referring organisation's name, exactly")

    def handle(self, *args, **options) -> None:
        organisation = Organisation.objects.filter(name=options["organisation"], active=True).first()
        if organisation is None:
            raise CommandError(f"No organisation named {options['organisation']!r}")
        try:
            form = json.loads(options["file"].read_bytes())
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {options['file']} as JSON: {error}")
        problems = [
            f"{where or 'file'}: contains a character that cannot be stored" for where in unstorable_values(form)
        ]
        if not problems:
            try:
                HomeOfficeFormIn.model_validate(form)  # mapped as sent (below), so kept fields stay verbatim
            except ValidationError as error:
                problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
                # Answers not on the form's lists are checked outside the schema: report them with it.
                problems += [f"{e['field']}: {e['message']}" for e in list_errors(form)]
        if not problems:
            mapped = map_form(form)
            problems = [f"{e['field']}: {e['message']}" for e in mapped.errors]
        if not problems:
            try:
                existing = api_home_office_form_existing(
                    organisation=organisation,
                    form_reference=mapped.fields["form_reference"],
                    fingerprint=mapped.fields["form_fingerprint"],
                )
            except FormAlreadyImported as changed:
                raise CommandError(f"The form was not imported: {changed.message}")
            if existing is not None:
                self.stdout.write(already_imported_message(existing))
                return
            try:
                referral = api_referral_submit(
                    organisation=organisation,
                    fields=mapped.fields,
                    unmapped=mapped.unmapped,
                    source=ReferralSource.HOME_OFFICE_FORM,
                    audit_detail={"command": "import_home_office_form"},
                    documents=mapped.documents,
                    received_from=f"Home Office online form, imported by a command for {organisation.name}",
                )
            except ApiInputError as error:
                problems = [f"{e['field'] or 'referral'}: {e['message']}" for e in error.errors]
        if problems:
            raise CommandError("The form was not imported:\n" + "\n".join(f"- {p}" for p in problems))
        self.stdout.write(f"Imported referral {referral.reference} ({referral.get_status_display()}).")
        if mapped.unmapped:
            self.stdout.write(f"Kept verbatim (not in the form's catalogue): {', '.join(sorted(mapped.unmapped))}")
