from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "That e-mail and password do not match. Check both and try again; "
        "after several failed attempts the account is locked for a while.",
        "inactive": "This account is switched off. Ask your clinic manager.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail"
        # Django sets max_length on this field after creating it, so no validator enforces it; without
        # one, an over-long name reaches the lockout table's 255-character column and fails there.
        self.fields["username"].validators.append(MaxLengthValidator(254))
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        self.helper = FormHelper()
        self.helper.add_input(Submit("login", "Sign in", css_class="w-100"))


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Change password"))


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("send", "Send the reset link"))


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Set new password"))
