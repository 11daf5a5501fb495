"""The top navigation's destinations (clinic/templatetags/navigation.py): made once per list of destinations
and page section, the current one marked, every label escaped."""

import pytest
from django.urls import reverse

from clinic.templatetags.navigation import nav_links_html

pytestmark = pytest.mark.django_db

LINKS = (("/patients/", "Patients"), ("/schedule/board/", "Day <board> & co"))


def test_the_destination_the_page_belongs_to_is_marked_current_and_labels_are_escaped():
    out = nav_links_html(("/", False), LINKS, "/schedule/board/")
    assert out == (
        '<ul class="navbar-nav me-auto">'
        '\n  <li class="nav-item"><a class="nav-link" href="/">Home</a></li>'
        '\n  <li class="nav-item"><a class="nav-link" href="/patients/">Patients</a></li>'
        '\n  <li class="nav-item"><a class="nav-link active" aria-current="page" href="/schedule/board/">'
        "Day &lt;board&gt; &amp; co</a></li>\n</ul>")


def test_on_the_home_page_home_is_current_and_no_destination_is():
    out = nav_links_html(("/", True), LINKS, None)
    assert '<a class="nav-link active" aria-current="page" href="/">Home</a>' in out
    assert out.count('aria-current="page"') == 1


def test_the_same_destinations_on_the_same_section_are_made_once():
    assert nav_links_html(("/", False), LINKS, "/patients/") is nav_links_html(("/", False), LINKS, "/patients/")


def test_every_staff_page_prints_the_users_destinations_with_the_current_one_marked(front_desk_client):
    page = front_desk_client.get(reverse("patients:intake_list")).content.decode()
    assert f'<a class="nav-link active" aria-current="page" href="{reverse("patients:intake_list")}">Intakes</a>' \
        in page
    assert f'<a class="nav-link" href="{reverse("patients:list")}">Patients</a>' in page
    home = front_desk_client.get(reverse("home")).content.decode()
    assert f'<a class="nav-link active" aria-current="page" href="{reverse("home")}">Home</a>' in home
