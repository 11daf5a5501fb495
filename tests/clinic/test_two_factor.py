import pytest
from django.test import override_settings
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
    assert response.status_code == 302
    assert response.url == "/patients/"
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
