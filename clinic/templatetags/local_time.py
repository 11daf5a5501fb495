"""Times people read, in a clinic's wall time with the zone's abbreviation (DESIGN.md §5, issue 12 #3).

``{{ when|local:location }}`` -> "2026-11-29 19:42 EST"; ``{{ when|local_date:location }}`` -> "2026-11-29" (the
local date, which in the evening in the Americas is not the UTC date). The argument is a ``Location``, a zone
name, or nothing (the clinic's zone: its only or first active location's).
"""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils import dateformat

register = template.Library()


def clinic_time_zone() -> str:
    from clinic.models import Location

    zone = Location.objects.filter(is_active=True).order_by("pk").values_list("time_zone", flat=True).first()
    return zone or "UTC"


def _zone(where) -> zoneinfo.ZoneInfo:
    name = getattr(where, "time_zone", where) or clinic_time_zone()
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@register.filter
def local(value, where=None, fmt: str = "Y-m-d H:i T"):
    if not value:
        return ""
    return dateformat.format(value.astimezone(_zone(where)), fmt)


@register.filter
def local_seconds(value, where=None):
    return local(value, where, "Y-m-d H:i:s T")


@register.filter
def local_date(value, where=None):
    return local(value, where, "Y-m-d")
