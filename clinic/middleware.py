"""Cross-cutting response rules."""

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


class HistoryContextMiddleware(HistoryMiddleware):
    """pghistory's context (who, which page) plus the client's address, as the access log takes it, so that
    the access report says from where each change was made as well as each view (issue 8, item 10)."""

    def get_context(self, request):
        from clinic.audit.services import client_ip

        return {**super().get_context(request), "ip": client_ip(request)}
