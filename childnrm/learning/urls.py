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
    path("<int:library_item_id>/", views.item, name="item"),
    path("<int:library_item_id>/revise/", views.revise, name="revise"),
    path("<int:library_item_id>/versions/<int:library_version_id>/file/", views.version_file, name="version-file"),
]
