"""Patients, intake, consent, assessments and treatment plans (DESIGN.md §2), one module each."""

from patients.models.assessment import Assessment, AssessmentSource, Instrument
from patients.models.consent import ConsentDocument, ConsentSignature
from patients.models.intake import (
    Intake,
    IntakeDecision,
    IntakeStatus,
    LinkPurpose,
    PatientLink,
    UrgentAcknowledgement,
)
from patients.models.link_base import PatientLinkBase
from patients.models.name_key import PatientNameKey
from patients.models.patient import Patient
from patients.models.plan import RemsEnrollment, Route, TreatmentPlan
from patients.models.ratelimit import RateLimitCounter
from patients.models.requests import IntakeRequest

__all__ = [
    "Assessment",
    "AssessmentSource",
    "ConsentDocument",
    "ConsentSignature",
    "Instrument",
    "Intake",
    "IntakeDecision",
    "IntakeRequest",
    "IntakeStatus",
    "LinkPurpose",
    "Patient",
    "PatientNameKey",
    "PatientLink",
    "PatientLinkBase",
    "RateLimitCounter",
    "RemsEnrollment",
    "Route",
    "TreatmentPlan",
    "UrgentAcknowledgement",
]
