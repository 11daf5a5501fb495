"""clinic.accounts.backends.ClinicModelBackend answers every permission question as Django's ModelBackend does
(issue 13: only its reads are prepared)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.accounts.backends import ClinicModelBackend
from clinic.accounts.roles import ROLE_GRANTS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # no permission cache from an earlier ask


def _people():
    people = [UserFactory(role=str(role)) for role in ROLE_GRANTS]
    two_roles = UserFactory(role="nurse")
    two_roles.groups.add(Group.objects.get(name="prescriber"))
    direct = UserFactory()
    direct.user_permissions.add(Permission.objects.get(codename="view_patient"))
    extra = Group.objects.create(name="extra for a test")
    extra.permissions.add(Permission.objects.get(codename="view_accessevent"))
    direct.groups.add(extra)
    people += [two_roles, direct, UserFactory(), get_user_model().objects.create_superuser(
        email="root@clinic.test", password="x", full_name="Root")]
    inactive = UserFactory(role="manager")
    inactive.is_active = False
    inactive.save()
    return [*people, inactive]


def test_every_role_and_kind_of_user_has_the_permissions_modelbackend_gives():
    ours, djangos = ClinicModelBackend(), ModelBackend()
    for person in _people():
        for ask in ("get_user_permissions", "get_group_permissions", "get_all_permissions"):
            assert getattr(ours, ask)(_fresh(person)) == getattr(djangos, ask)(_fresh(person)), (person, ask)
        for perm in ("patients.view_patient", "audit.view_accessevent", "clinic_sessions.sign_record"):
            assert ours.has_perm(_fresh(person), perm) == djangos.has_perm(_fresh(person), perm), (person, perm)
    assert ours.get_all_permissions(AnonymousUser()) == set()
    some = _fresh(UserFactory(role="nurse"))
    assert ours.get_all_permissions(some, obj=object()) == set()


def test_a_page_reads_the_permissions_once_and_a_new_grant_shows_on_the_next():
    nurse = _fresh(UserFactory(role="nurse"))
    backend = ClinicModelBackend()
    with CaptureQueriesContext(connection) as queries:
        backend.has_perm(nurse, "patients.view_patient")
        backend.has_perm(nurse, "clinic_sessions.sign_record")
    assert len(queries) == 1  # the user's own and their groups', in one read, once for the request
    Group.objects.get(name="nurse").permissions.add(Permission.objects.get(codename="view_accessevent"))
    assert backend.has_perm(_fresh(nurse), "audit.view_accessevent")
