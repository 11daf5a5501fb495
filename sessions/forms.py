"""Schedule forms: times are typed in the location's wall time and become UTC here (DESIGN.md §5)."""

from __future__ import annotations

import re
from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Max
from django.utils import timezone

from clinic.clinical import dose_cap_mg_per_kg
from clinic.models import Location
from clinic.phones import PhoneField
from clinic.templatetags.local_time import clinic_time_zone
from clinic.timezones import canonical_zones, time_zone_choices
from clinic.timezones import local_today as clinic_local_today
from sessions.courses import to_local, to_utc
from sessions.models import Appointment, Chair, Course, Protocol
from sessions.models.scheduling import ESKETAMINE_DOSES_MG, ESKETAMINE_MIN_OBSERVATION_MINUTES
from sessions.selectors import nurses

WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAX_SEARCH_DAYS = 31
BOOKING_HORIZON = timedelta(days=730)  # dates further than this either side are typing mistakes


def local_today(location: Location | None):
    """Today in the location's wall time. The server runs in UTC, whose date is already tomorrow every
    evening in the Americas (DESIGN.md §5); without a location (a form not yet filled in), the clinic's."""
    return clinic_local_today(location.time_zone if location is not None else clinic_time_zone())


def _within_horizon(day, today):
    if not today - BOOKING_HORIZON <= day <= today + BOOKING_HORIZON:
        raise forms.ValidationError("Choose a date within two years of today.", code="horizon")
    return day


def _future_active(queryset):
    """Appointments still to happen or under way: the ones a settings change must not strand."""
    return queryset.filter(status__in=Appointment.OCCUPYING, blocked_until__gt=timezone.now()).exclude(
        status=Appointment.Status.COMPLETED)


def _helper(label: str, method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    helper.add_input(Submit("submit", label))
    return helper


class ChairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.location.name}"


class NurseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class _WhenForm(forms.Form):
    """Chair, nurse, local date and time → ``cleaned_data['start']`` in UTC."""

    chair = ChairChoiceField(queryset=Chair.objects.none())
    nurse = NurseChoiceField(queryset=nurses().none(), label="Nurse watching")
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time", "step": 900}),
                           help_text="Local time at the clinic.")

    def __init__(self, *args, location: Location | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        chairs = Chair.objects.filter(is_active=True, location__is_active=True).select_related("location")
        self.fields["chair"].queryset = chairs.filter(location=location) if location else chairs
        self.fields["nurse"].queryset = nurses()

    def clean(self):
        data = super().clean()
        chair, day, wall = data.get("chair"), data.get("date"), data.get("time")
        if day is not None:
            try:
                _within_horizon(day, local_today(chair.location if chair else None))
            except forms.ValidationError as error:
                self.add_error("date", error)
                return data
        if chair and day and wall:
            data["start"] = to_utc(day, wall, chair.location.time_zone)
            if data["start"] <= timezone.now():
                self.add_error("time", forms.ValidationError("This time has passed: choose a later one.",
                                                             code="past"))
        return data


def protocols_for(route: str | None):
    """Active protocols; with the approved plan's route, only that route's (a protocol of another route
    would only be refused by the booking gate after the front desk filled in the whole form)."""
    protocols = Protocol.objects.filter(is_active=True)
    return protocols.filter(route=route) if route else protocols


class BookingForm(_WhenForm):
    protocol = forms.ModelChoiceField(queryset=Protocol.objects.filter(is_active=True))
    field_order = ["protocol", "date", "time", "chair", "nurse"]

    def __init__(self, *args, route: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protocol"].queryset = protocols_for(route)
        self.helper = _helper("Book appointment")


class RescheduleForm(_WhenForm):
    field_order = ["date", "time", "chair", "nurse"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Move to this time")


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Cancelled within 24 hours of the start counts as a late cancel.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Cancel appointment")
        self.helper.inputs[0].field_classes = "btn btn-danger"

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the appointment is cancelled.", code="blank")
        return reason


class FindSlotForm(forms.Form):
    # A GET with any of these is a submitted search; other parameters (?patient=, ?location=) only prefill.
    SEARCH_FIELDS = ("protocol", "first_day", "last_day")

    protocol = forms.ModelChoiceField(queryset=Protocol.objects.filter(is_active=True))
    location = forms.ModelChoiceField(queryset=Location.objects.filter(is_active=True))
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")
    last_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="To")
    # Carried through the search (a GET form drops the page's own query string), so that the results
    # leave out the patient's clashes and offer "Book this".
    patient = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Find free times", method="get")

    def clean(self):
        data = super().clean()
        today = local_today(data.get("location"))
        for name in ("first_day", "last_day"):
            if data.get(name) is not None:
                try:
                    _within_horizon(data[name], today)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", forms.ValidationError("The end of the range is before its start.",
                                                                 code="reversed"))
            elif (last - first).days > MAX_SEARCH_DAYS:
                self.add_error("last_day", forms.ValidationError(
                    f"Search at most {MAX_SEARCH_DAYS} days at a time.", code="too_long"))
        return data


