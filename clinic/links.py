"""Links a list prints on every row."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.urls import reverse

_STAND_IN = uuid.UUID(int=0)


def url_for_public_id(route: str, *args) -> Callable[[uuid.UUID], str]:
    """``route``'s URL for any public id (its first argument), reversed once with a stand-in id: a list page
    links every row to the same route, and a ``reverse()`` a row cost more than the row (issue 13)."""
    before, after = reverse(route, args=[_STAND_IN, *args]).split(str(_STAND_IN))
    return lambda public_id: f"{before}{public_id}{after}"
