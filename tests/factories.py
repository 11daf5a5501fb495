"""factory_boy factories. Build data the way the app does; roles through the real groups."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from clinic.accounts.roles import sync_role_permissions
from clinic.models import Location
from patients.models import Patient

TEST_PASSWORD = "correct-horse-battery-staple"


def client_for(user) -> Client:
    """A browser of its own for ``user``, signed in, so that two roles can act in one test. Under
    ``time_machine.travel`` make it inside the travel, so that its session is valid at that time."""
    client = Client()
    client.force_login(user)
    return client


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Clinic site {n}")
    address = "1 Test Street"
    phone = "+1 555 0199"
    time_zone = "America/New_York"
    # A working clinic is certified for Spravato (CLINICAL.md §2); tests of the booking refusal clear it.
    rems_certification_number = "REMS-TEST-SITE"
    rems_certification_expires_on = datetime.date(2099, 12, 31)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@clinic.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create:
            return
        if not extracted:
            self.save()  # keep the password set above
            return
        group = Group.objects.filter(name=extracted).first()
        if group is None:  # a transactional test emptied the tables: restore the roles
            sync_role_permissions()
            group = Group.objects.get(name=extracted)
        self.groups.add(group)
        self.save()


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: datetime.date(1985, 6, 15))
    email = factory.Faker("email")
    phone = "+1 555 0142"
    location = factory.SubFactory(LocationFactory)


# --- Intake (issue 3): build states through the patients services, as the app does -------------------

def _consent_text():
    from patients.demo import DEMO_CONSENT_TEXT

    return DEMO_CONSENT_TEXT


def complete_intake_answers(*, reasons=("depression",), phq9_item9=0, cssrs_high=False) -> dict:
    """A full, valid set of step answers (as the intake forms save them): two failed adequate trials."""
    from patients.demo import demo_intake_answers

    return demo_intake_answers(reasons=reasons, phq9_item9=phq9_item9, cssrs_high=cssrs_high)


def published_consent(*, by=None):
    from patients.services import consent_document_current, consent_document_publish

    current = consent_document_current()
    if current is not None:
        return current
    by = by or UserFactory(full_name="Consent Manager", role="manager")
    return consent_document_publish(title="Consent to ketamine treatment", body=_consent_text(), published_by=by)


def make_submitted_intake(*, patient=None, answers=None, **patient_fields):
    """A patient whose intake is filled in, signed and submitted (waiting for a prescriber)."""
    from patients.services import consent_sign, intake_step_save, intake_submit, invitation_send

    patient = patient or PatientFactory(**patient_fields)
    issued = invitation_send(patient=patient, sent_by=None, by_email=False)
    intake = issued.link.intake
    for step, data in (answers or complete_intake_answers()).items():
        intake = intake_step_save(intake=intake, step=step, data=data)
    consent_sign(patient=patient, document=published_consent(), typed_name=patient.full_name,
                 ip_address="127.0.0.1", user_agent="factory", intake=intake)
    return intake_submit(intake=intake)


def make_cleared_patient(*, location=None, route="iv", number_of_sessions=6, esketamine_dose_mg=56,
                         **patient_fields):
    """A patient ready to book: approved intake with a treatment plan, current consent signature and, for
    esketamine, a REMS enrolment. ``patients.selectors.booking_blockers(patient=p, route=route) == []``."""
    from patients.services import intake_decide, rems_enrollment_record

    if location is not None:
        patient_fields["location"] = location
    intake = make_submitted_intake(**patient_fields)
    prescriber = UserFactory(full_name="Dr Plan Prescriber", credentials="MD", role="prescriber")
    dose = None if route == "intranasal" else "0.50"
    intake_decide(intake=intake, decided_by=prescriber, kind="approve",
                  plan={"route": route, "protocol_name": "Induction" if route != "intranasal" else "Spravato",
                        "target_dose_mg_per_kg": dose, "number_of_sessions": number_of_sessions,
                        "esketamine_dose_mg": esketamine_dose_mg if route == "intranasal" else None})
    if route == "intranasal":
        rems_enrollment_record(patient=intake.patient, enrolled_on=datetime.date.today() - datetime.timedelta(days=1),
                               recorded_by=prescriber)  # yesterday: in the past at any clinic's clock
    return intake.patient
