"""Seeded protocols from CLINICAL.md §1 (every figure a per-clinic default a manager may edit) and the
schedule's permissions for each role."""

from decimal import Decimal

from django.conf import settings
from django.db import migrations

from clinic.accounts.roles import grant_permissions

# Frozen here (not read from ClinicSessionsConfig.role_grants), so that a later grant added to the app
# does not break this migration on a fresh database; later grants get their own migration.
ROLE_GRANTS = {
    "front_desk": [
        "clinic_sessions.view_appointment", "clinic_sessions.add_appointment", "clinic_sessions.change_appointment",
        "clinic_sessions.view_course", "clinic_sessions.add_course", "clinic_sessions.view_chair",
        "clinic_sessions.view_protocol",
    ],
    "nurse": [
        "clinic_sessions.view_appointment", "clinic_sessions.change_appointment",
        "clinic_sessions.attend_appointment", "clinic_sessions.view_course", "clinic_sessions.view_chair",
        "clinic_sessions.view_protocol",
    ],
    "prescriber": ["clinic_sessions.view_appointment", "clinic_sessions.view_course", "clinic_sessions.view_protocol"],
    "manager": [
        "clinic_sessions.view_appointment", "clinic_sessions.add_appointment", "clinic_sessions.change_appointment",
        "clinic_sessions.view_course", "clinic_sessions.add_course", "clinic_sessions.view_chair",
        "clinic_sessions.add_chair", "clinic_sessions.change_chair", "clinic_sessions.view_protocol",
        "clinic_sessions.add_protocol", "clinic_sessions.change_protocol", "clinic.view_location",
        "clinic.change_location",
    ],
}

IV_FASTING = {"fasting_food_hours": 6, "fasting_liquids_minutes": 120}  # CLINICAL.md §1: solids 6 h, clear liquids 2 h [PRAC]
SPRAVATO_FASTING = {"fasting_food_hours": 2, "fasting_liquids_minutes": 30}  # CLINICAL.md §1 [REG]

PROTOCOLS = [
    {
        # CLINICAL.md §1: 0.5 mg/kg over 40 min, recovery 30-60 min; IV minimum interval default 48 h.
        "name": "IV ketamine 0.5 mg/kg", "route": "iv", "default_dose_mg_per_kg": Decimal("0.50"),
        "dosing_minutes": 40, "observation_minutes": 60, "min_interval_hours": 48, **IV_FASTING,
        "vitals_schedule": "Every 10 min during the infusion, every 15 min in recovery; continuous pulse oximetry.",
    },
    {
        # CLINICAL.md §1: 0.25-0.5 mg/kg, about 1.5 h, 48 h apart (issue 9; 0006_clin_intervals_floors_checkin fixes databases
        # with 0 h). It gives IM no fasting rule of its own: the IV fasting default is used for the same drug.
        "name": "IM ketamine 0.25 mg/kg", "route": "im", "default_dose_mg_per_kg": Decimal("0.25"),
        "dosing_minutes": 15, "observation_minutes": 75, "min_interval_hours": 48, **IV_FASTING,
        "vitals_schedule": "Before dosing, then every 15 min until discharge; continuous pulse oximetry.",
    },
    {
        # CLINICAL.md §1 [REG]: 56 mg = 2 devices 5 min apart; >= 120 min observation from the first device.
        "name": "Esketamine 56 mg", "route": "intranasal", "default_dose_mg": 56,
        "dosing_minutes": 10, "observation_minutes": 120, "min_interval_hours": 48, **SPRAVATO_FASTING,
        "vitals_schedule": "Before dosing, at about 40 min, and before discharge (REMS).",
    },
    {
        # CLINICAL.md §1 [REG]: 84 mg = 3 devices 5 min apart; >= 120 min observation from the first device.
        "name": "Esketamine 84 mg", "route": "intranasal", "default_dose_mg": 84,
        "dosing_minutes": 15, "observation_minutes": 120, "min_interval_hours": 48, **SPRAVATO_FASTING,
        "vitals_schedule": "Before dosing, at about 40 min, and before discharge (REMS).",
    },
]


def seed_protocols(apps) -> None:
    """Idempotent; tests/conftest.py calls it too, after browser tests have emptied the tables."""
    Protocol = apps.get_model("clinic_sessions", "Protocol")
    for fields in PROTOCOLS:
        defaults = {**fields, "turnover_minutes": settings.SESSIONS_DEFAULT_TURNOVER_MINUTES}
        Protocol.objects.get_or_create(name=defaults.pop("name"), defaults=defaults)


def seed(apps, schema_editor):
    seed_protocols(apps)
    grant_permissions(apps, ROLE_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("clinic_sessions", "0001_initial"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
