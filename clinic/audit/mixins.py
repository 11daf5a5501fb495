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


class AccessLoggedAdminMixin:
    """For ``ModelAdmin``s of rows with patient data: the list writes one event naming the patients on the
    page; an object's page and its history write one event for its patient. Override
    ``access_patient_ids`` when the object is neither a patient nor has a ``patient``."""

    access_object_type: str = ""

    def access_patient_ids(self, obj) -> list:
        return [getattr(obj, "patient", obj).public_id]

    def _access_record(self, request, objects, suffix: str, action: str = "view") -> None:
        ids = [patient_id for obj in objects for patient_id in self.access_patient_ids(obj) if patient_id]
        object_type = f"{self.access_object_type or self.model._meta.verbose_name} ({suffix})"
        if len(objects) == 1 and suffix != "admin list":
            obj = objects[0]
            access_event_record(request=request, patient_id=ids[0] if len(ids) == 1 else None,
                                patient_ids=ids if len(ids) > 1 else (), object_type=object_type,
                                object_id=str(getattr(obj, "public_id", obj.pk)))
        else:
            access_event_record(request=request, patient_id=None, patient_ids=ids, object_type=object_type,
                                action=action)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl") if response.status_code == 200 else None
        if changelist is not None:
            self._access_record(request, list(changelist.result_list), "admin list",
                                action="search" if changelist.query else "view")
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id) if object_id and response.status_code == 200 else None
        if obj is not None:
            self._access_record(request, [obj], "admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, object_id) if response.status_code == 200 else None
        if obj is not None:
            self._access_record(request, [obj], "admin history")
        return response
