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
