"""factory_boy factories. Build data the way the app does; roles through the real groups."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from clinic.accounts.roles import sync_role_permissions
from clinic.models import Location
from patients.models import Patient

TEST_PASSWORD = "correct-horse-battery-staple"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Clinic site {n}")
    address = "1 Test Street"
    phone = "+1 555 0199"
    time_zone = "America/New_York"


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
