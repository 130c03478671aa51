# ruff: noqa: B023 (the per-site helpers are closures used only within their own site's iteration)
"""The panel's work for the benchmark's accepted referrals: sittings, decisions, safeguarding plans.

For every site:

- the panel: a voting social care, police and health member, the guardian and an adviser without a
  vote (the demo panel where the site has one; otherwise seeded staff plus new users), a chair and a
  second chair for the second review of negative decisions;
- a regular sitting on the 10th of each month over the seeded period (closed, with its status
  history and the five attendees, present), the next month's sitting scheduled, and an extra sitting
  in session today;
- each accepted referral goes on the agenda of the first sitting at least 3 days after it was
  accepted, every attendee declaring no conflict. At a past sitting about 96% get a final reasonable
  grounds (RG) decision, 75% positive (the national child RG positive rate is 55-88% by year); the
  rest are overdue. A positive RG gets a conclusive grounds (CG) decision at the first sitting at
  least `recovery_period_days` + a few months later (85% positive), if that sitting has passed.
  Negative decisions went through a second review where the site requires one. Each decision has 2-4
  pieces of evidence, 3 votes (sometimes one dissenting, with the dissent recorded) and the record
  (act, purpose, credibility, wishes and feelings) written from the referral;
- cases whose sitting is still to come are on the scheduled sitting's agenda; up to 8 per site are
  on today's sitting in session with a draft decision (some evidence, some votes);
- a safeguarding plan agreed with each positive RG decision: 3-6 actions owned by an agency and a
  named person (some by panel members who use "your actions"), due over the following months; the
  open ones past their due date are overdue; each with its updates. Plans close some months after
  the CG decision. Statutory periods (child in need, child protection plan, looked after) follow
  the referral's answers; 2-5 places, peer groups or online spaces on the safety map;
- information requests for cases still to be decided (1-3 each: answered, or open and often
  overdue) and answered ones for a share of decided cases.

Rows are COPYed from unsaved model instances (bench/bulk.py). Returns counts and samples: a final
decision with many pieces of evidence, a draft at today's sitting, an active plan and its child.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from bench.bulk import copy_instances, next_id

LOCATION = "Committee room 1, Civic Centre"
EVIDENCE = {
    "police": [
        ("Police intelligence report on the group and the child's arrest.", "Significant: independent and specific."),
        (
            "Record of the child's missing episodes and where the child was found.",
            "Supports the account in time and place.",
        ),
        ("Phone download: messages sending the child to addresses out of area.", "Strong: contemporaneous."),
    ],
    "health": [
        ("Initial health assessment: injuries consistent with the account.", "Consistent with the account."),
        ("GP and sexual health records since the child arrived.", "Some weight: gaps in attendance."),
    ],
    "social_care": [
        (
            "Social worker's assessment and chronology of contact with the family.",
            "Significant: long knowledge of the child.",
        ),
        ("Placement record: the child went missing from the placement with older males.", "Supports the account."),
        ("Strategy discussion minutes.", "Agencies agree the risk of exploitation."),
    ],
    "education": [("School attendance and safeguarding log.", "Fall in attendance matches the period described.")],
    "ictg": [("Guardian's account of the child's wishes and disclosures.", "The child's own voice, weighed.")],
}
ACTIONS = [
    ("social_care", "Complete a child and family assessment including the risk of exploitation."),
    ("social_care", "Review the placement: move the child away from the area where the group operates."),
    ("police", "Disruption visit to the address where the child was found; record intelligence."),
    ("police", "Child Abduction Warning Notices to the adults identified."),
    ("health", "Arrange an initial health assessment, including sexual health and substance use."),
    ("health", "Refer to CAMHS for trauma-informed support."),
    ("education", "Agree a safe timetable and a trusted adult at school."),
    ("ictg", "The guardian visits every two weeks and reports the child's wishes to the panel."),
    ("youth_justice", "Youth justice worker to attend the next court hearing with the child."),
]
LINKS = [
    ("place", "Bus station, Market Street", "Where the child was picked up by older boys.", "high"),
    ("place", "Flat above the takeaway, High Street", "Address used to hold drugs.", "high"),
    ("place", "Retail park car park", "Seen meeting adults in cars after dark.", "medium"),
    ("place", "Youth club, Church Lane", "Trusted youth worker; the child goes twice a week.", "safe"),
    ("place", "Aunt's home", "The child feels safe here and stays at weekends.", "safe"),
    ("peer_group", "Older group known to the police", "Recruits younger children to sell drugs.", "high"),
    ("peer_group", "Football team", "Coach is a protective adult.", "safe"),
    ("online_space", "Snapchat group", "Messages sending the child to addresses.", "high"),
    ("online_space", "Gaming chat", "Contact from unknown adults offering money.", "medium"),
]
QUESTIONS = {
    "police": "What does the police hold on the adults the child names and the addresses where the child was found?",
    "health": "Has the child been seen by health services since arriving, and with what concerns?",
    "social_care": "Please share the chronology and current assessment of the child.",
}
ANSWER = "Chronology and intelligence summary shared; nothing further held."
PURPOSE = (
    "To decide whether there are reasonable grounds to believe the child is a victim, and to plan the child's safety."
)
DISSENT = "One member found the account not yet supported by objective evidence; the majority did."


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _panel_for_site(site, staff_by: dict, make_user) -> dict:
    """The site's seats (demo panel if present, else seeded staff and new users), chair and second chair."""
    from childnrm.accounts.models import Role, User
    from childnrm.panels.models import Agency, AttendsAs, PanelMember
    from childnrm.people.demo import demo_email

    seats = list(PanelMember.objects.filter(site=site, active=True).select_related("user"))
    coordinator = User.objects.get(pk=staff_by[(site.pk, Role.COORDINATOR)][0]["user_id"])
    chair = User.objects.filter(email=demo_email(Role.CHAIR, site.slug)).first()
    second = User.objects.filter(email=f"second-chair.{site.slug}@childnrm.example").first()
    if not seats:

        def staff_user(role, org_key):
            rows = [s for s in staff_by.get((site.pk, role), []) if f".{org_key}." in s["email"]]
            return User.objects.get(pk=rows[0]["user_id"])

        police, health = staff_user(Role.PANEL_MEMBER, "police"), staff_user(Role.PANEL_MEMBER, "health")
        ictg = staff_user(Role.ICTG, "ictg")
        social_care = make_user(site, Role.PANEL_MEMBER, "social-care", coordinator.organisation)
        adviser = make_user(site, Role.ADVISER, "education", coordinator.organisation)
        seats = []
        for user, agency, attends_as, voting in (
            (social_care, Agency.SOCIAL_CARE, AttendsAs.MEMBER, True),
            (police, Agency.POLICE, AttendsAs.MEMBER, True),
            (health, Agency.HEALTH, AttendsAs.MEMBER, True),
            (ictg, Agency.ICTG, AttendsAs.ICTG, False),
            (adviser, Agency.EDUCATION, AttendsAs.ADVISER, False),
        ):
            seats.append(
                PanelMember.objects.create(
                    site=site, user=user, agency=agency, attends_as=attends_as, voting=voting, added_by=coordinator
                )
            )
    chair = chair or make_user(site, Role.CHAIR, "chair", coordinator.organisation)
    second = second or make_user(site, Role.CHAIR, "second-chair", coordinator.organisation)
    return {"seats": seats, "coordinator": coordinator, "chair": chair, "second": second}


