from django.conf import settings

from clinic.accounts.roles import navigation_for


def clinic(request):
    """What every page needs: the clinic's name, the idle timeout and the user's navigation."""
    user = getattr(request, "user", None)
    nav_items = navigation_for(user) if user is not None and user.is_authenticated else []
    return {
        "clinic_name": settings.CLINIC_NAME,
        "idle_timeout_seconds": settings.IDLE_TIMEOUT_MINUTES * 60,
        "nav_items": nav_items,
        "nav_active_url": _active_url(request.path, nav_items),
    }


def _active_url(path: str, nav_items) -> str | None:
    """The destination this page belongs to: the longest one whose address starts the page's own
    (so /patients/intakes/ lights up "Intakes", not "Patients")."""
    matches = [item.url for item in nav_items if path.startswith(item.url)]
    return max(matches, key=len) if matches else None
