"""Links a page prints on every view: reversed once per process, not once a page or a row (issue 13: a
``reverse()`` cost about 50 µs, and a staff page asked for a dozen before its rows)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# (route, arguments, current app, script prefix, URLconf) → URL. Bounded: routes and their arguments here are
# constants written in code and templates (a row's own id goes in after, url_for_public_id).
_REVERSED: dict[tuple, str] = {}
_STAND_IN = uuid.UUID(int=0)


def reversed_once(route: str, args: tuple = (), current_app: str | None = None) -> str:
    """``reverse(route, args=args, current_app=current_app)``, kept for the process per script prefix and URL
    configuration. A route that does not reverse raises ``NoReverseMatch`` each time, as ``reverse`` does."""
    current_app = current_app or None  # "" (a page outside any namespace) reverses as None does
    key = (route, args, current_app, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    url = _REVERSED.get(key)
    if url is None:
        url = _REVERSED[key] = reverse(route, args=args or None, current_app=current_app)
    return url


def url_for_public_id(route: str, *args) -> Callable[[uuid.UUID], str]:
    """``route``'s URL for any public id (its first argument): a list page links every row to the same route.
    ``args``: the route's other arguments, the same for every row (constants: a move's name)."""
    before, after = reversed_once(route, (_STAND_IN, *args)).split(str(_STAND_IN))
    return lambda public_id: f"{before}{public_id}{after}"
