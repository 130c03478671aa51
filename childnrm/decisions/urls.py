from django.urls import path

from childnrm.decisions import views
from childnrm.decisions.forms import SECTION_FORMS

app_name = "decisions"
urlpatterns: list = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<int:decision_id>/", views.detail, name="detail"),
    path("<int:decision_id>/record/", views.record, name="record"),
    path("<int:decision_id>/record/evidence/", views.evidence, name="evidence"),
    path("<int:decision_id>/record/evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence-remove"),
    path("<int:decision_id>/record/nothing-relevant/", views.nil_return, name="nil-return"),
    path(
        "<int:decision_id>/record/nothing-relevant/<int:nil_return_id>/remove/",
        views.nil_return_remove,
        name="nil-return-remove",
    ),
    *(
        path(f"<int:decision_id>/record/{slug}/", views.section, {"slug": slug}, name=f"section-{slug}")
        for slug in SECTION_FORMS
    ),
    path("<int:decision_id>/votes/", views.votes, name="votes"),
    path("<int:decision_id>/votes/<int:vote_id>/remove/", views.vote_remove, name="vote-remove"),
    path("<int:decision_id>/votes/casting-vote/", views.casting_vote, name="casting-vote"),
    path("<int:decision_id>/votes/defer/", views.tie_defer, name="tie-defer"),
    path("<int:decision_id>/finalise/", views.finalise, name="finalise"),
    path("<int:decision_id>/correct/", views.correct, name="correct"),
    path("<int:decision_id>/correct/abandon/", views.correction_abandon, name="correction-abandon"),
    path("<int:decision_id>/second-review/", views.second_review, name="second-review"),
    path("<int:decision_id>/decision-record.json", views.export_json, name="export-json"),
    path("<int:decision_id>/decision-record.pdf", views.export_pdf, name="export-pdf"),
]
