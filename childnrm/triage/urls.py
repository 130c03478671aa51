"""The coordinator's routes: the queue, triage (and correcting its facts), consent at 18 and the case packet."""

from django.urls import path

from childnrm.triage import views, views_earlier_records

app_name = "triage"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("<str:referral_reference>/triage/", views.triage, name="triage"),
    path("<str:referral_reference>/triage/facts/", views.correct_facts, name="facts"),
    # The coordinator's answer about a possible earlier record of the child, given on the triage page.
    path(
        "<str:referral_reference>/triage/earlier-records/<str:reference>/",
        views_earlier_records.earlier_record_decide,
        name="earlier-record",
    ),
    path("<str:referral_reference>/consent-at-18/", views.adult_consent, name="adult-consent"),
    path("<str:referral_reference>/case-packet/", views.case_packet_page, name="case-packet"),
    path("<str:referral_reference>/case-packet.json", views.case_packet_json, name="case-packet-json"),
    path("<str:referral_reference>/case-packet.pdf", views.case_packet_pdf, name="case-packet-pdf"),
]
