"""The top navigation's destinations (templates/includes/_nav.html), printed on every staff page.

In the template language the loop over a dozen destinations, with a ``{% if %}`` for the current one, cost more
than a day board's SQL (issue 13). The list is the same for everyone with the same destinations on the same
section of the app, so its HTML is made once per process for each such list and kept.
"""

from __future__ import annotations

import functools

from django import template
from django.utils.safestring import SafeString

from clinic.html import format_html, format_html_join
from clinic.links import reversed_once

register = template.Library()

_LINK = '\n  <li class="nav-item"><a class="nav-link{}" href="{}">{}</a></li>'
CURRENT = SafeString(' active" aria-current="page')


@register.simple_tag(takes_context=True)
def nav_links(context) -> SafeString:
    """Home and each destination of the user's (``nav_items``), the one this page belongs to
    (``nav_active_url``) marked as the current page."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    links = tuple((link.url, str(link.label)) for link in context.get("nav_items") or ())
    home = (reversed_once("home"), getattr(match, "url_name", None) == "home")
    return nav_links_html(home, links, context.get("nav_active_url"))


@functools.lru_cache(maxsize=256)
def nav_links_html(home: tuple[str, bool], links: tuple[tuple[str, str], ...], active_url: str | None) -> SafeString:
    """``home``: the home page's URL and whether this is it; ``links``: (url, label) of each destination, in
    the menu's order; ``active_url``: the destination this page belongs to."""
    home_url, home_is_current = home
    return format_html('<ul class="navbar-nav me-auto">{}{}\n</ul>', format_html(
        _LINK, CURRENT if home_is_current else "", home_url, "Home"), format_html_join(
        "", _LINK, ((CURRENT if url == active_url else "", url, label) for url, label in links)))
