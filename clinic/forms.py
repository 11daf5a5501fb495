from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.utils.safestring import SafeString

from clinic.prepared import PreparedQuery


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


def staff_choices(empty_label: str) -> list[tuple]:
    """Every staff member as (id, name), from one plain read, for a filter's "staff member" field: a
    ``ModelChoiceField``'s own choices read the users through a server-side cursor on every render (issue 13).
    The field still checks a chosen id against its queryset."""
    return [("", empty_label), *((user.pk, str(user)) for user in _STAFF())]


_STAFF = PreparedQuery(lambda: get_user_model().objects.only("full_name", "credentials").order_by("full_name", "id"))


class FilterForm(forms.Form):
    """A list's filter, laid out by crispy field by field (``fields_html``). Lists open with the filter empty,
    and the empty filter is the same HTML until its choices change (a new staff member), so that HTML is laid
    out once per process and set of choices: crispy's fields were a sixth to a quarter of a list page (issue 13).
    Choice fields must hold their choices as a list (``staff_choices``), not a queryset."""

    def fields_html(self) -> dict[str, SafeString]:
        if self.is_bound or self.initial or self.prefix:  # only the plain empty filter is the same for everyone
            return self._laid_out()
        choices = tuple((name, tuple(field.choices)) for name, field in self.fields.items()
                        if isinstance(field, forms.ChoiceField))
        key = (type(self), choices)
        html = _BLANK_FIELDS_HTML.get(key)
        if html is None:
            if len(_BLANK_FIELDS_HTML) >= 16:  # staff lists come and go: keep the latest few
                _BLANK_FIELDS_HTML.clear()
            html = _BLANK_FIELDS_HTML[key] = self._laid_out()
        return html  # this request's, even if another thread cleared the cache meanwhile

    def _laid_out(self) -> dict[str, SafeString]:
        return {name: as_crispy_field(self[name]) for name in self.fields}


_BLANK_FIELDS_HTML: dict[tuple, dict[str, SafeString]] = {}
