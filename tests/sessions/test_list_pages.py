"""Schedule list pages: the same number of queries with 1 row and with 50 (no query per row), each count pinned,
and one page of rows at most."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.models import Appointment
from sessions.views.appointments import PER_PAGE
from tests.factories import PatientFactory
from tests.sessions.helpers import ChairFactory, local, make_nurse

pytestmark = pytest.mark.django_db

HOURS = (8, 10, 12, 14, 16)  # five sessions a chair a day, two hours apart, inside opening hours


def _appointments(location, protocol, booked_by, days, count, *, patient=None):
    """``count`` appointments over ``days``: five a chair a day, a nurse per chair (rows straight to the ORM;
    booking has its own tests). With ``patient``, all are theirs, on different days."""
    chairs, placed = {}, []
    for n in range(count):
        day = days[n % len(days)] if patient is None else days[n]
        index = n // (len(days) * len(HOURS)) if patient is None else 0
        if index not in chairs:
            chairs[index] = (ChairFactory(location=location), make_nurse())
        chair, nurse = chairs[index]
        start = local(location, day, HOURS[(n // len(days)) % len(HOURS)] if patient is None else 9)
        placed.append(Appointment.objects.create(
            patient=patient or PatientFactory(location=location), protocol=protocol, location=location, chair=chair,
            nurse=nurse, nurse_slot=1, start=start, end=start + timedelta(minutes=100),
            blocked_until=start + timedelta(minutes=115), booked_by=booked_by))
    return placed


def _queries(client, url, params=None):
    """The page's queries, after a first request has done the session's own first-request work."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, [query["sql"] for query in ctx.captured_queries]


def _listed(queries) -> str:
    return "\n".join(sql[:150] for sql in queries)


def _weekdays(monday, count=5):
    return [monday + timedelta(days=i) for i in range(count)]


# --- the week view ---------------------------------------------------------------------------------------------

# Every page below starts with the same three: session, user, the user's and their groups' permissions (one
# read, clinic.accounts.backends).
# The week: those four, the locations (the menu, and the one shown from it), the week's appointments (patient,
# protocol and chair joined), the access event naming their patients.
WEEK_QUERIES = 6


def test_week_view_query_count_is_the_same_for_1_and_50_appointments(front_desk_client, location, protocol,
                                                                     front_desk, next_monday):
    url = reverse("schedule:week")
    params = {"location": str(location.public_id), "day": next_monday.isoformat()}
    first = _appointments(location, protocol, front_desk, _weekdays(next_monday), 1)
    response, one = _queries(front_desk_client, url, params)
    assert len(one) == WEEK_QUERIES, _listed(one)
    assert first[0].patient.full_name in response.content.decode()
    _appointments(location, protocol, front_desk, _weekdays(next_monday), 49)
    response, fifty = _queries(front_desk_client, url, params)
    assert len(fifty) == WEEK_QUERIES, _listed(fifty)
    assert response.content.decode().count('class="board-card') == 50


# --- the free-time search ----------------------------------------------------------------------------------------

# The four, the patient, their decision with its plan, the plan's protocol (by name, else the route's first), the
# form's protocol and location, then the search itself whatever the appointments (chairs, nurses, protocols,
# the occupying appointments around the days asked), the access event, the form's protocol and location menus.
FIND_QUERIES = 16


def test_free_time_search_query_count_is_the_same_with_1_and_50_appointments_that_day(
        front_desk_client, location, protocol, front_desk, next_monday):
    from tests.sessions.helpers import cleared_patient

    patient = cleared_patient(location)
    url = reverse("schedule:find")
    params = {"patient": str(patient.public_id), "location": location.pk, "protocol": protocol.pk,
              "first_day": next_monday.isoformat(), "last_day": next_monday.isoformat()}
    _appointments(location, protocol, front_desk, [next_monday], 1)
    response, one = _queries(front_desk_client, url, params)
    assert len(one) == FIND_QUERIES, _listed(one)
    assert response.context["slots"]
    _appointments(location, protocol, front_desk, [next_monday], 49)
    response, fifty = _queries(front_desk_client, url, params)
    assert len(fifty) == FIND_QUERIES, _listed(fifty)
    assert response.context["slots"]


