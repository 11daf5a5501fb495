"""Questionnaire scoring (CLINICAL.md §3). Pure functions: no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patients import scoring
from patients.scoring import (
    INSTRUMENTS,
    ScoringError,
    is_remission_phq9,
    is_response,
    score,
    score_cssrs,
    score_gad7,
    score_pcl5,
    score_phq9,
)


def answers_totalling(total: int, item_count: int, max_value: int) -> dict[str, int]:
    """Answers q1..qN adding up to ``total``, filling from q1 so the last item stays as low as possible."""
    answers = {}
    remaining = total
    for number in range(1, item_count + 1):
        value = min(max_value, remaining)
        answers[f"q{number}"] = value
        remaining -= value
    assert remaining == 0
    return answers


def phq9(total: int) -> dict[str, int]:
    return answers_totalling(total, 9, 3)


def cssrs(**yes: bool | None) -> dict[str, bool | None]:
    answers: dict[str, bool | None] = {"q1": False, "q2": False, "q6": False}
    answers.update(yes)
    return answers


# --- PHQ-9 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_total_falls_in_the_band_clinical_md_gives(total, band):
    result = score_phq9(phq9(total))

    assert result.total == total
    assert result.band == band
    assert result.instrument == "phq9"


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_above_zero_is_urgent_same_day_review(item9):
    answers = phq9(0) | {"q9": item9}

    result = score_phq9(answers)

    assert result.urgent is True
    assert "same-day" in result.urgent_reasons[0]


def test_phq9_item9_zero_is_not_urgent_even_when_severe():
    result = score_phq9(phq9(24))

    assert result.answers["q9"] == 0
    assert result.band == "severe"
    assert result.urgent is False
    assert result.urgent_reasons == ()


def test_phq9_missing_item_raises_naming_the_item():
    answers = phq9(5)
    del answers["q7"]

    with pytest.raises(ScoringError, match="q7"):
        score_phq9(answers)


def test_phq9_none_answer_counts_as_missing():
    with pytest.raises(ScoringError, match="q3.*missing"):
        score_phq9(phq9(0) | {"q3": None})


@pytest.mark.parametrize("bad", [-1, 4, True, "2", 1.5])
def test_phq9_out_of_range_or_non_integer_value_raises_naming_the_item(bad):
    with pytest.raises(ScoringError, match="q2"):
        score_phq9(phq9(0) | {"q2": bad})


def test_phq9_unknown_item_raises():
    with pytest.raises(ScoringError, match="q10"):
        score_phq9(phq9(0) | {"q10": 1})


def test_scoring_error_is_a_value_error():
    assert issubclass(ScoringError, ValueError)


# --- GAD-7 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_total_falls_in_the_band_clinical_md_gives(total, band):
    result = score_gad7(answers_totalling(total, 7, 3))

    assert (result.total, result.band, result.urgent) == (total, band, False)


def test_gad7_item_above_three_raises():
    with pytest.raises(ScoringError, match="q1"):
        score_gad7(answers_totalling(0, 7, 3) | {"q1": 4})


# --- PCL-5 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "cutoff", "band"),
    [
        (0, 33, "below_cutoff"),
        (32, 33, "below_cutoff"),
        (33, 33, "probable_ptsd"),
        (80, 33, "probable_ptsd"),
        (30, 31, "below_cutoff"),
        (31, 31, "probable_ptsd"),
        (31, 32, "below_cutoff"),
        (32, 32, "probable_ptsd"),
    ],
)
def test_pcl5_probable_ptsd_at_or_above_the_cutoff(total, cutoff, band):
    result = score_pcl5(answers_totalling(total, 20, 4), cutoff=cutoff)

    assert (result.total, result.band) == (total, band)


def test_pcl5_default_cutoff_is_33():
    assert score_pcl5(answers_totalling(32, 20, 4)).band == "below_cutoff"
    assert score_pcl5(answers_totalling(33, 20, 4)).band == "probable_ptsd"


@pytest.mark.parametrize("cutoff", [30, 34, 0, True])
def test_pcl5_cutoff_outside_31_to_33_raises(cutoff):
    with pytest.raises(ScoringError, match="cutoff"):
        score_pcl5(answers_totalling(0, 20, 4), cutoff=cutoff)


def test_pcl5_item_above_four_raises_naming_the_item():
    with pytest.raises(ScoringError, match="q20"):
        score_pcl5(answers_totalling(0, 20, 4) | {"q20": 5})


# --- C-SSRS screener -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        (cssrs(), "none"),
        (cssrs(q1=True), "low"),
        (cssrs(q2=True, q3=False, q4=False, q5=False), "low"),
        (cssrs(q2=True, q3=True, q4=False, q5=False), "moderate"),
        (cssrs(q6=True, q6_recent=False), "moderate"),
        (cssrs(q2=True, q3=False, q4=True, q5=False), "high"),
        (cssrs(q2=True, q3=False, q4=False, q5=True), "high"),
        (cssrs(q6=True, q6_recent=True), "high"),
    ],
)
def test_cssrs_risk_level_follows_clinical_md(answers, risk):
    result = score_cssrs(answers)

    assert result.band == risk
    assert result.total is None
    assert result.urgent is (risk == "high")


def test_cssrs_high_risk_reason_shows_crisis_line():
    result = score_cssrs(cssrs(q6=True, q6_recent=True))

    assert "988" in result.urgent_reasons[0]
    assert "immediate evaluation" in result.urgent_reasons[0]


def test_cssrs_highest_level_wins():
    answers = cssrs(q1=True, q2=True, q3=True, q4=False, q5=True, q6=True, q6_recent=False)

    assert score_cssrs(answers).band == "high"


@pytest.mark.parametrize("item", ["q3", "q4", "q5"])
def test_cssrs_q3_to_q5_must_be_answered_when_q2_is_yes(item):
    answers = cssrs(q2=True, q3=False, q4=False, q5=False)
    del answers[item]

    with pytest.raises(ScoringError, match=item):
        score_cssrs(answers)


@pytest.mark.parametrize("item,risk", [("q3", "moderate"), ("q4", "high"), ("q5", "high")])
def test_cssrs_yes_to_q3_to_q5_counts_even_when_q2_is_no(item, risk):
    """CLINICAL.md §3 (issue 9 item 4): contradictory answers escalate, never vanish."""
    result = score_cssrs(cssrs(**{item: True}))
    assert result.answers[item] is True and result.band == risk
    assert result.urgent is (risk == "high")


def test_cssrs_answers_to_questions_not_asked_are_kept_as_given():
    result = score_cssrs(cssrs(q3=False))

    assert result.answers["q3"] is False
    assert result.answers["q6_recent"] is None


def test_cssrs_recent_behaviour_must_be_answered_when_q6_is_yes():
    with pytest.raises(ScoringError, match="q6_recent"):
        score_cssrs(cssrs(q6=True))


def test_cssrs_recent_behaviour_without_lifetime_behaviour_counts_as_high_risk():
    result = score_cssrs(cssrs(q6_recent=True))
    assert result.band == "high" and result.urgent


@pytest.mark.parametrize("item", ["q1", "q2", "q6"])
def test_cssrs_always_asked_questions_are_required(item):
    answers = cssrs()
    del answers[item]

    with pytest.raises(ScoringError, match=item):
        score_cssrs(answers)


def test_cssrs_non_boolean_answer_raises():
    with pytest.raises(ScoringError, match="q1"):
        score_cssrs(cssrs(q1=1))


# --- Response and remission ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "current", "expected"),
    [
        (20, 10, True),
        (20, 11, False),
        (21, 10, True),
        (21, 11, False),
        (20, 0, True),
        (20, 25, False),
        (0, 0, False),
    ],
)
def test_response_is_a_drop_of_at_least_half_from_baseline(baseline, current, expected):
    assert is_response(baseline, current) is expected


@pytest.mark.parametrize(("baseline", "current"), [(-1, 0), (10, -1), (10.0, 5), (True, 0)])
def test_response_rejects_invalid_scores(baseline, current):
    with pytest.raises(ScoringError):
        is_response(baseline, current)


@pytest.mark.parametrize(("total", "expected"), [(0, True), (4, True), (5, False), (27, False)])
def test_phq9_remission_is_a_total_below_5(total, expected):
    assert is_remission_phq9(total) is expected


@pytest.mark.parametrize("total", [-1, 28])
def test_phq9_remission_rejects_totals_outside_0_to_27(total):
    with pytest.raises(ScoringError):
        is_remission_phq9(total)


# --- Registry, wording, dispatcher ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "item_count", "max_value"),
    [("phq9", 9, 3), ("gad7", 7, 3), ("pcl5", 20, 4), ("cssrs", 7, 1)],
)
def test_registry_defines_items_and_options_for_each_instrument(code, item_count, max_value):
    instrument = INSTRUMENTS[code]

    assert len(instrument.items) == item_count
    assert len(set(instrument.item_keys)) == item_count
    assert all(text.strip() for _, text in instrument.items)
    assert instrument.max_item_value == max_value


def test_frequency_options_use_the_standard_labels():
    assert INSTRUMENTS["phq9"].options == (
        (0, "Not at all"),
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    )
    assert INSTRUMENTS["gad7"].options == INSTRUMENTS["phq9"].options


def test_pcl5_options_use_the_standard_labels():
    labels = [label for _, label in INSTRUMENTS["pcl5"].options]

    assert labels == ["Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely"]


def test_loinc_codes_match_clinical_md():
    assert (INSTRUMENTS["phq9"].loinc_panel, INSTRUMENTS["phq9"].loinc_total) == ("44249-1", "44261-6")
    assert (INSTRUMENTS["gad7"].loinc_panel, INSTRUMENTS["gad7"].loinc_total) == ("69737-5", "70274-6")
    assert scoring.LOINC_PHQ9_TOTAL == "44261-6"


@pytest.mark.parametrize(
    ("code", "answers", "band"),
    [
        ("phq9", answers_totalling(10, 9, 3), "moderate"),
        ("gad7", answers_totalling(15, 7, 3), "severe"),
        ("pcl5", answers_totalling(40, 20, 4), "probable_ptsd"),
        ("cssrs", {"q1": True, "q2": False, "q6": False}, "low"),
    ],
)
def test_dispatcher_scores_with_the_named_instrument(code, answers, band):
    result = score(code, answers)

    assert (result.instrument, result.band) == (code, band)


def test_dispatcher_rejects_an_unknown_instrument():
    with pytest.raises(ScoringError, match="madrs"):
        score("madrs", {})


def test_score_is_frozen():
    result = score_phq9(phq9(3))

    with pytest.raises(AttributeError):
        result.total = 0  # type: ignore[misc]


# --- Properties ----------------------------------------------------------------------------------------

PHQ9_KEYS = INSTRUMENTS["phq9"].item_keys
PHQ9_BAND_CODES = {code for _, _, code, _ in scoring.PHQ9_BANDS}
valid_phq9 = st.fixed_dictionaries({key: st.integers(0, 3) for key in PHQ9_KEYS})


@given(valid_phq9)
def test_any_valid_phq9_answers_give_a_total_in_range_and_a_band(answers):
    result = score_phq9(answers)

    assert 0 <= result.total <= 27
    assert result.total == sum(answers.values())
    assert result.band in PHQ9_BAND_CODES
    assert result.urgent is (answers["q9"] > 0)


@given(
    valid_phq9,
    st.sampled_from(PHQ9_KEYS),
    st.one_of(st.integers(max_value=-1), st.integers(min_value=4)),
)
def test_any_out_of_range_phq9_answer_raises(answers, key, bad):
    with pytest.raises(ScoringError, match=key):
        score_phq9(answers | {key: bad})


@given(st.fixed_dictionaries({f"q{n}": st.integers(0, 3) for n in range(1, 8)}))
def test_any_valid_gad7_answers_give_a_total_in_range(answers):
    result = score_gad7(answers)

    assert 0 <= result.total <= 21
    assert result.band in {"minimal", "mild", "moderate", "severe"}


@st.composite
def valid_cssrs(draw):
    answers = {"q1": draw(st.booleans()), "q2": draw(st.booleans()), "q6": draw(st.booleans())}
    if answers["q2"]:
        answers |= {key: draw(st.booleans()) for key in ("q3", "q4", "q5")}
    if answers["q6"]:
        answers["q6_recent"] = draw(st.booleans())
    return answers


@given(valid_cssrs())
def test_cssrs_is_urgent_exactly_when_intent_plan_or_recent_behaviour(answers):
    result = score_cssrs(answers)

    expected = any(answers.get(key) for key in ("q4", "q5", "q6_recent"))
    assert result.urgent is expected
    assert (result.band == "none") is not any(answers.values())


@given(st.integers(1, 80), st.integers(0, 80))
def test_response_matches_half_of_baseline(baseline, current):
    assert is_response(baseline, current) is (current <= baseline / 2)
