from django.urls import include, path

urlpatterns = [
    path("", include("childnrm.core.urls")),
    path("account/", include("childnrm.accounts.urls")),
    path("children/", include("childnrm.people.urls")),
    path("referrals/", include("childnrm.referrals.urls")),
    path("api/", include("childnrm.api.urls")),
    path("panels/", include("childnrm.panels.urls")),
    path("information-requests/", include("childnrm.information.urls")),
    path("decisions/", include("childnrm.decisions.urls")),
    path("reviews/", include("childnrm.reviews.urls")),
    path("safeguarding/", include("childnrm.safeguarding.urls")),
    path("letters/", include("childnrm.letters.urls")),
    path("handovers/", include("childnrm.handovers.urls")),
    path("outcomes/", include("childnrm.outcomes.urls")),
    path("dashboard/", include("childnrm.dashboard.urls")),
    path("retention/", include("childnrm.retention.urls")),
    path("library/", include("childnrm.learning.urls")),
]

handler400 = "childnrm.core.views.bad_request"
handler403 = "childnrm.core.views.permission_denied"
handler404 = "childnrm.core.views.page_not_found"
handler500 = "childnrm.core.views.server_error"
