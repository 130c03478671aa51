from django.urls import path

from childnrm.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("agreements/new/", views.agreement_new, name="agreement-new"),
    path("agreements/<int:data_sharing_agreement_id>/", views.agreement, name="agreement"),
    path("agreements/<int:data_sharing_agreement_id>/approve/", views.agreement_approve, name="agreement-approve"),
    path("agreements/<int:data_sharing_agreement_id>/refuse/", views.agreement_refuse, name="agreement-refuse"),
    path("agreements/<int:data_sharing_agreement_id>/revoke/", views.agreement_revoke, name="agreement-revoke"),
    path("agreements/<int:data_sharing_agreement_id>/extract/", views.extract_download, name="extract-download"),
    path("agreements/<int:data_sharing_agreement_id>/htcds/", views.htcds_download, name="htcds-download"),
    path("synthetic/", views.synthetic, name="synthetic"),
    path("synthetic/file/", views.synthetic_file, name="synthetic-file"),
]
