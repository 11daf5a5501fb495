"""Paging that does not count a whole large table on every view (issue 13)."""

from django.core.paginator import Paginator
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
