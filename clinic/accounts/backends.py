"""Signing in and permissions: Django's ModelBackend, its permission reads prepared once (issue 13).

Every staff page asks ``has_perm`` (the view's own permission, then the navigation's), and the first ask of a
request reads the user's and their groups' permissions: two querysets Django builds and compiles anew on every
page, about as long as PostgreSQL takes to answer them. Here they are one read (a union), prepared once. The
rule is Django's, unchanged: an inactive or anonymous user has none, a superuser has all, others what they and
their groups were given (tests/clinic/test_backends.py holds every role, a superuser, an inactive and a directly
granted user to ModelBackend's answers).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import CharField, Value

from clinic.prepared import PreparedQuery

_NAMES = ("content_type__app_label", "codename")


def _granted(*, user_id):
    """The user's own permissions and their groups' in one read, each row saying which it is."""
    own = Permission.objects.filter(user=user_id).values_list(*_NAMES, Value("user", output_field=CharField()))
    by_group = Permission.objects.filter(group__user=user_id).values_list(
        *_NAMES, Value("group", output_field=CharField()))
    return own.union(by_group, all=True)


_GRANTED = PreparedQuery(_granted, user_id=int)
_EVERY_PERMISSION = PreparedQuery(lambda: Permission.objects.values_list(*_NAMES).order_by())
_CACHES = ("_user_perm_cache", "_group_perm_cache")


class ClinicModelBackend(ModelBackend):
    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not all(hasattr(user_obj, cache) for cache in _CACHES):  # both read at once, kept for the request
            if user_obj.is_superuser:
                every = {f"{app_label}.{codename}" for app_label, codename in _EVERY_PERMISSION()}
                user_obj._user_perm_cache, user_obj._group_perm_cache = every, set(every)
            else:
                rows = _GRANTED(user_id=user_obj.pk)
                user_obj._user_perm_cache = {f"{app}.{code}" for app, code, source in rows if source == "user"}
                user_obj._group_perm_cache = {f"{app}.{code}" for app, code, source in rows if source == "group"}
        return getattr(user_obj, f"_{from_name}_perm_cache")
