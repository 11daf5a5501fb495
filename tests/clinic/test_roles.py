import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_four_roles_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"front_desk", "nurse", "prescriber", "manager"}


def test_only_managers_may_read_the_access_log(front_desk, nurse, prescriber, manager):
    assert manager.has_perm("audit.view_accessevent")
    for user in (front_desk, nurse, prescriber):
        assert not user.has_perm("audit.view_accessevent")


def _nav_labels(client):
    return [item.label for item in client.get(reverse("home")).context["nav_items"]]


def test_front_desk_navigation_shows_patients_but_not_the_access_log(front_desk_client):
    labels = _nav_labels(front_desk_client)
    assert "Patients" in labels
    assert "Access log" not in labels
    assert "Administration" not in labels


def test_nurse_and_prescriber_see_patients(nurse_client, client, prescriber):
    assert "Patients" in _nav_labels(nurse_client)
    client.force_login(prescriber)
    assert "Patients" in _nav_labels(client)


def test_manager_navigation_has_the_access_log_and_administration(manager_client):
    labels = _nav_labels(manager_client)
    assert {"Patients", "Access log", "Administration"} <= set(labels)


def test_home_links_lead_to_pages_that_open(manager_client):
    for item in manager_client.get(reverse("home")).context["destinations"]:
        assert manager_client.get(item.url).status_code == 200, item.url


def test_staff_without_a_role_see_no_destinations_and_are_told_why(stranger_client):
    response = stranger_client.get(reverse("home"))
    assert response.context["destinations"] == []
    assert "no role yet" in response.content.decode()


def test_staff_without_a_role_get_a_clear_forbidden_page(stranger_client):
    response = stranger_client.get(reverse("patients:list"))
    assert response.status_code == 403
    assert "not part of your role" in response.content.decode()


def test_the_navigation_marks_the_most_specific_destination_as_current(front_desk_client):
    response = front_desk_client.get(reverse("patients:intake_list"))
    assert response.context["nav_active_url"] == reverse("patients:intake_list")
    assert 'aria-current="page" href="/patients/"' not in response.content.decode()
