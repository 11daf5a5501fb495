"""Issue 12 #10: the time-zone select listed ~600 zones with deprecated aliases; it lists the canonical zones,
the clinic's country first."""

import pytest

from sessions.forms import LocationScheduleForm


def _offered(form) -> list[tuple[str, list[str]]]:
    return [(group, [value for value, _ in options]) for group, options in form.fields["time_zone"].choices]


def test_the_time_zone_select_offers_canonical_zones_only_with_the_clinics_country_first(settings):
    settings.CLINIC_COUNTRY = "US"
    groups = _offered(LocationScheduleForm())
    first_group, first = groups[0]
    assert first_group == "United States" and "America/New_York" in first and "America/Los_Angeles" in first
    every = [zone for _, zones in groups for zone in zones]
    for alias in ("US/Eastern", "Etc/GMT+5", "EST5EDT", "America/Buenos_Aires", "GB", "Zulu"):
        assert alias not in every
    assert "Europe/London" in every and "UTC" in every
    assert len(every) < 450 and len(every) == len(set(every))


def test_another_country_comes_first_when_the_clinic_is_there(settings):
    settings.CLINIC_COUNTRY = "CA"
    first_group, first = _offered(LocationScheduleForm())[0]
    assert first_group == "Canada" and "America/Toronto" in first and "America/New_York" not in first


@pytest.mark.django_db
def test_a_location_saved_with_an_alias_can_still_be_edited(location):
    location.time_zone = "US/Eastern"
    location.save()
    form = LocationScheduleForm(instance=location)
    assert "US/Eastern" in _offered(form)[0][1]


def test_today_without_a_location_is_the_clinics_not_the_servers(db):
    """At 02:00 UTC the server's date is already tomorrow in New York: a form with no location chosen yet checks
    its dates against the clinic's day (its first active location's), as everything else does (DESIGN.md §5)."""
    import datetime

    import time_machine

    from sessions.forms import local_today
    from tests.factories import LocationFactory

    LocationFactory(name="Downtown", time_zone="America/New_York")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC), tick=False):
        assert local_today(None) == datetime.date(2026, 11, 30)
