from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython
from django.urls import reverse

from clinic.accounts.roles import ROLE_GRANTS, Role

pytestmark = pytest.mark.django_db


def _run_the_data_migrations() -> None:
    """Every ``RunPython`` of this project's migrations, in the order ``migrate`` runs them, on the migrated
    state (their schema is already in the test database)."""
    loader = MigrationLoader(connection)
    ours = {config.label for config in django_apps.get_app_configs()
            if Path(config.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(config.path).parts}
    order: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        order += [key for key in loader.graph.forwards_plan(leaf) if key not in order and key[0] in ours]
    apps = loader.project_state().apps
    # The schema (tables, triggers) is already in the test database: only the data steps run again here.
    schema_editor = SimpleNamespace(connection=connection, execute=lambda *args, **kwargs: None)
    for key in order:
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, schema_editor)


def test_the_four_roles_exist_after_migrating():
    """The migrations make the roles, not the test set-up: conftest re-syncs the roles for browser tests, so
    they are thrown away here (in this test's transaction) and the migrations' own code makes them again."""
    Group.objects.all().delete()
    _run_the_data_migrations()
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)


def test_the_migrations_grant_each_role_exactly_the_role_table():
    """``ROLE_GRANTS`` is the one table of who may do what; a grant added to it needs a migration of its own
    (migrations are frozen: each copies the grants it makes)."""
    Group.objects.all().delete()
    _run_the_data_migrations()
    for role in Role.values:
        granted = {f"{p.content_type.app_label}.{p.codename}"
                   for p in Group.objects.get(name=role).permissions.select_related("content_type")}
        assert granted == set(ROLE_GRANTS[role]), role


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


def test_each_navigation_url_is_reversed_once_and_then_kept(manager_client, reversals):
    """The menu and the home page print each destination's URL several times on every page: it is reversed
    once per process (issue 13: some fifty ``reverse()`` on every page before, then a dozen)."""
    calls = reversals
    first = manager_client.get(reverse("home"))
    assert calls and len(calls) == len(set(calls)), calls
    calls.clear()
    second = manager_client.get(reverse("home"))
    assert calls == []
    assert [item.url for item in second.context["nav_items"]] == [item.url for item in first.context["nav_items"]]
    assert reverse("audit:access_log") in [item.url for item in second.context["nav_items"]]
