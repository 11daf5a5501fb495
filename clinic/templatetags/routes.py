"""``{% url %}`` for every template (a builtin, TEMPLATES in settings): Django's, except that a route named in
quotes with no arguments (the menu's, a page's "Book" or "Week view" link) is reversed once per process, not on
every page. A ``reverse()`` cost about 50 µs, and a staff page printed ten (issue 13)."""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.utils.html import conditional_escape

from clinic.links import reversed_once

register = template.Library()


class URLNodeOnce(URLNode):
    def render(self, context):
        name = self.view_name.var  # the text itself for a route in quotes, else a Variable
        if self.args or self.kwargs or self.asvar or self.view_name.filters or not isinstance(name, str):
            return super().render(context)
        url = reversed_once(name, current_app=_current_app(context))
        return conditional_escape(url) if context.autoescape else url


def _current_app(context) -> str | None:
    """As Django's ``{% url %}`` finds it."""
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return URLNodeOnce(node.view_name, node.args, node.kwargs, node.asvar)
