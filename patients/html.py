"""The intake queue's and the registry's rows, built in Python with ``clinic.html.format_html`` (every value
escaped, as the template would): a page of 25 rows with a dozen variables and conditions each was most of the
queue's render (issue 13), and of a search's. The markup is the one the templates' loops printed;
tests/patients/test_intake_queue_html.py and test_patient_list_html.py hold them to those loops."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from clinic.html import format_html
from clinic.templatetags.local_time import local, local_date
from patients.models import Intake, IntakeStatus, Patient

ROW = ("\n  \n  <tr{}>\n    <td><a href=\"{}\">{}, {}</a>\n      {}</td>\n    <td>{}</td>\n    \n"
       "    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n  </tr>\n  ")
URGENT = ('<span class="badge text-bg-danger ms-1">Urgent: {}</span>\n      '
          '<span class="small text-body-secondary d-block">{}</span>')
REVIEW = ('<a class="btn btn-sm {}" href="{}">{}<span class="visually-hidden"> intake of {}</span></a>')
STATUS_LABELS = dict(IntakeStatus.choices)


def intake_queue_rows(intakes: Iterable[Intake], *, clinician: bool) -> SafeString:
    """One ``<tr>`` an intake. ``clinician``: may see answers, so sees the urgent flag (a clinical answer: front
    desk sees status only, DESIGN.md §1) and the link to the review. Each intake carries ``patient_url`` and
    ``review_url`` (the view's ``_queue_links``)."""
    return mark_safe("".join(_row(intake, clinician) for intake in intakes))  # noqa: S308 (escaped)


def _row(intake: Intake, clinician: bool) -> str:
    patient = intake.patient
    urgent = clinician and intake.is_urgent
    return format_html(
        ROW, mark_safe(' class="urgent-row"') if urgent else "", intake.patient_url,  # noqa: S308 (a constant)
        patient.legal_last_name, patient.legal_first_name, _urgent_flag(intake) if urgent else "",
        STATUS_LABELS.get(intake.status, intake.status), _waiting(intake), patient.location,
        _review_link(intake) if clinician and (intake.submitted_at or intake.urgent_at) else "")


def _urgent_flag(intake: Intake) -> SafeString:
    notified = (f"On-call e-mailed {local(intake.urgent_notified_at, intake.patient.location)}"
                if intake.urgent_notified_at else "On-call e-mail not sent: phone on-call")
    return format_html(URGENT, intake.urgent_label, notified)


def _waiting(intake: Intake) -> str:
    """A decided intake is not waiting for anyone: its age would read as a backlog."""
    if intake.status in (IntakeStatus.APPROVED, IntakeStatus.DECLINED):
        return f"Decided {local_date(intake.status_changed_at, intake.patient.location)}"
    return timesince(intake.status_changed_at) if intake.status_changed_at else ""


def _review_link(intake: Intake) -> SafeString:
    return format_html(REVIEW, "btn-danger" if intake.is_urgent else "btn-outline-primary", intake.review_url,
                       "Review" if intake.submitted_at else "Open answers so far", intake.patient.full_name)


PATIENT_ROW = ("\n  <tr><td><a href=\"{}\">{}, {}</a>{}</td>\n      <td>{}</td><td>{}</td></tr>\n  ")


def patient_list_rows(patients: Iterable[Patient]) -> SafeString:
    """One ``<tr>`` a patient of the registry's list or a search's results: name (and preferred name), date of
    birth, location. Each patient comes with its location (``select_related``)."""
    return mark_safe("".join(  # noqa: S308 (escaped)
        format_html(PATIENT_ROW, patient.get_absolute_url(), patient.legal_last_name, patient.legal_first_name,
                    format_html(" ({})", patient.preferred_name) if patient.preferred_name else "",
                    patient.date_of_birth.isoformat(), patient.location)
        for patient in patients))
