"""Rooms and chairs, protocols, courses and appointments (DESIGN.md §2, §4, §5; CLINICAL.md §1).

The scheduling rules that protect patients live in PostgreSQL (DESIGN.md §4.1-4.4): exclusion constraints
keep a chair, a patient and a nurse's watch slot to one appointment at a time over ``[start, blocked_until)``
(``blocked_until`` = end + turnover), for appointments that still occupy their time (``OCCUPYING``).
"""

import uuid
from datetime import timedelta

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Func, Q

from clinic.db import placement_trigger, status_transition_trigger
from clinic.links import url_for_public_id
from clinic.models import Location
from patients.models import Patient, Route  # the intake plan's route choices (issue 3)


def default_turnover_minutes() -> int:
    """Chair turnover kept free after each session: the SESSIONS_DEFAULT_TURNOVER_MINUTES setting (15)."""
    return settings.SESSIONS_DEFAULT_TURNOVER_MINUTES


def default_checkin_minutes() -> int:
    """Check-in and pre-dose checks booked before dosing: SESSIONS_DEFAULT_CHECKIN_MINUTES (CLINICAL.md §1: 20)."""
    return settings.SESSIONS_DEFAULT_CHECKIN_MINUTES


def default_min_interval_hours() -> int:
    """SESSIONS_DEFAULT_MIN_INTERVAL_HOURS (CLINICAL.md §1: 48 h for IV, IM and esketamine)."""
    return settings.SESSIONS_DEFAULT_MIN_INTERVAL_HOURS


# Label minimums for esketamine no setting can lower (CLINICAL.md §1 [REG]).
ESKETAMINE_MIN_OBSERVATION_MINUTES = 120
ESKETAMINE_DOSES_MG = (56, 84)


