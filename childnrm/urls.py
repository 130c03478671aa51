from django.urls import include, path

urlpatterns = [
    path("", include("childnrm.core.urls")),
    path("account/", include("childnrm.accounts.urls")),
    path("children/", include("childnrm.people.urls")),
    path("referrals/", include("childnrm.referrals.urls")),
    path("referrals/", include("childnrm.triage.urls")),
    path("api/", include("childnrm.api.urls")),
    path("panels/", include("childnrm.panels.urls")),
    path("information-requests/", include("childnrm.information.urls")),
    path("decisions/", include("childnrm.decisions.urls")),
    path("reviews/", include("childnrm.reviews.urls")),
    path("safeguarding/", include("childnrm.safeguarding.urls")),
    path("letters/", include("childnrm.letters.urls")),
    path("handovers/", include("childnrm.handovers.urls")),
    path("outcomes/", include("childnrm.outcomes.urls")),
    path("time-and-costs/", include("childnrm.burdens.urls")),
    path("dashboard/", include("childnrm.dashboard.urls")),
    path("retention/", include("childnrm.retention.urls")),
    path("library/", include("childnrm.learning.urls")),
    path("statistics/", include("childnrm.statistics.urls")),
    path("evaluation/", include("childnrm.evaluation.urls")),
    path("training/", include("childnrm.training.urls")),
    path("feedback/", include("childnrm.feedback.urls")),
    path("case-reviews/", include("childnrm.case_reviews.urls")),
]

handler400 = "childnrm.core.views.bad_request"
handler403 = "childnrm.core.views.permission_denied"
handler404 = "childnrm.core.views.page_not_found"
handler500 = "childnrm.core.views.server_error"
