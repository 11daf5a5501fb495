from django.conf import settings

from clinic.accounts.roles import navigation_for


def clinic(request):
    """What every page needs: the clinic's name, the idle timeout and the user's navigation."""
    user = getattr(request, "user", None)
    return {
        "clinic_name": settings.CLINIC_NAME,
        "idle_timeout_seconds": settings.IDLE_TIMEOUT_MINUTES * 60,
        "nav_items": navigation_for(user) if user is not None and user.is_authenticated else [],
    }
