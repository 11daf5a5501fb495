"""Finding a patient in the registry (issue 13 and earlier): by name (partial, accent-blind or misspelt), by date of
birth or by phone. The registry's list and the booking search both ask ``patients_search``."""

from __future__ import annotations

import datetime
import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

from clinic.paging import FirstPageCounted, counted_first_page
from clinic.prepared import PreparedQuery
from patients.models import Patient
from patients.models.name_key import NAME_KEY_FIELDS
from patients.models.patient import UnaccentUpper

# How many names a misspelt search shows (the closest by trigram similarity).
FUZZY_SEARCH_LIMIT = 25
# A page of search results (the registry's list and the booking search show this many at once).
SEARCH_PAGE = 25
# What a row of results shows (patients/html.py ``patient_list_rows``, the booking search): only these are read.
# A misspelt search at 50,000 patients shows a full page where 1,000 show half of one, and each row's other
# fields (contact details, timestamps, the location's opening hours) cost reading and converting (issue 13).
SEARCH_ROW_FIELDS = ("public_id", "legal_first_name", "legal_last_name", "preferred_name", "date_of_birth",
                     "location__name")
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y")


def _as_date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patients_search(*, query: str = "") -> QuerySet[Patient] | FirstPageCounted:
    """Search by name (partial or misspelt: pg_trgm), date of birth (2001-03-04 or 03/04/2001) or phone.

    Each word must match. Names match as parts first (LIKE, served by the trigram indexes on the names
    unaccented and in capitals, so "nunez zoe" finds "Zoë Ñúñez" and a duplicate registration is avoided);
    only when nothing matches that way are misspellings tried (similarity, ``%``). Similarity on every
    search would make PostgreSQL compare every row (``make bench``: "search, misspelt name").

    No query: the whole registry, for a paginator. A search's matches come with their first page and their
    number already read (one query, which also says whether any name matched as typed).
    """
    words = query.split()
    if not words:
        return _patients_matching(words, fuzzy=False)
    found = FirstPageCounted(lambda: _patients_matching(words, fuzzy=False), SEARCH_PAGE,
                             first_page=_first_page_of_one_word(words))
    if found.count() or not any(_is_name_word(word) for word in words):
        return found
    # Read once, here: a page's count and its rows then come from these rows, where the paginator would
    # otherwise rank every candidate twice (a COUNT of the top rows, then the rows).
    return _CLOSEST_TO_ONE_NAME(word=words[0]) if len(words) == 1 else list(_closest(words))


def _closest(words: list[str]) -> QuerySet[Patient]:
    """A misspelling matches many names in a large registry: the closest few, closest first, never sorting or
    counting every candidate (issue 13)."""
    similarity = sum(Greatest(TrigramSimilarity("last_name_key", _search_form_once(word)),
                              TrigramSimilarity("first_name_key", _search_form_once(word)))
                     for word in words if _is_name_word(word))
    candidates = (_search_rows().filter(pk__in=_closest_names(words[0]))
                  if len(words) == 1 else _patients_matching(words, fuzzy=True))
    return (candidates.annotate(similarity=similarity)
            .order_by("-similarity", "legal_last_name", "legal_first_name", "id")[:FUZZY_SEARCH_LIMIT])


def _search_form_once(word: str) -> Func:
    """The word's search form (``UnaccentUpper``) as a subquery of its own, worked out once a search, not once a
    row: in the plan PostgreSQL keeps for a prepared search the word is a ``$1``, never folded to a constant."""
    return Func(UnaccentUpper(Value(word)), template="(SELECT %(expressions)s)", output_field=TextField())


# Nearly every search is one word, a name or a date of birth: its first page (with the number of matches) and,
# when a name matched nobody, its closest names, each from a query prepared once (clinic.prepared, issue 13).
_FIRST_PAGE_BY_NAME = PreparedQuery(
    lambda *, word: counted_first_page(_patients_matching([word], fuzzy=False), SEARCH_PAGE), word=str)
_FIRST_PAGE_BY_BIRTH = PreparedQuery(
    lambda *, born: counted_first_page(_patients_matching([born], fuzzy=False), SEARCH_PAGE), born=datetime.date)
_CLOSEST_TO_ONE_NAME = PreparedQuery(lambda *, word: _closest([word]), word=str)


def _first_page_of_one_word(words: list[str]) -> list[Patient] | None:
    """The first page of a one-word search by date of birth or name (a date is tried first, as
    ``_patients_matching`` does: its digits would pass for a phone number's); None for anything else."""
    if len(words) != 1:
        return None
    born = _as_date(words[0])
    if born is not None:
        return _FIRST_PAGE_BY_BIRTH(born=born)
    return None if _is_phone_word(words[0]) else _FIRST_PAGE_BY_NAME(word=words[0])


