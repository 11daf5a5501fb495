"""``{% url %}`` (clinic/templatetags/routes.py, a builtin of every template): a route in quotes with no arguments
is reversed once per process; anything else is Django's own tag."""

import uuid

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse


def test_a_route_without_arguments_is_reversed_once(reversals):
    template = Template("{% url 'home' %} {% url 'schedule:week' %}")
    assert template.render(Context()) == f"{reverse('home')} {reverse('schedule:week')}"
    assert template.render(Context()) == f"{reverse('home')} {reverse('schedule:week')}"
    assert reversals == ["home", "schedule:week"]


def test_arguments_a_variable_route_or_as_are_djangos_own_tag(reversals):
    public_id = uuid.uuid4()
    template = Template("{% url 'schedule:appointment' public_id %}|{% url route %}|"
                        "{% url 'home' as home %}[{{ home }}]")
    rendered = template.render(Context({"public_id": public_id, "route": "home"}))
    assert rendered == f"{reverse('schedule:appointment', args=[public_id])}|{reverse('home')}|[{reverse('home')}]"
    assert reversals == []


def test_an_unknown_route_is_still_an_error(reversals):
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-page' %}").render(Context())
