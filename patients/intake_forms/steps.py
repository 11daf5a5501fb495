"""Which form serves which intake step."""

from .common import StepForm
from .history import AboutForm, ContactsForm, MedicalForm, MedicationsForm, PsychiatricForm, TreatmentsForm
from .questionnaires import CssrsForm, Gad7Form, Pcl5Form, Phq9Form

STEP_FORMS: dict[str, type[StepForm]] = {
    "about": AboutForm, "contacts": ContactsForm, "psychiatric": PsychiatricForm, "treatments": TreatmentsForm,
    "medications": MedicationsForm, "medical": MedicalForm, "phq9": Phq9Form, "gad7": Gad7Form,
    "cssrs": CssrsForm, "pcl5": Pcl5Form,
}
