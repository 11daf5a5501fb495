"""Staff accounts: two-step sign-in (enrolling an authenticator app, recovery codes, checking codes, a manager's
reset), and where a person works."""

from base64 import b32encode

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.models import User
from clinic.models import Location

RECOVERY_CODE_COUNT = 10


class WrongCode(Exception):
    """The code did not match (or too many tries: the device is throttled for a while)."""


def totp_device_pending(*, user) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device per person, reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_typed_key(device: TOTPDevice) -> str:
    """The key to type by hand: base32, as every authenticator app expects (the stored key is hex)."""
    return b32encode(device.bin_key).decode().rstrip("=")


def two_factor_enrolled(*, user) -> bool:
    """Whether the person has a confirmed second factor (an authenticator app or recovery codes)."""
    return user_has_device(user, confirmed=True)


def enrolment_allowed(*, request) -> bool:
    """Enrolling a first authenticator is open to a signed-in person who has none; replacing one needs the
    current second factor in this session. Otherwise a stolen password alone would enrol the thief's phone."""
    return not two_factor_enrolled(user=request.user) or request.user.is_verified()


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> list[str]:
    """Confirm a new authenticator with a first good code; older ones stop working. Returns ten new
    one-time recovery codes (the old ones stop working), to be shown once."""
    if not enrolment_allowed(request=request):
        raise PermissionError("Confirm your current code before replacing your authenticator.")
    if not device.verify_token(token):
        raise WrongCode
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(user=device.user)
    otp_login(request, device)
    return codes


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_verify(*, request, token: str) -> None:
    """Mark this signed-in session as verified when the code matches the person's authenticator, or is one
    of their unused recovery codes (used up by this)."""
    token = token.strip().lower().replace(" ", "")
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True)) if token.isdigit() else list(
        StaticDevice.objects.filter(user=request.user, confirmed=True))
    for device in devices:
        if device.verify_token(token):
            otp_login(request, device)
            return
    raise WrongCode


def role_change_record(*, user, changed_by, before: set[str], after: set[str]):
    """Log a change of someone's roles (groups), if there was one."""
    from clinic.accounts.models import RoleChange

    if before == after:
        return None
    return RoleChange.objects.create(user=user, changed_by=changed_by, added=sorted(after - before),
                                     removed=sorted(before - after))


@transaction.atomic
def two_factor_reset(*, user) -> None:
    """A manager's reset of a lost phone: the person's authenticators and recovery codes go, and every
    session of theirs ends, so that whoever holds the phone is out; they enrol again at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user_sessions_end(user=user)


def user_sessions_end(*, user) -> int:
    """Sign the person out everywhere (database sessions)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def works_at_set(*, user: User, location: Location | None) -> None:
    """The location the person's home page and day board open on (``None``: every location on the home page)."""
    user.works_at = location
    user.save(update_fields=["works_at"])
