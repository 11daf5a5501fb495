"""Every free text has a maximum in the database too (issue 12 #7): a CHECK on each TextField's length, the same
numbers as the forms (a CharField's max_length is already a varchar limit). Named <table>_<column>_max_length."""

from django.db import migrations

LIMITS = [("clinic_location", "address", 400), ("patients_urgentacknowledgement", "note", 2000), ("patients_intakedecision", "message", 2000), ("patients_intakedecision", "contraindication_override_reason", 2000), ("patients_consentdocument", "body", 50000), ("patients_treatmentplan", "dose_override_reason", 2000)]


def _sql(table, column, limit):
    name = f"{table}_{column}_max_length"
    return (f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK (char_length("{column}") <= {limit})',
            f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("patients", "0015_usab2_phones_e164"), ("clinic", "0003_ledger_rems_certification")]

    operations = [migrations.RunSQL(*_sql(*limit)) for limit in LIMITS]
