"""Patient-facing URLs (no account). The token is the only thing in the URL: no patient id, no name."""

from django.urls import path

from patients import intake_views

app_name = "intake"
urlpatterns = [
    path("start/", intake_views.start, name="start"),
    path("start/sent/", intake_views.start_done, name="start_done"),
    path("<str:token>/", intake_views.link, name="link"),
    path("<str:token>/step/<slug:step>/", intake_views.step, name="step"),
    path("<str:token>/submit/", intake_views.submit, name="submit"),
    path("<str:token>/help-now/", intake_views.crisis, name="crisis"),
    path("<str:token>/consent/", intake_views.consent_only, name="consent_only"),
]
