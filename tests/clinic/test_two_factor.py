import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_required")]


@pytest.fixture
def two_factor_required():
    with override_settings(CLINIC_REQUIRE_2FA=True):
        yield


def _code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_staff_without_an_authenticator_are_sent_to_set_one_up(nurse_client):
    response = nurse_client.get(reverse("patients:list"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor:setup"))
    assert "Turn on two-step sign-in" in response.content.decode()
    assert "<svg" in response.content.decode()


def test_setting_up_with_a_wrong_code_says_so_and_keeps_the_same_key(nurse_client, nurse):
    nurse_client.get(reverse("two_factor:setup"))
    key = TOTPDevice.objects.get(user=nurse).key
    response = nurse_client.post(reverse("two_factor:setup"), {"token": "000000"})
    assert "did not match" in response.content.decode()
    assert TOTPDevice.objects.get(user=nurse).key == key
    assert not TOTPDevice.objects.filter(user=nurse, confirmed=True).exists()


def test_setting_up_with_the_right_code_opens_the_app(nurse_client, nurse):
    nurse_client.get(reverse("two_factor:setup"))
    device = TOTPDevice.objects.get(user=nurse)
    response = nurse_client.post(reverse("two_factor:setup"), {"token": _code_for(device), "next": "/patients/"})
    assert response.status_code == 200  # the recovery codes, once, then on to where they were going
    assert 'href="/patients/"' in response.content.decode()
    assert nurse_client.get(reverse("patients:list")).status_code == 200


def test_staff_with_an_authenticator_must_type_a_code_each_sign_in(nurse_client, nurse):
    device = _confirmed_device(nurse)
    first = nurse_client.get(reverse("home"))
    assert first.url.startswith(reverse("two_factor:verify"))
    wrong = nurse_client.post(reverse("two_factor:verify"), {"token": "12345x"})
    assert "six digits" in wrong.content.decode()
    right = nurse_client.post(reverse("two_factor:verify"), {"token": _code_for(device), "next": "/"})
    assert right.status_code == 302
    assert nurse_client.get(reverse("home")).status_code == 200


def test_the_next_address_cannot_send_staff_to_another_site(nurse_client, nurse):
    device = _confirmed_device(nurse)
    response = nurse_client.post(reverse("two_factor:verify"),
                                 {"token": _code_for(device), "next": "https://evil.example/"})
    assert response.url == "/"


def test_sign_out_still_works_before_the_code(nurse_client):
    assert nurse_client.post(reverse("logout")).status_code == 302


def test_anonymous_visitors_still_go_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("login"))


@override_settings(CLINIC_REQUIRE_2FA=False)
def test_without_the_requirement_staff_go_straight_in(nurse_client):
    assert nurse_client.get(reverse("home")).status_code == 200


# --- Issue 8, item 1: the bypass through the set-up page, recovery codes, the typed key ---

def test_a_password_alone_cannot_reach_the_set_up_page_of_someone_enrolled(nurse_client, nurse):
    """The attack: with a stolen password, open set-up instead of the code page, scan a fresh secret,
    confirm it, and be in (the owner's authenticator deleted)."""
    owners = _confirmed_device(nurse)
    response = nurse_client.get(reverse("two_factor:setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor:verify"))
    assert not TOTPDevice.objects.filter(user=nurse, confirmed=False).exists()  # no fresh secret made
    thiefs = TOTPDevice.objects.create(user=nurse, name="thief", confirmed=False)
    nurse_client.post(reverse("two_factor:setup"), {"token": _code_for(thiefs)})
    assert TOTPDevice.objects.filter(pk=owners.pk, confirmed=True).exists()
    assert not TOTPDevice.objects.get(pk=thiefs.pk).confirmed
    assert nurse_client.get(reverse("home")).url.startswith(reverse("two_factor:verify"))


def test_an_unverified_session_reaches_only_the_code_page_and_sign_out(nurse_client, nurse):
    _confirmed_device(nurse)
    for url in (reverse("home"), reverse("patients:list"), reverse("password_change"), "/admin/",
                reverse("two_factor:setup")):
        response = nurse_client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("two_factor:verify")), url
    assert nurse_client.get(reverse("two_factor:verify")).status_code == 200


def test_replacing_the_authenticator_after_the_current_code_works(nurse_client, nurse):
    old = _confirmed_device(nurse)
    nurse_client.post(reverse("two_factor:verify"), {"token": _code_for(old)})
    assert nurse_client.get(reverse("two_factor:setup")).status_code == 200
    new = TOTPDevice.objects.get(user=nurse, confirmed=False)
    response = nurse_client.post(reverse("two_factor:setup"), {"token": _code_for(new)})
    assert response.status_code == 200
    assert list(TOTPDevice.objects.filter(user=nurse, confirmed=True)) == [new]


def test_enrolment_shows_ten_recovery_codes_once_and_each_signs_in_once(nurse, nurse_client, client):
    from django_otp.plugins.otp_static.models import StaticToken

    nurse_client.get(reverse("two_factor:setup"))
    device = TOTPDevice.objects.get(user=nurse)
    page = nurse_client.post(reverse("two_factor:setup"), {"token": _code_for(device)}).content.decode()
    codes = list(StaticToken.objects.filter(device__user=nurse).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in page for code in codes)
    assert codes[0] not in nurse_client.get(reverse("home")).content.decode()

    client.force_login(nurse)
    assert client.post(reverse("two_factor:verify"), {"token": codes[0].upper(), "next": "/"}).url == "/"
    assert client.get(reverse("home")).status_code == 200
    again = Client()
    again.force_login(nurse)
    assert "did not match" in again.post(reverse("two_factor:verify"), {"token": codes[0]}).content.decode()


def test_the_key_to_type_by_hand_is_base32(nurse_client, nurse):
    import base64
    import re

    page = nurse_client.get(reverse("two_factor:setup")).content.decode()
    device = TOTPDevice.objects.get(user=nurse)
    typed = re.search(r'user-select-all">([^<]+)<', page).group(1).strip()
    assert re.fullmatch(r"[A-Z2-7]+", typed)
    assert base64.b32decode(typed + "=" * (-len(typed) % 8)) == device.bin_key
