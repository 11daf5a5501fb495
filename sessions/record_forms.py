"""Forms of the session record: each validates its input and turns clinic wall times into UTC (DESIGN.md §5)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django import forms
from django.utils import timezone

from patients.scoring.questions import FREQUENCY_OPTIONS, PHQ9_ITEMS
from sessions.courses import to_local, to_utc
from sessions.models import VITAL_BOUNDS, AdverseEventKind, Dissociation, PregnancyStatus, Severity, WeightBasis
from sessions.services.records import RESCUE_DRUGS

LB_PER_KG = Decimal("2.20462")


class RecordForm(forms.Form):
    """Times are typed as HH:MM on the session's day, in the clinic's time."""

    def __init__(self, *args, time_zone: str = "UTC", **kwargs):
        # Many forms share one page: ids of their own, so that each label finds its input.
        kwargs.setdefault("auto_id", f"{type(self).__name__.lower()}_%s")
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        for bound in self.fields.values():
            widget = bound.widget
            css = ("form-check-input" if isinstance(widget, forms.CheckboxInput) else "" if isinstance(
                widget, forms.RadioSelect) else "form-select" if isinstance(widget, forms.Select) else "form-control")
            widget.attrs.setdefault("class", css)

    def moment(self, value: time | None) -> datetime | None:
        if value is None:
            return None
        today = to_local(timezone.now(), self.time_zone).date()
        return to_utc(today, value, self.time_zone)


def _time(label: str, required: bool = True) -> forms.TimeField:
    return forms.TimeField(label=label, required=required, widget=forms.TimeInput(attrs={"type": "time"}))


def _vital(name: str, label: str, required: bool = True) -> forms.IntegerField:
    low, high = VITAL_BOUNDS[name]
    return forms.IntegerField(label=label, min_value=low, max_value=high, required=required,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class VitalsFields(forms.Form):
    systolic = _vital("systolic", "Systolic")
    diastolic = _vital("diastolic", "Diastolic")
    heart_rate = _vital("heart_rate", "HR")
    spo2 = _vital("spo2", "SpO₂ %")
    respiratory_rate = _vital("respiratory_rate", "RR", required=False)

    def clean(self):
        data = super().clean()
        if data.get("systolic") and data.get("diastolic") and data["systolic"] <= data["diastolic"]:
            raise forms.ValidationError("The systolic pressure must be above the diastolic.", code="bp_order")
        return data


class ChecksForm(RecordForm, VitalsFields):
    identity_confirmed = forms.BooleanField(label="Identity confirmed (name and date of birth)")
    weight = forms.DecimalField(label="Today's weight", min_value=Decimal("0.1"), max_digits=5, decimal_places=1)
    weight_unit = forms.ChoiceField(choices=[("kg", "kg"), ("lb", "lb")], initial="kg")
    last_food = _time("Last solid food (time)")
    last_liquid = _time("Last clear liquid (time)")
    escort_name = forms.CharField(max_length=120, required=False)
    escort_phone = forms.CharField(max_length=40, required=False)
    escort_confirmed = forms.BooleanField(label="Escort confirmed (will take the patient home)", required=False)
    pregnancy_status = forms.ChoiceField(choices=PregnancyStatus.choices)
    medication_changes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000,
                                         label="Medication changes since the last visit")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, text in PHQ9_ITEMS:
            self.fields[f"phq9_{key}"] = forms.TypedChoiceField(label=f"PHQ-9 {key[1:]}. {text}", coerce=int,
                                                               choices=FREQUENCY_OPTIONS, initial=0)

    def clean(self):
        data = super().clean()
        weight = data.get("weight")
        if weight is not None:
            kg = weight if data.get("weight_unit") == "kg" else (weight / LB_PER_KG)
            kg = kg.quantize(Decimal("0.1"))
            if not Decimal(20) <= kg <= Decimal(350):
                self.add_error("weight", f"{weight} {data.get('weight_unit')} is not a plausible weight (20-350 kg):"
                                         " check the number and the unit.")
            data["weight_kg"] = kg
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"identity_confirmed": d["identity_confirmed"], "weight_kg": d["weight_kg"],
                    "weight_entered": f"{d['weight']} {d['weight_unit']}", "last_food_at": self.moment(d["last_food"]),
                    "last_liquid_at": self.moment(d["last_liquid"]), "escort_name": d["escort_name"],
                    "escort_phone": d["escort_phone"], "escort_confirmed": d["escort_confirmed"],
                    "pregnancy_status": d["pregnancy_status"], "medication_changes": d["medication_changes"],
                    "phq9_answers": {key: d[f"phq9_{key}"] for key, _ in PHQ9_ITEMS}, "systolic": d["systolic"],
                    "diastolic": d["diastolic"], "heart_rate": d["heart_rate"], "spo2": d["spo2"],
                    "respiratory_rate": d.get("respiratory_rate")}


class ReleaseForm(RecordForm):
    decision = forms.ChoiceField(choices=[("go", "Go: dosing may start"), ("stop", "Stop: not given today")],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def service_kwargs(self):
        return {"decision": self.cleaned_data["decision"], "reason": self.cleaned_data["reason"]}


class OrderForm(RecordForm):
    mg_per_kg = forms.DecimalField(label="Dose (mg/kg)", required=False, min_value=Decimal("0.01"),
                                   max_value=Decimal("2"), max_digits=4, decimal_places=2)
    basis = forms.ChoiceField(choices=WeightBasis.choices, initial="actual", label="Weight basis")
    concentration = forms.TypedChoiceField(label="Vial (mg/mL)", coerce=Decimal, required=False,
                                           choices=[("10", "10 mg/mL"), ("50", "50 mg/mL"), ("100", "100 mg/mL")])
    diluent_ml = forms.DecimalField(label="Diluent (mL)", required=False, min_value=0, max_value=1000)
    final_volume_ml = forms.DecimalField(label="Final volume (mL)", required=False, min_value=1, max_value=1000)
    infusion_minutes = forms.IntegerField(label="Infusion time (min)", required=False, min_value=1, max_value=240)
    esketamine_mg = forms.TypedChoiceField(label="Esketamine dose", coerce=int, required=False, empty_value=None,
                                           choices=[("", "—"), ("56", "56 mg (2 devices)"),
                                                    ("84", "84 mg (3 devices)")])
    cap_override_reason = forms.CharField(required=False, label="Reason for a dose above the cap (prescriber)",
                                          max_length=2000,
                                          widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self):
        d = self.cleaned_data
        return {"mg_per_kg": d["mg_per_kg"], "basis": d["basis"], "concentration": d.get("concentration") or None,
                    "diluent_ml": d["diluent_ml"], "final_volume_ml": d["final_volume_ml"],
                    "infusion_minutes": d["infusion_minutes"], "esketamine_mg": d["esketamine_mg"],
                    "cap_override_reason": d["cap_override_reason"]}


class AdministrationForm(RecordForm):
    """The lot comes from the controlled-substance ledger (``lots``: the location's lots of the drug, not expired,
    not empty); the typed drug, NDC, lot, expiry and concentration are offered only when no lot is on file."""

    ledger_lot = forms.ModelChoiceField(label="Lot (from the ledger)", queryset=None, required=False,
                                        empty_label="Choose the lot")
    drug = forms.CharField(initial="Ketamine hydrochloride", max_length=80)
    ndc = forms.CharField(label="NDC", max_length=20)
    lot = forms.CharField(max_length=40, help_text="No lot of this drug is on file in the ledger here: type it.")
    expiry = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    concentration = forms.DecimalField(label="Concentration (mg/mL)", min_value=Decimal("0.1"), max_value=100)
    volume_ml = forms.DecimalField(label="Volume drawn (mL)", min_value=Decimal("0.01"), max_value=100)
    pump = forms.CharField(max_length=60, required=False)
    started = _time("Start")

    TYPED = ("drug", "ndc", "lot", "expiry", "concentration")

    def __init__(self, *args, lots=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lots is not None and lots.exists():
            self.fields["ledger_lot"].queryset = lots
            self.fields["ledger_lot"].required = True
            self.fields["ledger_lot"].label_from_instance = (
                lambda lot: f"{lot.lot_number} · {lot.concentration_mg_per_ml} mg/mL · exp. {lot.expires_on:%d %b %Y}"
                            f" · {lot.balance_mg} mg left")
            for name in self.TYPED:
                del self.fields[name]
        else:
            del self.fields["ledger_lot"]

    def service_kwargs(self):
        d = self.cleaned_data
        kwargs = {"volume_ml": d["volume_ml"], "pump": d["pump"], "started_at": self.moment(d["started"])}
        if "ledger_lot" in d:
            return kwargs | {"ledger_lot": d["ledger_lot"]}
        return kwargs | {"drug": d["drug"], "ndc": d["ndc"], "lot": d["lot"], "expiry": d["expiry"],
                         "concentration": d["concentration"]}


class ChangeForm(RecordForm):
    kind = forms.ChoiceField(choices=[("pause", "Pause"), ("resume", "Resume"), ("rate", "Change rate"),
                                      ("stop", "Stop")])
    at = _time("Time")
    new_rate_ml_per_h = forms.DecimalField(label="New rate (mL/h)", required=False, min_value=0, max_value=2000)
    reason = forms.CharField(max_length=300, required=False)

    def service_kwargs(self):
        d = self.cleaned_data
        return {"kind": d["kind"], "at": self.moment(d["at"]), "reason": d["reason"],
                    "new_rate_ml_per_h": d["new_rate_ml_per_h"]}


class DeviceForm(RecordForm):
    given = _time("Device given at")

    def service_kwargs(self):
        return {"given_at": self.moment(self.cleaned_data["given"])}


class VitalForm(RecordForm, VitalsFields):
    taken = _time("Time")
    moaas = forms.TypedChoiceField(label="MOAA/S", coerce=int, required=False, empty_value=None,
                                   choices=[("", "—")] + [(str(i), str(i)) for i in range(5, -1, -1)])
    dissociation = forms.ChoiceField(choices=[("", "—"), *Dissociation.choices], required=False)
    note = forms.CharField(max_length=300, required=False)

    def service_kwargs(self):
        d = self.cleaned_data
        return {"taken_at": self.moment(d["taken"]), "systolic": d["systolic"], "diastolic": d["diastolic"],
                    "heart_rate": d["heart_rate"], "spo2": d["spo2"], "respiratory_rate": d.get("respiratory_rate"),
                    "moaas": d["moaas"], "dissociation": d["dissociation"], "note": d["note"]}


class EventForm(RecordForm):
    kind = forms.ChoiceField(choices=AdverseEventKind.choices, label="Event")
    severity = forms.ChoiceField(choices=Severity.choices)
    occurred = _time("Time")
    description = forms.CharField(max_length=300, required=False)
    drug = forms.ChoiceField(choices=[("", "— none —"), *[(d, d.capitalize()) for d in RESCUE_DRUGS],
                                      ("other", "Other (write in the note)")], required=False, label="Drug given")
    dose = forms.CharField(max_length=40, required=False, help_text="e.g. 4 mg")
    route = forms.ChoiceField(choices=[("IV", "IV"), ("PO", "PO"), ("ODT", "ODT"), ("IM", "IM")], required=False)
    given = _time("Drug given at", required=False)
    outcome = forms.CharField(max_length=300, required=False)

    def service_kwargs(self):
        d = self.cleaned_data
        return {"kind": d["kind"], "severity": d["severity"], "occurred_at": self.moment(d["occurred"]),
                    "description": d["description"], "outcome": d["outcome"], "drug": d["drug"], "dose": d["dose"],
                    "route": d["route"], "given_at": self.moment(d["given"])}


ALDRETE = [(2, "2"), (1, "1"), (0, "0")]


class DischargeForm(RecordForm):
    discharged = _time("Discharge time")
    activity = forms.TypedChoiceField(coerce=int, choices=[(2, "2 – moves 4 limbs"), (1, "1 – moves 2 limbs"),
                                                           (0, "0 – moves none")])
    respiration = forms.TypedChoiceField(coerce=int, choices=[(2, "2 – breathes deeply, coughs"),
                                                              (1, "1 – dyspnoea or shallow"), (0, "0 – apnoeic")])
    consciousness = forms.TypedChoiceField(coerce=int, choices=[(2, "2 – fully awake"), (1, "1 – rousable"),
                                                                (0, "0 – not responding")])
    oxygen = forms.TypedChoiceField(coerce=int, label="Oxygen saturation",
                                    choices=[(2, "2 – SpO₂ > 92 % on room air"), (1, "1 – needs O₂ to stay > 90 %"),
                                             (0, "0 – < 90 % with O₂")])
    systolic = _vital("systolic", "Systolic BP now (circulation is computed from it against baseline)")
    escort_present = forms.BooleanField(required=False, label="Escort present")
    instructions_given = forms.BooleanField(required=False, label="Written instructions given")

    def service_kwargs(self):
        d = self.cleaned_data
        return {"discharged_at": self.moment(d["discharged"]), "activity": d["activity"],
                "respiration": d["respiration"],
                    "consciousness": d["consciousness"], "oxygen": d["oxygen"], "systolic": d["systolic"],
                    "escort_present": d["escort_present"], "instructions_given": d["instructions_given"]}


class SignForm(RecordForm):
    same_html_when_empty = True  # its empty HTML is rendered once (sessions_tags.record_form)
    secret = forms.CharField(label="Your password (or your six-digit code if you use two-step sign-in)",
                             widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def service_kwargs(self):
        return {"secret": self.cleaned_data["secret"]}


class AddendumForm(SignForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Addendum", max_length=4000)

    def service_kwargs(self):
        return {"text": self.cleaned_data["text"], "secret": self.cleaned_data["secret"]}


class ErrorMarkForm(RecordForm):
    target_type = forms.CharField(widget=forms.HiddenInput)
    target = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=300, label="Why is this entry wrong?")

    def service_kwargs(self):
        d = self.cleaned_data
        return {"target_type": d["target_type"], "target_public_id": d["target"], "reason": d["reason"]}


class EmptyForm(RecordForm):
    def service_kwargs(self):
        return {}
