"""Eligibility screening (CLINICAL.md §2). Pure functions: no database."""

import pytest

from patients import screening
from patients.screening import (
    CONTRAINDICATION,
    EXPLANATION,
    MEDICAL_CHECKLIST,
    MEDICATION,
    REVIEW,
    RULE_TITLES,
    ScreeningError,
    screen,
    trials_meet_trd,
)

ALL_NO = {item.key: False for item in MEDICAL_CHECKLIST}


def history(**yes: bool | None) -> dict[str, bool | None]:
    return ALL_NO | yes


def trial(**overrides) -> dict:
    """An adequate failed trial: 6 weeks, therapeutic dose, current episode, no response."""
    row = {
        "drug": "sertraline",
        "dose": "150 mg",
        "weeks": 6,
        "adequate_dose": True,
        "current_episode": True,
        "response": "none",
    }
    return row | overrides


def codes(result, level=None) -> set[str]:
    return {f.rule_code for f in result.findings if level is None or f.level == level}


# --- The checklist: one source for the form and the rules ----------------------------------------------


def test_absolute_contraindications_are_exactly_those_in_clinical_md():
    absolute = {item.key for item in MEDICAL_CHECKLIST if item.level == CONTRAINDICATION}

    assert absolute == {
        "aneurysmal_vascular_disease",
        "arteriovenous_malformation",
        "intracerebral_haemorrhage",
        "ketamine_hypersensitivity",
    }


def test_review_items_are_exactly_those_in_clinical_md():
    review = {item.key for item in MEDICAL_CHECKLIST if item.level == REVIEW}

    assert review == {
        "uncontrolled_hypertension",
        "heart_attack_or_unstable_angina",
        "stroke_or_tia",
        "coronary_disease",
        "arrhythmia",
        "heart_failure",
        "raised_intracranial_pressure",
        "raised_intraocular_pressure",
        "psychosis",
        "mania",
        "active_substance_use_disorder",
        "liver_disease",
        "pregnancy",
        "breastfeeding",
        "seizures",
        "sleep_apnoea",
    }


def test_checklist_items_unpack_as_key_question_level():
    key, question, level = MEDICAL_CHECKLIST[0]

    assert (key, level) == ("aneurysmal_vascular_disease", CONTRAINDICATION)
    assert question.endswith("?")


def test_checklist_keys_are_unique():
    keys = [item.key for item in MEDICAL_CHECKLIST]

    assert len(keys) == len(set(keys))


def test_every_rule_has_a_title_and_a_plain_words_explanation():
    rule_codes = {item.key for item in MEDICAL_CHECKLIST}
    rule_codes |= {f"med_{drug_class}" for drug_class in screening.MEDICATION_CLASSES}
    rule_codes |= {"trd", "checklist_unanswered", "allergy_mentions_ketamine"}

    assert rule_codes <= set(RULE_TITLES)
    assert rule_codes <= set(EXPLANATION)
    assert set(screening.MEDICATION_CLASSES) == set(screening.MEDICATION_REASONS)


# --- Checklist rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("item", MEDICAL_CHECKLIST, ids=lambda item: item.key)
def test_yes_on_a_checklist_item_gives_a_finding_at_its_level(item):
    result = screen({"medical_history": history(**{item.key: True})})

    [finding] = [f for f in result.findings if f.rule_code == item.key]
    assert finding.level == item.level
    assert finding.title == RULE_TITLES[item.key]
    assert item.question in finding.source_answer
    assert result.has_contraindication is (item.level == CONTRAINDICATION)
    assert result.needs_review is (item.level == REVIEW)


def test_all_no_gives_no_contraindication_and_no_review():
    result = screen({"medical_history": ALL_NO})

    assert result.has_contraindication is False
    assert result.needs_review is False
    assert codes(result) == {"trd"}


@pytest.mark.parametrize(
    "answers",
    [history(seizures=None), {key: value for key, value in ALL_NO.items() if key != "seizures"}],
    ids=["none", "absent"],
)
def test_an_unanswered_checklist_item_needs_review_and_is_never_read_as_no(answers):
    result = screen({"medical_history": answers})

    [finding] = [f for f in result.findings if f.rule_code == "checklist_unanswered"]
    assert finding.level == REVIEW
    assert "Seizures" in finding.source_answer
    assert result.needs_review is True


def test_no_medical_history_at_all_needs_review():
    assert "checklist_unanswered" in codes(screen({}), REVIEW)


def test_an_unknown_checklist_key_raises():
    with pytest.raises(ScreeningError, match="heart_murmur"):
        screen({"medical_history": history(heart_murmur=True)})


def test_a_non_boolean_checklist_answer_raises():
    with pytest.raises(ScreeningError, match="mania"):
        screen({"medical_history": history(mania="yes")})


def test_findings_are_ordered_most_serious_first():
    result = screen(
        {
            "medical_history": history(sleep_apnoea=True, arteriovenous_malformation=True),
            "medications": ["Ativan 1 mg"],
        }
    )

    levels = [f.level for f in result.findings]
    assert levels == ["contraindication", "review", "medication", "info"]


# --- Allergies -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "allergies", ["Ketamine - rash", "esketamine", "reaction to SPRAVATO", "Ketalar", "no reaction to ketamine"]
)
def test_allergy_text_naming_ketamine_needs_a_prescriber_to_confirm_hypersensitivity(allergies):
    # Free text cannot tell "ketamine: rash" from "no reaction to ketamine": a review finding, not absolute.
    result = screen({"medical_history": ALL_NO, "allergies": f"penicillin; {allergies}"})

    [finding] = [f for f in result.findings if f.rule_code == "allergy_mentions_ketamine"]
    assert finding.level == REVIEW
    assert finding.title == "Allergy text mentions ketamine — confirm hypersensitivity"
    assert finding.source_answer.startswith("Allergies:") and allergies in finding.source_answer
    assert result.needs_review is True
    assert result.has_contraindication is False


