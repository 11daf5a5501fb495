from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clinic.accounts.roles import Role, navigation_for, roles_of


@login_required
def home(request):
    """The staff home: what this person's roles let them do, each a link to a real page."""
    role_labels = [Role(name).label for name in roles_of(request.user)]
    destinations = navigation_for(request.user)
    return render(request, "clinic/home.html", {"role_labels": role_labels, "destinations": destinations})
