"""The pages the benchmark measures: one line each.

To measure a new page, add a `Page` here. Its label and path may name values in braces:

- `{record}`, `{hot}`: a Northbridge child's record and a child with many audit events;
- `{deep_page}`, `{queue_deep_page}`: a deep page of the children list and of the referrals queue
  (page 2,000 at full scale, or the last page when there are fewer);
- any sample the seed returns (bench/seed.py puts them in `samples` of its SEED_RESULT line; see
  `triage_referral`, `handoff_referral` from bench/seed_referrals.py; `decision`, `draft_decision`,
  `plan`, `plan_child` from bench/seed_panels.py).

Data a new page needs goes into the seed (a module like bench/seed_referrals.py called from
`bench.seed.main`, returning the references of the records to load as samples), and bump
`SEED_FORMAT` in bench/run.py so that existing benchmark databases are seeded again.

`expect` is text the page must contain (checked on one request before the load, so that a
redirect to the sign-in page or an error page cannot pass for a fast page). `user` is whose
signed-in sessions load the page (a demo user's address; the Northbridge coordinator by default).
`overhead=True` also measures the page with auditing off (the audit-overhead table).
"""

from __future__ import annotations

from dataclasses import dataclass

COORDINATOR = "coordinator.northbridge@childnrm.example"
CHAIR = "chair.northbridge@childnrm.example"
PANEL_MEMBER = "panel-member.northbridge@childnrm.example"


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    expect: str
    signed_in: bool = True
    user: str = COORDINATOR
    overhead: bool = False

    @property
    def key(self) -> str:
        """Names the measurement: the path, and whose it is when not the default user (one path, two users)."""
        return self.path if self.user == COORDINATOR or not self.signed_in else f"{self.path} as {self.user}"

    def filled(self, values: dict[str, object]) -> Page:
        """This page with the braces filled in; a missing value is a clear error, not a KeyError."""
        try:
            return Page(
                label=self.label.format(**values),
                path=self.path.format(**values),
                expect=self.expect.format(**values),
                signed_in=self.signed_in,
                user=self.user,
                overhead=self.overhead,
            )
        except KeyError as exc:
            raise LookupError(
                f"page {self.label!r} needs the value {exc.args[0]!r}, which neither the run nor the seed's samples "
                f"provide (have: {', '.join(sorted(values))}); add it to the seed's samples and bump SEED_FORMAT"
            ) from None


QUEUE = "/referrals/queue/"

PAGES: list[Page] = [
    Page("Bare Django view (ceiling)", "/bare/", "ok", signed_in=False),
    Page("Health check (SELECT 1)", "/health/", "ok", signed_in=False),
    Page("Sign-in page (anonymous)", "/account/sign-in/", "Sign in", signed_in=False),
    Page("Home", "/", "Your roles"),
    Page("Children list, page 1", "/children/", "Children", overhead=True),
    Page("Children list, page {deep_page:,}", "/children/?page={deep_page}", "Page {deep_page} of"),
    Page("Child record", "/children/{record}/", "{record}", overhead=True),
    Page("Child audit page", "/children/{hot}/audit/", "Who has seen or changed this record"),
    # The coordinator's queue (issue 3): open referrals, due date first.
    Page("Referrals queue, page 1", QUEUE, "Next decision due"),
    Page("Referrals queue, all statuses, SCA decides", QUEUE + "?status=all&outcome=sca", "decision due"),
    Page("Referrals queue, sorted by name", QUEUE + "?sort=name", "Next decision due"),
    Page("Referrals queue, page {queue_deep_page:,}", QUEUE + "?page={queue_deep_page}", "page {queue_deep_page} of"),
    Page("Triage of a referral", "/referrals/{triage_referral}/triage/", "Triage:"),
    Page("Case packet page (SCA hand-off)", "/referrals/{handoff_referral}/case-packet/", "{handoff_referral}"),
    # The panel's decisions, the child's safeguarding and the dashboard (issue 4).
    Page("Decision record (final, 12 pieces of evidence)", "/decisions/{decision}/", "Every version of this decision"),
    Page(
        "Decision task list (draft at a sitting)", "/decisions/{draft_decision}/record/", "saved as a draft as you go"
    ),
    Page("Decisions at sittings", "/decisions/", "Cases on the agendas of scheduled and open sittings"),
    Page("Panel meetings (coordinator)", "/panels/meetings/", "Panel meetings"),
    Page("Your meetings (panel member)", "/panels/your-meetings/", "Your meetings", user=PANEL_MEMBER),
    Page("Meeting page (in session, {sitting_cases} cases)", "/panels/meetings/{sitting}/", "Eligible to vote"),
    Page("Agenda page (next sitting, {next_sitting_cases} cases)", "/panels/meetings/{next_sitting}/agenda/", "Remove"),
    Page("Safeguarding plan", "/safeguarding/plans/{plan}/", "History of the actions"),
    Page("Child's safeguarding", "/safeguarding/children/{plan_child}/", "Periods of statutory status"),
    Page("Safety map", "/safeguarding/children/{plan_child}/safety-map/", "The same information is in the tables"),
    Page("Your actions (panel member)", "/safeguarding/your-actions/", "actions you own", user=PANEL_MEMBER),
    Page("Dashboard (coordinator)", "/dashboard/northbridge/", "What is due and overdue today"),
    Page("Dashboard (chair)", "/dashboard/northbridge/", "What is due and overdue today", user=CHAIR),
]
