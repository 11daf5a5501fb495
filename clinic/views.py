from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.module_loading import import_string

from clinic.accounts.roles import Role, navigation_for, roles_of


@login_required
def home(request):
    """The staff home: what this person's roles let them do, each a link to a real page."""
    role_labels = [Role(name).label for name in roles_of(request.user)]
    destinations = navigation_for(request.user)
    rows = [(item, import_string(item.count)() if item.count else None) for item in destinations]
    return render(request, "clinic/home.html", {"role_labels": role_labels, "destinations": destinations,
                                                "destination_rows": rows})
