"""Producing the letters about a final decision, recording who explained it to the child, telling the guardian.

Every write locks the decision's row first and checks its state: letters and explanations are only for a
final decision. A letter is kept exactly as produced (its content, its PDF and the PDF's SHA-256).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.accounts.models import Nation, Site, User, name_shown_later
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.kit import i18n
from childnrm.kit.errors import ServiceError
from childnrm.kit.pdf import render_pdf
from childnrm.letters import content, selectors
from childnrm.letters.models import DecisionExplanation, ExplainedHow, GuardianNotice, Letter, LetterKind
from childnrm.people.models import AssociationKind, ChildAssociation, LeadSocialWorker
from childnrm.people.selectors import associations_in_force
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message
from childnrm.referrals.models import Referral
from childnrm.reviews import services as review_services

PURPOSE = PURPOSES[Perm.LETTER_PRODUCE]


class LetterError(ServiceError):
    """A letter action that cannot be done in the decision's present state; the message says why."""


@dataclass(frozen=True)
class Produced:
    letters: list[Letter]
    notices: list[GuardianNotice]


def guardians_of(decision: Decision) -> list[User]:
    """The guardians (ICTGs) of the decision's child now: allocated, and holding the guardian's role at the child's
    site, an active one (`people.selectors.associations_in_force`, ADR 0002 amendment 2). One whose role there ended,
    or who stayed at the site that transferred the case, can no longer open it, so the child's letter does not name
    them and they are not emailed a link they cannot follow."""
    child_id = decision.referral.child_id
    if not child_id:
        return []
    in_force = ChildAssociation.objects.filter(
        associations_in_force((AssociationKind.ICTG,)), child_id=child_id, user_id=OuterRef("pk")
    )
    return list(User.objects.filter(Exists(in_force)).order_by("full_name", "pk"))


def social_worker_of(decision: Decision) -> content.Contact | None:
    """The child's lead social worker as recorded on the child; else a user associated as one. Either only while it
    counts: a recorded social worker who holds an account is named only while their association is in force (they
    hold a social worker's role at the child's active site: `people.selectors.associations_in_force`), so a letter
    does not name, and give the email of, a social worker who has left. One recorded as contact details only (no
    account) is named as recorded: the coordinator ends that record when they change."""
    child_id = decision.referral.child_id
    if not child_id:
        return None
    in_force = ChildAssociation.objects.filter(
        associations_in_force((AssociationKind.LEAD_SOCIAL_WORKER,)), child_id=child_id
    )
    recorded = LeadSocialWorker.objects.filter(child_id=child_id, ends_at__isnull=True).first()
    if recorded is not None and (recorded.user_id is None or in_force.filter(user_id=recorded.user_id).exists()):
        return content.Contact(recorded.name, recorded.email, recorded.phone)
    association = in_force.select_related("user").order_by("-starts_at", "-pk").first()
    return content.Contact(association.user.full_name, association.user.email) if association is not None else None


def guardian_contact(guardian: User) -> content.Contact:
    """How the child reaches their guardian: the work email they use this service with. No phone number is
    recorded for a user, so none is printed."""
    return content.Contact(guardian.full_name, guardian.email)


def site_name_in_letter(site: Site) -> str:
    """The site's name as a letter prints it: in the language each part of the letter is written in (a bilingual
    letter names it in Welsh in its Welsh half), so read only inside `written_in` or `letter_html`."""
    return name_shown_later(site.name, site.name_cy)


def letter_people(decision: Decision, *, coordinator: User) -> content.LetterPeople:
    return content.LetterPeople(
        coordinator=content.Contact(coordinator.full_name, coordinator.email),
        site_name=site_name_in_letter(decision.referral.site),
        guardians=tuple(guardian_contact(g) for g in guardians_of(decision)),
        social_worker=social_worker_of(decision),
    )


# Languages (ADR 0023) ------------------------------------------------------------------------------


def site_letter_language(site: Any) -> str:
    """What a site writes when no one's preference is recorded: both languages in Wales (as Welsh public bodies
    do, Welsh first) and where the site's default language is Welsh; English elsewhere."""
    if site is not None and (site.nation == Nation.WALES or site.default_language == i18n.WELSH):
        return i18n.LetterLanguage.BILINGUAL
    return i18n.LetterLanguage.ENGLISH


