"""Data-sharing agreements and the files released under them (issue 10 item 3).

- An analyst of a site requests an agreement (`agreement_request`).
- The site's data protection officer approves or refuses it (`agreement_approve`, `agreement_refuse`); nobody
  approves an agreement they asked for. The officer may revoke an approved one (`agreement_revoke`).
- While an agreement is in force, an analyst of its site releases the files it covers (`release`): built, hashed,
  recorded as an ExtractRelease with the cases it holds, and audited. Refused otherwise, and the refusal says why.
- `synthetic_build` makes the synthetic dataset for open publication (`manage.py evaluation_synthetic`).

Every change and every release writes an audit event (the agreement is the object; a release names its file's
hash and row count). A release also writes one event per case it holds, against the case's referral, so each
released child's audit page shows who released their data, under which agreement (written in bulk).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import Site
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record, audit_record_many
from childnrm.evaluation import extract, htcds, synthetic
from childnrm.evaluation.models import (
    AgreementState,
    AgreementStatus,
    Dataset,
    DataSharingAgreement,
    ExtractRelease,
    FieldGroup,
    LegalBasis,
    SyntheticRelease,
)
from childnrm.kit.errors import ServiceError
from childnrm.referrals.models import Referral

REASON_MAX = 2000


class AgreementError(ServiceError):
    """A step on an agreement the service refuses; may list several problems at once."""

    def __init__(self, message: str, field: str | None = None, problems: list[tuple[str | None, str]] | None = None):
        super().__init__(message, field)
        self.problems = problems or [(field, message)]

    def form_errors(self) -> list[tuple[str | None, str]]:
        return self.problems


class ReleaseRefused(ServiceError):
    pass


@dataclass(frozen=True)
class AgreementAnswers:
    organisation_name: str
    contact_name: str
    contact_email: str
    purpose: str
    legal_basis: str
    legal_basis_details: str
    datasets: list[str]
    field_groups: list[str]
    starts_on: date
    expires_on: date


def _check_answers(answers: AgreementAnswers, today: date) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    for name, message in (
        ("organisation_name", gettext("Enter the organisation that will receive the data")),
        ("contact_name", gettext("Enter the name of the contact at that organisation")),
        ("contact_email", gettext("Enter the contact's email address")),
        ("purpose", gettext("Enter what the data will be used for")),
    ):
        if not getattr(answers, name).strip():
            problems.append((name, message))
    if answers.legal_basis not in LegalBasis.values:
        problems.append(("legal_basis", gettext("Select the legal basis for sharing")))
    elif answers.legal_basis == LegalBasis.OTHER and not answers.legal_basis_details.strip():
        problems.append(("legal_basis_details", gettext("Describe the legal basis for sharing")))
    datasets = [d for d in answers.datasets if d in Dataset.values]
    if not datasets:
        problems.append(("datasets", gettext("Select the files the agreement covers")))
    if Dataset.EXTRACT in datasets and not [g for g in answers.field_groups if g in FieldGroup.values]:
        problems.append(("field_groups", gettext("Select the fields of the evaluation extract to share")))
    if answers.expires_on < answers.starts_on:
        problems.append(("expires_on", gettext("The agreement must end on or after the day it starts")))
    elif answers.expires_on < today:
        problems.append(("expires_on", gettext("The agreement must end today or in the future")))
    return problems


def _audit(
    audit: AuditContext | None, user, agreement: DataSharingAgreement, action: str, perm: Perm, **detail
) -> None:
    audit_record(
        context=audit,
        actor=user,
        action=action,
        obj=agreement,
        site_id=agreement.site_id,
        purpose=PURPOSES[perm],
        detail={"agreement": agreement.reference, **detail},
    )


def agreement_request(
    *,
    site: Site,
    user,
    answers: AgreementAnswers,
    audit: AuditContext | None = None,
    today: date | None = None,
) -> DataSharingAgreement:
    if not has_perm(user, Perm.EVALUATION_EXTRACT, site.pk):
        raise PermissionDenied
    problems = _check_answers(answers, today or timezone.localdate())
    if problems:
        raise AgreementError(problems[0][1], problems[0][0], problems)
    with transaction.atomic():
        agreement = DataSharingAgreement.objects.create(
            site=site,
            organisation_name=answers.organisation_name.strip(),
            contact_name=answers.contact_name.strip(),
            contact_email=answers.contact_email.strip(),
            purpose=answers.purpose.strip(),
            legal_basis=answers.legal_basis,
            legal_basis_details=answers.legal_basis_details.strip(),
            datasets=[d for d in Dataset.values if d in answers.datasets],
            # Groups only matter for the extract: none are kept for an agreement that does not cover it.
            field_groups=[g for g in FieldGroup.values if g in answers.field_groups]
            if Dataset.EXTRACT in answers.datasets
            else [],
            starts_on=answers.starts_on,
            expires_on=answers.expires_on,
            requested_by=user,
        )
        _audit(audit, user, agreement, Action.CREATE, Perm.EVALUATION_EXTRACT, status=agreement.status)
    return agreement


def _locked_for_decision(agreement: DataSharingAgreement, user) -> DataSharingAgreement:
    locked = DataSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if not has_perm(user, Perm.DATA_SHARING_APPROVE, locked.site_id):
        raise PermissionDenied
    return locked


def agreement_approve(
    *, agreement: DataSharingAgreement, user, audit: AuditContext | None = None
) -> DataSharingAgreement:
    with transaction.atomic():
        locked = _locked_for_decision(agreement, user)
        if locked.status != AgreementStatus.REQUESTED:
            raise AgreementError(_already(locked.status))
        if locked.requested_by_id == user.pk:
            raise AgreementError(
                gettext("You asked for this agreement: another data protection officer must approve it")
            )
        locked.status = AgreementStatus.APPROVED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        _audit(audit, user, locked, Action.UPDATE, Perm.DATA_SHARING_APPROVE, status=locked.status)
    return locked


def _already(status: str) -> str:
    """Why a decided agreement cannot be decided again: a whole sentence for each status."""
    return {
        AgreementStatus.APPROVED: gettext("This agreement has already been approved"),
        AgreementStatus.REFUSED: gettext("This agreement has already been refused"),
        AgreementStatus.REVOKED: gettext("This agreement has already been revoked"),
    }.get(status, gettext("This agreement has already been decided"))


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        message = {
            "refused": gettext("Enter why the agreement is refused"),
            "revoked": gettext("Enter why the agreement is revoked"),
        }[what]
        raise AgreementError(message, "reason")
    if len(reason) > REASON_MAX:
        raise AgreementError(
            gettext("The reason must be %(max)s characters or fewer") % {"max": f"{REASON_MAX:,}"}, "reason"
        )
    return reason


def agreement_refuse(
    *, agreement: DataSharingAgreement, user, reason: str, audit: AuditContext | None = None
) -> DataSharingAgreement:
    reason = _reason(reason, "refused")
    with transaction.atomic():
        locked = _locked_for_decision(agreement, user)
        if locked.status != AgreementStatus.REQUESTED:
            raise AgreementError(_already(locked.status))
        locked.status = AgreementStatus.REFUSED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.refusal_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
        _audit(audit, user, locked, Action.UPDATE, Perm.DATA_SHARING_APPROVE, status=locked.status)
    return locked


def agreement_revoke(
    *, agreement: DataSharingAgreement, user, reason: str, audit: AuditContext | None = None
) -> DataSharingAgreement:
    reason = _reason(reason, "revoked")
    with transaction.atomic():
        locked = _locked_for_decision(agreement, user)
        if locked.status != AgreementStatus.APPROVED:
            raise AgreementError(gettext("Only an approved agreement can be revoked"))
        locked.status = AgreementStatus.REVOKED
        locked.revoked_by = user
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason
        locked.save(update_fields=["status", "revoked_by", "revoked_at", "revocation_reason"])
        _audit(audit, user, locked, Action.UPDATE, Perm.DATA_SHARING_APPROVE, status=locked.status)
    return locked


# Releases ----------------------------------------------------------------------------------------------

REFUSALS = {
    AgreementState.WAITING: _("This agreement has not been approved yet: no data can be released under it"),
    AgreementState.NOT_STARTED: _(
        "This agreement has not started yet: no data can be released under it before {start}"
    ),
    AgreementState.EXPIRED: _("This agreement expired on {end}: no data can be released under it"),
    AgreementState.REFUSED: _("This agreement was refused: no data can be released under it"),
    AgreementState.REVOKED: _("This agreement was revoked: no data can be released under it"),
}


NOT_COVERED = {
    Dataset.EXTRACT: _("This agreement does not cover the evaluation extract"),
    Dataset.HTCDS: _("This agreement does not cover the HTCDS export"),
}


def release_refusal(agreement: DataSharingAgreement, dataset: str, today: date) -> str | None:
    """Why nothing of `dataset` may be released under the agreement today, or None when it may."""
    from childnrm.kit.dates import long_date

    state = agreement.state(today)
    if state != AgreementState.IN_FORCE:
        return str(REFUSALS[state]).format(start=long_date(agreement.starts_on), end=long_date(agreement.expires_on))
    if not agreement.covers(dataset):
        return str(NOT_COVERED.get(dataset, _("This agreement does not cover the file")))
    return None


# How a released case's event names the file (the audit trail's words are stored in English, like its purposes).
RELEASED_AS: dict[str, str] = {Dataset.EXTRACT: "evaluation extract", Dataset.HTCDS: "HTCDS export"}


@dataclass(frozen=True)
class Released:
    release: ExtractRelease
    content: bytes


def release(
    *,
    agreement: DataSharingAgreement,
    dataset: str,
    user,
    audit: AuditContext | None = None,
    today: date | None = None,
) -> Released:
    """Build `dataset` under the agreement, record the release and audit it. Refused unless the agreement is in
    force today, covers the file, and the user is an analyst of its site."""
    today = today or timezone.localdate()
    if not has_perm(user, Perm.EVALUATION_EXTRACT, agreement.site_id):
        raise PermissionDenied
    with transaction.atomic():
        # Locked: a revocation that lands first stops this release.
        locked = DataSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        refusal = release_refusal(locked, dataset, today)
        if refusal:
            raise ReleaseRefused(refusal, code="not_in_force")
        sources = extract.case_sources([locked.site_id])
        if dataset == Dataset.HTCDS:
            header, rows = htcds.htcds_rows(sources, salt=locked.salt)
        else:
            header, rows = extract.extract_rows(sources, salt=locked.salt, field_groups=locked.field_groups)
        content = extract.csv_bytes(header, rows)
        digest = hashlib.sha256(content).hexdigest()
        slug = "htcds" if dataset == Dataset.HTCDS else "evaluation-extract"
        made = ExtractRelease.objects.create(
            agreement=locked,
            dataset=dataset,
            field_groups=locked.field_groups if dataset == Dataset.EXTRACT else [],
            released_by=user,
            filename=f"{locked.reference}-{slug}-{today:%Y-%m-%d}.csv",
            row_count=len(rows),
            sha256=digest,
            referral_ids=[s.referral_id for s in sources],
        )
        _audit(
            audit,
            user,
            locked,
            Action.EXPORT,
            Perm.EVALUATION_EXTRACT,
            dataset=dataset,
            release=made.pk,
            rows=len(rows),
            sha256=digest,
        )
        # And one event per case released, against its referral, so each child's "who has seen this record" page
        # shows it (the release's ids are JSON, out of reach of the audit page's foreign keys). Written in bulk.
        audit_record_many(
            context=audit,
            actor=user,
            action=Action.EXPORT,
            object_type=Referral._meta.label_lower,
            object_ids=made.referral_ids,
            site_id=locked.site_id,
            purpose=PURPOSES[Perm.EVALUATION_EXTRACT],
            detail={
                "record": f"{RELEASED_AS[dataset]} under data-sharing agreement {locked.reference}",
                "agreement": locked.reference,
                "release": made.pk,
                "dataset": dataset,
            },
        )
    return Released(made, content)


# The synthetic dataset ---------------------------------------------------------------------------------


def synthetic_build(
    *, epsilon: float = synthetic.DEFAULT_EPSILON, site: Site | None = None, out_dir: Path | None = None
) -> SyntheticRelease:
    """A synthetic copy of every active site's cases (or one site's), its report, kept for the analysts' page and
    written to `out_dir` when given."""
    import json

    site_ids = [site.pk] if site else list(Site.objects.filter(active=True).values_list("pk", flat=True))
    real = synthetic.synthetic_source_frame(extract.case_sources(site_ids))
    made = synthetic.synthesise(real, epsilon=epsilon)
    now = timezone.now()
    report = synthetic.report(made, real, generated_at=now.isoformat(timespec="seconds"))
    content = made.frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()
    report["sha256"] = digest
    stem = f"synthetic-nrm-children-{now:%Y-%m-%d}" + (f"-{site.slug}" if site else "")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / f"{stem}.csv").write_bytes(content)
        (out_dir / f"{stem}-report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    with transaction.atomic():
        kept = SyntheticRelease(
            site=site, epsilon=made.epsilon, delta=made.delta, rows=len(made.frame), sha256=digest, report=report
        )
        kept.file.save(f"{stem}.csv", ContentFile(content), save=False)
        kept.save()
        audit_record(
            action=Action.EXPORT,
            obj=kept,
            site_id=site.pk if site else None,
            purpose="Open publication of differentially private synthetic data",
            detail={"epsilon": made.epsilon, "delta": made.delta, "rows": len(made.frame), "sha256": digest},
        )
    return kept
