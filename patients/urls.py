from django.urls import path

from patients import views

app_name = "patients"
urlpatterns = [
    path("", views.PatientListView.as_view(), name="list"),
    path("new/", views.PatientCreateView.as_view(), name="create"),
    path("<uuid:public_id>/", views.PatientDetailView.as_view(), name="detail"),
]
