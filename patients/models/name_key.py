"""Every name on file once, for the misspelt-name search (issue 13)."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q


class NamePart(models.TextChoices):
    FIRST = "first", "first name"
    LAST = "last", "last name"


# Each part and the patient's column it is the key of (Patient.last_name_key, first_name_key): the trigger that
# keeps the names and the search that ranks them both go by this.
NAME_KEY_FIELDS = ((NamePart.FIRST.value, "first_name_key"), (NamePart.LAST.value, "last_name_key"))


class NameTrigramSets(models.Func):
    """``patients_name_trigram_sets(part, key)``: the sets of trigrams by which a name can be close to a short word
    typed, each marked with the name's part (migration 0022). A misspelt search finds the names sharing one of these
    with the word (``patients_word_trigram_sets``) by an index, where ``%`` alone hands on every name sharing two of
    its trigrams (patients/search.py). The part is in each set, not in a condition of the index: the search then
    has no other index to choose for its candidates, and never works out every name's sets one by one."""

    function = "patients_name_trigram_sets"
    output_field = ArrayField(models.TextField())


class PatientNameKey(models.Model):
    """A first or last name on file, once, in the form the search compares (``patients_unaccent_upper``).

    A misspelt search ranks names by trigram similarity. Ranked over the patients, it rechecked every patient
    whose name shares two trigrams with the word typed (2,000 at 50,000 patients, nearly every page of the
    table); ranked over each name once, it rechecks each name once: a registry repeats its names (the bench's
    50,000 patients have 683 first names), and pg_trgm's documentation advises such a table of unique words.
    The nearest names then lead to their patients by an index (``patients/search.py``).

    Kept by PostgreSQL alone: trigger ``patient_name_keys`` on ``patients_patient`` adds a patient's names on
    insert and rename and drops a name no patient has any more, whoever writes the row (the app, a bulk load, a
    script). Nothing in the app writes here."""

    part = models.CharField(max_length=5, choices=NamePart.choices)
    key = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "key"], name="patient_name_key_unique"),
            models.CheckConstraint(condition=Q(part__in=NamePart.values), name="patient_name_key_part_valid"),
        ]
        indexes = [
            GinIndex(OpClass("key", name="gin_trgm_ops"), condition=Q(part=part), name=f"patient_name_key_{part}_trgm")
            for part in NamePart.values
        ] + [
            # Written straight into the index (no pending list to read through on every search): a new name is a
            # new patient's, a few a day, and each adds up to a thousand entries here.
            GinIndex(NameTrigramSets("part", "key"), name="patient_name_key_sets", fastupdate=False),
        ]

    def __str__(self) -> str:
        return f"{self.get_part_display()} {self.key}"
