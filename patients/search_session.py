"""Patient-name searches kept out of URLs (DESIGN.md §6: no PHI in URLs).

A search form POSTs the query; the view keeps it in the user's session under a short random key and
redirects (POST/redirect/GET) to ``?s=<key>``. The key means nothing outside this session, so a URL that
lands in a server log, a proxy or the browser history says nothing about whom staff looked for, while
reload, back and pagination (``?s=<key>&page=N``) still work.

The sessions app's booking search can use the same two functions::

    key = remember_search(request, form.cleaned_data["q"])   # on POST, then redirect to ?s=<key>
    query = recalled_search(request, request.GET.get("s"))   # on GET; "" for an unknown or missing key
"""

from __future__ import annotations

import secrets

SESSION_KEY = "patient_searches"  # {key: query}, oldest first
MAX_REMEMBERED = 20  # enough for a few tabs and the back button, without the session growing for ever
MAX_QUERY_LENGTH = 100


def remember_search(request, query: str) -> str:
    """Keep ``query`` in this user's session and return an opaque key for it ("" for an empty query)."""
    query = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    if not query:
        return ""
    searches = _searches(request)
    for key, remembered in searches.items():
        if remembered == query:  # the same search again keeps its key (and its place in the history)
            return key
    key = secrets.token_urlsafe(6)
    searches[key] = query
    while len(searches) > MAX_REMEMBERED:
        searches.pop(next(iter(searches)))
    request.session[SESSION_KEY] = searches
    return key


def recalled_search(request, key: str | None) -> str:
    """The query remembered under ``key`` in this session, or "" (unknown, expired or another user's key)."""
    if not key:
        return ""
    value = _searches(request).get(key, "")
    return value if isinstance(value, str) else ""


def _searches(request) -> dict[str, str]:
    stored = request.session.get(SESSION_KEY)
    return dict(stored) if isinstance(stored, dict) else {}
