"""The adult-age rule in PostgreSQL (CLINICAL.md §2: date of birth, 18+): a patient or a self-referral whose date
of birth is a child's, in the future or before 1900 is refused by the database itself, whoever writes it (raw SQL
here, past every form). PostgreSQL's "today" is the latest day on earth (UTC+14): the forms' rule, on the clinic's
own day, is the stricter, so what a form accepts the database accepts."""

import datetime

import pytest
from django.db import connection

from tests.db_rules import execute, raises_db_rule

pytestmark = pytest.mark.django_db


def _latest_today_on_earth() -> datetime.date:
    with connection.cursor() as cursor:
        cursor.execute("SELECT (now() AT TIME ZONE 'Pacific/Kiritimati')::date")
        return cursor.fetchone()[0]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _insert_patient(location, born) -> None:
    execute("INSERT INTO patients_patient (public_id, legal_first_name, legal_last_name, preferred_name, "
            "date_of_birth, email, phone, location_id, created_at, updated_at) VALUES (gen_random_uuid(), 'Ada', "
            "'Young', '', %s, '', '', %s, now(), now())", [born, location.pk])


def _insert_request(location, born) -> None:
    execute("INSERT INTO patients_intakerequest (public_id, first_name, last_name, date_of_birth, email, "
            "location_id, status, created_at) VALUES (gen_random_uuid(), 'Ada', 'Young', %s, 'ada@example.com', "
            "%s, 'pending', now())", [born, location.pk])


@pytest.mark.parametrize("insert, rule", [(_insert_patient, "patient_adult_date_of_birth"),
                                          (_insert_request, "intake_request_adult_date_of_birth")])
def test_a_child_a_future_date_or_a_date_before_1900_is_refused_by_postgresql(location, insert, rule):
    today = _latest_today_on_earth()
    eighteen_today = _years_before(today, 18)
    for born in (eighteen_today + datetime.timedelta(days=1), _years_before(today, 10),
                 today + datetime.timedelta(days=1), datetime.date(1899, 12, 31)):
        with raises_db_rule(rule):
            insert(location, born)
    insert(location, eighteen_today)  # 18 today is an adult
    insert(location, datetime.date(1900, 1, 1))


def test_changing_a_patients_date_of_birth_to_a_childs_is_refused(patient):
    child = _years_before(_latest_today_on_earth(), 12)
    with raises_db_rule("patient_adult_date_of_birth"):
        execute("UPDATE patients_patient SET date_of_birth = %s WHERE id = %s", [child, patient.pk])
    execute("UPDATE patients_patient SET legal_last_name = 'Renamed' WHERE id = %s", [patient.pk])  # other columns


def test_the_admins_patient_form_refuses_a_childs_date_on_the_field_not_with_an_error_page(patient):
    """PostgreSQL would refuse it anyway; the admin's form says so first, on the field, and keeps the patient."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from tests.factories import client_for

    admin = get_user_model().objects.create_superuser(email="root@clinic.test", password="x", full_name="Root")
    client = client_for(admin)
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    form = client.get(url).context["adminform"].form
    data = {name: getattr(form.initial.get(name), "pk", form.initial.get(name)) or "" for name in form.fields}
    data["date_of_birth"] = _years_before(_latest_today_on_earth(), 9).isoformat()
    response = client.post(url, data)
    assert response.status_code == 200 and "18 or older" in response.content.decode()
    patient.refresh_from_db()
    assert patient.date_of_birth.year < datetime.date.today().year - 17
