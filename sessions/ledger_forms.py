"""Forms of the controlled-substance ledger and the REMS queue: they parse and validate; services write."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from clinic.models import Location
from sessions.models import Drug, InventoryCount, Lot

QUANTITY_ERRORS = {"min_value": "The quantity must be more than 0 mg.",
                   "invalid": "Type the quantity in mg, e.g. 35 or 12.5.",
                   "max_decimal_places": "Give the quantity to at most two decimals (0.01 mg).",
                   "max_digits": "That quantity is too large.", "max_whole_digits": "That quantity is too large."}


def _helper(label: str, *, form_id: str = "") -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    if form_id:
        helper.form_id = form_id
    helper.add_input(Submit("submit", label))
    return helper


def quantity_field(label: str = "Quantity (mg)", *, allow_zero: bool = False) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2,
                              min_value=Decimal("0") if allow_zero else Decimal("0.01"),
                              error_messages=QUANTITY_ERRORS)


def witnesses(*, exclude) -> forms.ModelChoiceField:
    """Active staff who may witness (``witness_waste``), never the person recording."""
    perms = Permission.objects.filter(codename="witness_waste", content_type__app_label="clinic_sessions")
    users = (get_user_model().objects.filter(is_active=True)
             .filter(Q(groups__permissions__in=perms) | Q(user_permissions__in=perms))
             .exclude(pk=exclude.pk).distinct().order_by("full_name"))
    return forms.ModelChoiceField(queryset=users, label="Witness",
                                  help_text="Another member of staff, beside you now.")


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        balance = getattr(obj, "balance_mg", None)
        left = f", {balance} mg left" if balance is not None else ""
        return f"{obj.get_drug_display()} lot {obj.lot_number}, {obj.concentration_mg_per_ml} mg/mL, " \
               f"exp. {obj.expires_on:%d %b %Y}{left}"


class LotReceiveForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.filter(is_active=True))
    drug = forms.ChoiceField(choices=Drug.choices)
    ndc = forms.CharField(label="NDC", max_length=20)
    lot_number = forms.CharField(max_length=40)
    concentration_mg_per_ml = forms.DecimalField(label="Concentration (mg/mL)", max_digits=7, decimal_places=2,
                                                 min_value=Decimal("0.01"),
                                                 error_messages={"min_value": "The concentration must be more "
                                                                              "than 0 mg/mL."})
    container_size = forms.CharField(max_length=60, help_text="e.g. 10 mL vial, 28 mg nasal device.")
    containers = forms.IntegerField(label="Containers received", min_value=1,
                                    error_messages={"min_value": "At least one container."})
    quantity_mg = quantity_field("Quantity received (mg)")
    supplier = forms.CharField(max_length=120)
    reference = forms.CharField(label="Invoice or DEA form reference", max_length=80)
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    received_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Record the receipt")

    def clean(self):
        data = super().clean()
        if data.get("expires_on") and data.get("received_on") and data["expires_on"] < data["received_on"]:
            self.add_error("expires_on", "This lot had expired before it was received: do not accept it.")
        return data


class _LotMovementForm(forms.Form):
    """A quantity from one of the offered lots; the three forms share one page, so each has its prefix."""

    submit_label = ""
    lot = LotChoiceField(queryset=Lot.objects.none(), label="Lot")

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots
        self.helper = _helper(self.submit_label, form_id=f"{self.prefix}-form")


class DrawForm(_LotMovementForm):
    prefix, submit_label = "draw", "Draw"
    lot = LotChoiceField(queryset=Lot.objects.none(), label="Lot",
                         help_text="Expired and empty lots are not offered; the soonest to expire is first.")
    quantity_mg = quantity_field("Quantity drawn (mg)")


class GiveForm(_LotMovementForm):
    prefix, submit_label = "give", "Record as given"
    quantity_mg = quantity_field("Quantity given (mg)")


class WasteForm(_LotMovementForm):
    prefix, submit_label = "waste", "Record the waste"
    quantity_mg = quantity_field("Quantity wasted (mg)")
    manner = forms.CharField(max_length=120, initial="Drug disposal container",
                             help_text="How it was made unusable.")
    witness_password = forms.CharField(label="Witness's password", widget=forms.PasswordInput,
                                       help_text="The witness types their own password.")

    def __init__(self, *args, lots, actor, **kwargs):
        super().__init__(*args, lots=lots, **kwargs)
        self.fields["witness"] = witnesses(exclude=actor)
        self.order_fields(["lot", "quantity_mg", "manner", "witness", "witness_password"])


class ReturnForm(forms.Form):
    quantity_mg = quantity_field("Quantity returned (mg)")
    reference = forms.CharField(max_length=80, help_text="The supplier's return authorisation or DEA form number.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Record the return")


class CountForm(forms.Form):
    """One counted quantity (and a reason, for a difference) per lot; the witness confirms with a password."""

    kind = forms.ChoiceField(choices=InventoryCount.Kind.choices, label="Kind of count")
    note = forms.CharField(max_length=300, required=False, help_text="e.g. 'opening of business'.")
    witness_password = forms.CharField(label="Witness's password", widget=forms.PasswordInput)

    def __init__(self, *args, lots, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.lots = list(lots)
        for lot in self.lots:
            self.fields[f"counted_{lot.pk}"] = quantity_field(f"Lot {lot.lot_number}: counted (mg)", allow_zero=True)
            self.fields[f"reason_{lot.pk}"] = forms.CharField(
                label=f"Lot {lot.lot_number}: reason for a difference", max_length=300, required=False)
        self.fields["witness"] = witnesses(exclude=actor)
        self.order_fields(["kind", *[n for lot in self.lots for n in (f"counted_{lot.pk}", f"reason_{lot.pk}")],
                           "note", "witness", "witness_password"])
        self.helper = _helper("Record the count", form_id="count-form")

    def counted(self) -> dict[int, Decimal]:
        return {lot.pk: self.cleaned_data[f"counted_{lot.pk}"] for lot in self.lots}

    def reasons(self) -> dict[int, str]:
        return {lot.pk: self.cleaned_data.get(f"reason_{lot.pk}", "") for lot in self.lots}


class LogFilterForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The end of the period is before its start.")
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(max_length=300, label="What was found or done",
                           help_text="e.g. 'miscount, recounted' or 'theft: DEA Form 106 filed'.")


class RemsSubmitForm(forms.Form):
    confirmation_number = forms.CharField(max_length=60, help_text="As shown by the REMS portal after sending.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Mark submitted", form_id="rems-submit-form")
