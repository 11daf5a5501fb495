"""Issue 8, item 6: a list writes ONE event naming every patient it showed; a typed name is a search; the list
of patients is sealed in the hash chain like the rest of the event."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from clinic.audit.models import AccessEvent
from tests.clinic.test_audit_chain import _as_owner
from tests.factories import PatientFactory, published_consent
from tests.patients.intake_helpers import invite, prove, step_url


@pytest.mark.django_db
def test_a_patient_search_writes_one_search_event_naming_the_patients_shown(front_desk_client, location):
    found = [PatientFactory(location=location, legal_last_name=f"Ostrander{n}") for n in range(3)]
    PatientFactory(location=location, legal_last_name="Unrelated")
    response = front_desk_client.post(reverse("patients:list"), {"q": "Ostrander"}, follow=True)
    assert response.status_code == 200
    event = AccessEvent.objects.get()
    assert event.action == AccessEvent.Action.SEARCH and event.patient_id is None
    assert sorted(event.patient_ids, key=str) == sorted((p.public_id for p in found), key=str)


@pytest.mark.django_db
def test_the_patients_consent_step_is_logged(client, location):
    published_consent()
    patient, issued = invite(PatientFactory(location=location))
    prove(client, issued.token, patient.date_of_birth)
    assert client.get(step_url(issued.token, "consent")).status_code == 200
    assert AccessEvent.objects.filter(object_type="intake step (consent)", patient_id=patient.public_id).exists()


@pytest.mark.django_db(transaction=True)
def test_audit_verify_finds_a_list_of_patients_edited_by_the_owner(front_desk_client, location):
    PatientFactory(location=location)
    front_desk_client.get(reverse("patients:list"))
    call_command("audit_verify")
    event = AccessEvent.objects.get(object_type="patient list")
    assert event.patient_ids
    _as_owner(("ALTER TABLE audit_accessevent DISABLE TRIGGER USER", None),
              ("UPDATE audit_accessevent SET patient_ids = '{}' WHERE id = %s", [event.pk]),
              ("ALTER TABLE audit_accessevent ENABLE TRIGGER USER", None))
    with pytest.raises(CommandError, match="content does not match"):
        call_command("audit_verify")
