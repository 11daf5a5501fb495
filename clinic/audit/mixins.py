"""Declaring that a page shows patient data, so that each view of it is logged.

Class-based views add ``AccessLoggedMixin`` and say what they show; function views use
``@logs_patient_access``. Either way the event is written once per successful GET, through
``access_event_record``.
"""

from __future__ import annotations

from functools import wraps

from clinic.audit.services import access_event_record


class AccessLoggedMixin:
    """For detail views of patient data. Set ``access_object_type``; override ``get_access_patient_id``
    when the object is not the patient itself (default: ``object.patient.public_id`` or ``object.public_id``)."""

    access_object_type: str = ""
    access_action: str = "view"

    def get_access_action(self) -> str:
        return self.access_action

    def get_access_patient_id(self, obj):
        patient = getattr(obj, "patient", None)
        return patient.public_id if patient is not None else obj.public_id

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            obj = self.object
            access_event_record(
                request=request,
                patient_id=self.get_access_patient_id(obj),
                object_type=self.access_object_type or obj._meta.verbose_name,
                object_id=str(getattr(obj, "public_id", obj.pk)),
                action=self.get_access_action(),
            )
        return response


def logs_patient_access(object_type: str, action: str = "view"):
    """For function views that return ``(response, patient_id, object_id)``-free pages: the view sets
    ``request.accessed_patient_id`` (and optionally ``request.accessed_object_id``) and the decorator logs it."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            patient_id = getattr(request, "accessed_patient_id", None)
            if response.status_code == 200 and patient_id is not None:
                access_event_record(
                    request=request,
                    patient_id=patient_id,
                    object_type=object_type,
                    object_id=getattr(request, "accessed_object_id", ""),
                    action=action,
                )
            return response

        return wrapper

    return decorator
