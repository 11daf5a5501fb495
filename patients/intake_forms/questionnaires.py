"""PHQ-9, GAD-7, PCL-5 and the C-SSRS screener as intake steps (CLINICAL.md §3)."""

from __future__ import annotations

from typing import Any

from django import forms

from patients import scoring

from .common import _FROM_BOOL, _TO_BOOL, StepForm, _yes_no


class QuestionnaireForm(StepForm):
    """PHQ-9, GAD-7 or PCL-5 from ``patients.scoring.INSTRUMENTS``: one radio group per item."""

    instrument_code = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instrument = scoring.INSTRUMENTS[self.instrument_code]
        self.stem = instrument.stem
        choices = [(str(value), label) for value, label in instrument.options]
        for number, (key, text) in enumerate(instrument.items, start=1):
            self.fields[key] = forms.TypedChoiceField(label=f"{number}. {text}", choices=choices, coerce=int,
                                                      widget=forms.RadioSelect)

    @classmethod
    def initial_from(cls, saved):
        return {key: str(value) for key, value in saved.items()}

    def partial_answers(self) -> dict[str, Any]:
        """After a failed validation: the items that were answered readably (cleaned_data keeps those)."""
        return {key: value for key, value in getattr(self, "cleaned_data", {}).items() if isinstance(value, int)}


class Phq9Form(QuestionnaireForm):
    instrument_code = scoring.PHQ9


class Gad7Form(QuestionnaireForm):
    instrument_code = scoring.GAD7


class Pcl5Form(QuestionnaireForm):
    instrument_code = scoring.PCL5


class CssrsForm(StepForm):
    """The C-SSRS screener with its skip logic (CLINICAL.md §3): Q3–5 only after a yes to Q2, 'within 3
    months' only after a yes to Q6. Without JavaScript every question shows, with a note saying when to answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stem = scoring.CSSRS_STEM
        for number, (key, text) in enumerate(scoring.CSSRS_ITEMS, start=1):
            follows = "q2" if key in scoring.CSSRS_ASKED_IF_Q2_YES else "q6" if key == "q6_recent" else None
            label = f"{number if key != 'q6_recent' else '6b'}. {text}" if key != "q6_recent" else f"6b. {text}"
            help_text = f"Answer only if you said Yes to question {follows[1:]}." if follows else ""
            field = _yes_no(label, required=follows is None, help_text=help_text)
            field.widget.attrs["data-follows"] = follows or ""
            self.fields[key] = field

    def clean(self):
        data = super().clean()
        for key, parent in (("q3", "q2"), ("q4", "q2"), ("q5", "q2"), ("q6_recent", "q6")):
            if data.get(parent) == "yes" and not data.get(key):
                self.add_error(key, "Please answer this question (you said Yes to the one before).")
        return data

    def to_answers(self):
        # Every answer given is kept, even one the skip logic would not have asked (Q4 = yes with Q2 = no,
        # or hidden answers a browser sent after Q2 changed): CLINICAL.md §3, contradictions escalate.
        return {key: _TO_BOOL.get(self.cleaned_data.get(key) or "") for key, _ in scoring.CSSRS_ITEMS}

    @classmethod
    def initial_from(cls, saved):
        return {key: _FROM_BOOL[value] for key, value in saved.items() if value is not None}

    def partial_answers(self) -> dict[str, bool]:
        """After a failed validation: the questions answered yes or no so far (skip logic not applied)."""
        answered = {key: _TO_BOOL.get(value) for key, value in getattr(self, "cleaned_data", {}).items()}
        return {key: value for key, value in answered.items() if isinstance(value, bool)}
