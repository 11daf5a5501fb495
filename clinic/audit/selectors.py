import datetime

from django.db.models import Q, QuerySet

from clinic.audit.models import AccessEvent
from clinic.paging import KeysetPage, keyset_page
from clinic.prepared import PreparedQuery
from clinic.statements import Statement, statement_rows


def access_events_list(*, actor=None) -> QuerySet[AccessEvent]:
    """The events as the log shows them: the columns of its table. Not the patients a list event named (up to
    every patient of a page; the log does not show them). Those naming one patient: ``events_naming``."""
    events = AccessEvent.objects.only(
        "occurred_at", "actor_label", "action", "object_type", "patient_id", "ip_address",
    )
    if actor is not None:
        events = events.filter(actor=actor)
    return events


NEWEST_FIRST, OLDEST_FIRST = ("-occurred_at", "-id"), ("occurred_at", "id")


def events_naming(events: QuerySet[AccessEvent], patient_id, *, past: Q | None = None,
                  order: tuple[str, str] = NEWEST_FIRST, limit: int | None = None):
    """The ``events`` that name the patient, in ``order`` (by time then id, either way), ``past`` a cursor, at
    most ``limit``. The events about the patient alone walk the index on (patient_id, occurred_at, id); the list
    events naming them come from the GIN index on patient_ids, less those the first arm has (patient_id IS
    DISTINCT FROM theirs: Django's exclude() on a nullable column). The access report and the log filtered to a
    patient both read them so.

    Without ``limit`` (the CSV export): one statement, a queryset. With it, a list from two statements: their
    own events first; when those fill the page, the list events are read only as far as the page reaches (its
    last event's time, ``_within``). A patient on every day board is named by thousands of board views, and the
    GIN index hands PostgreSQL every one of them to sort; the page needs only those within its own span."""
    if order not in (NEWEST_FIRST, OLDEST_FIRST):
        raise ValueError(f"events are paged newest or oldest first, not by {order}")
    past = past or Q()
    own = events.filter(past, patient_id=patient_id).order_by(*order)
    listed = events.filter(past, patient_ids__contains=[patient_id]).exclude(patient_id=patient_id).order_by(*order)
    if limit is None:
        return own.union(listed, all=True).order_by(*order)
    own_page = list(own[:limit])
    if own_page and len(own_page) == limit:
        listed = listed.filter(_within(own_page[-1], order))
    rows = own_page + list(listed[:limit])
    rows.sort(key=_time_and_id, reverse=order == NEWEST_FIRST)
    return rows[:limit]


def _within(last: AccessEvent, order: tuple[str, str]) -> Q:
    """The events no further along ``order`` (newest or oldest first) than ``last``, at its instant included
    (ties go by id)."""
    return Q(occurred_at__gte=last.occurred_at) if order == NEWEST_FIRST else Q(occurred_at__lte=last.occurred_at)


def _time_and_id(event: AccessEvent) -> tuple[datetime.datetime, int]:
    return event.occurred_at, event.pk


def _cursor(event: AccessEvent) -> str:
    return f"{event.occurred_at.isoformat()}_{event.pk}"


def _parse_cursor(value: str | None) -> tuple[datetime.datetime, int] | None:
    try:
        when, pk = (value or "").rsplit("_", 1)
        moment = datetime.datetime.fromisoformat(when)
        return (moment, int(pk)) if moment.tzinfo is not None else None
    except ValueError:
        return None  # a damaged link opens the newest page


PAGE_SIZE = 50
# How the log opens (no filter, no cursor): its newest page, from a query prepared once (issue 13).
NEWEST_PAGE = PreparedQuery(lambda: access_events_list().order_by("-occurred_at", "-id")[:PAGE_SIZE + 1])


def access_log_newest_page() -> KeysetPage:
    """How the log opens, no filter and no cursor: its newest page, from a query prepared once."""
    return keyset_page(params={}, size=PAGE_SIZE, parse=_parse_cursor, cursor=_cursor,
                       older=lambda key, limit: NEWEST_PAGE(), newer=None)


def access_events_page(events: QuerySet[AccessEvent], *, params: dict, size: int = PAGE_SIZE,
                       patient_id=None) -> KeysetPage:
    """The page of ``events`` (of those naming ``patient_id``, if given) before (older than) or after (newer
    than) the cursor in ``params``, walking the index on (occurred_at, id) in either direction. ``params``: the
    request's query, filters included. Each cursor condition also bounds occurred_at on its own: the OR alone
    cannot start the index walk at the cursor, so a page far back read every newer event first."""
    def page(past: Q | None, order: tuple[str, str], limit: int) -> list[AccessEvent]:
        if patient_id is not None:
            return list(events_naming(events, patient_id, past=past, order=order, limit=limit))
        rows = events if past is None else events.filter(past)
        return list(rows.order_by(*order)[:limit])

    def older(key, limit):
        return page(None if key is None else cursor_before(*key), NEWEST_FIRST, limit)

    def newer(key, limit):
        return page(cursor_after(*key), OLDEST_FIRST, limit)

    return keyset_page(params=params, size=size, parse=_parse_cursor, cursor=_cursor, older=older, newer=newer)


def cursor_before(when: datetime.datetime, pk: int) -> Q:
    """The events older than the one at ``when`` with id ``pk``."""
    return Q(Q(occurred_at__lt=when) | Q(occurred_at=when, pk__lt=pk), occurred_at__lte=when)


def cursor_after(when: datetime.datetime, pk: int) -> Q:
    """The events newer than the one at ``when`` with id ``pk``."""
    return Q(Q(occurred_at__gt=when) | Q(occurred_at=when, pk__gt=pk), occurred_at__gte=when)


# Day by day from the newest, each day's last event found by one probe of the (occurred_at, id) index:
# the cost is two index probes a day, whatever the log holds (issue 13). Every page view writes an event, so
# reading each day's events for its highest chain_seq cost ~40 ms a view of the log.
DAY_HEADS_SQL = (
    "WITH RECURSIVE days(day, n) AS ("
    " SELECT (max(occurred_at) AT TIME ZONE 'UTC')::date, 1 FROM audit_accessevent WHERE chain_seq IS NOT NULL"
    " UNION ALL"
    " SELECT (SELECT (max(occurred_at) AT TIME ZONE 'UTC')::date FROM audit_accessevent"
    "  WHERE chain_seq IS NOT NULL AND occurred_at < (d.day::timestamp AT TIME ZONE 'UTC')), n + 1"
    " FROM days d WHERE d.day IS NOT NULL AND n < %s)"
    " SELECT d.day, h.chain_seq, h.hash FROM days d CROSS JOIN LATERAL ("
    "  SELECT chain_seq, hash FROM audit_accessevent WHERE chain_seq IS NOT NULL"
    "  AND occurred_at >= (d.day::timestamp AT TIME ZONE 'UTC')"
    "  AND occurred_at < ((d.day + 1)::timestamp AT TIME ZONE 'UTC')"
    "  ORDER BY occurred_at DESC, id DESC LIMIT 1) h ORDER BY d.day DESC"
)


def access_log_day_heads(*, days: int = 14) -> list[dict]:
    """The hash of each of the latest ``days`` days' last event (UTC): note one down elsewhere, and a later
    rewrite of anything up to it shows (``manage.py audit_verify``)."""
    return [{"day": day, "chain_seq": seq, "hash": digest}
            for day, seq, digest in statement_rows(_DAY_HEADS, days=days)]


_DAY_HEADS = Statement.of_values(DAY_HEADS_SQL, "days")  # kept by PostgreSQL (clinic.prepared): every view of the log
