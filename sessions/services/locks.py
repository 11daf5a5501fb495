"""Row locks that serialise the writes of one patient or one appointment."""

from patients.models import Patient
from sessions.models import Appointment


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update(of=("self",)).select_related(
        "location", "protocol", "course", "patient").get(pk=appointment.pk)


def _lock_patient(patient) -> None:
    """Serialise bookings for one patient until this transaction ends.

    The minimum interval and the course size are checked in Python before the INSERT; no constraint covers
    them. Without this row lock, two bookings for the same patient (two front-desk screens, a double click)
    both pass the checks and both commit, or both start a course. The second now waits for the first and
    then sees its appointment (READ COMMITTED takes a fresh snapshot per statement)."""
    Patient.objects.select_for_update().only("pk").get(pk=patient.pk)
