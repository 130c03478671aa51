from django.urls import path

from childnrm.information import views, views_protocols

app_name = "information"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("inbox/", views.inbox, name="inbox"),
    # Before "<request_reference>/": "protocols" is not a request's reference.
    path("protocols/", views_protocols.protocol_list, name="protocols"),
    path("protocols/new/", views_protocols.protocol_new, name="protocol-new"),
    path("protocols/<str:protocol_reference>/", views_protocols.protocol_detail, name="protocol"),
    path("protocols/<str:protocol_reference>/change/", views_protocols.protocol_change, name="protocol-change"),
    path("protocols/<str:protocol_reference>/upload/", views_protocols.protocol_upload, name="protocol-upload"),
    path(
        "protocols/<str:protocol_reference>/documents/<int:protocol_document_id>/",
        views_protocols.protocol_document,
        name="protocol-document",
    ),
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
