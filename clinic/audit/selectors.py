from django.db.models import QuerySet

from clinic.audit.models import AccessEvent


def access_events_list(*, patient_id=None, actor=None) -> QuerySet[AccessEvent]:
    events = AccessEvent.objects.select_related("actor")
    if patient_id is not None:
        events = events.filter(patient_id=patient_id)
    if actor is not None:
        events = events.filter(actor=actor)
    return events
