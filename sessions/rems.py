"""The Spravato REMS Patient Monitoring Form: its fields, in one place, as the REMS revises them
(CLINICAL.md §5 [REG]: due within 7 days of every esketamine session).

``FIELDS`` is the form, in its order. Each field says where its value comes from; ``monitoring_form()`` fills
what the appointment, the intake and the ledger know and names every field still missing, so that it can be
completed (by addendum) before the form is sent. Fields marked ``record`` come from the session record
(vitals, sedation, dissociation, adverse events): until it is wired in they are listed as missing.
When the REMS changes its form, change ``FIELDS`` (and a filler) here, and nothing else.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

DUE_DAYS = 7  # [REG] the form is due within 7 days of the session: the REMS's rule, not a clinic setting
ROUTE = "intranasal"  # esketamine (Spravato) protocols


@dataclass(frozen=True)
class RemsField:
    key: str
    label: str
    source: str  # appointment, intake, ledger, record


FIELDS: tuple[RemsField, ...] = (
    RemsField("patient", "Patient (name, date of birth)", "intake"),
    RemsField("rems_patient_id", "REMS patient ID", "intake"),
    RemsField("first_treatment", "First treatment with Spravato?", "appointment"),
    RemsField("benzodiazepines", "Concomitant benzodiazepines", "intake"),
    RemsField("hypnotics", "Concomitant non-benzodiazepine sleep medicines (hypnotics)", "intake"),
    RemsField("psychostimulants", "Concomitant psychostimulants", "intake"),
    RemsField("maois", "Concomitant MAOIs", "intake"),
    RemsField("opioids", "Concomitant opioids", "intake"),
    RemsField("monitoring_clinician", "Healthcare provider who monitored", "appointment"),
    RemsField("setting", "Healthcare setting (and its REMS certification)", "appointment"),
    RemsField("session_date", "Date of treatment", "appointment"),
    RemsField("dose", "Dose given (mg)", "ledger"),
    RemsField("lot", "Lot number(s)", "ledger"),
    RemsField("monitoring_minutes", "Total minutes from the first device to the end of monitoring", "record"),
    RemsField("vitals_acceptable_before", "Vital signs acceptable before dosing?", "record"),
    RemsField("vitals_acceptable_end", "Vital signs acceptable at the end of monitoring?", "record"),
    RemsField("bp_before", "Blood pressure before dosing", "record"),
    RemsField("bp_40_min", "Blood pressure at about 40 minutes", "record"),
    RemsField("bp_discharge", "Blood pressure before discharge", "record"),
    RemsField("sedation", "Sedation", "record"),
    RemsField("dissociation", "Dissociation", "record"),
    RemsField("respiratory_depression", "Respiratory depression (and whether it resolved)", "record"),
    RemsField("adverse_events", "Adverse events", "record"),
)

FIELD_KEYS = tuple(field.key for field in FIELDS)

# The intake's medication classes (patients.screening) behind each concomitant-medication field. The intake's
# "other CNS depressant" class holds the non-benzodiazepine hypnotics (with other sedatives).
MEDICATION_FIELDS = {"benzodiazepines": "benzodiazepine", "hypnotics": "cns_depressant",
                     "psychostimulants": "psychostimulant", "maois": "maoi", "opioids": "opioid"}


@dataclass(frozen=True)
class FormRow:
    field: RemsField
    value: str | None  # None: missing

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class MonitoringForm:
    appointment: object
    rows: tuple[FormRow, ...]
    due_on: datetime.date

    @property
    def missing(self) -> list[RemsField]:
        return [row.field for row in self.rows if row.missing]


def session_local_date(appointment) -> datetime.date:
    return appointment.start.astimezone(zoneinfo.ZoneInfo(appointment.location.time_zone)).date()


def due_on(appointment) -> datetime.date:
    return session_local_date(appointment) + datetime.timedelta(days=DUE_DAYS)


def monitoring_form(*, appointment, record_values: dict[str, str] | None = None) -> MonitoringForm:
    """The form's data for one esketamine session. ``record_values`` (field key → text) is what the session
    record knows; the integrator passes it in. Anything unknown stays ``None`` and is named as missing."""
    known: dict[str, str | None] = {}
    for source in FILLERS:
        known.update(source(appointment))
    known.update({key: value for key, value in (record_values or {}).items() if key in FIELD_KEYS and value})
    rows = tuple(FormRow(field, known.get(field.key) or None) for field in FIELDS)
    return MonitoringForm(appointment=appointment, rows=rows, due_on=due_on(appointment))


def _from_appointment(appointment) -> dict[str, str | None]:
    from sessions.models import Appointment

    location = appointment.location
    earlier = Appointment.objects.filter(
        patient_id=appointment.patient_id, protocol__route=ROUTE, start__lt=appointment.start,
        status__in=(Appointment.Status.IN_SESSION, Appointment.Status.RECOVERING, Appointment.Status.COMPLETED))
    certification = (f", REMS certification {location.rems_certification_number}"
                     if location.rems_certification_number else " (no REMS certification number on file)")
    return {
        "first_treatment": "No" if earlier.exists() else "Yes",
        "monitoring_clinician": str(appointment.nurse),
        "setting": f"{location.name}{certification}",
        "session_date": f"{session_local_date(appointment):%Y-%m-%d}",
    }


def _from_intake(appointment) -> dict[str, str | None]:
    from patients.screening import medication_classes
    from patients.selectors import intake_latest

    patient = appointment.patient
    values: dict[str, str | None] = {
        "patient": f"{patient.full_name}, born {patient.date_of_birth:%Y-%m-%d}",
        "rems_patient_id": next((e.rems_patient_id for e in patient.rems_enrollments.all() if e.rems_patient_id),
                                None),
    }
    intake = intake_latest(patient=patient)
    medicines = ((intake.answers.get("medications") or {}).get("medications") if intake else None)
    if medicines is None:
        return values  # no medication list: the concomitant-medication fields stay missing
    for key, drug_class in MEDICATION_FIELDS.items():
        named = [name for name in medicines if drug_class in medication_classes(name)]
        values[key] = f"Yes: {', '.join(named)} (intake list; confirm today)" if named else "No (intake list)"
    return values


def _from_ledger(appointment) -> dict[str, str | None]:
    from sessions.models import LedgerEntry

    given = list(LedgerEntry.objects.filter(appointment=appointment, kind="administration")
                 .select_related("lot").order_by("occurred_at"))
    if not given:
        return {}
    total = sum((entry.quantity_mg for entry in given), start=0)
    return {"dose": f"{total.normalize():f} mg",
            "lot": ", ".join(dict.fromkeys(entry.lot.lot_number for entry in given))}


FILLERS: tuple[Callable, ...] = (_from_appointment, _from_intake, _from_ledger)