class TsTzRange(Func):
    """PostgreSQL ``tstzrange(start, end, '[)')`` for the exclusion constraints."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Chair(models.Model):
    """A treatment chair or room at a location: one patient at a time (DESIGN.md §4.1)."""

    class Kind(models.TextChoices):
        CHAIR = "chair", "Chair"
        ROOM = "room", "Room"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="chairs")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHAIR)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order of the columns on the day board.")
    is_active = models.BooleanField(default=True, help_text="Untick instead of deleting; no new bookings.")

    class Meta:
        ordering = ["location", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="chair_unique_name_per_location"),
            models.CheckConstraint(condition=Q(kind__in=["chair", "room"]), name="chair_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


class Protocol(models.Model):
    """How a treatment is booked and prepared for. Defaults come from CLINICAL.md §1 and are per-clinic
    settings a manager edits; the booking copies the minutes it used onto the appointment's times."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=80, unique=True)
    route = models.CharField(max_length=16, choices=Route.choices)
    default_dose_mg_per_kg = models.DecimalField(
        "default dose (mg/kg)", max_digits=4, decimal_places=2, null=True, blank=True,
        help_text="Weight-based protocols (IV, IM). The prescriber's order decides the actual dose.",
    )
    default_dose_mg = models.PositiveSmallIntegerField(
        "default dose (mg)", null=True, blank=True, help_text="Fixed-dose protocols (esketamine 56 or 84 mg)."
    )
    checkin_minutes = models.PositiveSmallIntegerField(
        "check-in and pre-dose checks (minutes)", default=default_checkin_minutes,
        help_text="Booked before dosing: check-in, vitals, escort and the pre-dose questions.")
    dosing_minutes = models.PositiveSmallIntegerField(help_text="Infusion, injection or device time.")
    observation_minutes = models.PositiveSmallIntegerField(help_text="Recovery / observation after dosing.")
    turnover_minutes = models.PositiveSmallIntegerField(
        default=default_turnover_minutes, help_text="Chair cleaning and set-up kept free after each session."
    )
    min_interval_hours = models.PositiveSmallIntegerField(
        "minimum interval between sessions (hours)", default=default_min_interval_hours,
        help_text="A new booking must start at least this long after (and before) the patient's other sessions; "
                  "between sessions of two protocols the longer interval applies.",
    )
    fasting_food_hours = models.PositiveSmallIntegerField("no solid food for (hours)", default=0)
    fasting_liquids_minutes = models.PositiveSmallIntegerField("no clear liquids for (minutes)", default=0)
    vitals_schedule = models.CharField(max_length=200, blank=True, help_text="When vitals are due.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(route__in=[c for c, _ in Route.choices]), name="protocol_route_valid"),
            models.CheckConstraint(condition=Q(dosing_minutes__gt=0) | Q(observation_minutes__gt=0),
                                   name="protocol_has_a_duration"),
            # CLINICAL.md §1 [REG]: esketamine observation >= 120 min and a dose of 56 or 84 mg, whatever a
            # manager types.
            models.CheckConstraint(
                condition=~Q(route="intranasal") | Q(observation_minutes__gte=ESKETAMINE_MIN_OBSERVATION_MINUTES,
                                                     default_dose_mg__isnull=False,
                                                     default_dose_mg__in=ESKETAMINE_DOSES_MG),
                name="protocol_esketamine_label_floors"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def session_minutes(self) -> int:
        return self.checkin_minutes + self.dosing_minutes + self.observation_minutes

    @property
    def min_interval(self) -> timedelta:
        return timedelta(hours=self.min_interval_hours)

    @property
    def fasting_instructions(self) -> str:
        parts = []
        if self.fasting_food_hours:
            # Spravato's label says no food at all (CLINICAL.md §1 [REG]); the IV practice is solid food.
            food = "no food" if self.route == Route.INTRANASAL else "no solid food"
            parts.append(f"{food} for {self.fasting_food_hours} hours")
        if self.fasting_liquids_minutes:
            amount = self.fasting_liquids_minutes
            parts.append(f"no drinks for {amount // 60} hours" if amount % 60 == 0
                         else f"no drinks for {amount} minutes")
        return (" and ".join(parts) + " before your appointment").capitalize() if parts else ""


@pghistory.track()  # every change kept by trigger, with the user who made it (DESIGN.md §6)
class Course(models.Model):
    """A series of sessions from the prescriber's plan: an induction (e.g. 6 IV infusions) or a booster."""

    class Kind(models.TextChoices):
        INDUCTION = "induction", "Induction"
        BOOSTER = "booster", "Booster"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="courses")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="courses")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INDUCTION)
    planned_sessions = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_sessions__gte=1), name="course_plans_a_session"),
            models.CheckConstraint(condition=Q(kind__in=["induction", "booster"]), name="course_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} course of {self.planned_sessions} ({self.protocol})"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    IN_SESSION = "in_session", "In session"
    RECOVERING = "recovering", "Recovering"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    RESCHEDULED = "rescheduled", "Rescheduled"
    NO_SHOW = "no_show", "No-show"
    # The patient came and was checked in, and a prescriber stopped the session before any dose (the record's
    # Stop): neither a no-show nor a cancellation, and it frees the chair.
    NOT_GIVEN = "not_given", "Not given"

S = AppointmentStatus


# The only moves a status may make (issue 4); anything else is refused with a message.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.BOOKED: frozenset({S.CONFIRMED, S.CANCELLED, S.RESCHEDULED, S.NO_SHOW}),
    S.CONFIRMED: frozenset({S.CHECKED_IN, S.CANCELLED, S.RESCHEDULED, S.NO_SHOW}),
    S.CHECKED_IN: frozenset({S.IN_SESSION, S.NOT_GIVEN}),
    S.IN_SESSION: frozenset({S.RECOVERING}),
    S.RECOVERING: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.RESCHEDULED: frozenset(),
    S.NO_SHOW: frozenset(),
    S.NOT_GIVEN: frozenset(),
}

# Statuses that hold the chair, the patient and the nurse's slot (the exclusion constraints' condition).
OCCUPYING = (S.BOOKED, S.CONFIRMED, S.CHECKED_IN, S.IN_SESSION, S.RECOVERING, S.COMPLETED)


del S

OCCUPYING_SQL = ", ".join(f"'{status}'" for status in OCCUPYING)


