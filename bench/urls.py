"""Every page of the app, plus the bench's reference: a bare signed-in page (issue 13)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path

from clinic.models import Location


@login_required
def bare(request):
    """What every signed-in page costs at least: the middleware, the session, the user, one trivial query."""
    return HttpResponse(f"{Location.objects.filter(is_active=True).exists()}", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("clinic.urls")),
]
