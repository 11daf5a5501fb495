"""What screening looks for: the medical checklist, medication classes, trial responses,
and the words shown for each finding (CLINICAL.md §2)."""

from __future__ import annotations

from typing import NamedTuple

CONTRAINDICATION = "contraindication"  # absolute: ketamine is not given
REVIEW = "review"  # a prescriber must review before treatment
MEDICATION = "medication"  # a current medication the prescriber must weigh
INFO = "info"  # for the record (e.g. treatment-resistance criteria)
LEVELS = (CONTRAINDICATION, REVIEW, MEDICATION, INFO)  # most serious first


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
    # CLINICAL.md §2: recent MI, unstable angina or stroke/TIA (ever, with when), coronary disease, arrhythmia
    # or heart failure: each its own question, so that a "yes" says which.
    ChecklistItem(
        "heart_attack_or_unstable_angina",
        "Have you ever had a heart attack, or unstable angina (chest pain that is new, getting worse, or comes on "
        "at rest)?",
        REVIEW,
    ),
    ChecklistItem(
        "stroke_or_tia",
        "Have you ever had a stroke or a mini-stroke (TIA)? If yes, tell us when below.",
        REVIEW,
    ),
    ChecklistItem(
        "coronary_disease",
        "Have you been told you have coronary artery disease (narrowed heart arteries), or had a stent or bypass?",
        REVIEW,
    ),
    ChecklistItem(
        "arrhythmia",
        "Have you been told you have an irregular heartbeat (an arrhythmia, such as atrial fibrillation)?",
        REVIEW,
    ),
    ChecklistItem("heart_failure", "Have you been told you have heart failure?", REVIEW),
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
        "Have you ever heard voices or seen things that other people could not hear or see, or held a strong "
        "belief that turned out to be false and that nobody could talk you out of (for example, that you were "
        "being followed, watched or controlled)?",
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


# Questions no longer asked, kept so that answers saved before they were replaced are still read (never dropped,
# never an error): a "yes" to one of them still needs review.
RETIRED_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "recent_heart_attack_angina_or_stroke",
        "In the past 12 months, have you had a heart attack, unstable angina, a stroke, or a mini-stroke (TIA)?",
        REVIEW,
    ),
)

CHECKLIST_BY_KEY: dict[str, ChecklistItem] = {item.key: item for item in (*MEDICAL_CHECKLIST, *RETIRED_CHECKLIST)}

# "Not sure" is a valid answer to every medical question and always counts as needing review (CLINICAL.md §2).
UNSURE = "unsure"


