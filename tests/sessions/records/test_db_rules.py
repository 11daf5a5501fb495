"""Each PostgreSQL rule of the session record, broken directly with raw SQL; the error names the rule."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from sessions.models import SessionRecord, VitalSign
from sessions.services.records import (
    esketamine_device_give,
    hold_release,
)
from tests.sessions.records.conftest import record_checks, record_signed

pytestmark = pytest.mark.django_db


def _refused(sql, params=(), rule=""):
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert caught.value.__cause__.diag.constraint_name == rule


def _vital_sql(record, **values):
    row = {"public_id": "00000000-0000-0000-0000-000000000001", "record_id": record.pk, "created_at": "now()",
               "created_by_id": record.opened_by_id, "taken_at": "now()", "phase": "recovery",
               "systolic": 120, "diastolic": 80, "heart_rate": 70, "spo2": 98, "respiratory_rate": 14,
               "dissociation": "", "note": "", "flags": "[]"}
    row.update(values)
    cols = ", ".join(row)
    placeholders = ", ".join(["%s"] * len(row))
    return f"INSERT INTO clinic_sessions_vitalsign ({cols}) VALUES ({placeholders})", list(row.values())  # noqa: S608


@pytest.mark.parametrize(("values", "rule"), [
    ({"systolic": 39, "diastolic": 30}, "vital_systolic_bounds"), ({"systolic": 301}, "vital_systolic_bounds"),
    ({"diastolic": 19}, "vital_diastolic_bounds"), ({"systolic": 260, "diastolic": 201}, "vital_diastolic_bounds"),
    ({"heart_rate": 19}, "vital_heart_rate_bounds"), ({"heart_rate": 251}, "vital_heart_rate_bounds"),
    ({"spo2": 49}, "vital_spo2_bounds"), ({"spo2": 101}, "vital_spo2_bounds"),
    ({"respiratory_rate": 61}, "vital_respiratory_rate_bounds"),
])
def test_vitals_outside_physiological_bounds_are_refused_by_postgresql(iv_record, values, rule):
    sql, params = _vital_sql(iv_record, **values)
    _refused(sql, params, rule)


def test_one_record_per_appointment(iv_record):
    _refused("INSERT INTO clinic_sessions_sessionrecord (public_id, appointment_id, opened_at, opened_by_id, "
             "thresholds, signed_with) VALUES (gen_random_uuid(), %s, now(), %s, '{}', '')",
             [iv_record.appointment_id, iv_record.opened_by_id], "session_record_one_per_appointment")


def test_a_signed_record_and_its_rows_refuse_update_delete_and_new_rows(iv_record, nurse, prescriber, day_start):
    record = record_signed(iv_record, nurse, prescriber, day_start)
    vital = VitalSign.objects.filter(record=record).first()
    _refused("UPDATE clinic_sessions_vitalsign SET systolic = 110 WHERE id = %s", [vital.pk],
             "session_record_signed_lock")
    _refused("UPDATE clinic_sessions_sessionrecord SET signed_at = NULL WHERE id = %s", [record.pk],
             "session_record_signed_lock")
    _refused("UPDATE clinic_sessions_discharge SET oxygen = 1 WHERE record_id = %s", [record.pk],
             "session_record_signed_lock")
    sql, params = _vital_sql(record)
    _refused(sql, params, "session_record_signed_lock")
    # Addenda may still be added.
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO clinic_sessions_addendum (public_id, record_id, created_at, created_by_id, text, "
                       "signed_with) VALUES (gen_random_uuid(), %s, now(), %s, 'late note', 'password')",
                       [record.pk, prescriber.pk])
    _refused("UPDATE clinic_sessions_addendum SET text = 'x' WHERE record_id = %s", [record.pk],
             "session_record_correction_append_only")


def test_clinical_rows_are_never_deleted_nor_truncated(iv_record, nurse, day_start):
    record_checks(iv_record, nurse, day_start)
    _refused("DELETE FROM clinic_sessions_vitalsign WHERE record_id = %s", [iv_record.pk],
             "session_record_never_deleted")
    _refused("DELETE FROM clinic_sessions_sessionrecord WHERE id = %s", [iv_record.pk],
             "session_record_never_deleted")


@pytest.mark.parametrize("table", ["sessionrecord", "vitalsign", "addendum", "enteredinerror"])
def test_record_tables_refuse_truncate(truncate_granted, db, table):
    _refused(f"TRUNCATE clinic_sessions_{table} CASCADE", rule="session_record_no_truncate")


def test_a_dose_row_on_a_held_record_is_refused(iv_record, nurse, day_start):
    record_checks(iv_record, nurse, day_start, systolic=150, diastolic=95)
    _refused("INSERT INTO clinic_sessions_administration (public_id, record_id, created_at, created_by_id, drug, "
             "ndc, lot, expiry, concentration_mg_per_ml, volume_ml, pump, started_at) VALUES (gen_random_uuid(), "
             "%s, now(), %s, 'ketamine', '1', 'L1', now()::date + 30, 10, 4, '', now())", [iv_record.pk, nurse.pk],
             "session_record_dose_on_hold")


def test_holds_are_append_only(iv_record, nurse, prescriber, day_start):
    record_checks(iv_record, nurse, day_start, systolic=150, diastolic=95)
    hold_release(record=iv_record, by=prescriber, decision="go", reason="Rechecked, anxious; 138/88 at rest.")
    _refused("UPDATE clinic_sessions_sessionholdevent SET kind = 'hold' WHERE record_id = %s", [iv_record.pk],
             "session_hold_append_only")


def test_discharge_needs_aldrete_nine_in_postgresql(iv_record, nurse, day_start):
    record_checks(iv_record, nurse, day_start)
    _refused("INSERT INTO clinic_sessions_discharge (public_id, record_id, created_at, created_by_id, discharged_at, "
             "activity, respiration, circulation, consciousness, oxygen, aldrete_total, systolic, escort_present, "
             "instructions_given) VALUES (gen_random_uuid(), %s, now(), %s, now(), 2, 2, 2, 1, 1, 8, 120, true, "
             "true)", [iv_record.pk, nurse.pk], "discharge_aldrete_at_least_9")


def test_esketamine_devices_five_minutes_apart_and_discharge_after_120_minutes(esketamine_record, nurse, day_start):
    first = day_start + timedelta(minutes=5)
    esketamine_device_give(record=esketamine_record, by=nurse, given_at=first, now=first)
    _refused("INSERT INTO clinic_sessions_esketaminedevice (public_id, record_id, created_at, created_by_id, number, "
             "given_at) VALUES (gen_random_uuid(), %s, now(), %s, 2, %s)",
             [esketamine_record.pk, nurse.pk, first + timedelta(minutes=4, seconds=59)], "esketamine_device_interval")
    _refused("INSERT INTO clinic_sessions_discharge (public_id, record_id, created_at, created_by_id, discharged_at, "
             "activity, respiration, circulation, consciousness, oxygen, aldrete_total, systolic, escort_present, "
             "instructions_given) VALUES (gen_random_uuid(), %s, now(), %s, %s, 2, 2, 2, 2, 2, 10, 120, true, "
             "true)", [esketamine_record.pk, nurse.pk, first + timedelta(minutes=119)],
             "discharge_esketamine_observation")
    assert SessionRecord.objects.filter(pk=esketamine_record.pk).exists()
