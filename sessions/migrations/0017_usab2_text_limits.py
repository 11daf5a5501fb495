"""Every free text has a maximum in the database too (issue 12 #7): a CHECK on each TextField's length, the same
numbers as the forms. Named <table>_<column>_max_length."""

from django.db import migrations

LIMITS = [("clinic_sessions_predosecheck", "medication_changes", 2000),
          ("clinic_sessions_doseorder", "cap_override_reason", 2000),
          ("clinic_sessions_addendum", "text", 4000),
          ("clinic_sessions_sessionholdevent", "reasons", 4000)]


def _sql(table, column, limit):
    name = f"{table}_{column}_max_length"
    return (f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK (char_length("{column}") <= {limit})',
            f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("clinic_sessions", "0016_merge_not_given")]

    operations = [migrations.RunSQL(*_sql(*limit)) for limit in LIMITS]
