"""``seed_demo`` shows a session record at each end of the day: one completed and signed, one in progress."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from sessions.models import Administration, Discharge, Lot, SessionRecord, VitalSign
from sessions.selectors.ledger import session_controlled_substance_balance

pytestmark = pytest.mark.django_db

# A Wednesday at 10:30 in the demo clinic's time zone: open, so a session can be in progress.
WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, 30, tzinfo=ZoneInfo("America/New_York"))


def test_seed_demo_twice_makes_one_signed_iv_record_one_in_progress_today_and_one_lot():
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        call_command("seed_demo")
        call_command("seed_demo")
    assert Lot.objects.filter(lot_number="DEMO-K10-001").count() == 1
    signed = SessionRecord.objects.get(signed_at__isnull=False)
    assert signed.appointment.patient.legal_last_name == "Brooks"
    assert signed.appointment.protocol.route == "iv" and signed.appointment.status == "completed"
    assert signed.appointment.start.date() < WEDNESDAY_MORNING.date()
    assert Discharge.objects.filter(record=signed).exists()
    administration = Administration.objects.get(record=signed)
    assert administration.ledger_lot.lot_number == "DEMO-K10-001" and administration.nurse_signed_at is not None
    assert session_controlled_substance_balance(appointment=signed.appointment).is_balanced
    assert VitalSign.objects.filter(record=signed).count() >= 5
    running = SessionRecord.objects.get(signed_at__isnull=True)
    assert running.appointment.patient.legal_last_name == "Patel"
    assert running.appointment.status == "in_session"
    assert running.appointment.start.astimezone(ZoneInfo("America/New_York")).date() == WEDNESDAY_MORNING.date()
    assert Administration.objects.get(record=running).stopped_at is None
    assert VitalSign.objects.filter(record=running).count() >= 3  # the baseline and two during the infusion