# One misspelt name (the usual misspelt search): the closest few by last name and the closest few by first name,
# each list in the page's order (closeness, ``<->``, then the name, so ties are cut as the page cuts them). The
# closest few of all are among these, and only these are ranked together. Each list ranks the names on file, each
# once (PatientNameKey: a short word's candidates from the index of the trigram sets a similar name must share with
# it, a longer word's from the trigram index, ``%``), not the patients: the nearest names, with every name as
# near as the last of them (``WITH TIES``), are the only ones the list's patients can have. Each name's patients
# are all as close as one another, so only each name's first few in the page's order can make the list: they are
# read from an index in that order (``LATERAL … LIMIT``, index only), where joining every patient of each name
# read 75 patients' rows for a first name at 50,000 patients (issue 13: the query 2.7 -> 1.3 ms). At 50,000
# patients a list rechecked ~2,000 patients (nearly every page of the table), then 666 names for "WATHA" (every
# name sharing two of its trigrams), and now the 49 similar ones (the query 3.6 -> 2.6 ms; "LE" 3.9 -> 1.4). Written
# out because the same lists built by the ORM cost more Python than they saved PostgreSQL. The name typed matched
# nobody as typed, so a candidate is a similar name (``%``) alone. The name's search form is worked out once (the
# ``typed`` CTE, read by InitPlans): written into each comparison, the plan PostgreSQL keeps for the prepared
# statement (the word a ``$1``) worked it out for every candidate name, and the plans it made for each word instead
# took 0.6 ms to plan.
_CLOSEST_NAMES_SQL = (
    # The word typed, worked out once for both parts: its search form, whether it is short enough to be looked up
    # by its trigram sets, and those sets (migration 0022). Each part's lists read them as parameters (InitPlans).
    "WITH typed AS MATERIALIZED (SELECT spelt.word, patients_word_has_trigram_sets(spelt.word) AS has_sets, "  # noqa: S608
    + ", ".join(f"patients_word_trigram_sets('{part}', spelt.word) AS {part}_sets" for part, _key in NAME_KEY_FIELDS)
    + " FROM (SELECT patients_unaccent_upper(%s) AS word) spelt) "
    + " UNION ".join(
        f"(SELECT patient.id FROM ("  # noqa: S608 (constants)
        # A short word's candidates: the names sharing one of its trigram sets, from their index (``OFFSET 0`` keeps
        # ``%`` from choosing the looser trigram index instead) ...
        f"SELECT candidate.key, candidate.key <-> (SELECT word FROM typed) AS distance FROM ("
        f"SELECT key FROM patients_patientnamekey "
        f"WHERE patients_name_trigram_sets(part, key) && (SELECT {part}_sets FROM typed) OFFSET 0) candidate "
        f"WHERE candidate.key %% (SELECT word FROM typed) "
        # ... a longer word's (it has no sets): ``%`` from the trigram index, which needs 3 shared trigrams of it
        # already. The test is worked out once, before this list is read, and the list is not read for a short word.
        # The word is a row of a subquery here, not a parameter: given it as one, PostgreSQL read all 683 first
        # names of the bench's large size by the unique index and compared each (1.5 ms) rather than use ``%``'s.
        f"UNION ALL SELECT key, key <-> spelt.word FROM patients_patientnamekey, (SELECT word FROM typed) spelt "
        f"WHERE part = '{part}' AND key %% spelt.word AND (SELECT NOT has_sets FROM typed) "
        f"ORDER BY distance FETCH FIRST {FUZZY_SEARCH_LIMIT} ROWS WITH TIES) nearest "
        f"CROSS JOIN LATERAL (SELECT named.id, named.legal_last_name, named.legal_first_name "
        f"FROM patients_patient named WHERE named.{key} = nearest.key "
        f"ORDER BY named.legal_last_name, named.legal_first_name, named.id LIMIT {FUZZY_SEARCH_LIMIT}) patient "
        f"ORDER BY nearest.distance, patient.legal_last_name, patient.legal_first_name, patient.id "
        f"LIMIT {FUZZY_SEARCH_LIMIT})"
        for part, key in NAME_KEY_FIELDS))


def _closest_names(name: str) -> RawSQL:
    return RawSQL(_CLOSEST_NAMES_SQL, [name])  # noqa: S611 (the name typed is a parameter, never SQL)


def _is_name_word(word: str) -> bool:
    return _as_date(word) is None and not _is_phone_word(word)


def _is_phone_word(word: str) -> bool:
    digits = re.sub(r"\D", "", word)
    return len(digits) >= 4 and len(digits) >= len(word) - 3


def _search_rows() -> QuerySet[Patient]:
    return Patient.objects.select_related("location").only(*SEARCH_ROW_FIELDS)


def _patients_matching(words: list[str | datetime.date], *, fuzzy: bool) -> QuerySet[Patient]:
    """Patients matching every word: a date of birth (typed, or a date), a phone number's digits, or a name."""
    patients = _search_rows()
    for word in words:
        date = word if isinstance(word, datetime.date) else _as_date(word)
        if date is not None:
            patients = patients.filter(date_of_birth=date)
        elif _is_phone_word(word):
            digits = re.sub(r"\D", "", word)
            patients = patients.filter(phone__contains=digits[-4:]) if len(digits) < 7 else patients.filter(
                Q(phone__contains=digits[-7:-4]) & Q(phone__contains=digits[-4:]))
        elif fuzzy:
            # The word goes through the same SQL function as the indexed names (not Python's upper(), which
            # may disagree with the database's); it is IMMUTABLE, so PostgreSQL folds it to a constant and
            # the LIKE can still use the trigram indexes.
            upper = UnaccentUpper(Value(word))
            patients = patients.filter(
                Q(last_name_key__trigram_similar=upper) | Q(first_name_key__trigram_similar=upper)
                | Q(last_name_key__contains=upper) | Q(first_name_key__contains=upper))
        else:
            # Worked out once a search, so the plan PostgreSQL keeps for the prepared search serves every word:
            # it planned each word anew (0.2 ms) for a query that runs in 0.1 ms.
            upper = _search_form_once(word)
            patients = patients.filter(Q(last_name_key__contains=upper) | Q(first_name_key__contains=upper))
    return patients.order_by("legal_last_name", "legal_first_name", "id")