def test_the_checklist_hypersensitivity_answer_stays_an_absolute_contraindication():
    result = screen({"medical_history": history(ketamine_hypersensitivity=True), "allergies": "ketamine"})

    assert result.has_contraindication is True
    assert {f.level for f in result.findings if f.rule_code == "ketamine_hypersensitivity"} == {CONTRAINDICATION}
    assert "allergy_mentions_ketamine" in codes(result, REVIEW)


@pytest.mark.parametrize("allergies", ["", "penicillin", "latex, sulfa"])
def test_other_allergies_are_not_flagged(allergies):
    result = screen({"medical_history": ALL_NO, "allergies": allergies})

    assert result.has_contraindication is False
    assert "allergy_mentions_ketamine" not in codes(result)


# --- Medication flags ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("medication", "rule_code"),
    [
        ("Xanax 0.5 mg at night", "med_benzodiazepine"),
        ("clonazepam", "med_benzodiazepine"),
        ("LORAZEPAM 1mg prn", "med_benzodiazepine"),
        ("Valium", "med_benzodiazepine"),
        ("temazepam 15 mg", "med_benzodiazepine"),
        ("Oxycodone 5 mg", "med_opioid"),
        ("Suboxone 8/2 film", "med_opioid"),
        ("Tylenol with codeine", "med_opioid"),
        ("zolpidem 10mg", "med_cns_depressant"),
        ("Gabapentin 300 mg TID", "med_cns_depressant"),
        ("Adderall XR 20 mg", "med_psychostimulant"),
        ("Vyvanse", "med_psychostimulant"),
        ("dextroamphetamine", "med_psychostimulant"),
        ("modafinil", "med_psychostimulant"),
        ("phenelzine", "med_maoi"),
        ("Emsam patch", "med_maoi"),
        ("Parnate", "med_maoi"),
        ("Lamictal 200 mg", "med_lamotrigine"),
        ("lamotrigine ER", "med_lamotrigine"),
    ],
)
def test_a_flagged_medication_gives_a_medication_finding(medication, rule_code):
    result = screen({"medical_history": ALL_NO, "medications": ["sertraline 100 mg", medication]})

    [finding] = [f for f in result.findings if f.level == MEDICATION]
    assert finding.rule_code == rule_code
    assert medication in finding.source_answer
    assert result.needs_review is True


@pytest.mark.parametrize("medication", ["sertraline 100 mg", "escitalopram", "lisinopril", "bupropion XL"])
def test_unflagged_medications_give_no_finding(medication):
    result = screen({"medical_history": ALL_NO, "medications": [medication]})

    assert codes(result, MEDICATION) == set()


def test_a_name_inside_a_longer_word_is_not_matched():
    # "amphetamine" must not also match inside "dextroamphetamine": one class, one finding.
    assert screening.medication_classes("dextroamphetamine 10 mg") == ("psychostimulant",)
    assert screening.medication_classes("somatostatin") == ()


def test_each_medication_entry_gives_its_own_finding():
    result = screen({"medical_history": ALL_NO, "medications": ["Xanax", "Klonopin"]})

    assert [f.source_answer for f in result.findings if f.level == MEDICATION] == [
        "Current medications: “Xanax”",
        "Current medications: “Klonopin”",
    ]


# --- Treatment resistance ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trials", "expected"),
    [
        ([trial(), trial(drug="escitalopram")], True),
        ([trial(), trial(drug="bupropion", response="partial")], True),
        ([trial(), trial(drug="escitalopram", weeks=4)], True),
        ([trial()], False),
        ([], False),
        ([trial(), trial(weeks=3)], False),
        ([trial(), trial(weeks=3.9)], False),
        ([trial(), trial(adequate_dose=False)], False),
        ([trial(), trial(current_episode=False)], False),
        ([trial(), trial(response="response")], False),
        ([trial(), trial(response=None)], False),
        ([trial(), trial(weeks=None)], False),
        ([trial(), trial(adequate_dose=None)], False),
    ],
)
def test_trd_needs_two_adequate_trials_with_under_50_percent_improvement(trials, expected):
    assert trials_meet_trd(trials) is expected


@pytest.mark.parametrize(
    ("field", "value"),
    [("response", "great"), ("weeks", "six"), ("weeks", True), ("adequate_dose", "yes")],
)
def test_a_malformed_trial_raises_naming_the_field(field, value):
    with pytest.raises(ScreeningError, match=field):
        trials_meet_trd([trial(**{field: value})])


def test_trd_finding_says_met_and_counts_adequate_failed_trials():
    trials = [trial(), trial(drug="venlafaxine"), trial(drug="bupropion", weeks=2)]

    result = screen({"medical_history": ALL_NO, "antidepressant_trials": trials})

    [finding] = [f for f in result.findings if f.rule_code == "trd"]
    assert finding.level == "info"
    assert finding.detail.startswith("Patient-reported; criteria met: 2 different antidepressant(s)")
    assert finding.source_answer == "Antidepressant trials (3 listed): sertraline, venlafaxine"
    assert result.trd_met is True


def test_trd_finding_says_not_met_when_too_few_trials():
    result = screen({"medical_history": ALL_NO, "antidepressant_trials": [trial()]})

    [finding] = [f for f in result.findings if f.rule_code == "trd"]
    assert finding.detail.startswith("Patient-reported; criteria not met: 1 different antidepressant(s)")
    assert result.trd_met is False
    assert result.needs_review is False
