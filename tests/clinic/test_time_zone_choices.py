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
