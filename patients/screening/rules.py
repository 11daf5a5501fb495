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
    MEDICATION_CLASS_QUESTIONS,
    MEDICATION_CLASSES,
    MEDICATION_REASONS,
    RETIRED_CHECKLIST,
    REVIEW,
    RULE_TITLES,
    TRD_MIN_FAILED_TRIALS,
    TRIAL_RESPONSES,
    UNSURE,
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


def drug_key(name: Any) -> str:
    """The drug a trial row names, for counting different antidepressants: the first word, in lower case
    ("Sertraline 100 mg" and "sertraline" are one drug). Unnamed rows have no key and are never counted."""
    words = re.findall(r"[a-z]+", str(name or "").lower())
    return words[0] if words else ""


def different_failed_drugs(trials: Sequence[Mapping[str, Any]]) -> list[str]:
    """The different antidepressants with an adequate failed trial, in table order (CLINICAL.md §2: trials of
    *different* antidepressants; the same drug twice counts once)."""
    seen: list[str] = []
    for trial in adequate_failed_trials(trials):
        key = drug_key(trial.get("drug"))
        if key and key not in seen:
            seen.append(key)
    return seen


def trials_meet_trd(trials: Sequence[Mapping[str, Any]]) -> bool:
    """Treatment-resistant depression: adequate trials of >= 2 different antidepressants with < 50 %
    improvement (CLINICAL.md §2), as the patient reported them."""
    return len(different_failed_drugs(trials)) >= TRD_MIN_FAILED_TRIALS


def _finding(rule_code: str, level: str, detail: str, source_answer: str) -> Finding:
    return Finding(rule_code, level, RULE_TITLES[rule_code], detail, source_answer)


def _checklist_findings(history: Mapping[str, bool | str | None], stroke_when: str = "") -> list[Finding]:
    unknown = sorted(set(history) - set(CHECKLIST_BY_KEY))
    if unknown:
        raise ScreeningError(f"Unknown medical history key(s): {', '.join(unknown)}.")
    findings = []
    unanswered = []
    asked = {item.key for item in MEDICAL_CHECKLIST}
    for item in (*MEDICAL_CHECKLIST, *RETIRED_CHECKLIST):
        answer = history.get(item.key)
        if answer is None:
            if item.key in asked:
                unanswered.append(RULE_TITLES[item.key])
        elif answer == UNSURE:  # CLINICAL.md §2: "Not sure" always counts as needing review, never as "no"
            source = f"Medical checklist: “{item.question}” — Not sure"
            detail = "The patient is not sure: needs prescriber review (never read as “no”)."
            findings.append(_finding(item.key, REVIEW, detail, source))
        elif not isinstance(answer, bool):
            raise ScreeningError(f"Medical history {item.key} must be yes, no or not sure, got {answer!r}.")
        elif answer:
            when = f" (when: {stroke_when})" if item.key == "stroke_or_tia" and stroke_when else ""
            source = f"Medical checklist: “{item.question}” — Yes{when}"
            findings.append(_finding(item.key, item.level, LEVEL_DETAIL[item.level], source))
    if unanswered:
        detail = f"{len(unanswered)} checklist question(s) not answered; they cannot be read as “no”."
        source = "Medical checklist, not answered: " + ", ".join(unanswered)
        findings.append(_finding("checklist_unanswered", REVIEW, detail, source))
    return findings


def _medication_class_findings(answers: Mapping[str, bool | str | None]) -> list[Finding]:
    """The yes / no / not sure per class (CLINICAL.md §2). An intake saved before these questions existed
    has none: nothing is found here, and the free-text matching still runs."""
    findings = []
    for drug_class, question in MEDICATION_CLASS_QUESTIONS.items():
        answer = answers.get(drug_class)
        if answer is True:
            findings.append(_finding(f"med_{drug_class}", MEDICATION, MEDICATION_REASONS[drug_class],
                                     f"Medicines: “{question}” — Yes"))
        elif answer == UNSURE:
            detail = f"Not sure. {MEDICATION_REASONS[drug_class]} Go through the medicines with the patient."
            findings.append(_finding("med_unsure", REVIEW, detail, f"Medicines: “{question}” — Not sure"))
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
    counted = different_failed_drugs(trials)
    met = len(counted) >= TRD_MIN_FAILED_TRIALS
    verdict = "met" if met else "not met"
    detail = (
        f"Patient-reported; criteria {verdict}: {len(counted)} different antidepressant(s) with an adequate "
        f"trial (≥ {ADEQUATE_TRIAL_MIN_WEEKS} weeks at a therapeutic dose, current episode) and < 50 % "
        f"improvement; {TRD_MIN_FAILED_TRIALS} needed."
    )
    drugs = ", ".join(counted) or "none counted"
    source = f"Antidepressant trials ({len(trials)} listed): {drugs}"
    return _finding("trd", INFO, detail, source)


def screen(answers: Mapping[str, Any]) -> ScreeningResult:
    """Apply the CLINICAL.md §2 rules to intake answers (keys documented in this module's docstring)."""
    trials = answers.get("antidepressant_trials") or []
    findings = [
        *_checklist_findings(answers.get("medical_history") or {}, str(answers.get("stroke_when") or "")),
        *_allergy_findings(answers.get("allergies") or ""),
        *_medication_class_findings(answers.get("medication_classes") or {}),
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
