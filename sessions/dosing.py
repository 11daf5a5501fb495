"""Weight-based ketamine dosing arithmetic (pure Python, ``Decimal`` throughout; no Django, no database).

Clinical facts come from CLINICAL.md §1 ("Dosing weight", "Dose caps"):

* Store actual weight and which weight was used: actual, ideal or adjusted.
* Ideal body weight (Devine): men 50 kg + 2.3 kg per inch over 5 ft, women 45.5 kg + 2.3 kg per inch
  over 5 ft; adjusted = IBW + 0.4 × (actual − IBW).
* Actual weight is the default; ideal or adjusted may be chosen only when actual weight is above ideal, and
  the dosing weight is never above actual weight.
* Dose caps (per-clinic settings, read by ``clinic.clinical.dose_cap_mg_per_kg``): default 1.0 mg/kg per IV
  session, 0.5 mg/kg per IM session; a dose above the cap needs a prescriber override with a written reason
  (enforced by the caller; this module only reports it). The cap is always checked against mg per kg of
  *actual* weight (:func:`dose_exceeds_cap`).
* Vials come as 10, 50 and 100 mg/mL; 100 mg/mL must be diluted for IV [REG]. A volume is never rounded up
  past the ordered dose.

This module computes numbers; it never chooses a dose or a weight basis — the prescriber does.

Rounding (presentation choices of this app, not clinical rules): weights to 0.1 kg and doses to 0.1 mg
(ROUND_HALF_UP); volumes to 0.01 mL rounded *down*, so that the volume drawn never holds more than the dose.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from clinic.clinical import DOSE_CAP_FLOORS_MG_PER_KG

__all__ = [
    "DEFAULT_IV_CAP_MG_PER_KG",
    "IV_DILUTION_REQUIRED_MG_PER_ML",
    "VIAL_CONCENTRATIONS_MG_PER_ML",
    "Basis",
    "Sex",
    "adjusted_body_weight_kg",
    "dose_exceeds_cap",
    "dose_mg",
    "dosing_weight_kg",
    "exceeds_cap",
    "mg_per_kg_of_actual",
    "ideal_body_weight_kg",
    "needs_dilution_for_iv",
    "volume_ml",
]

Sex = Literal["male", "female"]
Basis = Literal["actual", "ideal", "adjusted"]

#: CLINICAL.md §1: "default 1.0 mg/kg per IV session" (the setting is read by clinic.clinical.dose_cap_mg_per_kg).
DEFAULT_IV_CAP_MG_PER_KG = DOSE_CAP_FLOORS_MG_PER_KG["iv"]
#: CLINICAL.md §1: "Vials come as 10, 50 and 100 mg/mL".
VIAL_CONCENTRATIONS_MG_PER_ML = (Decimal(10), Decimal(50), Decimal(100))
#: CLINICAL.md §1 [REG]: "100 mg/mL must be diluted for IV".
IV_DILUTION_REQUIRED_MG_PER_ML = Decimal(100)

# Devine constants, CLINICAL.md §1.
_DEVINE_BASE_KG: dict[str, Decimal] = {"male": Decimal(50), "female": Decimal("45.5")}
_DEVINE_KG_PER_INCH = Decimal("2.3")
_DEVINE_BASE_INCHES = Decimal(60)  # 5 ft
_CM_PER_INCH = Decimal("2.54")  # exact by definition
_ADJUSTED_FACTOR = Decimal("0.4")

_KG_STEP = Decimal("0.1")
_MG_STEP = Decimal("0.1")
_ML_STEP = Decimal("0.01")


def _to_decimal(name: str, value: Decimal | float | str) -> Decimal:
    """Convert to ``Decimal`` (floats via ``str`` so 177.8 stays 177.8) and require a finite number."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a number, got {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def _positive(name: str, value: Decimal | float | str) -> Decimal:
    number = _to_decimal(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be greater than zero, got {value!r}")
    return number


def _round(value: Decimal, step: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(step, rounding=rounding)


def _vial(concentration: Decimal | float | str) -> Decimal:
    number = _positive("concentration_mg_per_ml", concentration)
    if number not in VIAL_CONCENTRATIONS_MG_PER_ML:
        allowed = ", ".join(str(c) for c in VIAL_CONCENTRATIONS_MG_PER_ML)
        raise ValueError(f"concentration must be one of the vial strengths {allowed} mg/mL, got {concentration!r}")
    return number


# --------------------------------------------------------------------------------------------------
# Dosing weight
# --------------------------------------------------------------------------------------------------


def ideal_body_weight_kg(*, height_cm: Decimal | float, sex: Sex) -> Decimal:
    """Ideal body weight by the Devine formula (CLINICAL.md §1), rounded to 0.1 kg.

    Men 50 kg, women 45.5 kg, plus 2.3 kg per inch over 5 ft (60 in). Devine only defines the formula
    for these two sexes; for anyone else use the actual-weight basis.

    Guard, not a clinical rule: for heights under 5 ft the formula would subtract weight; this function
    returns the base weight instead of going below it. The prescriber should review the basis for such
    patients.
    """
    height = _positive("height_cm", height_cm)
    if sex not in _DEVINE_BASE_KG:
        raise ValueError(f"sex must be 'male' or 'female' for the Devine formula, got {sex!r}")
    inches_over_5ft = max(Decimal(0), height / _CM_PER_INCH - _DEVINE_BASE_INCHES)
    return _round(_DEVINE_BASE_KG[sex] + _DEVINE_KG_PER_INCH * inches_over_5ft, _KG_STEP)


def adjusted_body_weight_kg(*, ibw: Decimal | float, actual: Decimal | float) -> Decimal:
    """Adjusted body weight = IBW + 0.4 × (actual − IBW) (CLINICAL.md §1), rounded to 0.1 kg.

    Applied as written for any actual weight (no clamping is specified in CLINICAL.md).
    """
    ideal = _positive("ibw", ibw)
    actual_kg = _positive("actual", actual)
    return _round(ideal + _ADJUSTED_FACTOR * (actual_kg - ideal), _KG_STEP)


def dosing_weight_kg(
    *,
    basis: Basis = "actual",
    actual_kg: Decimal | float,
    height_cm: Decimal | float | None = None,
    sex: Sex | None = None,
) -> Decimal:
    """The weight to multiply mg/kg by, for the prescriber-chosen ``basis`` (CLINICAL.md §1).

    ``'actual'`` (the default) returns the actual weight (rounded to 0.1 kg). ``'ideal'`` and ``'adjusted'``
    need ``height_cm`` and ``sex`` and may be chosen only when the actual weight is above ideal: otherwise
    ``ValueError`` (a 55 kg man of 5'10" has an ideal weight of 73 kg, and dosing on it would give him
    1.33 mg/kg of his real weight). The result is never above the actual weight. The caller stores both the
    actual weight and the basis used.
    """
    actual = _positive("actual_kg", actual_kg)
    if basis == "actual":
        return _round(actual, _KG_STEP)
    if basis not in ("ideal", "adjusted"):
        raise ValueError(f"basis must be 'actual', 'ideal' or 'adjusted', got {basis!r}")
    if height_cm is None or sex is None:
        raise ValueError(f"the {basis!r} weight basis needs height_cm and sex")
    ibw = ideal_body_weight_kg(height_cm=height_cm, sex=sex)
    if actual <= ibw:
        raise ValueError(f"the {basis!r} weight basis may be used only when actual weight ({actual} kg) is above "
                         f"ideal weight ({ibw} kg): dose on actual weight")
    weight = ibw if basis == "ideal" else adjusted_body_weight_kg(ibw=ibw, actual=actual)
    return min(weight, _round(actual, _KG_STEP))


# --------------------------------------------------------------------------------------------------
# Dose, cap, volume
# --------------------------------------------------------------------------------------------------


def dose_mg(*, mg_per_kg: Decimal | float, weight_kg: Decimal | float) -> Decimal:
    """Dose in mg = mg/kg × dosing weight, rounded to 0.1 mg."""
    return _round(_positive("mg_per_kg", mg_per_kg) * _positive("weight_kg", weight_kg), _MG_STEP)


def exceeds_cap(*, mg_per_kg: Decimal | float, cap_mg_per_kg: Decimal | float | None = None,
                route: str = "iv") -> bool:
    """True if ``mg_per_kg`` (of *actual* weight: see :func:`dose_exceeds_cap`) is above the cap of ``route``
    (CLINICAL.md §1: IV 1.0, IM 0.5 mg/kg, settings), or above ``cap_mg_per_kg`` when given. A dose exactly
    at the cap is not above it. Above the cap the caller must require a prescriber override with a written
    reason."""
    cap = cap_mg_per_kg if cap_mg_per_kg is not None else _route_cap(route)
    return _positive("mg_per_kg", mg_per_kg) > _positive("cap_mg_per_kg", cap)


def _route_cap(route: str) -> Decimal:
    from clinic.clinical import dose_cap_mg_per_kg  # reads the clinic's setting (Django)

    return dose_cap_mg_per_kg(route)


def mg_per_kg_of_actual(*, dose_mg: Decimal | float, actual_kg: Decimal | float) -> Decimal:
    """The dose per kg of *actual* weight, to 0.01 mg/kg: what the cap is checked against (CLINICAL.md §1)."""
    return _round(_positive("dose_mg", dose_mg) / _positive("actual_kg", actual_kg), Decimal("0.01"))


def dose_exceeds_cap(*, dose_mg: Decimal | float, actual_kg: Decimal | float, route: str = "iv",
                     cap_mg_per_kg: Decimal | float | None = None) -> bool:
    """True when ``dose_mg`` is above the cap in mg per kg of *actual* weight (CLINICAL.md §1), whatever weight
    basis the dose was worked out on. Unrounded, so that 0.001 mg/kg above the cap counts."""
    per_kg = _positive("dose_mg", dose_mg) / _positive("actual_kg", actual_kg)
    cap = cap_mg_per_kg if cap_mg_per_kg is not None else _route_cap(route)
    return per_kg > _positive("cap_mg_per_kg", cap)


def volume_ml(*, dose_mg: Decimal | float, concentration_mg_per_ml: Decimal | float) -> Decimal:
    """Volume to draw from a 10, 50 or 100 mg/mL vial (CLINICAL.md §1), to 0.01 mL rounded *down*: a volume
    is never rounded up past the ordered dose (36.5 mg at 100 mg/mL is 0.36 mL, not 0.37 mL = 37 mg).

    This is the undiluted volume drawn; dilution (diluent and final volume) is recorded separately.
    """
    return _round(_positive("dose_mg", dose_mg) / _vial(concentration_mg_per_ml), _ML_STEP, ROUND_DOWN)


def needs_dilution_for_iv(concentration: Decimal | float) -> bool:
    """True for the 100 mg/mL vial, which must be diluted for IV use (CLINICAL.md §1 [REG])."""
    return _vial(concentration) == IV_DILUTION_REQUIRED_MG_PER_ML


def rate_ml_per_h(*, final_volume_ml: Decimal | float, minutes: int | Decimal) -> Decimal:
    """Pump rate for an infusion: final volume over the infusion time, in mL/h, rounded to 0.1 mL/h.

    Added for the session record (issue 10). ROUND_DOWN, not half-up: a rate rounded up would finish the
    bag early, i.e. give the dose faster than ordered."""
    volume = _positive("final_volume_ml", final_volume_ml)
    duration = _positive("minutes", minutes)
    return (volume * 60 / duration).quantize(Decimal("0.1"), rounding="ROUND_DOWN")
