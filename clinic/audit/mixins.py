"""Declaring that a page shows patient data, so that each view of it is logged.

Class-based views add ``AccessLoggedMixin`` and say what they show; function views call
``access_event_record`` themselves once they have the patient. Either way one event per page shown.
"""

from __future__ import annotations

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
