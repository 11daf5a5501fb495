from django.db.models import Q, QuerySet

from clinic.audit.models import AccessEvent


def access_events_list(*, patient_id=None, actor=None) -> QuerySet[AccessEvent]:
    events = AccessEvent.objects.select_related("actor")
    if patient_id is not None:
        events = events.filter(Q(patient_id=patient_id) | Q(patient_ids__contains=[patient_id]))
    if actor is not None:
        events = events.filter(actor=actor)
    return events


def access_log_day_heads(*, days: int = 14) -> list[dict]:
    """The last hash of each of the latest ``days`` days (UTC): note one down elsewhere, and a later
    rewrite of anything up to it shows (``manage.py audit_verify``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (day) day, chain_seq, hash FROM ("
            " SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, chain_seq, hash FROM audit_accessevent"
            " WHERE chain_seq IS NOT NULL) e ORDER BY day DESC, chain_seq DESC LIMIT %s", [days])
        return [{"day": day, "chain_seq": seq, "hash": digest} for day, seq, digest in cursor.fetchall()]
