from django.urls import path

from childnrm.handovers import views

app_name = "handovers"
urlpatterns = [
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:transfer_id>/", views.transfer_detail, name="transfer"),
    path("transfers/<int:transfer_id>/packet.json", views.transfer_json, name="transfer-json"),
    path("transfers/<int:transfer_id>/packet.pdf", views.transfer_pdf, name="transfer-pdf"),
    path("children/<str:child_reference>/transfer/", views.transfer_new, name="transfer-new"),
    path("sca-decisions/<str:sca_case_reference>/", views.sca_decision, name="sca-decision"),
    path("turning-18/", views.turning_18, name="turning-18"),
    path("turning-18/<str:child_reference>/", views.adult_transition, name="adult-transition"),
]