def letter_languages(decision: Decision) -> dict[str, str]:
    """The language of each letter: the child's recorded preference for the child's letter; for the referrer's,
    the language they chose for the service (a referral made through the API has no user: the site's default)."""
    referral = decision.referral
    default = site_letter_language(referral.site)
    child = referral.child
    referrer = referral.created_by
    chosen = {i18n.WELSH: i18n.LetterLanguage.WELSH, i18n.ENGLISH: i18n.LetterLanguage.ENGLISH}
    return {
        LetterKind.CHILD_FRIENDLY: (child.correspondence_language if child is not None else "") or default,
        LetterKind.REFERRER_OUTCOME: chosen.get(referrer.language if referrer is not None else "", default),
    }


def written_in(letter_language: str, write: Any) -> dict[str, Any]:
    """The letter `write()` builds, in the language(s) of `letter_language`: a bilingual letter holds each
    language's letter in `versions`, Welsh first."""
    versions = []
    for code in i18n.LETTER_LANGUAGES[letter_language]:
        with i18n.language(code):
            versions.append({**write(), "language": code})
    if len(versions) == 1:
        return versions[0]
    first = versions[0]
    return {"language": letter_language, "title": first["title"], "wording": first.get("wording"), "versions": versions}


def _in_each(codes: tuple[str, ...], words: Any) -> str:
    """`words()` in each language of the letter, joined as a bilingual document joins them ("Cymraeg / English")."""
    said = []
    for code in codes:
        with i18n.language(code):
            said.append(words())
    return " / ".join(said)


def _said_in(code: str, words: Any) -> str:
    with i18n.language(code):
        return str(words)


def _dated_in(code: str, day: date) -> str:
    with i18n.language(code):
        return content.long_date(day)


def letter_html(letter_content: dict[str, Any], *, kind: str, reference: str, site_name: str, produced_on: date) -> str:
    """The letter's HTML for its PDF. `site_name`: its heading, said in each version's language when it is one
    that can be (`site_name_in_letter`)."""
    child = kind == LetterKind.CHILD_FRIENDLY
    versions = letter_content.get("versions") or [letter_content]
    codes = tuple(v.get("language", i18n.ENGLISH) for v in versions)
    return render_to_string(
        "letters/letter_pdf.html",
        {
            "versions": [
                {
                    **v,
                    "lang": "en" if v.get("language", i18n.ENGLISH) == i18n.ENGLISH else "cy",
                    "site_name": _said_in(v.get("language", i18n.ENGLISH), site_name),
                    # Each half of a bilingual letter is dated in its own language.
                    "produced_on": _dated_in(v.get("language", i18n.ENGLISH), produced_on),
                }
                for v in versions
            ],
            "html_lang": "en" if codes[0] == i18n.ENGLISH else codes[0],
            "title": letter_content["title"],
            "child": child,
            "footer": _in_each(codes, lambda: gettext("Your letter"))
            if child
            else _in_each(codes, lambda: gettext("Referral %(reference)s") % {"reference": reference})
            + " – OFFICIAL-SENSITIVE",
            "page_word": _in_each(codes, lambda: gettext("page")),
            "of_word": _in_each(codes, lambda: gettext("of")),
        },
    )


def letter_pdf(html: str) -> bytes:
    """The letter as a PDF, built from our own HTML only: nothing is fetched from anywhere."""
    return render_pdf(html)


