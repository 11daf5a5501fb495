from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.module_loading import import_string

from clinic.accounts.roles import Role, navigation_for, roles_of
from clinic.home import SharedAnswers, home_panels_for


@login_required
def home(request):
    """The staff home: today's work for this person's roles (panels the apps provide, counts that link to their
    lists), then every page their roles open."""
    roles = roles_of(request.user)
    destinations = navigation_for(request.user)
    shared = SharedAnswers()  # a destination's count is often a panel's too (the self-referrals waiting)
    rows = [(item, shared(import_string(item.count)) if item.count else None) for item in destinations]
    return render(request, "clinic/home.html", {
        "role_labels": [Role(name).label for name in roles], "destinations": destinations,
        "destination_rows": rows,
        "panels": home_panels_for(roles=roles, now=timezone.now(), shared=shared,
                                  works_at_id=request.user.works_at_id),
    })


def favicon(request):
    """No patient data, no sign-in: the icon browsers ask for at the root."""
    return redirect(static("favicon.ico"), permanent=True)
