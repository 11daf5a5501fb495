"""Issue 12 #11: /favicon.ico was a 404 on every page; the icon ships as a static file and base.html names it."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse


def test_favicon_ico_is_served_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")


@pytest.mark.django_db
def test_every_page_names_the_icon(client):
    body = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in body and "favicon.svg" in body