def _lock_final(decision: Decision, user: User, *, permitted: Callable[[Decision], bool] | None = None) -> Decision:
    """The decision, locked, if it is final and the user may act on it: produce its letters (the coordinator), or
    what `permitted(locked)` allows, while the case is not anonymised. The case's lock first, as retention takes it
    before the decisions (`retention.anonymise.case_anonymise`): one waiting for it finds the case anonymised."""
    case = Referral.objects.select_for_update().get(pk=decision.referral_id)
    locked = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("referral__site", "referral__child")
        .get(pk=decision.pk)
    )
    allowed = (
        permitted(locked) if permitted is not None else has_perm(user, Perm.LETTER_PRODUCE, locked.referral.site_id)
    )
    if not allowed:
        raise PermissionDenied
    if case_anonymised(case):
        raise LetterError(case_anonymised_message(case))
    if locked.status != DecisionStatus.FINAL:
        if locked.status == DecisionStatus.SUPERSEDED:
            raise LetterError(gettext("This decision has been superseded by a later version. Use the latest version."))
        raise LetterError(gettext("Letters can only be produced for a final decision. This decision is not final yet."))
    if not locked.outcome or locked.decided_on is None:
        raise LetterError(gettext("This decision has no outcome or date recorded, so no letter can be produced."))
    return locked


def _email(notices: list[GuardianNotice]) -> None:
    """Email the notices' guardians once the change is saved. The email says what is true when it is sent: that the
    letters are ready only if they have been produced by then (tasks.guardian_email)."""
    if notices:
        from childnrm.letters.tasks import notify_guardian_of_decision

        ids = [n.pk for n in notices]
        transaction.on_commit(lambda: [notify_guardian_of_decision.enqueue(pk) for pk in ids])


def _notify(decision: Decision, guardians: list[User]) -> list[GuardianNotice]:
    """A notice for each guardian not yet told of this decision; their emails go once the change is saved."""
    already = set(GuardianNotice.objects.filter(decision=decision).values_list("guardian_id", flat=True))
    notices = [GuardianNotice.objects.create(decision=decision, guardian=g) for g in guardians if g.pk not in already]
    _email(notices)
    return notices


def letters_produce(
    *, decision: Decision, user: User, letters_seen: int | None = None, audit: AuditContext | None = None
) -> Produced:
    """Produce the pair of letters for a final decision, keep them as produced and tell the guardian(s).

    `letters_seen` is how many letters the user's page listed: if more exist now, someone (or a second
    click) has just produced them, and nothing is produced twice.
    """
    with transaction.atomic():
        locked = _lock_final(decision, user)
        if letters_seen is not None and Letter.objects.filter(decision=locked).count() != letters_seen:
            raise LetterError(gettext("The letters were produced a moment ago. They are listed below."))
        referral = locked.referral
        people = letter_people(locked, coordinator=user)
        today = timezone.localdate()
        # Producing the referrer's letter communicates the decision: a negative decision's reconsideration window
        # opens now (once), and both letters print its last day. A correction's letters print the window of the
        # decision it corrects: a correction neither reopens nor restarts it (reviews.selectors.window_of).
        window = review_services.window_open(decision=locked, communicated_on=today)
        reconsider_by = window.last_day if window is not None else None
        # A decision on reconsideration is written as the outcome of the reconsideration, not as a first decision; a
        # correction as the panel correcting its decision (one on reconsideration too), not as a new one.
        reconsidered = selectors.reconsideration_answered(locked)
        corrected = selectors.correction_of(locked)
        # Guardians told of the decision before any letter existed were told the letters were not ready yet: the
        # first letters produced are theirs to read now, so they are emailed again (once: later pairs are not).
        told_before_letters = (
            []
            if Letter.objects.filter(decision=locked).exists()
            else list(GuardianNotice.objects.filter(decision=locked))
        )
        letters = []
        languages = letter_languages(locked)
        for kind, body in (
            (
                LetterKind.REFERRER_OUTCOME,
                written_in(
                    languages[LetterKind.REFERRER_OUTCOME],
                    lambda: content.referrer_letter(
                        locked,
                        people=people,
                        reconsider_by=reconsider_by,
                        reconsidered=reconsidered,
                        corrected=corrected,
                    ),
                ),
            ),
            (
                LetterKind.CHILD_FRIENDLY,
                written_in(
                    languages[LetterKind.CHILD_FRIENDLY],
                    lambda: content.child_letter(
                        locked,
                        people=people,
                        reconsider_by=reconsider_by,
                        dated=today,
                        reconsidered=reconsidered,
                        corrected=corrected,
                    ),
                ),
            ),
        ):
            html = letter_html(
                body, kind=kind, reference=referral.reference, site_name=people.site_name, produced_on=today
            )
            pdf = letter_pdf(html)
            letters.append(
                Letter.objects.create(
                    decision=locked,
                    kind=kind,
                    content=body,
                    pdf=pdf,
                    sha256=hashlib.sha256(pdf).hexdigest(),
                    produced_by=user,
                )
            )
        guardians = guardians_of(locked)
        in_force = {g.pk for g in guardians}
        letters_ready = [n for n in told_before_letters if n.guardian_id in in_force]
        _email(letters_ready)
        notices = _notify(locked, guardians)
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=locked,
            site_id=referral.site_id,
            purpose=PURPOSE,
            detail={
                "letters": [letter.pk for letter in letters],
                "sha256": [letter.sha256 for letter in letters],
                "guardian_notices": [n.pk for n in notices],
                "guardians_told_letters_ready": [n.pk for n in letters_ready],
                "reconsideration": reconsidered is not None,
                "correction": corrected is not None,
                "reconsider_by": reconsider_by.isoformat() if reconsider_by else None,
                "languages": languages,
            },
        )
    return Produced(letters, notices)


