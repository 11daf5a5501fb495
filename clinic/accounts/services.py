"""Staff two-step sign-in: enrolling an authenticator app and checking its codes."""

from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


class WrongCode(Exception):
    """The code did not match (or too many tries: the device is throttled for a while)."""


def totp_device_pending(*, user) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device per person, reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> None:
    """Confirm a new authenticator with a first good code; older ones stop working."""
    if not device.verify_token(token):
        raise WrongCode
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)


def totp_verify(*, request, token: str) -> None:
    """Mark this signed-in session as verified when the code matches the person's authenticator."""
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            return
    raise WrongCode
