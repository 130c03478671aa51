from django.urls import path

from childnrm.information import views

app_name = "information"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("inbox/", views.inbox, name="inbox"),
    path("case/<str:info_case_reference>/", views.case_requests, name="case"),
    path("case/<str:info_case_reference>/new/", views.request_new, name="new"),
    path("<str:request_reference>/", views.request_detail, name="detail"),
    path("<str:request_reference>/answer/", views.request_answer, name="answer"),
    path("<str:request_reference>/withdraw/", views.request_withdraw, name="withdraw"),
    path("<str:request_reference>/chase/", views.request_chase, name="chase"),
    path(
        "<str:request_reference>/documents/<int:response_document_id>/",
        views.document_download,
        name="document",
    ),
]
