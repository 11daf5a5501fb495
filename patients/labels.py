"""Patient names for pages outside this app that hold only a patient's public id (the access log)."""

from collections.abc import Iterable
from uuid import UUID

from patients.models import Patient


def patient_labels(public_ids: Iterable[UUID]) -> dict[UUID, str]:
    """"Last, First" for each id, in one query."""
    patients = Patient.objects.filter(public_id__in=set(public_ids)).only(
        "public_id", "legal_first_name", "legal_last_name")
    return {patient.public_id: f"{patient.legal_last_name}, {patient.legal_first_name}" for patient in patients}