@pghistory.track()  # each status step and who took it stays in the history, not only the last one
class Appointment(models.Model):
    """One booked session. Times are UTC; the location's zone is applied at the edges (DESIGN.md §5)."""

    Status = AppointmentStatus
    ALLOWED_TRANSITIONS = ALLOWED_TRANSITIONS
    OCCUPYING = OCCUPYING

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="appointments")
    nurse = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="watched_appointments")
    nurse_slot = models.PositiveSmallIntegerField(  # DESIGN.md §4.3
        help_text="Which of the nurse's N watch slots (N = the location's nurse-to-patient ratio).")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="appointments", null=True, blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField(help_text="start + check-in + dosing + observation minutes of the protocol")
    blocked_until = models.DateTimeField(help_text="end + turnover: the chair stays free until then")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="rescheduled_to"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)
    late_cancel = models.BooleanField(default=False, help_text="Cancelled inside the late-cancel window (24 h).")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(auto_now_add=True)
    # Filled in by the patient from the appointment link (CLINICAL.md §1: escort, fasting).
    escort_name = models.CharField(max_length=120, blank=True)
    escort_phone = models.CharField(max_length=40, blank=True)
    escort_confirmed_at = models.DateTimeField(null=True, blank=True)
    fasting_acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        permissions = [("attend_appointment", "Can be the nurse watching patients in appointments")]
        indexes = [models.Index(fields=["location", "start"], name="appointment_location_start")]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="appointment_start_before_end"),
            models.CheckConstraint(condition=Q(end__lte=models.F("blocked_until")),
                                   name="appointment_end_within_blocked"),
            models.CheckConstraint(condition=Q(status__in=AppointmentStatus.values),
                                   name="appointment_status_valid"),
            # The upper bound (the location's ratio) is checked by the trigger below.
            models.CheckConstraint(condition=Q(nurse_slot__gte=1), name="appointment_nurse_slot_positive"),
            ExclusionConstraint(
                name="appointment_no_chair_overlap",
                expressions=[(TsTzRange("start", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
                             ("chair", RangeOperators.EQUAL)],
                condition=Q(status__in=OCCUPYING),
            ),
            ExclusionConstraint(
                name="appointment_no_patient_overlap",
                expressions=[(TsTzRange("start", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
                             ("patient", RangeOperators.EQUAL)],
                condition=Q(status__in=OCCUPYING),
            ),
            ExclusionConstraint(
                name="appointment_no_nurse_slot_overlap",
                expressions=[(TsTzRange("start", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
                             ("nurse", RangeOperators.EQUAL), ("nurse_slot", RangeOperators.EQUAL)],
                condition=Q(status__in=OCCUPYING),
            ),
        ]
        triggers = [
            status_transition_trigger(name="appointment_status_transition", noun="an appointment",
                                      transitions=ALLOWED_TRANSITIONS),
            # DESIGN.md §4.3: the slot within the location's ratio, the chair at the location (clinic/db.py).
            placement_trigger(name="appointment_slot_and_chair_match_location", location_model=Location,
                              chair_model=Chair, slot_field="nurse_slot", chair_field="chair",
                              location_field="location", ratio_field="nurse_patient_ratio",
                              slot_constraint="appointment_nurse_slot_within_ratio",
                              chair_constraint="appointment_chair_at_location"),
            # CLINICAL.md §1: a patient's sessions keep the minimum interval, the longer of the two protocols'
            # (sessions/intervals.py is the same rule in Python). Booking locks the patient first, so two
            # bookings for one patient cannot pass this check side by side.
            pgtrigger.Trigger(
                name="appointment_min_interval",
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("start", "patient_id", "protocol_id"),
                when=pgtrigger.Before,
                condition=pgtrigger.Q(new__status__in=OCCUPYING),
                func="""
                IF TG_OP = 'UPDATE' AND NEW.start IS NOT DISTINCT FROM OLD.start
                        AND NEW.patient_id IS NOT DISTINCT FROM OLD.patient_id
                        AND NEW.protocol_id IS NOT DISTINCT FROM OLD.protocol_id THEN
                    RETURN NEW;
                END IF;
                IF EXISTS (
                    SELECT 1 FROM clinic_sessions_appointment other
                    JOIN clinic_sessions_protocol theirs ON theirs.id = other.protocol_id
                    JOIN clinic_sessions_protocol ours ON ours.id = NEW.protocol_id
                    WHERE other.patient_id = NEW.patient_id AND other.id IS DISTINCT FROM NEW.id
                      AND other.status IN (__OCC__)
                      AND abs(extract(epoch FROM other.start - NEW.start))
                          < 3600 * greatest(theirs.min_interval_hours, ours.min_interval_hours)
                ) THEN
                    RAISE EXCEPTION 'the patient has another session closer than the minimum interval'
                        USING ERRCODE = 'check_violation', CONSTRAINT = 'appointment_min_interval';
                END IF;
                RETURN NEW;
                """.replace("__OCC__", OCCUPYING_SQL),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol} at {self.start:%Y-%m-%d %H:%M} UTC ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return url_for_public_id("schedule:appointment")(self.public_id)  # reversed once per process (clinic.links)

    def can_move_to(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS.get(self.status, frozenset())

    @property
    def is_occupying(self) -> bool:
        return self.status in self.OCCUPYING