class CoursePlanForm(forms.Form):
    protocol = forms.ModelChoiceField(queryset=Protocol.objects.filter(is_active=True))
    location = forms.ModelChoiceField(queryset=Location.objects.filter(is_active=True))
    kind = forms.ChoiceField(choices=Course.Kind.choices, initial=Course.Kind.INDUCTION)
    count = forms.IntegerField(min_value=1, max_value=24, label="Number of sessions")
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="First day")
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time", "step": 900}),
                           help_text="Local time at the clinic; kept across daylight-saving changes.")
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, initial=[0, 2, 4], widget=forms.CheckboxSelectMultiple,
        help_text="IV and IM courses. Esketamine follows the label: twice weekly for 4 weeks, then weekly.",
    )

    def __init__(self, *args, route: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protocol"].queryset = protocols_for(route)
        self.helper = _helper("Propose dates")

    def clean(self):
        data = super().clean()
        day = data.get("first_day")
        if day is not None:
            today = local_today(data.get("location"))  # "today" where the sessions happen
            if day < today or day > today + timedelta(days=366):
                self.add_error("first_day", forms.ValidationError(
                    "Choose a first day from today to a year ahead.", code="range"))
        return data


class ChairForm(forms.ModelForm):
    class Meta:
        model = Chair
        fields = ["location", "name", "kind", "position", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save chair")

    def clean_location(self):
        location = self.cleaned_data["location"]
        chair = self.instance
        if chair.pk and location.pk != chair.location_id:
            waiting = _future_active(chair.appointments.all()).count()
            if waiting:
                # Its booked patients would be sent to a chair in another building.
                raise forms.ValidationError(
                    f"{chair.name} has {waiting} upcoming appointment{'s' if waiting != 1 else ''} at "
                    f"{chair.location.name}: reschedule or cancel them before moving the chair, or add a new "
                    f"chair at {location.name} instead.", code="has_appointments")
        return location


class ProtocolForm(forms.ModelForm):
    class Meta:
        model = Protocol
        fields = ["name", "route", "default_dose_mg_per_kg", "default_dose_mg", "checkin_minutes", "dosing_minutes",
                  "observation_minutes", "turnover_minutes", "min_interval_hours", "fasting_food_hours",
                  "fasting_liquids_minutes", "vitals_schedule", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save protocol")

    def clean(self):
        data = super().clean()
        if (data.get("dosing_minutes") or 0) + (data.get("observation_minutes") or 0) == 0:
            raise forms.ValidationError("A session needs some dosing or observation time.", code="no_duration")
        route = data.get("route")
        dose = data.get("default_dose_mg_per_kg")
        if dose is not None and route in ("iv", "im"):
            # CLINICAL.md §1: a default dose never above the route's cap (IV 1.0, IM 0.5 mg/kg; settings).
            cap = dose_cap_mg_per_kg(route)
            if not 0 < dose <= cap:
                self.add_error("default_dose_mg_per_kg", f"Enter a dose above 0 and at most the {route.upper()} "
                                                         f"cap of {cap} mg/kg.")
        if route == "intranasal":
            # Label minimums no setting can lower (CLINICAL.md §1 [REG]); PostgreSQL holds them too
            # (protocol_esketamine_label_floors).
            if (data.get("observation_minutes") or 0) < ESKETAMINE_MIN_OBSERVATION_MINUTES:
                self.add_error("observation_minutes", forms.ValidationError(
                    f"Esketamine needs at least {ESKETAMINE_MIN_OBSERVATION_MINUTES} minutes of observation from the "
                    "first device (Spravato label).", code="label_floor"))
            if data.get("default_dose_mg") not in ESKETAMINE_DOSES_MG:
                self.add_error("default_dose_mg", forms.ValidationError(
                    "Esketamine is given as 56 mg or 84 mg only (Spravato label).", code="label_dose"))
        return data


class LocationScheduleForm(forms.ModelForm):
    open_weekdays = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAY_NAMES)), coerce=int, widget=forms.CheckboxSelectMultiple)
    time_zone = forms.ChoiceField(choices=time_zone_choices, help_text="Appointment times are chosen and shown "
                                                                       "in this zone.")

    class Meta:
        model = Location
        fields = ["time_zone", "opens_at", "closes_at", "open_weekdays", "nurse_patient_ratio",
                  "rems_certification_number", "rems_certification_expires_on"]
        widgets = {"opens_at": forms.TimeInput(attrs={"type": "time"}),
                   "closes_at": forms.TimeInput(attrs={"type": "time"}),
                   "rems_certification_expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save opening hours")
        current = self.instance.time_zone if self.instance.pk else ""
        if current and current not in canonical_zones():  # saved before the list was canonical: keep it choosable
            self.fields["time_zone"].choices = [("Current", [(current, current)]), *time_zone_choices()]

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            self.add_error("closes_at", "Closing time must be after opening time.")
        ratio = data.get("nurse_patient_ratio")
        if ratio is not None and ratio < 1:
            self.add_error("nurse_patient_ratio", "A nurse watches at least one patient.")
        elif ratio is not None and self.instance.pk:
            error = nurse_ratio_error(location=self.instance, ratio=ratio)
            if error is not None:
                self.add_error("nurse_patient_ratio", error)
        number = (data.get("rems_certification_number") or "").strip()
        if bool(number) != bool(data.get("rems_certification_expires_on")):
            self.add_error("rems_certification_expires_on", "Give both the REMS certification number and its expiry "
                                                            "date, or neither.")
        return data


