"""Issue 13: a misspelt name's closest few read in order of closeness from a GiST trigram index on each name key
(``ORDER BY key <-> query LIMIT n``), where the GIN index gave every similar name to be ranked (about 2,000 of
50,000 patients for a five-letter name). Built CONCURRENTLY: registering a patient must not wait for the build."""

import django.contrib.postgres.indexes
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ('clinic', '0003_ledger_rems_certification'),
        ('patients', '0018_safety_adult_date_of_birth'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='patient',
            index=django.contrib.postgres.indexes.GistIndex(django.contrib.postgres.indexes.OpClass('last_name_key', name='gist_trgm_ops'), name='patient_last_key_closest'),
        ),
        AddIndexConcurrently(
            model_name='patient',
            index=django.contrib.postgres.indexes.GistIndex(django.contrib.postgres.indexes.OpClass('first_name_key', name='gist_trgm_ops'), name='patient_first_key_closest'),
        ),
    ]
