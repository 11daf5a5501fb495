"""The REMS monitoring form is filled from the esketamine session's record (issue 11 x issue 10)."""

from datetime import timedelta

import pytest

from sessions import rems
from sessions.selectors.record_rems import rems_record_values
from sessions.services.records import esketamine_device_give, record_discharge, vital_sign_record

pytestmark = pytest.mark.django_db

RECORD_KEYS = {f.key for f in rems.FIELDS if f.source == "record"}


def _complete(record, nurse, day_start):
    first = day_start + timedelta(minutes=5)
    for minutes in (0, 5, 10):
        esketamine_device_give(record=record, by=nurse, given_at=first + timedelta(minutes=minutes),
                               now=first + timedelta(minutes=minutes))
    for minutes, moaas, dissociation in ((40, 3, "moderate"), (110, 5, "none")):
        at = first + timedelta(minutes=minutes)
        vital_sign_record(record=record, by=nurse, taken_at=at, systolic=150, diastolic=90, heart_rate=80, spo2=97,
                          moaas=moaas, dissociation=dissociation, now=at)
    at = first + timedelta(minutes=121)
    record_discharge(record=record, by=nurse, discharged_at=at, activity=2, respiration=2, consciousness=2,
                     oxygen=2, systolic=130, escort_present=True, instructions_given=True, now=at)
    return first


def test_a_complete_esketamine_record_leaves_no_record_field_of_the_form_missing(esketamine_record, nurse,
                                                                                 day_start):
    _complete(esketamine_record, nurse, day_start)
    values = rems_record_values(appointment=esketamine_record.appointment)
    form = rems.monitoring_form(appointment=esketamine_record.appointment, record_values=values)
    assert [f.key for f in form.missing if f.source in ("record", "ledger") and f.key != "lot"] == []
    assert RECORD_KEYS <= set(values)
    assert values["dose"] == "84 mg (3 devices of 28 mg)"
    assert values["monitoring_minutes"] == "121"
    assert values["bp_40_min"].startswith("150/90") and values["bp_before"].startswith("128/82")
    assert values["sedation"].startswith("Lowest MOAA/S 3") and values["dissociation"] == "Moderate"
    assert values["respiratory_depression"] == "No" and values["adverse_events"] == "None"


def test_without_a_40_minute_reading_the_form_names_it_missing(esketamine_record, nurse, day_start):
    first = day_start + timedelta(minutes=5)
    esketamine_device_give(record=esketamine_record, by=nurse, given_at=first, now=first)
    values = rems_record_values(appointment=esketamine_record.appointment)
    form = rems.monitoring_form(appointment=esketamine_record.appointment, record_values=values)
    assert "bp_40_min" in {f.key for f in form.missing}


def test_a_hold_released_by_the_prescribers_go_is_acceptable_after_review(esketamine_record, nurse, prescriber,
                                                                         day_start):
    """CLINICAL.md §4: a held session is dosed only after the prescriber's go, whose reason the form reports."""
    from sessions.models import SessionHoldEvent
    from sessions.services.records import hold_release

    SessionHoldEvent.objects.create(record=esketamine_record, created_by=nurse, created_at=day_start, kind="hold",
                                    reasons="Pre-dose BP 165/95 is above 160/90.")
    hold_release(record=esketamine_record, by=prescriber, decision="go", reason="Rechecked 150/88, proceed.",
                 now=day_start + timedelta(minutes=2))
    _complete(esketamine_record, nurse, day_start)
    values = rems_record_values(appointment=esketamine_record.appointment)
    assert values["vitals_acceptable_before"] == "After prescriber review: Rechecked 150/88, proceed."


def test_with_no_hold_the_vitals_before_dosing_were_acceptable(esketamine_record, nurse, day_start):
    _complete(esketamine_record, nurse, day_start)
    assert rems_record_values(appointment=esketamine_record.appointment)["vitals_acceptable_before"] == "Yes"
