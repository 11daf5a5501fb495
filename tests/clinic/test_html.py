"""clinic.html's escaping helpers print exactly what Django's do (issue 13: they only skip the lazy-string check)."""

import uuid
from datetime import time

import pytest
from django.utils import html as django_html
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe

from clinic import html

VALUES = ["plain", "<b>Eve</b> & 'co' \"quoted\"", "", 42, 3.5, None, uuid.UUID(int=7), time(7, 30),
          mark_safe("<em>already safe</em>"), lazy(lambda: "<lazy> & 'late'", str)(), "Zoë Ñúñez"]


@pytest.mark.parametrize("value", VALUES)
def test_conditional_escape_is_djangos(value):
    ours = html.conditional_escape(value)
    assert ours == django_html.conditional_escape(value)
    assert isinstance(ours, SafeString)


def test_format_html_is_djangos():
    template = '<a href="{}" title="{}">{}</a>{}'
    for first, second in zip(VALUES, reversed(VALUES), strict=True):
        args = (first, second, first, second)
        ours = html.format_html(template, *args)
        assert ours == django_html.format_html(template, *args)
        assert isinstance(ours, SafeString)


def test_format_html_join_is_djangos():
    rows = [(value, "<i>") for value in VALUES]
    for sep in ("", "\n", "<br>", mark_safe("<br>")):
        ours = html.format_html_join(sep, "<td>{}</td><td>{}</td>", rows)
        assert ours == django_html.format_html_join(sep, "<td>{}</td><td>{}</td>", rows)
        assert isinstance(ours, SafeString)
