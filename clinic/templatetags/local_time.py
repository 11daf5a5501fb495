"""Times people read, in a clinic's wall time with the zone's abbreviation (DESIGN.md §5, issue 12 #3).

``{{ when|local:location }}`` -> "2026-11-29 19:42 EST"; ``{{ when|local_date:location }}`` -> "2026-11-29" (the
local date, which in the evening in the Americas is not the UTC date). The argument is a ``Location``, a zone
name, or nothing (the clinic's zone: its only or first active location's).
"""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils import dateformat

from clinic.prepared import PreparedQuery

register = template.Library()


def _first_active_zone():
    from clinic.models import Location

    return Location.objects.filter(is_active=True).order_by("pk").values_list("time_zone", flat=True)[:1]


_CLINIC_TIME_ZONE = PreparedQuery(_first_active_zone)  # asked on many pages (issue 13)


def clinic_time_zone() -> str:
    return _CLINIC_TIME_ZONE.first() or "UTC"


def _zone(where) -> zoneinfo.ZoneInfo:
    name = getattr(where, "time_zone", where) or clinic_time_zone()
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _abbreviation(moment) -> str:
    """The zone's abbreviation, as Django's "T" gives it: none for a wall time that is ambiguous or skipped."""
    return moment.tzname() if moment.replace(fold=not moment.fold).utcoffset() == moment.utcoffset() else ""


# The formats pages use, written out: dateformat.format reads its format string anew on every call (~10 µs, on
# each row of a 50-row list, issue 13). tests/clinic/test_local_time_formats.py holds them to dateformat's output.
_WRITTEN = {
    "Y-m-d H:i T": lambda m: f"{m.year:04d}-{m.month:02d}-{m.day:02d} {m.hour:02d}:{m.minute:02d} {_abbreviation(m)}",
    "Y-m-d H:i:s T": lambda m: (f"{m.year:04d}-{m.month:02d}-{m.day:02d} {m.hour:02d}:{m.minute:02d}:{m.second:02d} "
                                f"{_abbreviation(m)}"),
    "Y-m-d H:i:s": lambda m: f"{m.year:04d}-{m.month:02d}-{m.day:02d} {m.hour:02d}:{m.minute:02d}:{m.second:02d}",
    "Y-m-d": lambda m: f"{m.year:04d}-{m.month:02d}-{m.day:02d}",
}


@register.filter
def local(value, where=None, fmt: str = "Y-m-d H:i T"):
    if not value:
        return ""
    moment = value.astimezone(_zone(where))
    written = _WRITTEN.get(fmt)
    return written(moment) if written else dateformat.format(moment, fmt)


@register.filter
def local_seconds(value, where=None):
    return local(value, where, "Y-m-d H:i:s T")


@register.filter
def local_date(value, where=None):
    return local(value, where, "Y-m-d")