def seed_panels(conn, *, staff: list[dict], sites: list[dict], rng: random.Random) -> dict:
    from django.contrib.auth.hashers import make_password

    from bench.seed import log
    from childnrm.accounts.models import Membership, Organisation, OrganisationType, Role, Site, User
    from childnrm.decisions import guidance
    from childnrm.decisions.models import Decision, DecisionEvidence, DecisionStatus, DecisionVote, Outcome, Stage
    from childnrm.information.models import InformationRequest, InformationResponse, LawfulBasis, RequestStatus
    from childnrm.panels.models import (
        AgendaItem,
        AgendaStage,
        ConflictDeclaration,
        Meeting,
        MeetingAttendee,
        MeetingKind,
        MeetingStatus,
        MeetingStatusChange,
    )
    from childnrm.people.models import random_reference
    from childnrm.safeguarding.models import (
        ActionStatus,
        ContextualLink,
        PlanAction,
        PlanActionUpdate,
        PlanStatus,
        SafeguardingPlan,
        StatutoryKind,
        StatutoryPeriod,
    )

    t_start = time.perf_counter()
    now = datetime.now(UTC)
    today = now.date()
    unusable = make_password(None)
    staff_by: dict[tuple[int, str], list[dict]] = {}
    for s in staff:
        staff_by.setdefault((s["site_id"], s["role"]), []).append(s)

    def make_user(site, role, kind, org):
        user = User.objects.create(
            email=f"bench.{site.slug}.{kind}@childnrm.example",
            full_name=f"{kind.replace('-', ' ').capitalize()} ({site.name})",
            organisation=org,
            password=unusable,
        )
        Membership.objects.create(user=user, site=site, role=role)
        return user

    with conn.cursor() as cur:
        # Accepted referrals not yet in the panel's hands (demo cases keep their demo decisions).
        cur.execute(
            """
            SELECT r.id, r.site_id, r.child_id, r.exploitation_types, r.indicators, r.child_in_need,
                   r.child_protection_plan, r.looked_after, r.submitted_at,
                   (SELECT max(sc.at) FROM referrals_referralstatuschange sc
                     WHERE sc.referral_id = r.id AND sc.to_status = 'accepted') AS accepted_at,
                   c.reference
              FROM referrals_referral r JOIN people_child c ON c.id = r.child_id
             WHERE r.status = 'accepted'
               AND NOT EXISTS (SELECT 1 FROM decisions_decision d WHERE d.referral_id = r.id)
               AND NOT EXISTS (SELECT 1 FROM panels_agendaitem a WHERE a.referral_id = r.id)
               AND NOT EXISTS (SELECT 1 FROM safeguarding_safeguardingplan p WHERE p.child_id = r.child_id)
             ORDER BY r.id
            """
        )
        referrals = cur.fetchall()
        cur.execute("SELECT reference FROM information_informationrequest")
        ir_refs = {r for (r,) in cur.fetchall()}
    by_site: dict[int, list[tuple]] = {}
    for row in referrals:
        by_site.setdefault(row[1], []).append(row)

    ids = {
        m: next_id(conn, m)
        for m in (
            Meeting,
            MeetingStatusChange,
            MeetingAttendee,
            AgendaItem,
            ConflictDeclaration,
            Decision,
            DecisionEvidence,
            DecisionVote,
            SafeguardingPlan,
            PlanAction,
            PlanActionUpdate,
            StatutoryPeriod,
            ContextualLink,
            InformationRequest,
            InformationResponse,
        )
    }
    out: dict[type, list] = {m: [] for m in ids}

    def add(obj):
        model = type(obj)
        obj.pk = ids[model]
        ids[model] += 1
        out[model].append(obj)
        return obj

    counts: Counter = Counter()
    samples: dict[str, object] = {}
    site_objs = {s.pk: s for s in Site.objects.all()}
    orgs_by_type: dict[str, list] = {}
    for o in Organisation.objects.all():
        orgs_by_type.setdefault(o.type, []).append(o)

    for site_info in sites:
        site = site_objs[site_info["id"]]
        cases = by_site.get(site.pk, [])
        if (site.pk, Role.COORDINATOR) not in staff_by or not cases:
            continue
        panel = _panel_for_site(site, staff_by, make_user)
        coordinator, chair, second = panel["coordinator"], panel["chair"], panel["second"]
        seats = panel["seats"]
        place = site.name.split()[0]
        police_org = next((o for o in orgs_by_type.get(OrganisationType.POLICE, []) if o.name.startswith(place)), None)
        health_org = next((o for o in orgs_by_type.get(OrganisationType.HEALTH, []) if o.name.startswith(place)), None)
        la_org = coordinator.organisation
        org_for = {"police": police_org or la_org, "health": health_org or la_org, "social_care": la_org}
        owners = [u for u in (s.user for s in seats if s.agency in ("police", "health"))]

        # Sittings: the 10th of each month from the first acceptance, the next one scheduled, one in session today.
        first = min(c[9] for c in cases).date()
        month = date(first.year, first.month, 10)
        sittings: list = []
        while True:
            starts = _at(month)
            past = starts < now - timedelta(hours=4)
            meeting = add(
                Meeting(
                    site=site,
                    kind=MeetingKind.REGULAR,
                    starts_at=starts,
                    location=LOCATION,
                    status=MeetingStatus.CLOSED if past else MeetingStatus.SCHEDULED,
                    chair=chair,
                    created_by=coordinator,
                    created_at=starts - timedelta(days=40),
                    opened_at=starts if past else None,
                    closed_at=starts + timedelta(hours=3) if past else None,
                )
            )
            sittings.append(meeting)
            add(MeetingStatusChange(meeting=meeting, to_status="scheduled", actor=coordinator, at=meeting.created_at))
            if past:
                add(
                    MeetingStatusChange(
                        meeting=meeting, from_status="scheduled", to_status="open", actor=coordinator, at=starts
                    )
                )
                add(
                    MeetingStatusChange(
                        meeting=meeting, from_status="open", to_status="closed", actor=chair, at=meeting.closed_at
                    )
                )
            else:
                break
            month = date(month.year + month.month // 12, month.month % 12 + 1, 10)
        in_session = add(
            Meeting(
                site=site,
                kind=MeetingKind.EXTRA,
                starts_at=_at(today, 9, 30),
                location=LOCATION,
                status=MeetingStatus.OPEN,
                chair=chair,
                created_by=coordinator,
                created_at=now - timedelta(days=10),
                opened_at=_at(today, 9, 30),
            )
        )
        add(MeetingStatusChange(meeting=in_session, to_status="scheduled", actor=coordinator, at=in_session.created_at))
        add(
            MeetingStatusChange(
                meeting=in_session,
                from_status="scheduled",
                to_status="open",
                actor=coordinator,
                at=in_session.starts_at,
            )
        )
        scheduled = sittings[-1]
        attendees: dict[int, list] = {}
        for meeting in [*sittings, in_session]:
            attendees[meeting.pk] = [
                add(
                    MeetingAttendee(
                        meeting=meeting,
                        user=s.user,
                        agency=s.agency,
                        attends_as=s.attends_as,
                        voting=s.voting,
                        present=meeting.status != MeetingStatus.SCHEDULED,
                    )
                )
                for s in seats
            ]
        starts = [m.starts_at for m in sittings]
        positions: Counter = Counter()

        def sitting_on_or_after(at: datetime):
            from bisect import bisect_left

            i = bisect_left(starts, at)
            return sittings[i] if i < len(sittings) else None

        def agenda(meeting, referral_id, stage):
            positions[meeting.pk] += 1
            item = add(
                AgendaItem(
                    meeting=meeting,
                    referral_id=referral_id,
                    stage=stage,
                    position=positions[meeting.pk],
                    added_by=coordinator,
                    added_at=min(meeting.starts_at - timedelta(days=2), now),
                )
            )
            if meeting.status != MeetingStatus.SCHEDULED:
                for a in attendees[meeting.pk]:
                    add(
                        ConflictDeclaration(
                            agenda_item=item,
                            attendee=a,
                            has_conflict=False,
                            declared_by=coordinator,
                            declared_at=meeting.starts_at + timedelta(minutes=5),
                        )
                    )
            return item

        def decision(row, meeting, item, stage, outcome, *, draft=False, n_votes=3):
            ref_id, types, indicators = row[0], row[3] or [], row[4] or []
            day = meeting.starts_at.date()
            version = guidance.version_on(day)
            at = meeting.starts_at + timedelta(minutes=20 + 10 * item.position)
            negative = outcome == Outcome.NEGATIVE
            d = add(
                Decision(
                    referral_id=ref_id,
                    stage=stage,
                    meeting=meeting,
                    agenda_item=item,
                    status=DecisionStatus.DRAFT if draft else DecisionStatus.FINAL,
                    guidance_version=version.code,
                    test_applied=version.test_for(stage),
                    act_found=["recruitment", "transport"] if not negative else [],
                    act_reasoning="Recruited by older people and moved to where the exploitation took place.",
                    purpose_found=list(types) if not negative else [],
                    purpose_reasoning="Moved and harboured for the purpose of exploitation, for others' profit."
                    if not negative
                    else "The evidence does not show a purpose of exploitation.",
                    exploitation_types=list(types),
                    indicators=list(indicators),
                    credibility_reasoning="The account is consistent in its core; gaps in dates are expected "
                    "after trauma.",
                    wishes_gathered=True,
                    wishes_and_feelings="Wants to stay where they live now and not to go back to the town.",
                    wishes_how_gathered="Conversation at the placement, with the guardian present.",
                    wishes_gathered_by="Independent Child Trafficking Guardian",
                    dissent="",
                    outcome="" if draft else outcome,
                    decided_on=None if draft else day,
                    created_by=coordinator,
                    created_at=at,
                    updated_at=at + timedelta(minutes=8),
                    finalised_by=None if draft else chair,
                    finalised_at=None if draft else at + timedelta(minutes=9),
                )
            )
            if negative and not draft and site.negative_second_review:
                d.second_reviewed_by, d.second_review_agrees = second, True
                d.second_reviewed_at = min(at + timedelta(days=rng.randint(2, 9)), now)
                d.second_review_reasons = "I agree: the evidence does not meet the test applied."
                d.finalised_at = d.second_reviewed_at
            sources = rng.sample(["police", "health", "social_care", "education", "ictg"], k=rng.randint(2, 4))
            for agency in sources:
                description, weight = rng.choice(EVIDENCE[agency])
                org = org_for.get(agency)
                add(
                    DecisionEvidence(
                        decision=d,
                        description=description,
                        agency=agency,
                        supplied_by=org.name if org else "",
                        weight=weight,
                    )
                )
            vote = "negative" if negative else "positive"
            dissenter = rng.randrange(3) if not draft and rng.random() < 0.15 else None
            for i, attendee in enumerate(a for a in attendees[meeting.pk] if a.voting):
                if i >= n_votes:
                    break
                v = vote if i != dissenter else ("positive" if negative else "negative")
                add(
                    DecisionVote(
                        decision=d,
                        voter_id=attendee.user_id,
                        agency=attendee.agency,
                        vote=v,
                        reasons=DISSENT if i == dissenter else "",
                        recorded_by=coordinator,
                        recorded_at=at + timedelta(minutes=7),
                    )
                )
            if dissenter is not None:
                d.dissent = DISSENT
            counts[f"{'draft' if draft else 'final'} {stage} {'' if draft else outcome}".strip()] += 1
            return d

        def information(row, asked_at: datetime, n: int, answered: bool):
            for agency in rng.sample(["police", "health", "social_care"], k=n):
                due = (asked_at + timedelta(days=site.information_request_days)).date()
                is_answered = answered or (due < today and rng.random() < 0.5)
                while (ref := random_reference("IR-")) in ir_refs:
                    pass
                ir_refs.add(ref)
                request = add(
                    InformationRequest(
                        reference=ref,
                        referral_id=row[0],
                        asking_site=site,  # the panel holding the case asks (set by save(), which COPY skips)
                        organisation=org_for[agency],
                        agency=agency,
                        question=QUESTIONS[agency],
                        purpose=PURPOSE,
                        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
                        lawful_basis_detail="UK GDPR Article 6(1)(e) with DPA 2018 Schedule 1 paragraph 18",
                        due_on=due,
                        status=RequestStatus.ANSWERED if is_answered else RequestStatus.OPEN,
                        requested_by=coordinator,
                        requested_at=asked_at,
                        chase_count=1 if not is_answered and due < today else 0,
                        last_chased_at=_at(due + timedelta(days=1), 7) if not is_answered and due < today else None,
                    )
                )
                counts["information requests " + ("answered" if is_answered else "open")] += 1
                if not is_answered and due < today:
                    counts["information requests overdue"] += 1
                if is_answered:
                    add(
                        InformationResponse(
                            request=request,
                            text=ANSWER,
                            lawful_basis=request.lawful_basis,
                            purpose=PURPOSE,
                            responded_by=coordinator,
                            organisation=org_for[agency],
                            responded_at=min(asked_at + timedelta(days=rng.randint(1, 9)), now),
                        )
                    )

        def plan(row, rg, cg):
            agreed = rg.meeting.starts_at
            closes = None
            if cg is not None:
                closes = cg.meeting.starts_at + timedelta(days=120 + rng.randrange(240))
            elif agreed < now - timedelta(days=900):
                closes = agreed + timedelta(days=700)
            closed = closes is not None and closes < now
            p = add(
                SafeguardingPlan(
                    child_id=row[2],
                    status=PlanStatus.CLOSED if closed else PlanStatus.ACTIVE,
                    agreed_at_meeting=rg.meeting,
                    decision=rg,
                    summary="Reduce the risk of exploitation: keep the child safe at home and in school, disrupt "
                    "contact with those exploiting the child, and support the child to talk about what happened.",
                    next_review_on=None if closed else today + timedelta(days=rng.randint(-10, 60)),
                    created_by=coordinator,
                    created_at=agreed + timedelta(hours=2),
                    closed_at=closes if closed else None,
                    closed_by=coordinator if closed else None,
                    close_reason="Risk reduced; the child is supported by children's services." if closed else "",
                )
            )
            counts[f"plans {p.status}"] += 1
            n_actions = rng.randint(3, 6)
            for agency, description in rng.sample(ACTIONS, k=n_actions):
                due = (agreed + timedelta(days=rng.randint(7, 120))).date()
                owner = rng.choice(owners) if owners and agency in ("police", "health") and rng.random() < 0.3 else None
                if closed:
                    status = ActionStatus.DONE if rng.random() < 0.9 else ActionStatus.CANCELLED
                elif due < today:
                    status = (
                        ActionStatus.DONE
                        if rng.random() < 0.7
                        else rng.choice((ActionStatus.IN_PROGRESS, ActionStatus.NOT_STARTED))
                    )
                else:
                    status = rng.choice((ActionStatus.IN_PROGRESS, ActionStatus.NOT_STARTED))
                if status in (ActionStatus.IN_PROGRESS, ActionStatus.NOT_STARTED) and due < today:
                    counts["plan actions overdue"] += 1
                action = add(
                    PlanAction(
                        plan=p,
                        description=description,
                        agency=agency,
                        organisation=org_for.get(agency),
                        owner_name=owner.full_name
                        if owner
                        else rng.choice(("DC Sam Rowe", "Priya Shah", "Tom Elliot", "Dr Amara Okafor", "Jo Kerr")),
                        owner=owner,
                        due_on=due,
                        review_on=due - timedelta(days=7),
                        status=status,
                        created_by=coordinator,
                        created_at=p.created_at,
                    )
                )
                add(
                    PlanActionUpdate(
                        action=action, to_status="not_started", note="Action agreed", actor=coordinator, at=p.created_at
                    )
                )
                step_at = min(p.created_at + timedelta(days=rng.randint(2, 20)), now)
                if status != ActionStatus.NOT_STARTED:
                    add(
                        PlanActionUpdate(
                            action=action,
                            from_status="not_started",
                            to_status="in_progress",
                            note="Started: first visit booked.",
                            actor=owner or coordinator,
                            at=step_at,
                        )
                    )
                if status in (ActionStatus.DONE, ActionStatus.CANCELLED):
                    add(
                        PlanActionUpdate(
                            action=action,
                            from_status="in_progress",
                            to_status=status,
                            note="Completed and recorded." if status == "done" else "No longer needed.",
                            actor=owner or coordinator,
                            at=min(datetime.combine(due, step_at.timetz()), now),
                        )
                    )
            flags = [
                (row[5], StatutoryKind.CHILD_IN_NEED),
                (row[6], StatutoryKind.CHILD_PROTECTION_PLAN),
                (row[7], StatutoryKind.LOOKED_AFTER),
            ]
            kinds = [k for flag, k in flags if flag] or [StatutoryKind.CHILD_IN_NEED]
            for kind in kinds:
                starts_on = (row[8] - timedelta(days=rng.randint(0, 200))).date()
                add(
                    StatutoryPeriod(
                        child_id=row[2],
                        kind=kind,
                        starts_on=starts_on,
                        ends_on=closes.date() if closed else None,
                        recorded_by=coordinator,
                        recorded_at=p.created_at,
                    )
                )
            for kind, name, description, risk in rng.sample(LINKS, k=rng.randint(2, 5)):
                add(
                    ContextualLink(
                        child_id=row[2],
                        kind=kind,
                        name=name,
                        description=description,
                        risk=risk,
                        active=not closed,
                        recorded_by=coordinator,
                        recorded_at=p.created_at,
                    )
                )
            return p

        today_drafts = 0
        for row in cases:
            accepted_at = row[9]
            rg_sitting = sitting_on_or_after(accepted_at + timedelta(days=3))
            if rg_sitting is None or rg_sitting.status == MeetingStatus.SCHEDULED:
                if today_drafts < 8:
                    today_drafts += 1
                    item = agenda(in_session, row[0], AgendaStage.REASONABLE_GROUNDS)
                    decision(row, in_session, item, Stage.REASONABLE_GROUNDS, "", draft=True, n_votes=rng.randint(0, 3))
                else:
                    agenda(scheduled, row[0], AgendaStage.REASONABLE_GROUNDS)
                    counts["on the next sitting's agenda"] += 1
                information(row, accepted_at + timedelta(hours=20), rng.randint(1, 3), answered=False)
                continue
            if rng.random() < 0.04:
                counts["RG overdue (never put to a sitting)"] += 1
                information(row, accepted_at + timedelta(hours=20), rng.randint(1, 2), answered=False)
                continue
            if rng.random() < 0.5:
                information(row, accepted_at + timedelta(hours=20), rng.randint(1, 2), answered=True)
            positive = rng.random() < 0.75
            item = agenda(rg_sitting, row[0], AgendaStage.REASONABLE_GROUNDS)
            rg = decision(row, rg_sitting, item, Stage.REASONABLE_GROUNDS, "positive" if positive else "negative")
            if not positive:
                continue
            cg_target = rg_sitting.starts_at + timedelta(days=site.recovery_period_days + rng.expovariate(1 / 150))
            cg_sitting = sitting_on_or_after(cg_target)
            cg = None
            if cg_sitting is not None and cg_sitting.status == MeetingStatus.CLOSED and rng.random() < 0.9:
                item = agenda(cg_sitting, row[0], AgendaStage.CONCLUSIVE_GROUNDS)
                cg = decision(
                    row, cg_sitting, item, Stage.CONCLUSIVE_GROUNDS, "positive" if rng.random() < 0.85 else "negative"
                )
                assert cg.decided_on >= rg.decided_on + timedelta(days=site.recovery_period_days)
            elif cg_sitting is scheduled:
                agenda(scheduled, row[0], AgendaStage.CONCLUSIVE_GROUNDS)
            p = plan(row, rg, cg)
            if site.slug == "northbridge" and cg is not None and p.status == PlanStatus.ACTIVE:
                samples.setdefault("_candidates", []).append((rg, cg, p, row))
        if site.slug == "northbridge":
            drafts = [d for d in out[Decision] if d.meeting_id == in_session.pk]
            if drafts:
                samples["draft_decision"] = drafts[len(drafts) // 2].pk
            # Today's sitting (up to 8 cases, in session) and the next (every case awaiting a sitting): their meeting
            # and agenda pages check every case on the agenda.
            samples["sitting"] = in_session.pk
            samples["sitting_cases"] = positions[in_session.pk]
            samples["next_sitting"] = scheduled.pk
            samples["next_sitting_cases"] = positions[scheduled.pk]

    # Samples: a recent Northbridge case with RG and CG and an active plan; its CG decision gets 12 pieces
    # of evidence (the worst case for the decision page) and its plan has 6 actions.
    candidates = samples.pop("_candidates", [])
    if candidates:
        n_actions = Counter(a.plan_id for a in out[PlanAction])
        full = [c for c in candidates if n_actions[c[2].pk] == 6] or candidates
        rg, cg, p, row = full[-max(len(full) // 10, 1)]
        evidence = [e for e in out[DecisionEvidence] if e.decision_id == cg.pk]
        for i in range(12 - len(evidence)):
            agency = ("police", "health", "social_care", "education", "ictg")[i % 5]
            description, weight = EVIDENCE[agency][i % len(EVIDENCE[agency])]
            add(DecisionEvidence(decision=cg, description=description, agency=agency, supplied_by="", weight=weight))
        samples["decision"] = cg.pk
        samples["plan"] = p.pk
        samples["plan_child"] = row[10]
        counts["sample decision evidence rows"] = 12
        counts["sample plan actions"] = sum(1 for a in out[PlanAction] if a.plan_id == p.pk)
    planned = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    log(f"panels planned in {time.perf_counter() - t_start:.1f}s: {planned}")

    for model in (
        Meeting,
        MeetingStatusChange,
        MeetingAttendee,
        AgendaItem,
        ConflictDeclaration,
        Decision,
        DecisionEvidence,
        DecisionVote,
        InformationRequest,
        InformationResponse,
        SafeguardingPlan,
        PlanAction,
        PlanActionUpdate,
        StatutoryPeriod,
        ContextualLink,
    ):
        copy_instances(conn, model, out[model], log=log)
    # COPY bypasses the decisions service, which keeps a referral's standing decisions as it finalises one.
    from childnrm.decisions.standing import refresh_standing
    from childnrm.referrals.models import Referral

    t0 = time.perf_counter()
    decided = Decision.objects.filter(status=DecisionStatus.FINAL).values("referral_id")
    stood = refresh_standing(Referral.objects.filter(pk__in=decided))
    log(f"standing decisions kept on {stood:,} referrals in {time.perf_counter() - t0:.1f}s")
    tables = [m._meta.db_table for m in out]
    with conn.cursor() as cur:
        for table in tables:
            cur.execute(f"ANALYZE {table}")
    return {"counts": dict(counts), "samples": samples, "tables": tables}
