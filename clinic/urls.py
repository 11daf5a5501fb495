from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from clinic import forms, views

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
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include(auth_patterns)),
    path("patients/", include("patients.urls")),
    path("access-log/", include("clinic.audit.urls")),
    path("admin/", admin.site.urls),
]
