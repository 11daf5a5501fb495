"""Signing in and permissions: Django's ModelBackend, its permission reads prepared once (issue 13).

Every staff page asks ``has_perm`` (the view's own permission, then the navigation's), and the first ask of a
request reads the user's and their groups' permissions: two querysets Django builds and compiles anew on every
page, about as long as PostgreSQL takes to answer them. The rule is Django's, unchanged: an inactive or
anonymous user has none, a superuser has all, others what they and their groups were given
(tests/clinic/test_backends.py holds every role, a superuser and an inactive user to ModelBackend's answers).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from clinic.prepared import PreparedQuery

_NAMES = ("content_type__app_label", "codename")

_PERMISSIONS = {
    "user": PreparedQuery(
        lambda *, user_id: Permission.objects.filter(user=user_id).values_list(*_NAMES).order_by(), user_id=int),
    "group": PreparedQuery(
        lambda *, user_id: Permission.objects.filter(group__user=user_id).values_list(*_NAMES).order_by(),
        user_id=int),
}
_EVERY_PERMISSION = PreparedQuery(lambda: Permission.objects.values_list(*_NAMES).order_by())


class ClinicModelBackend(ModelBackend):
    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache_name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, cache_name):
            rows = _EVERY_PERMISSION() if user_obj.is_superuser else _PERMISSIONS[from_name](user_id=user_obj.pk)
            setattr(user_obj, cache_name, {f"{app_label}.{codename}" for app_label, codename in rows})
        return getattr(user_obj, cache_name)
