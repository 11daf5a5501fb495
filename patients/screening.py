"""Eligibility screening of intake answers (CLINICAL.md §2).

Pure Python: no Django, no database. ``MEDICAL_CHECKLIST`` is the single source of the yes/no
contraindication checklist: the intake form renders its questions and ``screen()`` applies its levels.

``screen(answers)`` expects a plain mapping with these keys (all optional; a missing checklist answer is
reported as a finding, never read as "no"):

``medical_history``: ``dict[str, bool | None]``
    One answer per ``MEDICAL_CHECKLIST`` key (True = yes, False = no, None = not answered).
``medications``: ``list[str]``
    Current medications, free text, one per entry (``"Xanax 0.5 mg at night"``).
``allergies``: ``str``
    Allergies and prior anaesthesia reactions, free text.
``antidepressant_trials``: ``list[dict]``
    One dict per trial with keys ``drug`` (str), ``dose`` (str, as written), ``weeks`` (number of weeks
    at that dose, or None), ``adequate_dose`` (bool | None: was it a therapeutic dose?),
    ``current_episode`` (bool | None), ``response`` (one of ``TRIAL_RESPONSES`` or None = unknown) and
    optionally ``why_stopped`` (str).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

# --- Finding levels ------------------------------------------------------------------------------------

CONTRAINDICATION = "contraindication"  # absolute: ketamine is not given
REVIEW = "review"  # a prescriber must review before treatment
MEDICATION = "medication"  # a current medication the prescriber must weigh
INFO = "info"  # for the record (e.g. treatment-resistance criteria)
LEVELS = (CONTRAINDICATION, REVIEW, MEDICATION, INFO)  # most serious first


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


# --- The medical checklist (CLINICAL.md §2) ------------------------------------------------------------


class ChecklistItem(NamedTuple):
    key: str
    question: str  # plain words, as the patient sees it on the intake form
    level: str


MEDICAL_CHECKLIST: tuple[ChecklistItem, ...] = (
    # Absolute contraindications — Spravato label, used for IV too (CLINICAL.md §2).
    ChecklistItem(
        "aneurysmal_vascular_disease",
        "Have you ever been told you have an aneurysm (a weak, bulging blood vessel) — in the main artery "
        "from the heart (aorta), in the brain, or in the arms or legs?",
        CONTRAINDICATION,
    ),
    ChecklistItem(
        "arteriovenous_malformation",
        "Have you been told you have an AVM (arteriovenous malformation): tangled, abnormal blood vessels?",
        CONTRAINDICATION,
    ),
    ChecklistItem(
        "intracerebral_haemorrhage",
        "Have you ever had bleeding inside the brain (an intracerebral haemorrhage)?",
        CONTRAINDICATION,
    ),
    ChecklistItem(
        "ketamine_hypersensitivity",
        "Have you ever had an allergic reaction to ketamine or esketamine (Spravato)?",
        CONTRAINDICATION,
    ),
    # Needs prescriber review (CLINICAL.md §2).
    ChecklistItem(
        "uncontrolled_hypertension",
        "Do you have high blood pressure that is not under control?",
        REVIEW,
    ),
    # "recent MI, unstable angina or stroke/TIA (12 months)": the 12-month window is read as applying to all.
    ChecklistItem(
        "recent_heart_attack_angina_or_stroke",
        "In the past 12 months, have you had a heart attack, unstable angina (chest pain that is new, "
        "getting worse, or comes on at rest), a stroke, or a mini-stroke (TIA)?",
        REVIEW,
    ),
    ChecklistItem(
        "raised_intracranial_pressure",
        "Have you been told you have raised pressure inside your skull (raised intracranial pressure)?",
        REVIEW,
    ),
    ChecklistItem(
        "raised_intraocular_pressure",
        "Do you have glaucoma or raised pressure inside your eyes?",
        REVIEW,
    ),
    ChecklistItem(
        "psychosis",
        "Have you ever had psychosis — for example hearing or seeing things other people could not, or "
        "firmly believing things others said were not true — now or in the past?",
        REVIEW,
    ),
    ChecklistItem(
        "mania",
        "Have you ever had an episode of mania — days of unusually high or irritable mood, with much more "
        "energy and much less need for sleep than usual?",
        REVIEW,
    ),
    ChecklistItem(
        "active_substance_use_disorder",
        "Do you currently have a problem with alcohol or drugs (a substance use disorder)?",
        REVIEW,
    ),
    ChecklistItem(
        "liver_disease",
        "Have you been told you have moderate or severe liver disease?",
        REVIEW,
    ),
    ChecklistItem("pregnancy", "Are you pregnant, or might you be pregnant?", REVIEW),
    ChecklistItem("breastfeeding", "Are you breastfeeding?", REVIEW),
    ChecklistItem("seizures", "Have you had seizures (fits) or been told you have epilepsy?", REVIEW),
    ChecklistItem(
        "sleep_apnoea",
        "Have you been told you have sleep apnoea (breathing that stops for short spells during sleep)?",
        REVIEW,
    ),
)
CHECKLIST_BY_KEY: dict[str, ChecklistItem] = {item.key: item for item in MEDICAL_CHECKLIST}

# --- Medication classes (CLINICAL.md §2) ---------------------------------------------------------------
# Generic and brand names, lower case, matched as whole words in free text. Extend freely: these are data.


def _names(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of drug names."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


MEDICATION_CLASSES: dict[str, tuple[str, ...]] = {
    "benzodiazepine": _names(
        "alprazolam, xanax, clonazepam, klonopin, rivotril, lorazepam, ativan, diazepam, valium, "
        "temazepam, restoril, chlordiazepoxide, librium, clorazepate, tranxene, oxazepam, triazolam, "
        "halcion, midazolam, estazolam, flurazepam, quazepam, doral, clobazam, onfi, sympazan"
    ),
    "opioid": _names(
        "morphine, ms contin, oxycodone, oxycontin, percocet, roxicodone, hydrocodone, vicodin, norco, "
        "hysingla, hydromorphone, dilaudid, fentanyl, duragesic, codeine, tramadol, ultram, tapentadol, "
        "nucynta, methadone, dolophine, methadose, buprenorphine, suboxone, subutex, zubsolv, butrans, "
        "belbuca, sublocade, oxymorphone, opana, meperidine, pethidine, demerol, levorphanol"
    ),
    # "Other CNS depressants" (CLINICAL.md §2): non-benzodiazepine hypnotics (named on the REMS form, §5),
    # barbiturates, gabapentinoids, sedating muscle relaxants, sodium oxybate.
    "cns_depressant": _names(
        "zolpidem, ambien, zaleplon, sonata, eszopiclone, lunesta, zopiclone, phenobarbital, butalbital, "
        "fioricet, gabapentin, neurontin, pregabalin, lyrica, carisoprodol, soma, cyclobenzaprine, "
        "flexeril, baclofen, tizanidine, zanaflex, methocarbamol, robaxin, sodium oxybate, xyrem, xywav"
    ),
    "psychostimulant": _names(
        "amphetamine, adderall, evekeo, dextroamphetamine, dexedrine, zenzedi, lisdexamfetamine, vyvanse, "
        "methamphetamine, desoxyn, methylphenidate, ritalin, concerta, methylin, daytrana, "
        "dexmethylphenidate, focalin, modafinil, provigil, armodafinil, nuvigil"
    ),
    "maoi": _names(
        "phenelzine, nardil, tranylcypromine, parnate, isocarboxazid, marplan, selegiline, emsam, "
        "eldepryl, zelapar, rasagiline, azilect, safinamide, xadago, moclobemide, linezolid, zyvox"
    ),
    "lamotrigine": _names("lamotrigine, lamictal, subvenite"),
}

# Why each class is flagged, in CLINICAL.md §2's words.
MEDICATION_REASONS: dict[str, str] = {
    "benzodiazepine": "Benzodiazepine: sedation; may blunt the response to ketamine.",
    "opioid": "Opioid: sedation and slowed breathing.",
    "cns_depressant": "CNS depressant: sedation and slowed breathing.",
    "psychostimulant": "Psychostimulant: raises blood pressure.",
    "maoi": "MAOI: raises blood pressure.",
    "lamotrigine": "Lamotrigine: some clinics hold it before ketamine.",
}

# Allergy text naming one of these means hypersensitivity to ketamine or esketamine (CLINICAL.md §2).
KETAMINE_NAMES: tuple[str, ...] = ("ketamine", "esketamine", "ketalar", "spravato")

# --- Antidepressant trials and treatment resistance (CLINICAL.md §2) -----------------------------------

TRIAL_RESPONSES: dict[str, str] = {
    "none": "No real improvement (under 25 %)",
    "partial": "Some improvement (25–49 %)",
    "response": "Improved by half or more (50 % or more)",
}
FAILED_RESPONSES = frozenset({"none", "partial"})  # < 50 % improvement
ADEQUATE_TRIAL_MIN_WEEKS = 4  # "4–6 weeks at a therapeutic dose": 4 is the minimum
TRD_MIN_FAILED_TRIALS = 2

# --- Clinician titles and patient explanations, one per rule code --------------------------------------

RULE_TITLES: dict[str, str] = {
    "aneurysmal_vascular_disease": "Aneurysmal vascular disease",
    "arteriovenous_malformation": "Arteriovenous malformation",
    "intracerebral_haemorrhage": "History of intracerebral haemorrhage",
    "ketamine_hypersensitivity": "Hypersensitivity to ketamine or esketamine",
    "uncontrolled_hypertension": "Uncontrolled hypertension",
    "recent_heart_attack_angina_or_stroke": "MI, unstable angina, or stroke/TIA within 12 months",
    "raised_intracranial_pressure": "Raised intracranial pressure",
    "raised_intraocular_pressure": "Raised intraocular pressure (glaucoma)",
    "psychosis": "Current or past psychosis",
    "mania": "Mania",
    "active_substance_use_disorder": "Active substance use disorder",
    "liver_disease": "Moderate or severe liver disease",
    "pregnancy": "Pregnancy",
    "breastfeeding": "Breastfeeding",
    "seizures": "Seizures",
    "sleep_apnoea": "Sleep apnoea",
    "med_benzodiazepine": "Benzodiazepine",
    "med_opioid": "Opioid",
    "med_cns_depressant": "Other CNS depressant",
    "med_psychostimulant": "Psychostimulant",
    "med_maoi": "MAOI",
    "med_lamotrigine": "Lamotrigine",
    "allergy_mentions_ketamine": "Allergy text mentions ketamine — confirm hypersensitivity",
    "checklist_unanswered": "Medical checklist not complete",
    "trd": "Treatment-resistant depression criteria",
}

_BLOOD_PRESSURE = "Ketamine raises blood pressure and heart rate for a while during and after a treatment."
_ASK_PRESCRIBER = "A prescriber will look at this with you before deciding whether ketamine is right for you."
_NOT_GIVEN = "With this condition ketamine is not given."

EXPLANATION: dict[str, str] = {
    "aneurysmal_vascular_disease": f"{_BLOOD_PRESSURE} {_NOT_GIVEN}",
    "arteriovenous_malformation": f"{_BLOOD_PRESSURE} {_NOT_GIVEN}",
    "intracerebral_haemorrhage": f"{_BLOOD_PRESSURE} {_NOT_GIVEN}",
    "ketamine_hypersensitivity": "If you have had an allergic reaction to ketamine or esketamine before, "
    "it is not given again.",
    "uncontrolled_hypertension": f"{_BLOOD_PRESSURE} {_ASK_PRESCRIBER}",
    "recent_heart_attack_angina_or_stroke": f"{_BLOOD_PRESSURE} {_ASK_PRESCRIBER}",
    "raised_intracranial_pressure": _ASK_PRESCRIBER,
    "raised_intraocular_pressure": _ASK_PRESCRIBER,
    "psychosis": f"Ketamine can cause hallucinations and feelings of unreality. {_ASK_PRESCRIBER}",
    "mania": _ASK_PRESCRIBER,
    "active_substance_use_disorder": f"Ketamine can be misused. {_ASK_PRESCRIBER}",
    "liver_disease": f"Ketamine can affect the liver over time. {_ASK_PRESCRIBER}",
    "pregnancy": _ASK_PRESCRIBER,
    "breastfeeding": _ASK_PRESCRIBER,
    "seizures": _ASK_PRESCRIBER,
    "sleep_apnoea": _ASK_PRESCRIBER,
    "med_benzodiazepine": "Medicines like this make you sleepier and may make ketamine work less well. "
    "Do not stop or change any medicine on your own: your prescriber will tell you what to do.",
    "med_opioid": "Together with ketamine, medicines like this can make you very sleepy and slow your "
    "breathing. Do not stop or change any medicine on your own: your prescriber will tell you what to do.",
    "med_cns_depressant": "Together with ketamine, medicines like this can make you very sleepy and slow "
    "your breathing. Do not stop or change any medicine on your own: your prescriber will tell you what "
    "to do.",
    "med_psychostimulant": "Together with ketamine, medicines like this can raise your blood pressure. "
    "Do not stop or change any medicine on your own: your prescriber will tell you what to do.",
    "med_maoi": "Together with ketamine, medicines like this can raise your blood pressure. "
    "Do not stop or change any medicine on your own: your prescriber will tell you what to do.",
    "med_lamotrigine": "Some clinics pause this medicine around ketamine treatment. Do not stop or change "
    "it on your own: your prescriber will tell you what to do.",
    "allergy_mentions_ketamine": "Your list of allergies mentions ketamine or esketamine. A prescriber will "
    "check with you whether you have had an allergic reaction to it.",
    "checklist_unanswered": "Some health questions were not answered. We need every answer before "
    "treatment can be planned.",
    "trd": "We check whether at least two antidepressants, each taken for at least 4 weeks at a full dose "
    "during this episode of depression, improved it by less than half.",
}

# What a yes on the checklist means for the clinician (CLINICAL.md §2).
LEVEL_DETAIL: dict[str, str] = {
    CONTRAINDICATION: "Absolute contraindication (Spravato label, used for IV too): do not treat.",
    REVIEW: "Needs prescriber review before treatment.",
}

# --- Medication matching -------------------------------------------------------------------------------


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


# --- Treatment resistance ------------------------------------------------------------------------------


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


# --- Rules ---------------------------------------------------------------------------------------------


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
