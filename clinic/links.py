"""Links a list prints on every row."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = uuid.UUID(int=0)
# (route, its other arguments, script prefix, URLconf) → the URL before and after the public id.
_SPLIT: dict[tuple, tuple[str, str]] = {}


def url_for_public_id(route: str, *args) -> Callable[[uuid.UUID], str]:
    """``route``'s URL for any public id (its first argument), reversed once per process with a stand-in id: a
    list page links every row to the same route, and a ``reverse()`` a row, or even a page, cost more than the row
    (issue 13). ``args``: the route's other arguments, the same for every row (constants: a move's name)."""
    key = (route, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    split = _SPLIT.get(key)
    if split is None:
        before, after = reverse(route, args=[_STAND_IN, *args]).split(str(_STAND_IN))
        split = _SPLIT[key] = (before, after)
    before, after = split
    return lambda public_id: f"{before}{public_id}{after}"
