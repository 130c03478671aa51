"""The first responder's routes: their referrals, drafts section by section, and evidence downloads."""

from django.urls import path

from childnrm.referrals import views, views_documents

app_name = "referrals"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.start, name="start"),
    path("draft/<str:draft_reference>/", views.task_list, name="task-list"),
    path("draft/<str:draft_reference>/documents/", views.documents, name="documents"),
    path("draft/<str:draft_reference>/check-answers/", views.check_answers, name="check-answers"),
    path("draft/<str:draft_reference>/<slug:referral_section>/", views.section, name="section"),
    path("sent/<str:referral_reference>/", views.confirmation, name="confirmation"),
    path("yours/<str:referral_reference>/", views.sent_referral, name="your-referral"),
    path(
        "documents/<str:referral_reference>/<int:document_id>/",
        views_documents.document_download,
        name="document-download",
    ),
]
