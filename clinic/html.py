"""Django's ``conditional_escape``, ``format_html`` and ``format_html_join`` for the fragments pages print many
times (the day board's cards, the access tables' rows): the same output, without Django's check of every value
for a lazy translation string (``keep_lazy``), which was a third of the cost of escaping a board (issue 13).
The values escaped here are text, numbers, ids, times and already-safe HTML; a lazy string is still made text.
tests/clinic/test_html.py compares each with Django's own."""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.utils.safestring import SafeString


def conditional_escape(value) -> SafeString:
    """The value escaped for HTML, unless it is already safe (has ``__html__``), as Django's."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return SafeString(html.escape(str(value)))


def format_html(format_string: str, *args) -> SafeString:
    """``format_string`` (safe) with each argument escaped, as Django's (positional arguments only)."""
    return SafeString(format_string.format(*map(conditional_escape, args)))


def format_html_join(sep: str, format_string: str, args_generator: Iterable[tuple]) -> SafeString:
    """``format_html`` of each tuple of arguments, joined by ``sep`` (escaped), as Django's."""
    return SafeString(conditional_escape(sep).join(
        format_string.format(*map(conditional_escape, args)) for args in args_generator))
