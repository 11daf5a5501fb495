"""clinic.paging.FirstPageCounted: a paginator's first page and count in one query, later pages as before."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.paging import FirstPageCounted
from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _registry(count: int):
    PatientFactory.create_batch(count, legal_first_name="Al")
    return Patient.objects.order_by("legal_last_name", "legal_first_name", "id")


def test_the_first_page_and_the_count_are_one_query():
    rows = _registry(7)
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(FirstPageCounted(rows, 5), 5).get_page(None)
        assert page.paginator.count == 7 and page.paginator.num_pages == 2 and page.has_next()
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
    assert list(page) == list(rows[:5])


@pytest.mark.parametrize("number", ["2", "3", "nonsense"])
def test_a_later_page_reads_its_rows_with_the_count_of_the_first_read(number):
    rows = _registry(7)
    counted = FirstPageCounted(rows, 5)
    with CaptureQueriesContext(connection) as queries:
        page = Paginator(counted, 5).get_page(number)
        shown = list(page)
    expected = list(rows[5:7]) if number != "nonsense" else list(rows[:5])
    assert shown == expected and page.paginator.count == 7
    assert len(queries) == (1 if number != "nonsense" else 0)


def test_rows_that_fit_on_the_first_page_are_read_once_whatever_is_asked():
    rows = _registry(3)
    counted = FirstPageCounted(rows, 5)
    with CaptureQueriesContext(connection) as queries:
        assert len(counted) == 3 and list(counted) == list(counted[:25]) == counted.first_page
        assert counted[0] == counted.first_page[0] and counted[-1] == counted.first_page[-1]
    assert len(queries) == 0


def test_no_rows():
    counted = FirstPageCounted(Patient.objects.order_by("id"), 5)
    assert counted.count() == 0 and list(counted) == [] and Paginator(counted, 5).get_page(None).object_list == []
