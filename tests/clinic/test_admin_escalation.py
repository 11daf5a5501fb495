"""Issue 8, item 2: a manager runs the staff list in /admin/ but cannot escalate through it."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.models import RoleChange, User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def _post_change(client, user, **fields):
    """POST the change form as the browser would: every field the page shows, some changed."""
    page = client.get(_change_url(user))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "tzinfo"):  # the admin's split date and time inputs
            data[f"{name}_0"], data[f"{name}_1"] = value.date().isoformat(), value.time().isoformat()
        elif hasattr(value, "__iter__") and not isinstance(value, str):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    for name in ("is_active", "is_staff", "is_superuser"):
        if data.get(name) is False:
            data.pop(name)
    data.update(fields)
    return client.post(_change_url(user), data)


def _role(name):
    return Group.objects.get(name=name).pk


def test_a_manager_cannot_make_themselves_superuser_or_staff_or_give_permissions(manager_client, manager):
    page = manager_client.get(_change_url(manager)).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    _post_change(manager_client, manager, is_superuser="on", is_staff="on", user_permissions=[1, 2])
    manager.refresh_from_db()
    assert not manager.is_superuser
    assert not manager.user_permissions.exists()


def test_a_manager_cannot_give_themselves_a_role(manager_client, manager):
    _post_change(manager_client, manager, groups=[_role("manager"), _role("prescriber")])
    assert set(manager.groups.values_list("name", flat=True)) == {"manager"}


def test_a_manager_gives_a_colleague_a_role_and_the_change_is_logged(manager_client, manager, nurse):
    response = _post_change(manager_client, nurse, groups=[_role("nurse"), _role("front_desk")])
    assert response.status_code == 302
    assert set(nurse.groups.values_list("name", flat=True)) == {"nurse", "front_desk"}
    change = RoleChange.objects.get(user=nurse)
    assert change.changed_by == manager and change.added == ["front_desk"] and change.removed == []


def test_a_manager_cannot_set_anyones_password(manager_client, prescriber):
    url = reverse("admin:auth_user_password_change", args=[prescriber.pk])
    assert manager_client.get(url).status_code == 403
    manager_client.post(url, {"password1": "A-new-secret-2026", "password2": "A-new-secret-2026"})
    prescriber.refresh_from_db()
    assert prescriber.check_password(TEST_PASSWORD)


def test_a_manager_adds_a_colleague_without_choosing_their_password(manager_client):
    response = manager_client.post(reverse("admin:accounts_user_add"),
                                   {"email": "New@Clinic.test", "full_name": "Noa New", "credentials": "RN"})
    assert response.status_code == 302
    assert not User.objects.get(email="new@clinic.test").has_usable_password()


def test_a_manager_cannot_edit_a_superusers_account(manager_client):
    boss = UserFactory(email="boss@clinic.test", is_superuser=True, is_staff=True)
    assert 'name="email"' not in manager_client.get(_change_url(boss)).content.decode()  # read-only at most
    manager_client.post(_change_url(boss), {"email": "manager-owned@clinic.test", "full_name": "Boss"})
    boss.refresh_from_db()
    assert boss.email == "boss@clinic.test"


def test_a_superuser_still_holds_every_key(client):
    boss = UserFactory(email="boss@clinic.test", is_superuser=True, is_staff=True)
    client.force_login(boss)
    page = client.get(_change_url(boss)).content.decode()
    assert 'name="is_superuser"' in page


# --- two-step devices in the admin ---

def test_no_one_sees_an_authenticators_secret_in_the_admin(manager_client, nurse, client):
    device = TOTPDevice.objects.create(user=nurse, name="phone", confirmed=True)
    boss = UserFactory(email="boss@clinic.test", is_superuser=True, is_staff=True)
    client.force_login(boss)
    for browser in (manager_client, client):
        for url in (reverse("admin:otp_totp_totpdevice_changelist"),
                    reverse("admin:otp_totp_totpdevice_change", args=[device.pk])):
            response = browser.get(url)
            assert response.status_code == 200, url
            assert device.key not in response.content.decode()


def test_a_manager_resets_a_lost_phone_and_the_person_is_signed_out_everywhere(manager_client, nurse):
    device = TOTPDevice.objects.create(user=nurse, name="phone", confirmed=True)
    phone = Client()
    phone.force_login(nurse)
    assert Session.objects.count() == 2
    response = manager_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=nurse).exists()
    assert phone.get(reverse("home")).url.startswith(reverse("login"))


@pytest.mark.parametrize("object_id", ["999999", "unknown", "1%20or%201=1"])
def test_the_config_address_of_an_unknown_device_is_no_server_error(manager_client, client, object_id):
    boss = UserFactory(email="boss@clinic.test", is_superuser=True, is_staff=True)
    client.force_login(boss)
    for browser in (manager_client, client):
        response = browser.get(f"/admin/otp_totp/totpdevice/{object_id}/config/")
        assert response.status_code in (302, 403, 404)