# --- a patient's appointments -----------------------------------------------------------------------------------

# The four, the patient with their location, the access event, one page of their appointments (protocol,
# location and chair joined) with the number of them all, the courses with their sessions counted.
PATIENT_APPOINTMENTS_QUERIES = 7


def _in_courses(appointments):
    """Each appointment its own course of one session (a course per row, for the courses list)."""
    from sessions.models import Course

    for appointment in appointments:
        course = Course.objects.create(patient=appointment.patient, protocol=appointment.protocol,
                                       location=appointment.location, planned_sessions=1,
                                       created_by=appointment.booked_by)
        Appointment.objects.filter(pk=appointment.pk).update(course=course)


def test_a_patients_appointments_query_count_is_the_same_for_1_and_50_appointments_and_courses(
        front_desk_client, location, protocol, front_desk, next_monday, patient):
    url = reverse("schedule:patient_appointments", args=[patient.public_id])
    days = [next_monday + timedelta(days=3 * i) for i in range(50)]
    _in_courses(_appointments(location, protocol, front_desk, days[:1], 1, patient=patient))
    response, one = _queries(front_desk_client, url)
    assert len(one) == PATIENT_APPOINTMENTS_QUERIES, _listed(one)
    assert len(response.context["page"]) == 1 and len(response.context["courses"]) == 1
    _in_courses(_appointments(location, protocol, front_desk, days[1:], 49, patient=patient))
    response, fifty = _queries(front_desk_client, url)
    assert len(fifty) == PATIENT_APPOINTMENTS_QUERIES, _listed(fifty)
    assert len(response.context["page"]) == 50 and len(response.context["courses"]) == 50
    assert response.content.decode().count("0 of 1 done") == 50
    reads = [sql for sql in fifty if 'FROM "clinic_sessions_appointment"' in sql]
    assert reads and all(sql.endswith(f"LIMIT {PER_PAGE}") or "COUNT(" in sql for sql in reads)  # one page read



def test_a_patients_appointments_page_reads_its_patient_appointments_and_courses_prepared(
        front_desk_client, location, protocol, front_desk, next_monday, patient):
    """Issue 13: each view planned the list's four-table join and the courses' count anew (0.3-0.5 ms of PostgreSQL's
    planning at 1,000,000 appointments, against 0.1 of running them) and Django compiled all three reads. Each is a
    statement PostgreSQL keeps (clinic.prepared): only EXECUTEs of them reach the database."""
    url = reverse("schedule:patient_appointments", args=[patient.public_id])
    _in_courses(_appointments(location, protocol, front_desk, [next_monday, next_monday + timedelta(days=3)], 2,
                              patient=patient))
    response, queries = _queries(front_desk_client, url)
    reads = [sql for sql in queries if any(f'FROM "{table}"' in sql for table in (
        "patients_patient", "clinic_sessions_appointment", "clinic_sessions_course"))]
    assert len(reads) == 3 and all(sql.startswith("EXECUTE ") for sql in reads), _listed(queries)
    assert len(response.context["page"]) == 2 and response.content.decode().count("0 of 1 done") == 2




def test_a_patients_courses_are_listed_newest_first(front_desk_client, location, protocol, front_desk, next_monday,
                                                     patient):
    """A patient back for a booster after an induction sees the course under way first (an unordered count
    came back in whatever order PostgreSQL grouped it)."""
    from sessions.models import Course

    older, newer = (Course.objects.create(patient=patient, protocol=protocol, location=location, kind=kind,
                                          planned_sessions=planned, created_by=front_desk)
                    for kind, planned in ((Course.Kind.INDUCTION, 6), (Course.Kind.BOOSTER, 1)))
    Course.objects.filter(pk=older.pk).update(created_at=newer.created_at - timedelta(days=60))
    response = front_desk_client.get(reverse("schedule:patient_appointments", args=[patient.public_id]))
    assert [course for course, _progress in response.context["courses"]] == [newer, older]
    page = response.content.decode()
    assert page.index("0 of 1 done") < page.index("0 of 6 done")


