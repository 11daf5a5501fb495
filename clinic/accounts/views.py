import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import user_has_device

from clinic.accounts.forms import SignInCodeForm, TokenForm, WorksAtForm
from clinic.accounts.services import (
    WrongCode,
    enrolment_allowed,
    totp_device_confirm,
    totp_device_pending,
    totp_typed_key,
    totp_verify,
    works_at_set,
)

WRONG_CODE = "That code did not match. Check the clock on your phone and type the code shown now."


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
def two_factor_setup(request):
    """Scan a QR code with an authenticator app, then type its first code to confirm. Replacing an
    authenticator needs this session to have passed the current one (``enrolment_allowed``)."""
    if not enrolment_allowed(request=request):
        return redirect(f"{reverse('two_factor:verify')}?{urlencode({'next': request.get_full_path()})}")
    device = totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None, submit_label="Turn on two-step sign-in")
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp_device_confirm(request=request, device=device, token=form.cleaned_data["token"])
        except WrongCode:
            form.add_error("token", WRONG_CODE)
        else:
            messages.success(request, "Two-step sign-in is on. You will be asked for a code each time you sign in.")
            # Shown once, never stored in a readable place for us to show again.
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code for your authenticator app")
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr_svg": qr_svg, "secret": totp_typed_key(device), "next": _next_url(request),
    })


@login_required
def two_factor_verify(request):
    """Each sign-in: the code from the authenticator app."""
    if not user_has_device(request.user):
        return redirect(f"{reverse('two_factor:setup')}?{urlencode({'next': _next_url(request)})}")
    form = SignInCodeForm(request.POST or None, submit_label="Continue")
    if request.method == "POST" and form.is_valid():
        try:
            totp_verify(request=request, token=form.cleaned_data["token"])
        except WrongCode:
            form.add_error("token", WRONG_CODE)
        else:
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def works_at(request):
    """Any signed-in person: the location their home page and day board open on. No patient data here."""
    form = WorksAtForm(request.POST or None, initial={"works_at": request.user.works_at_id})
    if request.method == "POST" and form.is_valid():
        location = form.cleaned_data["works_at"]
        works_at_set(user=request.user, location=location)
        messages.success(request, f"Your pages now open on {location.name}." if location else
                         "Your home page now shows every location.")
        return redirect(_next_url(request))
    return render(request, "accounts/works_at.html", {"form": form, "next": _next_url(request)})
