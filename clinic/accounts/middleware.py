"""Two-step sign-in for staff (DESIGN.md §6): TOTP, required where CLINIC_REQUIRE_2FA is on (production)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from clinic.accounts.services import two_factor_enrolled


class SecondFactorRequiredMiddleware:
    """A signed-in staff member who has not confirmed a code this session reaches only the code page and
    sign-out; the set-up page too, but only while they have no authenticator at all (a first enrolment).

    Needs django_otp's OTPMiddleware before it (it provides ``user.is_verified()``). Patients never sign
    in, so their link pages are untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_verify(request):
            return redirect(f"{reverse('two_factor:verify')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request) -> bool:
        if not settings.CLINIC_REQUIRE_2FA:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return False
        # Exact paths: the code page's address is a prefix of the set-up page's.
        if request.path in (reverse("two_factor:verify"), reverse("logout")):
            return False
        if request.path == reverse("two_factor:setup") and not two_factor_enrolled(user=user):
            return False  # a first enrolment (new staff, or after a manager's reset)
        return not request.path.startswith(settings.STATIC_URL)
