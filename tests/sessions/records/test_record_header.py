"""The record's summary: minutes since dosing started while the session runs; after discharge, the start time
(a running count read "4032 min" on a record opened days later)."""

from datetime import UTC, datetime
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone

STARTED = datetime(2030, 1, 7, 14, 20, tzinfo=UTC)  # 09:20 in New York


def _header(*, discharged: bool) -> str:
    page = SimpleNamespace(order=None, dosing_started_at=STARTED, elapsed_minutes=35, next_vitals_due=None,
                           discharge=object() if discharged else None, route="iv", devices=[], on_hold=False,
                           stopped=False, flags=[], holds=[])
    appointment = SimpleNamespace(protocol=SimpleNamespace(name="IV"), chair=SimpleNamespace(name="Chair 1"),
                                  get_status_display=lambda: "Completed")
    patient = SimpleNamespace(full_name="Ada Test", date_of_birth=datetime(1980, 1, 1).date())
    with timezone.override("America/New_York"):
        return render_to_string("sessions/records/includes/_header.html", {
            "page": page, "appointment": appointment, "patient": patient, "record": SimpleNamespace(is_signed=False)})


def test_a_running_session_counts_the_minutes_since_dosing_started():
    html = _header(discharged=False)
    assert "Since dosing started" in html and "35 min" in html and "data-since" in html


def test_after_discharge_the_summary_gives_the_time_dosing_started_not_a_running_count():
    html = _header(discharged=True)
    assert "<dt>Dosing started</dt><dd>09:20</dd>" in html
    assert "min</span>" not in html and "data-since" not in html
