"""Cross-cutting response rules."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers
from pghistory.middleware import HistoryMiddleware


class NoStoreForPeopleMiddleware:
    """``Cache-Control: no-store`` (and friends) on every response to a signed-in staff member or to a
    patient whose link is verified (their proof lives in the session), so that no page, print view or
    ``.ics`` file with patient data stays in a browser's or proxy's cache (DESIGN.md §6). Anonymous pages
    (sign-in, a link's date-of-birth form before the proof) may be cached as usual."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._personal(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _personal(request) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        session = getattr(request, "session", None)
        return session is not None and (session.modified or not session.is_empty())


class IdleTimeoutMiddleware:
    """Signs staff out after ``IDLE_TIMEOUT_MINUTES`` without a request (DESIGN.md §6), writing the time of
    their last activity to the session at most once a minute rather than saving the session (a database
    commit) on every request (issue 13). The session row's own expiry (``SESSION_COOKIE_AGE``, the timeout
    plus that minute) is pushed back by the same write, so it never ends before this check would."""

    KEY = "_last_activity"
    WRITE_EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)  # the next page asks for the password again
            elif last is None or now - last >= self.WRITE_EVERY_SECONDS:
                request.session[self.KEY] = now
        return self.get_response(request)


def idle_clock_start(sender, request, user, **kwargs) -> None:
    """At sign-in (the session is written then anyway): the first activity of the idle clock."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleTimeoutMiddleware.KEY] = int(time.time())


class HistoryContextMiddleware(HistoryMiddleware):
    """pghistory's context (who, which page) plus the client's address, as the access log takes it, so that
    the access report says from where each change was made as well as each view (issue 8, item 10)."""

    def get_context(self, request):
        from clinic.audit.services import client_ip

        return {**super().get_context(request), "ip": client_ip(request)}
