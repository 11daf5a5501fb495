"""The patient's intake forms, one per step (CLINICAL.md §2-§3), and the forms of the link pages."""

from patients.validators import MIN_AGE_YEARS, age_on

from .common import (
    _FROM_BOOL,
    _TO_BOOL,
    YES_NO,
    YES_NO_UNSURE,
    DateInput,
    DobCheckForm,
    StartIntakeForm,
    StepForm,
    clean_adult_dob,
    clean_phone,
)
from .consent import (
    ConsentForm,
    name_key,
)
from .history import (
    TRIAL_RESPONSE_CHOICES,
    AboutForm,
    BaseTrialFormSet,
    ContactsForm,
    MedicalForm,
    MedicationsForm,
    PsychiatricForm,
    TreatmentsForm,
    TrialForm,
    TrialFormSet,
)
from .questionnaires import (
    CssrsForm,
    Gad7Form,
    Pcl5Form,
    Phq9Form,
    QuestionnaireForm,
)
from .steps import STEP_FORMS

__all__ = [
    "AboutForm",
    "BaseTrialFormSet",
    "ConsentForm",
    "ContactsForm",
    "CssrsForm",
    "DateInput",
    "DobCheckForm",
    "Gad7Form",
    "MIN_AGE_YEARS",
    "MedicalForm",
    "MedicationsForm",
    "Pcl5Form",
    "Phq9Form",
    "PsychiatricForm",
    "QuestionnaireForm",
    "STEP_FORMS",
    "StartIntakeForm",
    "StepForm",
    "TRIAL_RESPONSE_CHOICES",
    "TreatmentsForm",
    "TrialForm",
    "TrialFormSet",
    "YES_NO",
    "YES_NO_UNSURE",
    "_FROM_BOOL",
    "_TO_BOOL",
    "age_on",
    "clean_adult_dob",
    "clean_phone",
    "name_key",
]
