"""Screening an intake's answers: each rule a small function, each finding with the answer it
came from (CLINICAL.md §2)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .checklist import (
    ADEQUATE_TRIAL_MIN_WEEKS,
    CHECKLIST_BY_KEY,
    CONTRAINDICATION,
    FAILED_RESPONSES,
    INFO,
    KETAMINE_NAMES,
    LEVEL_DETAIL,
    LEVELS,
    MEDICAL_CHECKLIST,
    MEDICATION,
    MEDICATION_CLASSES,
    MEDICATION_REASONS,
    REVIEW,
    RULE_TITLES,
    TRD_MIN_FAILED_TRIALS,
    TRIAL_RESPONSES,
)


class ScreeningError(ValueError):
    """Intake answers that cannot be screened (unknown checklist key, malformed trial row)."""


@dataclass(frozen=True)
class Finding:
    """One thing the screening found, and the intake answer it came from."""

    rule_code: str
    level: str
    title: str
    detail: str
    source_answer: str


@dataclass(frozen=True)
class ScreeningResult:
    """All findings, most serious first, plus the summary flags a view or a queue needs.

    ``needs_review`` is True when any finding asks for a prescriber's decision: a 'review' finding or a
    medication flag. An absolute contraindication is reported by ``has_contraindication`` instead.
    """

    findings: tuple[Finding, ...]
    has_contraindication: bool
    needs_review: bool
    trd_met: bool


def _name_pattern(names: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


_CLASS_PATTERNS: dict[str, re.Pattern[str]] = {
    drug_class: _name_pattern(names) for drug_class, names in MEDICATION_CLASSES.items()
}

_KETAMINE_PATTERN = _name_pattern(KETAMINE_NAMES)


def medication_classes(medication: str) -> tuple[str, ...]:
    """The flagged classes a free-text medication entry names, in MEDICATION_CLASSES order."""
    return tuple(drug_class for drug_class, pattern in _CLASS_PATTERNS.items() if pattern.search(medication))


def mentions_ketamine(text: str) -> bool:
    """True when free text names ketamine or esketamine (generic or brand), case-insensitively.

    Deliberately over-inclusive: "no reaction to ketamine" also matches, and a prescriber clears it.
    """
    return bool(_KETAMINE_PATTERN.search(text))


def _trial_field(trial: Mapping[str, Any], index: int, key: str, kinds: tuple[type, ...]) -> Any:
    """``trial[key]`` if it is None or of one of ``kinds``; bool is accepted only when listed."""
    value = trial.get(key)
    if value is None:
        return None
    wrong_bool = isinstance(value, bool) and bool not in kinds
    if wrong_bool or not isinstance(value, kinds):
        raise ScreeningError(f"Antidepressant trial {index + 1}: {key} has the wrong type ({value!r}).")
    return value


def is_adequate_failed_trial(trial: Mapping[str, Any], index: int = 0) -> bool:
    """An adequate trial with < 50 % improvement (CLINICAL.md §2).

    Adequate = at least 4 weeks at a therapeutic dose, in the current episode. Unknown (None) values
    never count: a trial is counted only when the table shows it met every condition.
    """
    if not isinstance(trial, Mapping):
        raise ScreeningError(f"Antidepressant trial {index + 1} must be a mapping, got {trial!r}.")
    weeks = _trial_field(trial, index, "weeks", (int, float))
    adequate_dose = _trial_field(trial, index, "adequate_dose", (bool,))
    current_episode = _trial_field(trial, index, "current_episode", (bool,))
    response = _trial_field(trial, index, "response", (str,))
    if response is not None and response not in TRIAL_RESPONSES:
        choices = ", ".join(TRIAL_RESPONSES)
        raise ScreeningError(f"Antidepressant trial {index + 1}: response must be one of {choices}.")
    return (
        weeks is not None
        and weeks >= ADEQUATE_TRIAL_MIN_WEEKS
        and adequate_dose is True
        and current_episode is True
        and response in FAILED_RESPONSES
    )


def adequate_failed_trials(trials: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The trials that count towards treatment resistance."""
    return [trial for index, trial in enumerate(trials) if is_adequate_failed_trial(trial, index)]


