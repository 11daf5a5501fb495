"""The queries of one page view, for the tests that pin a page's query count (issue 13)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_queries(client, url, **params):
    """GET ``url`` twice (the session's first-request work is not the page's) and return the second answer,
    which must be 200, with the SQL of each query it made."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in ctx.captured_queries]
