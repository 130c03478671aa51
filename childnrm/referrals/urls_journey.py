"""The first responder's routes: their referrals, drafts section by section, and evidence downloads."""

from django.urls import path

from childnrm.referrals import views_documents, views_journey

urlpatterns = [
    path("", views_journey.mine, name="mine"),
    path("new/", views_journey.start, name="start"),
    path("draft/<str:draft_reference>/", views_journey.task_list, name="task-list"),
    path("draft/<str:draft_reference>/documents/", views_journey.documents, name="documents"),
    path("draft/<str:draft_reference>/check-answers/", views_journey.check_answers, name="check-answers"),
    path("draft/<str:draft_reference>/<slug:referral_section>/", views_journey.section, name="section"),
    path("sent/<str:referral_reference>/", views_journey.confirmation, name="confirmation"),
    path("yours/<str:referral_reference>/", views_journey.sent_referral, name="your-referral"),
    path(
        "documents/<str:referral_reference>/<int:document_id>/",
        views_documents.document_download,
        name="document-download",
    ),
]
