from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from clinic import forms, views
from clinic.accounts import views as accounts_views
from sessions import views as session_views

auth_patterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=forms.LoginForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
         name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(
        form_class=forms.PasswordResetForm, email_template_name="emails/password_reset.txt",
        subject_template_name="emails/password_reset_subject.txt"), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        form_class=forms.SetPasswordForm, success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm"),
    path("2fa/", include("clinic.accounts.urls")),
    path("location/", accounts_views.works_at, name="works_at"),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico whatever base.html says; send them to the static file.
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include(auth_patterns)),
    path("patients/", include("patients.urls")),
    path("intake/", include("patients.intake_urls")),
    path("access-log/", include("clinic.audit.urls")),
    path("schedule/", include("sessions.urls")),
    # The patient's appointment link (public: a token, then a date-of-birth check).
    path("appointment/<str:token>/", session_views.appointment_link, name="appointment_link"),
    path("appointment/<str:token>/calendar.ics", session_views.appointment_link_ics, name="appointment_link_ics"),
    path("admin/", admin.site.urls),
]