def guardians_tell(*, decision: Decision, user: User, audit: AuditContext | None = None) -> list[GuardianNotice]:
    """Tell the child's guardian(s) of a final decision, once per guardian. Before its letters are produced the email
    says they are not ready yet, and producing them emails the guardian again (`letters_produce`)."""
    with transaction.atomic():
        locked = _lock_final(decision, user)
        guardians = guardians_of(locked)
        if not guardians:
            raise LetterError(gettext("No guardian is allocated to this child, so there is no one to tell."))
        notices = _notify(locked, guardians)
        if not notices:
            raise LetterError(gettext("Every guardian allocated to this child has already been told of this decision."))
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=locked,
            site_id=locked.referral.site_id,
            purpose=PURPOSE,
            detail={"guardian_notices": [n.pk for n in notices]},
        )
    return notices


def explanation_record(
    *,
    decision: Decision,
    user: User,
    explained_by_name: str,
    explained_by_role: str,
    explained_on: date,
    how: str,
    child_response: str = "",
    audit: AuditContext | None = None,
) -> DecisionExplanation:
    """Record who explained a final decision to the child, when and how: the coordinator of the case's site, or the
    child's guardian in force, who usually explains it (`selectors.may_record_explanation`)."""
    explained_by_name = (explained_by_name or "").strip()
    explained_by_role = (explained_by_role or "").strip()
    if not explained_by_name:
        raise LetterError(gettext("Enter the name of the person who explained the decision"), "explained_by_name")
    if not explained_by_role:
        raise LetterError(gettext("Enter their role, for example social worker or guardian"), "explained_by_role")
    if how not in ExplainedHow.values:
        raise LetterError(gettext("Select how the decision was explained"), "how")
    if explained_on is None:
        raise LetterError(gettext("Enter the date the decision was explained"), "explained_on")
    if explained_on > timezone.localdate():
        raise LetterError(gettext("The date the decision was explained must be today or in the past"), "explained_on")
    with transaction.atomic():
        locked = _lock_final(decision, user, permitted=lambda d: selectors.may_record_explanation(user, d))
        if explained_on < locked.decided_on:
            raise LetterError(
                gettext("The date the decision was explained must be on or after the decision's date, %(date)s")
                % {"date": content.long_date(locked.decided_on)},
                "explained_on",
            )
        explanation = DecisionExplanation.objects.create(
            decision=locked,
            explained_by_name=explained_by_name,
            explained_by_role=explained_by_role,
            explained_on=explained_on,
            how=how,
            child_response=(child_response or "").strip(),
            recorded_by=user,
        )
        audit_record(
            context=audit,
            actor=user,
            action=Action.CREATE,
            obj=explanation,
            site_id=locked.referral.site_id,
            purpose=PURPOSE if selectors.may_produce(user, locked) else PURPOSES[Perm.CHILD_VIEW_ASSOCIATED],
            detail={"decision": locked.pk},
        )
    return explanation
