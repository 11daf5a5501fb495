"""Weight-based dosing arithmetic (CLINICAL.md §1 "Dosing weight", "Dose caps"). No database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sessions.dosing import (
    DEFAULT_IV_CAP_MG_PER_KG,
    adjusted_body_weight_kg,
    dose_mg,
    dosing_weight_kg,
    exceeds_cap,
    ideal_body_weight_kg,
    needs_dilution_for_iv,
    volume_ml,
)

INCH_CM = Decimal("2.54")

# --- ideal body weight (Devine) ----------------------------------------------------------------------


def test_ibw_of_70_inch_man_is_73_kg():
    assert ideal_body_weight_kg(height_cm=70 * INCH_CM, sex="male") == Decimal("73.0")


def test_ibw_of_65_inch_woman_is_57_kg():
    assert ideal_body_weight_kg(height_cm=65 * INCH_CM, sex="female") == Decimal("57.0")


def test_ibw_accepts_float_height_without_binary_artefacts():
    result = ideal_body_weight_kg(height_cm=177.8, sex="male")

    assert isinstance(result, Decimal)
    assert result == Decimal("73.0")


def test_ibw_at_exactly_five_feet_is_the_base_weight():
    assert ideal_body_weight_kg(height_cm=60 * INCH_CM, sex="male") == Decimal("50.0")
    assert ideal_body_weight_kg(height_cm=60 * INCH_CM, sex="female") == Decimal("45.5")


def test_ibw_under_five_feet_does_not_go_below_base_weight():
    assert ideal_body_weight_kg(height_cm=Decimal(140), sex="male") == Decimal("50.0")
    assert ideal_body_weight_kg(height_cm=Decimal(140), sex="female") == Decimal("45.5")


def test_ibw_rounds_to_a_tenth_of_a_kg():
    # 180 cm = 70.866 in -> 50 + 2.3 * 10.866 = 74.99 kg
    assert ideal_body_weight_kg(height_cm=Decimal(180), sex="male") == Decimal("75.0")


@pytest.mark.parametrize("sex", ["other", "M", "", None])
def test_ibw_rejects_sex_outside_devine_formula(sex):
    with pytest.raises(ValueError, match="sex"):
        ideal_body_weight_kg(height_cm=Decimal(170), sex=sex)


@pytest.mark.parametrize("height", [0, -170, Decimal(-1), Decimal("NaN"), float("inf"), "tall"])
def test_ibw_rejects_non_positive_or_non_numeric_height(height):
    with pytest.raises(ValueError, match="height_cm"):
        ideal_body_weight_kg(height_cm=height, sex="male")


# --- adjusted body weight ----------------------------------------------------------------------------


def test_adjusted_weight_is_ibw_plus_40_percent_of_excess():
    # 73 + 0.4 * (113 - 73) = 89
    assert adjusted_body_weight_kg(ibw=Decimal("73.0"), actual=Decimal(113)) == Decimal("89.0")


def test_adjusted_weight_below_ibw_applies_formula_as_written():
    # 73 + 0.4 * (63 - 73) = 69
    assert adjusted_body_weight_kg(ibw=Decimal("73.0"), actual=Decimal(63)) == Decimal("69.0")


def test_adjusted_weight_rejects_non_positive_inputs():
    with pytest.raises(ValueError, match="actual"):
        adjusted_body_weight_kg(ibw=Decimal(73), actual=Decimal(0))
    with pytest.raises(ValueError, match="ibw"):
        adjusted_body_weight_kg(ibw=Decimal(-73), actual=Decimal(80))


# --- dosing weight by basis --------------------------------------------------------------------------


def test_dosing_weight_actual_basis_returns_actual_weight():
    assert dosing_weight_kg(basis="actual", actual_kg=Decimal("113.04")) == Decimal("113.0")


def test_dosing_weight_ideal_basis_uses_devine():
    weight = dosing_weight_kg(basis="ideal", actual_kg=Decimal(113), height_cm=70 * INCH_CM, sex="male")

    assert weight == Decimal("73.0")


def test_dosing_weight_adjusted_basis_combines_ibw_and_actual():
    weight = dosing_weight_kg(basis="adjusted", actual_kg=Decimal(113), height_cm=70 * INCH_CM, sex="male")

    assert weight == Decimal("89.0")


def test_dosing_weight_ideal_basis_needs_height_and_sex():
    with pytest.raises(ValueError, match="height_cm and sex"):
        dosing_weight_kg(basis="ideal", actual_kg=Decimal(80))


def test_dosing_weight_rejects_unknown_basis():
    with pytest.raises(ValueError, match="basis"):
        dosing_weight_kg(basis="lean", actual_kg=Decimal(80), height_cm=Decimal(170), sex="male")


# --- dose, cap ---------------------------------------------------------------------------------------


def test_dose_is_mg_per_kg_times_weight_rounded_to_tenth_mg():
    assert dose_mg(mg_per_kg=Decimal("0.5"), weight_kg=Decimal("73.0")) == Decimal("36.5")
    assert dose_mg(mg_per_kg=Decimal("0.35"), weight_kg=Decimal("81.3")) == Decimal("28.5")  # 28.455


def test_dose_rounds_half_up():
    assert dose_mg(mg_per_kg=Decimal("0.5"), weight_kg=Decimal("70.1")) == Decimal("35.1")  # 35.05


@pytest.mark.parametrize("mg_per_kg, weight", [(0, 70), (Decimal("0.5"), 0), (Decimal("-0.5"), 70)])
def test_dose_rejects_non_positive_inputs(mg_per_kg, weight):
    with pytest.raises(ValueError, match="greater than zero"):
        dose_mg(mg_per_kg=mg_per_kg, weight_kg=weight)


def test_default_cap_is_one_mg_per_kg():
    assert DEFAULT_IV_CAP_MG_PER_KG == Decimal("1.0")


def test_dose_above_default_cap_exceeds_it():
    assert exceeds_cap(mg_per_kg=Decimal("1.1")) is True


def test_dose_at_or_below_default_cap_does_not_exceed_it():
    assert exceeds_cap(mg_per_kg=Decimal("1.0")) is False
    assert exceeds_cap(mg_per_kg=Decimal("0.5")) is False


def test_clinic_specific_cap_is_respected():
    assert exceeds_cap(mg_per_kg=Decimal("0.8"), cap_mg_per_kg=Decimal("0.75")) is True
    assert exceeds_cap(mg_per_kg=Decimal("0.75"), cap_mg_per_kg=Decimal("0.75")) is False


def test_cap_check_rejects_non_positive_values():
    with pytest.raises(ValueError, match="mg_per_kg"):
        exceeds_cap(mg_per_kg=Decimal(0))
    with pytest.raises(ValueError, match="cap_mg_per_kg"):
        exceeds_cap(mg_per_kg=Decimal("0.5"), cap_mg_per_kg=Decimal(0))


# --- volume and dilution -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "concentration, expected",
    [(10, Decimal("3.65")), (50, Decimal("0.73")), (100, Decimal("0.36"))],  # 36.5 mg: never rounded up
)
def test_volume_for_each_vial_strength(concentration, expected):
    assert volume_ml(dose_mg=Decimal("36.5"), concentration_mg_per_ml=concentration) == expected


def test_volume_rejects_concentration_that_is_not_a_vial_strength():
    with pytest.raises(ValueError, match="vial strengths"):
        volume_ml(dose_mg=Decimal("36.5"), concentration_mg_per_ml=25)


def test_volume_rejects_non_positive_dose():
    with pytest.raises(ValueError, match="dose_mg"):
        volume_ml(dose_mg=Decimal(0), concentration_mg_per_ml=10)


def test_only_100_mg_per_ml_needs_dilution_for_iv():
    assert needs_dilution_for_iv(Decimal(100)) is True
    assert needs_dilution_for_iv(100) is True
    assert needs_dilution_for_iv(50) is False
    assert needs_dilution_for_iv(10) is False


def test_dilution_check_rejects_unknown_concentration():
    with pytest.raises(ValueError, match="vial strengths"):
        needs_dilution_for_iv(20)