def _names(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of drug names."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


MEDICATION_CLASSES: dict[str, tuple[str, ...]] = {
    "benzodiazepine": _names(
        "alprazolam, xanax, xanex, xannax, zanax, clonazepam, klonopin, klonipin, klonapin, rivotril, "
        "lorazepam, ativan, diazepam, valium, "
        "temazepam, restoril, chlordiazepoxide, librium, clorazepate, tranxene, oxazepam, triazolam, "
        "halcion, midazolam, estazolam, flurazepam, quazepam, doral, clobazam, onfi, sympazan"
    ),
    "opioid": _names(
        "morphine, ms contin, oxycodone, oxycontin, percocet, roxicodone, hydrocodone, vicodin, norco, "
        "hysingla, hydromorphone, dilaudid, fentanyl, duragesic, codeine, tramadol, ultram, tapentadol, "
        "nucynta, methadone, dolophine, methadose, buprenorphine, suboxone, subutex, zubsolv, butrans, "
        "belbuca, sublocade, oxymorphone, opana, meperidine, pethidine, demerol, levorphanol, tylenol #3, "
        "tylenol 3, tylenol #4, tylenol with codeine, tylenol-codeine, percoset, oxycodon, hydrocodon"
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
        "dexmethylphenidate, focalin, modafinil, provigil, armodafinil, nuvigil, phentermine, adipex, qsymia, "
        "lomaira, aderall, adderal, vyvance, ritilin"
    ),
    "maoi": _names(
        "phenelzine, nardil, tranylcypromine, parnate, isocarboxazid, marplan, selegiline, emsam, "
        "eldepryl, zelapar, rasagiline, azilect, safinamide, xadago, moclobemide, linezolid, zyvox, "
        "methylene blue, provayblue"
    ),
    "lamotrigine": _names("lamotrigine, lamictal, subvenite, lamotrigene, lamictil"),
    # A current ketamine or esketamine prescription elsewhere: a second prescriber, and a misuse risk.
    "ketamine": _names("ketamine, esketamine, ketalar, spravato, ketamin"),
}

# Asked yes / no / not sure per class, beside the free-text list (CLINICAL.md §2, as the REMS form does): name
# matching alone misses misspellings and brand names. Keys are MEDICATION_CLASSES keys.
MEDICATION_CLASS_QUESTIONS: dict[str, str] = {
    "benzodiazepine": "Do you take a benzodiazepine (for anxiety or sleep, e.g. Xanax, Klonopin, Ativan, Valium)?",
    "opioid": "Do you take an opioid pain medicine (e.g. oxycodone, hydrocodone, tramadol, Tylenol #3, "
              "methadone, Suboxone)?",
    "psychostimulant": "Do you take a stimulant (e.g. Adderall, Ritalin, Vyvanse, modafinil, phentermine)?",
    "maoi": "Do you take an MAOI (e.g. Nardil, Parnate, Emsam, selegiline) or have you had methylene blue?",
    "lamotrigine": "Do you take lamotrigine (Lamictal)?",
    "cns_depressant": "Do you take any other medicine that makes you sleepy (sleeping pills such as Ambien, "
                      "gabapentin, pregabalin, muscle relaxants)?",
}


# Why each class is flagged, in CLINICAL.md §2's words.
MEDICATION_REASONS: dict[str, str] = {
    "benzodiazepine": "Benzodiazepine: sedation; may blunt the response to ketamine.",
    "opioid": "Opioid: sedation and slowed breathing.",
    "cns_depressant": "CNS depressant: sedation and slowed breathing.",
    "psychostimulant": "Psychostimulant: raises blood pressure.",
    "maoi": "MAOI: raises blood pressure.",
    "lamotrigine": "Lamotrigine: some clinics hold it before ketamine.",
    "ketamine": "Ketamine or esketamine already prescribed: check with the other prescriber (duplication, misuse).",
}


# Allergy text naming one of these means hypersensitivity to ketamine or esketamine (CLINICAL.md §2).
KETAMINE_NAMES: tuple[str, ...] = ("ketamine", "esketamine", "ketalar", "spravato")


TRIAL_RESPONSES: dict[str, str] = {
    "none": "No real improvement (under 25 %)",
    "partial": "Some improvement (25–49 %)",
    "response": "Improved by half or more (50 % or more)",
}

FAILED_RESPONSES = frozenset({"none", "partial"})  # < 50 % improvement
ADEQUATE_TRIAL_MIN_WEEKS = 4  # "4–6 weeks at a therapeutic dose": 4 is the minimum
TRD_MIN_FAILED_TRIALS = 2


RULE_TITLES: dict[str, str] = {
    "aneurysmal_vascular_disease": "Aneurysmal vascular disease",
    "arteriovenous_malformation": "Arteriovenous malformation",
    "intracerebral_haemorrhage": "History of intracerebral haemorrhage",
    "ketamine_hypersensitivity": "Hypersensitivity to ketamine or esketamine",
    "uncontrolled_hypertension": "Uncontrolled hypertension",
    "recent_heart_attack_angina_or_stroke": "MI, unstable angina, or stroke/TIA within 12 months",
    "heart_attack_or_unstable_angina": "Myocardial infarction or unstable angina",
    "stroke_or_tia": "Stroke or TIA",
    "coronary_disease": "Coronary artery disease",
    "arrhythmia": "Arrhythmia",
    "heart_failure": "Heart failure",
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
    "med_ketamine": "Current ketamine or esketamine prescription",
    "med_unsure": "Not sure about a medicine class",
    "allergy_mentions_ketamine": "Allergy text mentions ketamine — confirm hypersensitivity",
    "checklist_unanswered": "Medical checklist not complete",
    "trd": "Treatment-resistant depression criteria (patient-reported)",
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
    "heart_attack_or_unstable_angina": f"{_BLOOD_PRESSURE} {_ASK_PRESCRIBER}",
    "stroke_or_tia": f"{_BLOOD_PRESSURE} {_ASK_PRESCRIBER}",
    "coronary_disease": f"{_BLOOD_PRESSURE} {_ASK_PRESCRIBER}",
    "arrhythmia": f"{_BLOOD_PRESSURE} {_ASK_PRESCRIBER}",
    "heart_failure": f"{_BLOOD_PRESSURE} {_ASK_PRESCRIBER}",
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
    "med_ketamine": "You may already be prescribed ketamine or esketamine. A prescriber will check with you.",
    "med_unsure": "You were not sure whether you take a medicine of this kind. A prescriber will go through "
    "your medicines with you.",
    "allergy_mentions_ketamine": "Your list of allergies mentions ketamine or esketamine. A prescriber will "
    "check with you whether you have had an allergic reaction to it.",
    "checklist_unanswered": "Some health questions were not answered. We need every answer before "
    "treatment can be planned.",
    "trd": "From what you told us, we check whether at least two different antidepressants, each taken for "
    "at least 4 weeks at a full dose during this episode of depression, improved it by less than half.",
}


# What a yes on the checklist means for the clinician (CLINICAL.md §2).
LEVEL_DETAIL: dict[str, str] = {
    CONTRAINDICATION: "Absolute contraindication (Spravato label, used for IV too): do not treat.",
    REVIEW: "Needs prescriber review before treatment.",
}
