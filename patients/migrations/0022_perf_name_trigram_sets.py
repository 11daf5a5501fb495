"""The misspelt-name search finds its candidate names by the trigrams they share with the word typed (issue 13).

pg_trgm's ``name % word`` asks similarity(name, word) = c / (nw + nn - c) >= 0.3, with c the trigrams the two share
and nw, nn the trigrams of each. Its index does not know a name's nn, so for a word of 4 or 5 letters (5 or 6
trigrams) it hands on every name sharing 2 of them, nearly every name beginning with the same two letters, and
each is compared again (at 50,000 patients, 666 last names read for "WATHA", 49 of them similar). Yet a name of two
letters or more (nn >= 3) that is similar to a word of at most 6 trigrams shares 3 of them, and only short names
can be similar sharing 2:

- c = 2 reaches 0.3 only when nw + nn <= 8 (2 / 6 = 0.33; 2 / 7 = 0.29), so nn <= 6;
- c = 1 would need nw + nn <= 4 (1 / 3): two one-letter names, which share both their trigrams or neither;
- c >= 3 with nw <= 6 needs nn <= c / 0.3 + c - nw <= 20.

So each name is indexed by every 3 of its trigrams (names of at most 20) and every 2 of them tagged with its
trigram count (names of at most 6); a word of at most 6 trigrams looks up every 3 of its own and every 2 tagged with
each count from 2 to 8 - nw. A name similar to the word shares one of these with it, whatever its letters
(tests/patients/test_name_trigram_sets.py checks every similar pair of a registry's names and their misspellings):
the index hands on the names sharing 3 trigrams, and only short names sharing 2. A word of 7 trigrams or more
gets NULL: there ``%`` already needs 3 (0.3 x 7 = 2.1), and the search asks it alone. The numbers hold for
pg_trgm's default threshold, 0.3, which the app does not change; a higher one only casts a wider net than needed.

Trigrams are joined by ``|`` and a count follows ``#``: pg_trgm's trigrams are letters, digits and spaces. The
functions name their schema (``public.show_trgm``): PostgreSQL builds an index with a search_path of its own.
"""

import django.contrib.postgres.indexes
import patients.models.name_key
from django.db import migrations, models


# PL/pgSQL: its loops over a dozen trigrams cost microseconds, where the same in one SQL statement (a
# self-join of unnest) cost 0.5 ms a call, and a search works out its word's sets on every page.
CREATE_FUNCTIONS = """
-- Every 3 of the trigrams and every 2 tagged with each count given, each marked with the part.
CREATE OR REPLACE FUNCTION patients_trigram_sets(part text, trigrams text[], counts int[])
    RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    n int := cardinality(trigrams);
    sets text[] := '{}';
BEGIN
    FOR a IN 1 .. n LOOP
        FOR b IN a + 1 .. n LOOP
            FOR i IN 1 .. cardinality(counts) LOOP
                sets := sets || (part || ':' || trigrams[a] || '|' || trigrams[b] || '#' || counts[i]);
            END LOOP;
            FOR c IN b + 1 .. n LOOP
                sets := sets || (part || ':' || trigrams[a] || '|' || trigrams[b] || '|' || trigrams[c]);
            END LOOP;
        END LOOP;
    END LOOP;
    RETURN sets;
END
$$;

-- A name's: every 3 of its trigrams (names of at most 20), every 2 tagged with its count (names of at most 6).
CREATE OR REPLACE FUNCTION patients_name_trigram_sets(part text, name text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
DECLARE
    trigrams text[] := public.show_trgm(name);
    n int := cardinality(trigrams);
BEGIN
    IF n > 20 THEN
        RETURN '{}';  -- similar to no word of 6 trigrams or fewer
    END IF;
    RETURN public.patients_trigram_sets(part, trigrams, CASE WHEN n <= 6 THEN ARRAY[n] ELSE '{}' END);
END
$$;

-- Whether a word typed is looked up by its trigram sets (a SQL expression PostgreSQL inlines: no call).
CREATE OR REPLACE FUNCTION patients_word_has_trigram_sets(word text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT cardinality(public.show_trgm(word)) <= 6 $$;

-- A word's: every 3 of its trigrams, every 2 tagged with each count from 2 to 8 - its own; NULL for a long word
-- (pg_trgm's own index needs 3 shared trigrams of it already).
CREATE OR REPLACE FUNCTION patients_word_trigram_sets(part text, word text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    trigrams text[] := public.show_trgm(word);
BEGIN
    IF NOT public.patients_word_has_trigram_sets(word) THEN
        RETURN NULL;
    END IF;
    RETURN public.patients_trigram_sets(part, trigrams, ARRAY(SELECT generate_series(2, 8 - cardinality(trigrams))));
END
$$;
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS patients_word_trigram_sets(text, text);
DROP FUNCTION IF EXISTS patients_word_has_trigram_sets(text);
DROP FUNCTION IF EXISTS patients_name_trigram_sets(text, text);
DROP FUNCTION IF EXISTS patients_trigram_sets(text, text[], int[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0021_perf_name_key_order'),
    ]

    operations = [
        migrations.RunSQL(CREATE_FUNCTIONS, DROP_FUNCTIONS),
        migrations.AddIndex(
            model_name='patientnamekey',
            index=django.contrib.postgres.indexes.GinIndex(patients.models.name_key.NameTrigramSets('part', 'key'), fastupdate=False, name='patient_name_key_sets'),
        ),
    ]