def nurse_ratio_error(*, location: Location, ratio: int) -> forms.ValidationError | None:
    """Refuse a ratio below a watch slot that upcoming appointments already use: those appointments were
    placed in that slot, and a lower ratio would leave a nurse watching more patients than it allows."""
    highest = _future_active(Appointment.objects.filter(location=location)).aggregate(
        slot=Max("nurse_slot"))["slot"]
    if highest is None or ratio >= highest:
        return None
    return forms.ValidationError(
        f"Upcoming appointments already use watch slot {highest}: the ratio cannot go below "
        f"{highest} until they are over, rescheduled or cancelled.", code="slots_in_use")


class LocationAdminForm(forms.ModelForm):
    """The admin's location page, with the same refusal as the schedule settings page."""

    class Meta:
        model = Location
        fields = ["name", "address", "phone", "time_zone", "is_active", "opens_at", "closes_at", "open_weekdays",
                  "nurse_patient_ratio"]
        field_classes = {"phone": PhoneField}

    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=400, required=False)

    def clean_nurse_patient_ratio(self):
        ratio = self.cleaned_data["nurse_patient_ratio"]
        if self.instance.pk and ratio is not None:
            error = nurse_ratio_error(location=self.instance, ratio=ratio)
            if error is not None:
                raise error
        return ratio


def clean_escort_name(value: str) -> str:
    """A confirmed escort unlocks the session start, so "x" or "-" must not pass for a name."""
    value = value.strip()
    if len(re.findall(r"[^\W\d_]", value)) < 2:
        raise forms.ValidationError("Enter the escort's name (at least two letters).", code="escort_name")
    return value


class _EscortFieldsMixin:
    def clean_escort_name(self):
        return clean_escort_name(self.cleaned_data["escort_name"])


class EscortForm(_EscortFieldsMixin, forms.Form):
    escort_name = forms.CharField(max_length=120, label="Escort's name")
    escort_phone = PhoneField(label="Escort's phone")

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Confirm escort")
        self.helper.form_action = action


class PrepareForm(_EscortFieldsMixin, forms.Form):
    escort_name = forms.CharField(max_length=120, label="Name of the adult taking you home",
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))
    escort_phone = PhoneField(label="Their phone number", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    fasting_understood = forms.BooleanField(label="I have read the fasting instructions and will follow them")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Confirm")


def local_initial(appointment) -> dict:
    local = to_local(appointment.start, appointment.location.time_zone)
    return {"date": local.date(), "time": local.time().replace(tzinfo=None), "chair": appointment.chair,
            "nurse": appointment.nurse}
