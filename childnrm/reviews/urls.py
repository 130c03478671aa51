from django.urls import path

from childnrm.reviews import views

app_name = "reviews"
urlpatterns = [
    path("reconsiderations/", views.reconsiderations, name="reconsiderations"),
    path("reconsiderations/new/", views.reconsideration_new, name="reconsideration-new"),
    path("reconsiderations/<int:reconsideration_id>/", views.reconsideration, name="reconsideration"),
    path(
        "reconsiderations/<int:reconsideration_id>/listing/",
        views.reconsideration_listing,
        name="reconsideration-listing",
    ),
    path(
        "reconsiderations/<int:reconsideration_id>/outcome/",
        views.reconsideration_outcome,
        name="reconsideration-outcome",
    ),
    path(
        "reconsiderations/<int:reconsideration_id>/communicated/",
        views.reconsideration_communicated,
        name="reconsideration-communicated",
    ),
    path(
        "reconsiderations/<int:reconsideration_id>/withdrawn/",
        views.reconsideration_withdrawn,
        name="reconsideration-withdrawn",
    ),
    path("returns/", views.returns, name="returns"),
    path("returns/new/", views.return_new, name="return-new"),
    path("returns/<int:return_id>/", views.return_detail, name="return"),
    path("returns/<int:return_id>/json/", views.return_json, name="return-json"),
    path("returns/<int:return_id>/pdf/", views.return_pdf, name="return-pdf"),
    path("findings/<int:finding_id>/answer/", views.finding_answer, name="finding-answer"),
]
