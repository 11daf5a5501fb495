"""Paging that does not count a whole large table on every view (issue 13)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.utils.functional import cached_property


class BoundedCountPaginator(Paginator):
    """Counts at most ``COUNT_LIMIT`` rows (``SELECT COUNT(*) FROM (… LIMIT n)``): past that, the list says
    "10000" and offers the pages up to it; a filter or a search narrows it. Counting a million rows to print
    a page number costs more than the page."""

    COUNT_LIMIT = 10_000

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if hasattr(object_list, "query") and not object_list.query.is_sliced:
            return object_list[:self.COUNT_LIMIT].count()
        return super().count


class LargeTableAdminMixin:
    """For admin changelists of tables that grow for ever: a bounded count, no second count of the whole
    table, and no date hierarchy (it reads the dates of every row)."""

    paginator = BoundedCountPaginator
    show_full_result_count = False
    date_hierarchy = None


def counted_first_page(rows, per_page: int):
    """The first ``per_page`` rows, each annotated ``rows_in_all``: the number of all the rows."""
    return rows.annotate(rows_in_all=Window(Count("pk")))[:per_page]


class FirstPageCounted:
    """A query's rows as a sequence a ``Paginator`` pages, the first page read with the number of all the rows
    (``COUNT(*) OVER ()``): one query where the paginator asks two (a COUNT, then the page). The first page is
    the one nearly always shown; a later page reads its rows as before, the count being the first read's.

    Only for rows few enough to count whole on every view (a search's matches, one patient's appointments):
    the window makes PostgreSQL read all of them before the LIMIT, where a plain page may stop early."""

    def __init__(self, rows, per_page: int, *, first_page: list | None = None, total: int | None = None):
        """``first_page``: ``counted_first_page(rows, per_page)``'s rows when the caller read them already (a
        prepared query, clinic.prepared); ``rows`` may then be a function that makes the queryset, called only
        for a later page. ``total``: the number of all the rows, when the caller counted them apart (its first
        page then needs no ``rows_in_all``)."""
        self._rows = rows
        self.first_page = list(counted_first_page(self.rows, per_page)) if first_page is None else first_page
        if total is None:
            total = self.first_page[0].rows_in_all if self.first_page else 0
        self.total = total

    @cached_property
    def rows(self):
        return self._rows() if callable(self._rows) else self._rows

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if self._in_first_page(index):
            return self.first_page[index]
        return list(self.rows[index]) if isinstance(index, slice) else self.rows[index]

    def __iter__(self):
        return iter(self.first_page if len(self.first_page) == self.total else self.rows)

    def _in_first_page(self, index) -> bool:
        if len(self.first_page) == self.total:  # every row was read
            return True
        if isinstance(index, slice):
            return (index.start or 0) >= 0 and index.stop is not None and 0 <= index.stop <= len(self.first_page)
        return 0 <= index < len(self.first_page)


@dataclass
class KeysetPage:
    """One page of a list that grows for ever, newest first, and the query strings of the pages around it ("?…",
    filters kept) or None at either end. No page numbers: counting a million rows on every view costs more than
    the page (issue 13)."""

    object_list: list
    newer: str | None
    older: str | None


def keyset_page(*, params: dict, size: int, parse: Callable[[str | None], Any], cursor: Callable[[Any], str],
                older: Callable[[Any, int], list], newer: Callable[[Any, int], list] | None) -> KeysetPage:
    """The page before (older than) or after (newer than) the cursor in ``params`` (``?before=`` / ``?after=``,
    read by ``parse``: None for no cursor or a damaged one, which opens the newest page). ``older(key, limit)``
    gives up to ``limit`` rows older than ``key`` (None: the newest), newest first; ``newer(key, limit)`` those
    newer than ``key``, oldest first (None where no ``after`` is ever read). One row more than the page is read, to
    know whether there are more."""
    filters = {key: value for key, value in params.items() if key not in ("before", "after") and value}
    before, after = parse(params.get("before")), parse(params.get("after"))
    if after is not None:
        rows = newer(after, size + 1)
        more_newer, rows = len(rows) > size, rows[:size][::-1]
        more_older = bool(rows)
    else:
        rows = older(before, size + 1)
        more_older, rows = len(rows) > size, rows[:size]
        more_newer = before is not None and bool(rows)

    def link(name: str, row) -> str:
        return "?" + urlencode({**filters, name: cursor(row)})

    return KeysetPage(object_list=rows, newer=link("after", rows[0]) if more_newer else None,
                      older=link("before", rows[-1]) if more_older else None)
