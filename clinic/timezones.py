"""A clinic's "today" (``local_today``), and the time zones a person chooses from: the canonical IANA zones (no
deprecated aliases such as ``US/Eastern`` or ``Etc/GMT+5``), the clinic's country first (issue 12 #10). The list
comes from the tz database's own ``zone.tab``, which names each canonical zone with its country."""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def local_today(time_zone: str, now: datetime.datetime | None = None) -> datetime.date:
    """The date on a clinic's wall clock at ``now`` (default: now). The server keeps UTC, whose date is already
    tomorrow every evening in the Americas (DESIGN.md §5): a clinic's "today" is never ``date.today()``."""
    return timezone.localdate(now or timezone.now(), timezone=zoneinfo.ZoneInfo(time_zone))


def _tab(name: str) -> list[list[str]]:
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.exists():
            text = path.read_text(encoding="utf-8")
            break
    else:  # no system tz database (e.g. Windows): the tzdata package carries the same file
        text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@functools.cache
def zones_by_country() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in _tab("zone.tab"):
        out.setdefault(row[0], []).append(row[2])
    return out  # in zone.tab's order: a country's most populous zone first (America/New_York for the US)


@functools.cache
def country_names() -> dict[str, str]:
    return {row[0]: row[1] for row in _tab("iso3166.tab")}


def canonical_zones() -> set[str]:
    return {zone for zones in zones_by_country().values() for zone in zones} | {"UTC"}


def _option(zone: str) -> tuple[str, str]:
    return zone, zone.replace("_", " ")


def time_zone_choices(country: str | None = None) -> list:
    """Grouped choices for a select: the clinic's country's zones, then every other canonical zone, then UTC."""
    country = (country or settings.CLINIC_COUNTRY).upper()
    first = zones_by_country().get(country, [])
    rest = sorted(canonical_zones() - set(first) - {"UTC"})
    name = country_names().get(country, country)
    return [(name, [_option(z) for z in first]), ("Other time zones", [_option(z) for z in rest]),
            ("Universal", [_option("UTC")])]
