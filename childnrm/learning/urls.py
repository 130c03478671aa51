from django.urls import path

from childnrm.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.library, name="library"),
    path("submit/", views.submit, name="submit"),
    path("your-submissions/", views.mine, name="mine"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:library_version_id>/", views.moderate, name="moderate"),
    path("moderation/<int:library_version_id>/approve/", views.approve, name="approve"),
    path("moderation/<int:library_version_id>/reject/", views.reject, name="reject"),
    path("learning-log/", views.learning_log, name="log"),
    path("learning-log/<int:review_summary_id>/", views.summary, name="summary"),
    path("community/", views.community, name="community"),
    path("case-reviews/<int:case_review_id>/summary/", views.summary_submit, name="summary-submit"),
    path("moderation/summaries/<int:review_summary_id>/", views.summary_moderate, name="summary-moderate"),
    path("moderation/summaries/<int:review_summary_id>/approve/", views.summary_approve, name="summary-approve"),
    path("moderation/summaries/<int:review_summary_id>/reject/", views.summary_reject, name="summary-reject"),
    path("<int:library_item_id>/", views.item, name="item"),
    path("<int:library_item_id>/revise/", views.revise, name="revise"),
    path("<int:library_item_id>/versions/<int:library_version_id>/file/", views.version_file, name="version-file"),
]
