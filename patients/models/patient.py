"""The patient registry (DESIGN.md §2)."""

import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models

from clinic.db import ModelFunc, adult_date_of_birth_trigger, column, sql_literal, table
from clinic.links import url_for_public_id
from clinic.models import Location
from patients.models.name_key import NAME_KEY_FIELDS, PatientNameKey
from patients.validators import MIN_AGE_YEARS


class UnaccentUpper(models.Func):
    """``patients_unaccent_upper(text)``: the text without accents, in capitals ("Zoë Ñúñez" → "ZOE NUNEZ").

    A SQL function made by migration 0007, declared IMMUTABLE so that the trigram indexes below can be built
    on it (``unaccent()`` itself is only STABLE: its dictionary could change), and so that PostgreSQL works
    out ``patients_unaccent_upper('query')`` once at plan time and can use those indexes for LIKE. Used on
    both sides of a comparison, so "nunez" finds "Ñúñez" and "Ñúñez" finds "Nunez", whatever the
    database's locale does to ``upper()`` of non-ASCII letters.
    """

    function = "patients_unaccent_upper"
    output_field = models.TextField()


def name_keys_trigger(*, name: str) -> pgtrigger.Trigger:
    """PatientNameKey kept by PostgreSQL: after a patient is inserted or renamed, each name (first, last) the row
    now has is added once, and each name it no longer has is dropped if no other patient has it (a patient is
    never deleted: ``sql_patients_patient_no_delete``).

    Two writers on one name are ordered by a lock on that name's row held to the end of their transactions:
    adding holds it shared (``FOR KEY SHARE``: registrations never wait for each other), dropping takes it alone
    (``FOR UPDATE``) and then looks for the name with a snapshot taken after the wait (READ COMMITTED, the app's),
    so a name is never dropped while another transaction registers a patient who has it; a registration that
    finds its name dropped under it adds the name again. The locks are the rows' own, not entries in
    PostgreSQL's shared lock table, which an import of a few thousand patients in one transaction would fill.
    Under a stricter isolation the snapshot predates the wait: the name is kept (a name no one has only shortens
    a search's list; a missing one would hide a patient), and a registration whose name a committed rename
    dropped after its snapshot is refused ("could not serialize access"), to be run again, as any such
    conflict. Two renames that swap two names at once can deadlock; PostgreSQL then refuses one, to be saved
    again."""

    def build(meta) -> str:
        keys, patients = table(PatientNameKey), table(meta.model)
        steps = "\n".join(f"""
    new_key := NEW.{column(meta, field)};
    old_key := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.{column(meta, field)} END;
    IF new_key IS DISTINCT FROM old_key THEN
        IF new_key IS NOT NULL THEN
            LOOP
                INSERT INTO {keys} ("part", "key") VALUES ({sql_literal(part)}, new_key) ON CONFLICT DO NOTHING;
                PERFORM 1 FROM {keys} WHERE "part" = {sql_literal(part)} AND "key" = new_key FOR KEY SHARE;
                EXIT WHEN FOUND;  -- else a rename dropped the name between the two: add it again
            END LOOP;
        END IF;
        IF old_key IS NOT NULL AND current_setting('transaction_isolation') = 'read committed' THEN
            PERFORM 1 FROM {keys} WHERE "part" = {sql_literal(part)} AND "key" = old_key FOR UPDATE;
            PERFORM 1 FROM {patients} WHERE {column(meta, field)} = old_key LIMIT 1;
            IF NOT FOUND THEN
                DELETE FROM {keys} WHERE "part" = {sql_literal(part)} AND "key" = old_key;
            END IF;
        END IF;
    END IF;""" for part, field in NAME_KEY_FIELDS)  # noqa: S608 (tables and columns from _meta, quoted)
        return f"""{steps}
    RETURN NULL;
    """

    return pgtrigger.Trigger(
        name=name, when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.UpdateOf("legal_first_name", "legal_last_name"),
        func=ModelFunc(build), declare=[("new_key", "text"), ("old_key", "text")])


# The stored search keys are worked out by PostgreSQL from the names: the history keeps the names themselves.
@pghistory.track(exclude=["last_name_key", "first_name_key"])
class Patient(models.Model):
    """A person the clinic treats. Never deleted (DESIGN.md §6); URLs carry ``public_id`` only."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_first_name = models.CharField("legal first name", max_length=100)
    legal_last_name = models.CharField("legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="patients")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The names as the search compares them (accents off, in capitals), stored by PostgreSQL with the row:
    # the trigram indexes are built on them, and a misspelt search rechecks its candidates by reading them
    # rather than working each name out again (issue 13: 32 -> 8 ms at 50,000 patients).
    last_name_key = models.GeneratedField(expression=UnaccentUpper("legal_last_name"),
                                          output_field=models.TextField(), db_persist=True)
    first_name_key = models.GeneratedField(expression=UnaccentUpper("legal_first_name"),
                                           output_field=models.TextField(), db_persist=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            # Partial, misspelt and accent-blind name search (pg_trgm, installed by clinic's first migration;
            # unaccent by patients 0007): registering "Nunez" twice because she is on file as "Ñúñez"
            # would split one patient's record in two.
            GinIndex(OpClass("last_name_key", name="gin_trgm_ops"), name="patient_last_key_trgm"),
            GinIndex(OpClass("first_name_key", name="gin_trgm_ops"), name="patient_first_key_trgm"),
            models.Index(fields=["date_of_birth"], name="patient_dob_idx"),
            GinIndex(OpClass("phone", name="gin_trgm_ops"), name="patient_phone_trgm"),
            # A misspelt search's nearest names to their patients, each name's first few in the page's order read
            # from the index alone (patients/search.py), and the check that no patient has a name any more
            # (trigger patient_name_keys). At 50,000 patients a first name is 75 patients' (issue 13).
            models.Index(fields=["last_name_key", "legal_last_name", "legal_first_name", "id"],
                         name="patient_last_key_order_idx"),
            models.Index(fields=["first_name_key", "legal_last_name", "legal_first_name", "id"],
                         name="patient_first_key_order_idx"),
        ]
        triggers = [adult_date_of_birth_trigger(name="patient_adult_date_of_birth", min_age_years=MIN_AGE_YEARS),
                    name_keys_trigger(name="patient_name_keys")]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return url_for_public_id("patients:detail")(self.public_id)  # reversed once per process (clinic.links)

    @property
    def full_name(self) -> str:
        return self.name_from(self.legal_first_name, self.legal_last_name)

    @staticmethod
    def name_from(legal_first_name: str, legal_last_name: str) -> str:
        """The name pages show, from the two fields: also for lists read as values, not as patients."""
        return f"{legal_first_name} {legal_last_name}"
