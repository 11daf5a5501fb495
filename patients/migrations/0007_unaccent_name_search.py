"""Accent-blind patient-name search: "nunez" finds "Ñúñez" (and the other way round).

unaccent() is STABLE (its dictionary could be changed), so it cannot be indexed directly; the usual way is
an IMMUTABLE wrapper that names the dictionary and its schema explicitly, so that the result cannot depend
on the search_path. The trigram indexes on upper(name) are replaced by the same on the wrapper.

Also: a help text without an internal document reference (no SQL).
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

import patients.models.patient

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION patients_unaccent_upper(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT upper(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
"""
DROP_FUNCTION = "DROP FUNCTION IF EXISTS patients_unaccent_upper(text);"


class Migration(migrations.Migration):

    dependencies = [
        ("patients", "0006_plan_override_reason_live_link_signature"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(CREATE_FUNCTION, DROP_FUNCTION),
        migrations.RemoveIndex(model_name="patient", name="patient_last_name_trgm"),
        migrations.RemoveIndex(model_name="patient", name="patient_first_name_trgm"),
        migrations.AddIndex(
            model_name="patient",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    patients.models.patient.UnaccentUpper("legal_last_name"), name="gin_trgm_ops"),
                name="patient_last_unaccent_trgm"),
        ),
        migrations.AddIndex(
            model_name="patient",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    patients.models.patient.UnaccentUpper("legal_first_name"), name="gin_trgm_ops"),
                name="patient_first_unaccent_trgm"),
        ),
        migrations.AlterField(
            model_name="treatmentplan",
            name="dose_override_reason",
            field=models.TextField(blank=True,
                                   help_text="The prescriber's reason for a target dose above the clinic's cap."),
        ),
    ]
