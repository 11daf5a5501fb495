import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Pages anyone may open without signing in. Every other page is for signed-in staff only.
PUBLIC_URL_NAMES = {
    "login", "logout", "password_reset", "password_reset_done", "password_reset_confirm",
    "password_reset_complete",
    "appointment_link", "appointment_link_ics",  # the patient's appointment link: token + date of birth
    # The patient-facing intake (patients/intake_urls.py): no account, a token and a date of birth instead.
    "intake:start", "intake:start_done", "intake:link", "intake:step", "intake:submit", "intake:crisis",
    "intake:consent_only",
    "favicon",  # the icon browsers ask for at the root: no data
}


def _staff_urls():
    """Every named page of the app (the admin has its own login), with made-up arguments."""
    sample_args = {"public_id": "00000000-0000-4000-8000-000000000000", "uidb64": "x", "token": "y"}

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                yield from walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}{entry.name}"
                if (entry.name in PUBLIC_URL_NAMES and not namespace) or name in PUBLIC_URL_NAMES:
                    continue
                kwargs = {key: sample_args.get(key, "1") for key in entry.pattern.converters}
                yield reverse(name, kwargs=kwargs)

    return list(walk(get_resolver().url_patterns))


def test_every_staff_page_is_counted():
    urls = _staff_urls()
    assert reverse("home") in urls
    assert reverse("patients:list") in urls
    assert reverse("audit:access_log") in urls


@pytest.mark.parametrize("url", _staff_urls())
def test_anonymous_visitor_is_sent_to_login_from_every_staff_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_with_email_in_any_case_opens_home(client, nurse):
    response = client.post(reverse("login"), {"username": "NURSE@Clinic.test", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == nurse


def test_wrong_password_says_what_to_fix_and_keeps_the_email(client, nurse):
    response = client.post(reverse("login"), {"username": "nurse@clinic.test", "password": "wrong"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert 'value="nurse@clinic.test"' in response.content.decode()


@pytest.mark.parametrize(
    "username,password",
    [("", ""), ("not-an-email", "x"), ("ü" * 500, "p" * 5000), ("<script>alert(1)</script>", "x"), ("a@b.c\x00", "x")],
    ids=["empty", "not-an-email", "very-long-unicode", "script", "nul-byte"],
)
def test_bad_login_input_gets_a_message_never_a_server_error(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 400)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, nurse):
    for _ in range(5):
        client.post(reverse("login"), {"username": "nurse@clinic.test", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "nurse@clinic.test", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()


def test_inactive_staff_cannot_sign_in(client):
    UserFactory(email="gone@clinic.test", is_active=False)
    response = client.post(reverse("login"), {"username": "gone@clinic.test", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(nurse_client):
    response = nurse_client.post(reverse("logout"))
    assert response.status_code == 302
    assert nurse_client.get(reverse("home")).status_code == 302


def test_password_change_with_wrong_old_password_says_so(nurse_client):
    response = nurse_client.post(reverse("password_change"), {
        "old_password": "nope", "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"})
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]


def test_password_change_refuses_short_or_mismatched_new_passwords(nurse_client):
    response = nurse_client.post(reverse("password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "other"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_password_change_works(nurse_client, nurse):
    response = nurse_client.post(reverse("password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": "a-new-long-passphrase",
        "new_password2": "a-new-long-passphrase"})
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert nurse.check_password("a-new-long-passphrase")


def test_password_reset_mails_a_link_for_staff_and_answers_the_same_for_strangers(client, nurse):
    known = client.post(reverse("password_reset"), {"email": "nurse@clinic.test"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@clinic.test"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_reset_with_a_bad_email_says_so(client):
    response = client.post(reverse("password_reset"), {"email": "not an email"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_password_reset_link_with_a_tampered_token_says_it_no_longer_works(client, nurse):
    response = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"}))
    assert response.status_code == 200
    assert "no longer works" in response.content.decode()