def test_a_patients_appointments_page_of_no_patient_is_not_found(front_desk_client):
    import uuid

    from clinic.audit.models import AccessEvent

    response = front_desk_client.get(reverse("schedule:patient_appointments", args=[uuid.uuid4()]))
    assert response.status_code == 404 and not AccessEvent.objects.filter(object_type="appointment list").exists()


def test_a_patients_appointments_page_newest_first(front_desk_client, location, protocol, front_desk, next_monday,
                                                   patient):
    url = reverse("schedule:patient_appointments", args=[patient.public_id])
    days = [next_monday + timedelta(days=3 * i) for i in range(PER_PAGE + 1)]
    placed = _appointments(location, protocol, front_desk, days, len(days), patient=patient)
    first = front_desk_client.get(url)
    second = front_desk_client.get(url, {"page": 2})
    shown = list(first.context["page"]) + list(second.context["page"])
    assert shown == sorted(placed, key=lambda appointment: appointment.start, reverse=True)
    assert "Page 2 of 2" in second.content.decode()


# --- schedule settings ----------------------------------------------------------------------------------------

# The four, the locations with their chairs counted, their chairs (one prefetch), the protocols.
SETTINGS_QUERIES = 6


def test_settings_query_count_is_the_same_for_1_and_50_chairs_and_protocols(manager_client, location):
    from tests.sessions.helpers import ProtocolFactory

    url = reverse("schedule:settings")
    ChairFactory(location=location, name="Chair A")
    response, one = _queries(manager_client, url)
    assert len(one) == SETTINGS_QUERIES, _listed(one)
    assert "Chair A" in response.content.decode()
    for n in range(49):
        ChairFactory(location=location, name=f"Chair B{n}")
        ProtocolFactory(name=f"Protocol P{n}")
    response, fifty = _queries(manager_client, url)
    assert len(fifty) == SETTINGS_QUERIES, _listed(fifty)
    page = response.content.decode()
    assert page.count("Chair B") == 49 and page.count("Protocol P") == 49


# --- the booking page's patient search ------------------------------------------------------------------------

# The four, the first 25 matches as typed with their location (none: the misspelt search, one more), the access
# event naming them.
BOOKING_SEARCH_QUERIES = 5


def test_the_booking_search_query_count_is_the_same_for_1_and_50_matches(front_desk_client, location):
    def results():
        url = front_desk_client.post(reverse("schedule:book_start"), {"q": "Rivera"}).url
        return _queries(front_desk_client, url)

    PatientFactory(location=location, legal_last_name="Rivera")
    response, one = results()
    assert len(one) == BOOKING_SEARCH_QUERIES, _listed(one)
    assert response.content.decode().count(">Book a course<") == 1
    PatientFactory.create_batch(49, location=location, legal_last_name="Rivera")
    response, fifty = results()
    assert len(fifty) == BOOKING_SEARCH_QUERIES, _listed(fifty)
    assert response.content.decode().count(">Book a course<") == 25  # the closest 25: a search, not a list


@pytest.mark.parametrize("page", ["schedule:board", "schedule:week"])
def test_the_board_and_week_show_the_location_asked_for_and_else_the_first_by_name(front_desk_client, page):
    """?location= names an active location by public id, in any way a UUID is written; an unknown, inactive or
    malformed one shows the first active location by name, never an error."""
    from tests.factories import LocationFactory

    first, other = LocationFactory(name="Aardvark Clinic"), LocationFactory(name="Zebra Clinic")
    closed = LocationFactory(name="Closed Clinic", is_active=False)
    url = reverse(page)

    def shown(**params):
        response = front_desk_client.get(url, params)
        assert response.status_code == 200
        return response.context["board"].location if "board" in response.context else response.context["location"]

    assert shown() == first
    assert shown(location=str(other.public_id)) == other
    assert shown(location=other.public_id.hex.upper()) == other
    for wanted in (str(closed.public_id), "00000000-0000-0000-0000-000000000000", "not-a-place", ""):
        assert shown(location=wanted) == first
