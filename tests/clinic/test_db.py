"""clinic/db.py: generated PL/pgSQL quotes what it pastes and takes names from the models' _meta (issue 7)."""

import pytest

from clinic.db import placement_trigger, sql_identifier, sql_literal, status_transition_trigger
from clinic.models import Location
from sessions.models import Appointment, Chair


def test_identifiers_and_literals_are_quoted():
    assert sql_identifier('odd"name') == '"odd""name"'
    assert sql_literal("it's") == "'it''s'"
    with pytest.raises(ValueError):
        sql_literal("a\x00b")


def test_a_status_trigger_quotes_its_values_and_message():
    trigger = status_transition_trigger(name="t", noun="a patient's thing", transitions={"a'b": ["c"]})
    sql = str(trigger.compile(Appointment).sql)
    assert "('a''b', 'c')" in sql and "'a patient''s thing cannot move" in sql
    assert 'NEW."status"' in sql


def test_the_placement_trigger_reads_every_name_from_the_models(monkeypatch):
    monkeypatch.setattr(Chair._meta, "db_table", "renamed chairs")
    monkeypatch.setattr(Location._meta, "db_table", "renamed_locations")
    trigger = placement_trigger(name="p", location_model=Location, chair_model=Chair, slot_field="nurse_slot",
                                chair_field="chair", location_field="location", ratio_field="nurse_patient_ratio",
                                slot_constraint="s", chair_constraint="c")
    compiled = str(trigger.compile(Appointment).sql)
    assert '"renamed chairs"' in compiled and '"renamed_locations"' in compiled
    assert "clinic_sessions_chair" not in compiled and "clinic_location" not in compiled
    assert 'INSERT OR UPDATE OF "nurse_slot", "chair_id", "location_id"' in compiled
