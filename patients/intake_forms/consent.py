"""The consent signature: the typed name must match the patient's, accents and case aside."""

from __future__ import annotations

import unicodedata

from django import forms

from .common import _helper

# Letters that carry no combining accent to strip (NFKD leaves them whole): what a plain keyboard types.
_PLAIN_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
                                "ı": "i"})


def name_key(text: str) -> str:
    """A name reduced for comparing typed signatures: no accents, no case, no spaces or punctuation.

    A patient on a phone keyboard signs "Zoe Nunez" or "nunez obrien" for "Zoë Ñúñez-O'Brien": that is the
    same person signing, not a mismatch to refuse. Only the comparison uses this; the signature keeps the
    name as typed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_PLAIN_LETTERS)
    return "".join(ch for ch in decomposed if ch.isalnum())


class ConsentForm(forms.Form):
    agree = forms.BooleanField(label="I have read the consent above and I agree to it.")
    typed_name = forms.CharField(label="Type your full name to sign", max_length=200)
    # The version the patient read: if a manager publishes a newer one meanwhile, the signature is refused
    # rather than silently attached to a text the patient never saw.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, expected_last_name: str = "", document=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_last_name = expected_last_name
        if document is not None:
            self.fields["version"].initial = document.version
        self.helper = _helper("Sign consent")

    def clean_typed_name(self):
        name = " ".join(self.cleaned_data["typed_name"].split())
        if len(name) < 2:
            raise forms.ValidationError("Type your full name to sign.", code="short")
        if self.expected_last_name and name_key(self.expected_last_name) not in name_key(name):
            raise forms.ValidationError(f"Type your full legal name, including “{self.expected_last_name}”.",
                                        code="name_mismatch")
        return name
