import datetime

from django.db.models import Q, QuerySet

from clinic.audit.models import AccessEvent
from clinic.paging import KeysetPage, keyset_page
from clinic.prepared import PreparedQuery


def access_events_list(*, patient_id=None, actor=None) -> QuerySet[AccessEvent]:
    """The events as the log shows them: the columns of its table. Not the patients a list event named (up to
    every patient of a page; the log does not show them)."""
    events = AccessEvent.objects.only(
        "occurred_at", "actor_label", "action", "object_type", "patient_id", "ip_address",
    )
    if patient_id is not None:
        events = events.filter(Q(patient_id=patient_id) | Q(patient_ids__contains=[patient_id]))
    if actor is not None:
        events = events.filter(actor=actor)
    return events


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


def access_events_page(events: QuerySet[AccessEvent], *, params: dict, size: int = PAGE_SIZE) -> KeysetPage:
    """The page of ``events`` before (older than) or after (newer than) the cursor in ``params``, walking the
    index on (occurred_at, id) in either direction. ``params``: the request's query, filters included. Each
    cursor condition also bounds occurred_at on its own: the OR alone cannot start the index walk at the cursor,
    so a page far back read every newer event first."""
    def older(key, limit):
        rows = events if key is None else events.filter(
            Q(occurred_at__lt=key[0]) | Q(occurred_at=key[0], pk__lt=key[1]), occurred_at__lte=key[0])
        return list(rows.order_by("-occurred_at", "-id")[:limit])

    def newer(key, limit):
        return list(events.filter(Q(occurred_at__gt=key[0]) | Q(occurred_at=key[0], pk__gt=key[1]),
                                  occurred_at__gte=key[0]).order_by("occurred_at", "id")[:limit])

    return keyset_page(params=params, size=size, parse=_parse_cursor, cursor=_cursor, older=older, newer=newer)


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
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(DAY_HEADS_SQL, [days])
        return [{"day": day, "chain_seq": seq, "hash": digest} for day, seq, digest in cursor.fetchall()]