def trials_meet_trd(trials: Sequence[Mapping[str, Any]]) -> bool:
    """Treatment-resistant depression: >= 2 adequate trials with < 50 % improvement (CLINICAL.md §2)."""
    return len(adequate_failed_trials(trials)) >= TRD_MIN_FAILED_TRIALS


def _finding(rule_code: str, level: str, detail: str, source_answer: str) -> Finding:
    return Finding(rule_code, level, RULE_TITLES[rule_code], detail, source_answer)


def _checklist_findings(history: Mapping[str, bool | None]) -> list[Finding]:
    unknown = sorted(set(history) - set(CHECKLIST_BY_KEY))
    if unknown:
        raise ScreeningError(f"Unknown medical history key(s): {', '.join(unknown)}.")
    findings = []
    unanswered = []
    for item in MEDICAL_CHECKLIST:
        answer = history.get(item.key)
        if answer is None:
            unanswered.append(RULE_TITLES[item.key])
        elif not isinstance(answer, bool):
            raise ScreeningError(f"Medical history {item.key} must be yes/no, got {answer!r}.")
        elif answer:
            source = f"Medical checklist: “{item.question}” — Yes"
            findings.append(_finding(item.key, item.level, LEVEL_DETAIL[item.level], source))
    if unanswered:
        detail = f"{len(unanswered)} checklist question(s) not answered; they cannot be read as “no”."
        source = "Medical checklist, not answered: " + ", ".join(unanswered)
        findings.append(_finding("checklist_unanswered", REVIEW, detail, source))
    return findings


def _allergy_findings(allergies: str) -> list[Finding]:
    """Free text naming ketamine is a review finding, not an absolute contraindication: the match cannot
    tell "ketamine: rash" from "no reaction to ketamine". The checklist's yes/no question about a
    hypersensitivity stays absolute (CLINICAL.md §2); a prescriber confirms which this text means."""
    if not allergies or not mentions_ketamine(allergies):
        return []
    detail = ("The allergy list names ketamine or esketamine. Confirm with the patient whether this is a "
              "hypersensitivity: if it is, it is an absolute contraindication.")  # CLINICAL.md §2
    return [_finding("allergy_mentions_ketamine", REVIEW, detail, f"Allergies: “{allergies}”")]


def _medication_findings(medications: Sequence[str]) -> list[Finding]:
    findings = []
    for medication in medications:
        for drug_class in medication_classes(medication):
            source = f"Current medications: “{medication}”"
            findings.append(_finding(f"med_{drug_class}", MEDICATION, MEDICATION_REASONS[drug_class], source))
    return findings


def _trd_finding(trials: Sequence[Mapping[str, Any]]) -> Finding:
    counted = adequate_failed_trials(trials)
    met = len(counted) >= TRD_MIN_FAILED_TRIALS
    verdict = "met" if met else "not met"
    detail = (
        f"Criteria {verdict}: {len(counted)} adequate trial(s) (≥ {ADEQUATE_TRIAL_MIN_WEEKS} weeks at a "
        f"therapeutic dose, current episode) with < 50 % improvement; {TRD_MIN_FAILED_TRIALS} needed."
    )
    drugs = ", ".join(str(trial.get("drug") or "unnamed") for trial in counted) or "none counted"
    source = f"Antidepressant trials ({len(trials)} listed): {drugs}"
    return _finding("trd", INFO, detail, source)


def screen(answers: Mapping[str, Any]) -> ScreeningResult:
    """Apply the CLINICAL.md §2 rules to intake answers (keys documented in this module's docstring)."""
    trials = answers.get("antidepressant_trials") or []
    findings = [
        *_checklist_findings(answers.get("medical_history") or {}),
        *_allergy_findings(answers.get("allergies") or ""),
        *_medication_findings(answers.get("medications") or []),
        _trd_finding(trials),
    ]
    findings.sort(key=lambda finding: LEVELS.index(finding.level))  # stable: keeps checklist order
    return ScreeningResult(
        findings=tuple(findings),
        has_contraindication=any(f.level == CONTRAINDICATION for f in findings),
        needs_review=any(f.level in (REVIEW, MEDICATION) for f in findings),
        trd_met=trials_meet_trd(trials),
    )
