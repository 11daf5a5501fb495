"""Scoring on the server: validated answers in, totals, bands and urgent reasons out (CLINICAL.md §3)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .questions import (
    CSSRS,
    CSSRS_ASKED_IF_Q2_YES,
    CSSRS_ITEMS,
    CSSRS_OPTIONS,
    CSSRS_RISK_LABELS,
    CSSRS_STEM,
    FREQUENCY_OPTIONS,
    GAD7,
    GAD7_BANDS,
    GAD7_ITEMS,
    GAD7_STEM,
    LOINC_GAD7_PANEL,
    LOINC_GAD7_TOTAL,
    LOINC_PHQ9_PANEL,
    LOINC_PHQ9_TOTAL,
    PCL5,
    PCL5_BELOW,
    PCL5_CUTOFF_RANGE,
    PCL5_DEFAULT_CUTOFF,
    PCL5_ITEMS,
    PCL5_OPTIONS,
    PCL5_PROBABLE,
    PCL5_STEM,
    PHQ9,
    PHQ9_BANDS,
    PHQ9_ITEMS,
    PHQ9_REMISSION_BELOW,
    PHQ9_RISK_ITEM,
    PHQ9_STEM,
    URGENT_CSSRS_HIGH,
    URGENT_PHQ9_ITEM9,
    Band,
)


class ScoringError(ValueError):
    """Answers that cannot be scored: a missing item, an unknown item, or a value out of range."""


@dataclass(frozen=True)
class Score:
    """The result of scoring one questionnaire.

    ``band`` is a machine code (``"moderate"``), ``band_label`` the words to show. For the C-SSRS
    ``total`` is None and ``band`` is the risk level (none / low / moderate / high).
    """

    instrument: str
    total: int | None
    band: str
    band_label: str
    urgent: bool = False
    urgent_reasons: tuple[str, ...] = ()
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Instrument:
    """Everything a form, a scorer or an export needs to know about one questionnaire."""

    code: str
    name: str
    stem: str
    items: tuple[tuple[str, str], ...]
    options: tuple[tuple[Any, str], ...]
    scorer: Callable[[Mapping[str, Any]], Score]
    bands: tuple[Band, ...] = ()
    loinc_panel: str | None = None
    loinc_total: str | None = None

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.items)

    @property
    def max_item_value(self) -> int:
        """Highest value one item can take (3 for PHQ-9 / GAD-7, 4 for PCL-5; 1 = yes for C-SSRS)."""
        return max(int(value) for value, _ in self.options)


def _check_known_keys(name: str, answers: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    unknown = sorted(set(answers) - set(keys))
    if unknown:
        raise ScoringError(f"{name}: unknown item(s) {', '.join(unknown)}; expected {', '.join(keys)}.")


def _validated_int_answers(
    name: str, answers: Mapping[str, Any], keys: tuple[str, ...], max_value: int
) -> dict[str, int]:
    """Return the answers in item order, each an int in 0..max_value, or raise ScoringError."""
    _check_known_keys(name, answers, keys)
    clean: dict[str, int] = {}
    for key in keys:
        if key not in answers or answers[key] is None:
            raise ScoringError(f"{name}: item {key} is missing.")
        value = answers[key]
        # bool is a subclass of int: a True here is a form bug, not a score of 1.
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScoringError(f"{name}: item {key} must be a whole number 0–{max_value}, got {value!r}.")
        if not 0 <= value <= max_value:
            raise ScoringError(f"{name}: item {key} must be 0–{max_value}, got {value}.")
        clean[key] = value
    return clean


def _band_for(total: int, bands: tuple[Band, ...]) -> tuple[str, str]:
    for low, high, code, label in bands:
        if low <= total <= high:
            return code, label
    raise ScoringError(f"Total {total} is outside every band.")


def _sum_score(instrument: Instrument, answers: Mapping[str, Any]) -> Score:
    """Validate, add up and band an instrument whose items are scored 0..max_item_value."""
    top = instrument.max_item_value
    clean = _validated_int_answers(instrument.name, answers, instrument.item_keys, max_value=top)
    total = sum(clean.values())
    band, label = _band_for(total, instrument.bands)
    return Score(instrument=instrument.code, total=total, band=band, band_label=label, answers=clean)


def phq9_item9_is_urgent(value: int) -> bool:
    """Item 9 above 0 → same-day clinician review (CLINICAL.md §3)."""
    return value > 0


def score_phq9(answers: Mapping[str, int]) -> Score:
    """Score a PHQ-9 (0–27). Item 9 above 0 makes the score urgent: same-day review (CLINICAL.md §3)."""
    result = _sum_score(INSTRUMENTS[PHQ9], answers)
    if phq9_item9_is_urgent(result.answers[PHQ9_RISK_ITEM]):
        return replace(result, urgent=True, urgent_reasons=(URGENT_PHQ9_ITEM9,))
    return result


def score_gad7(answers: Mapping[str, int]) -> Score:
    """Score a GAD-7 (0–21): 5 / 10 / 15 start mild / moderate / severe (CLINICAL.md §3)."""
    return _sum_score(INSTRUMENTS[GAD7], answers)


def score_pcl5(answers: Mapping[str, int], cutoff: int = PCL5_DEFAULT_CUTOFF) -> Score:
    """Score a PCL-5 (0–80). A total at or above ``cutoff`` is probable PTSD.

    CLINICAL.md §3 gives the cutoff as 31–33, so only a value in that range is accepted.
    """
    low, high = PCL5_CUTOFF_RANGE
    if isinstance(cutoff, bool) or not isinstance(cutoff, int) or not low <= cutoff <= high:
        raise ScoringError(f"PCL-5: cutoff must be a whole number {low}–{high}, got {cutoff!r}.")
    pcl5 = INSTRUMENTS[PCL5]
    clean = _validated_int_answers(pcl5.name, answers, pcl5.item_keys, max_value=pcl5.max_item_value)
    total = sum(clean.values())
    band, label = PCL5_PROBABLE if total >= cutoff else PCL5_BELOW
    return Score(instrument=PCL5, total=total, band=band, band_label=label, answers=clean)


def _validated_cssrs_answers(answers: Mapping[str, bool | None]) -> dict[str, bool | None]:
    """Check the C-SSRS screener's yes/no answers and its skip logic (CLINICAL.md §3).

    Q1, Q2 and Q6 are always asked and must be yes or no. Q3–Q5 are asked when Q2 is yes, ``q6_recent``
    when Q6 is yes; those must then be answered too. An answer to a question the skip logic would not have
    asked is kept as given, never dropped: "a yes to Q3–5 counts even when Q2 is no" (contradictory answers
    escalate, never vanish; :func:`cssrs_contradictions` words them for the reviewer).
    """
    keys = INSTRUMENTS[CSSRS].item_keys
    _check_known_keys("C-SSRS", answers, keys)
    clean: dict[str, bool | None] = {}
    for key in keys:
        value = answers.get(key)
        if key in ("q1", "q2", "q6"):
            asked = True
        else:
            asked = answers.get("q2" if key in CSSRS_ASKED_IF_Q2_YES else "q6") is True
        if value is not None and not isinstance(value, bool):
            raise ScoringError(f"C-SSRS: item {key} must be answered yes or no, got {value!r}.")
        if asked and value is None:
            raise ScoringError(f"C-SSRS: item {key} must be answered yes or no, got {value!r}.")
        clean[key] = value
    return clean


def cssrs_contradictions(answers: Mapping[str, Any]) -> list[str]:
    """A yes to a question the skip logic would not have asked (Q3–5 with Q2 not yes; "within 3 months"
    with Q6 not yes), in words for the reviewer. Such a yes is scored as given (CLINICAL.md §3)."""
    lines = []
    for key in (*CSSRS_ASKED_IF_Q2_YES, "q6_recent"):
        parent = "q2" if key in CSSRS_ASKED_IF_Q2_YES else "q6"
        if answers.get(key) is True and answers.get(parent) is not True:
            number = "6b" if key == "q6_recent" else key[1:]
            lines.append(f"Question {number} answered Yes although question {parent[1:]} was "
                         f"{'No' if answers.get(parent) is False else 'not answered'}: scored as Yes.")
    return lines


def cssrs_risk(answers: Mapping[str, bool | None]) -> str:
    """Risk level from validated screener answers: the highest level any answer reaches (CLINICAL.md §3).

    Q4, Q5 or Q6 within 3 months → high; Q3 or lifetime Q6 → moderate; Q1 or Q2 → low; else none.
    """
    if answers.get("q4") or answers.get("q5") or answers.get("q6_recent"):
        return "high"
    if answers.get("q3") or answers.get("q6"):
        return "moderate"
    if answers.get("q1") or answers.get("q2"):
        return "low"
    return "none"


def score_cssrs(answers: Mapping[str, bool | None]) -> Score:
    """Score the C-SSRS screener. High risk is urgent: immediate evaluation, crisis resources (§3)."""
    clean = _validated_cssrs_answers(answers)
    risk = cssrs_risk(clean)
    urgent = risk == "high"
    return Score(
        instrument=CSSRS,
        total=None,
        band=risk,
        band_label=CSSRS_RISK_LABELS[risk],
        urgent=urgent,
        urgent_reasons=(URGENT_CSSRS_HIGH,) if urgent else (),
        answers=clean,
    )


def urgent_reasons_in_partial(instrument_code: str, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """The urgent reasons an unfinished questionnaire already shows (CLINICAL.md §3).

    A patient who answers PHQ-9 item 9 or a high-risk C-SSRS question but misses another item must still
    reach the clinicians and see crisis resources at once. Only answers that are individually readable are
    looked at; missing ones are ignored. Deliberately over-inclusive for the C-SSRS: a yes to Q4/Q5 or to
    "within 3 months" counts even when the question it follows was not answered yes (a missed risk costs
    more than a review).
    """
    if instrument_code == PHQ9:
        value = answers.get(PHQ9_RISK_ITEM)
        top = INSTRUMENTS[PHQ9].max_item_value
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top:
            return (URGENT_PHQ9_ITEM9,) if phq9_item9_is_urgent(value) else ()
        return ()
    if instrument_code == CSSRS:
        keys = INSTRUMENTS[CSSRS].item_keys
        known = {key: value for key, value in answers.items() if key in keys and isinstance(value, bool)}
        return (URGENT_CSSRS_HIGH,) if cssrs_risk(known) == "high" else ()
    return ()


def _check_total(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ScoringError(f"{name} must be a whole number 0 or more, got {value!r}.")
    return value


def is_response(baseline: int, current: int) -> bool:
    """Response = a drop of at least 50 % from the baseline score (CLINICAL.md §3).

    A baseline of 0 cannot halve, so it is never a response.
    """
    baseline = _check_total("baseline", baseline)
    current = _check_total("current", current)
    if baseline == 0:
        return False
    # Integer arithmetic: (baseline - current) / baseline >= 0.5 without floating point.
    return 2 * (baseline - current) >= baseline


def is_remission_phq9(total: int) -> bool:
    """Remission = PHQ-9 total below 5 (CLINICAL.md §3)."""
    total = _check_total("PHQ-9 total", total)
    if total > 27:
        raise ScoringError(f"PHQ-9 total must be 0–27, got {total}.")
    return total < PHQ9_REMISSION_BELOW


INSTRUMENTS: dict[str, Instrument] = {
    PHQ9: Instrument(
        code=PHQ9,
        name="PHQ-9",
        stem=PHQ9_STEM,
        items=PHQ9_ITEMS,
        options=FREQUENCY_OPTIONS,
        scorer=score_phq9,
        bands=PHQ9_BANDS,
        loinc_panel=LOINC_PHQ9_PANEL,
        loinc_total=LOINC_PHQ9_TOTAL,
    ),
    GAD7: Instrument(
        code=GAD7,
        name="GAD-7",
        stem=GAD7_STEM,
        items=GAD7_ITEMS,
        options=FREQUENCY_OPTIONS,
        scorer=score_gad7,
        bands=GAD7_BANDS,
        loinc_panel=LOINC_GAD7_PANEL,
        loinc_total=LOINC_GAD7_TOTAL,
    ),
    PCL5: Instrument(
        code=PCL5, name="PCL-5", stem=PCL5_STEM, items=PCL5_ITEMS, options=PCL5_OPTIONS, scorer=score_pcl5
    ),
    CSSRS: Instrument(
        code=CSSRS,
        name="C-SSRS screener",
        stem=CSSRS_STEM,
        items=CSSRS_ITEMS,
        options=CSSRS_OPTIONS,
        scorer=score_cssrs,
    ),
}


def score(instrument_code: str, answers: Mapping[str, Any]) -> Score:
    """Score ``answers`` with the instrument named by ``instrument_code`` (a key of INSTRUMENTS)."""
    try:
        instrument = INSTRUMENTS[instrument_code]
    except KeyError:
        known = ", ".join(INSTRUMENTS)
        raise ScoringError(f"Unknown instrument {instrument_code!r}; expected one of {known}.") from None
    return instrument.scorer(answers)
