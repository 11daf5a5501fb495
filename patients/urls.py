from django.urls import path

from patients import report_views, request_views, views

app_name = "patients"
urlpatterns = [
    path("", views.PatientListView.as_view(), name="list"),
    path("new/", views.PatientCreateView.as_view(), name="create"),
    path("intakes/", views.IntakeListView.as_view(), name="intake_list"),
    path("intakes/<uuid:public_id>/", views.IntakeReviewView.as_view(), name="intake_review"),
    path("intakes/<uuid:public_id>/decide/", views.intake_decide_view, name="intake_decide"),
    path("intakes/<uuid:public_id>/acknowledge/", views.intake_acknowledge_view, name="intake_acknowledge"),
    path("intakes/<uuid:public_id>/revoke-link/", views.invitation_revoke_view, name="invitation_revoke"),
    path("requests/", request_views.intake_requests, name="intake_requests"),
    path("requests/<uuid:public_id>/accept/", request_views.intake_request_accept_view, name="intake_request_accept"),
    path("requests/<uuid:public_id>/merge/", request_views.intake_request_merge_view, name="intake_request_merge"),
    path("requests/<uuid:public_id>/discard/", request_views.intake_request_discard_view,
         name="intake_request_discard"),
    path("consent/", views.consent_documents_view, name="consent_documents"),
    path("<uuid:public_id>/", views.PatientDetailView.as_view(), name="detail"),
    path("<uuid:public_id>/access-report/", report_views.access_report, name="access_report"),
    path("<uuid:public_id>/invite/", views.invitation_send_view, name="invitation_send"),
    path("<uuid:public_id>/consent-link/", views.consent_link_send_view, name="consent_link_send"),
    path("<uuid:public_id>/rems/", views.rems_record_view, name="rems_record"),
]
