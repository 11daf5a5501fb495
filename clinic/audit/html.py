"""The rows of the access tables (the access log's, a patient's access report's): six cells each, written with
``format_html_join`` (every value escaped) in the whitespace the templates' loops printed. As template loops,
fifty rows with a time, a link and a label each were most of those pages' render (issue 13)."""

from collections.abc import Iterable

from django.utils.safestring import SafeString

from clinic.html import format_html_join

ROW = ("\n  <tr>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n    <td>{}</td>\n"
       "    <td>{}</td>\n  </tr>\n  ")


def table_rows(cells: Iterable[tuple]) -> SafeString:
    """One ``<tr>`` for each tuple of six cell values."""
    return format_html_join("", ROW, cells)


DAY_HEAD = '<tr><td>{}</td><td>{}</td><td><code class="user-select-all">{}</code></td></tr>'


def day_head_rows(heads: Iterable[dict]) -> SafeString:
    """The chain head of each day (``access_log_day_heads``): the day (UTC, "YYYY-MM-DD"), its last event's
    number and hash. As a template loop, the date filter alone cost more than the rows' query."""
    return format_html_join("", DAY_HEAD, ((head["day"].isoformat(), head["chain_seq"], head["hash"])
                                           for head in heads))
