"""The bench's table, in Markdown a person can paste into an issue (issue 13).

One table per size measured. The targets of issue 13, checked in the last column of the large table:
throughput at least 0.30 of the bare signed-in page's (the pages marked * : the board, the week, the patient
page, the searches, the intake queue, the access log) and, of every staff page, 3 times the admin changelist's
for the same data, time in-process at the large size at most 1.2 times the small size's.
"""

from __future__ import annotations

import json
from pathlib import Path

MIN_TO_BARE, MIN_TO_ADMIN, MAX_GROWTH = 0.30, 3.0, 1.2


def report_write(results: Path, sizes: list[str]) -> str:
    measured = {}
    for name in ("tiny", "small", "large"):
        path = results / f"{name}.json"
        if path.exists() and (name in sizes or name != "tiny"):
            measured[name] = json.loads(path.read_text())
    text = report_markdown(measured)
    (results / "report.md").write_text(text)
    from bench.chart import chart_png

    chart = chart_png(measured, results / "chart.png")
    return text + (f"\nChart: {chart}\n" if chart else "")


def report_markdown(measured: dict[str, dict]) -> str:
    if not measured:
        return "No results yet: run `make bench`.\n"
    small = measured.get("small")
    parts = []
    for name, result in measured.items():
        counts = ", ".join(f"{value:,} {what}" for what, value in result["manifest"]["counts"].items())
        parts.append(f"### {name}: {counts}\n\n"
                     f"Measured {result['measured_at']}: gunicorn, production settings, 2 workers, 2 clients; "
                     f"median of {result['rounds']} rounds of {result['seconds']:g} s a page. In-process: "
                     f"Django's test client, median time, and of it the SQL and the template's render.\n")
        growth = small if name == "large" and small else None
        parts.append(_table(result, growth))
    parts.append(f"Targets (issue 13): ÷ bare ≥ {MIN_TO_BARE:.2f} (pages marked *), ÷ admin ≥ {MIN_TO_ADMIN:g}, "
                 f"in-process large ÷ small ≤ {MAX_GROWTH}. Ratios, not times, are the result: the machine is "
                 "shared.\n")
    return "\n".join(parts)


def _table(result: dict, small: dict | None) -> str:
    head = ["page", "queries", "req/s", "p50 ms", "p95 ms", "÷ bare", "÷ admin", "in-process ms", "of it SQL",
            "of it template"]
    if small:
        head += ["large ÷ small", "targets"]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for name, page in result["pages"].items():
        cells = [name + (" *" if page.get("bare_target") else "")
                 + (f" (HTTP {page['status']})" if page["status"] != 200 else ""), str(page["queries"]),
                 f"{page['throughput']:.1f}", f"{page['p50']:.0f}", f"{page['p95']:.0f}", f"{page['to_bare']:.2f}",
                 f"{page['to_admin']:.1f}" if page["to_admin"] is not None else "",
                 f"{page['ms']:.1f}", _ms(page.get("sql_ms")), _ms(page.get("template_ms"))]
        if small:
            before = small["pages"].get(name)
            growth = page["ms"] / before["ms"] if before and before["ms"] else None
            cells += [f"{growth:.2f}" if growth else "", _verdict(page, growth)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _verdict(page: dict, growth: float | None) -> str:
    if page["to_admin"] is None:
        return "(reference)"
    missed = []
    if page.get("bare_target", True) and page["to_bare"] < MIN_TO_BARE:
        missed.append("÷ bare")
    if page["to_admin"] < MIN_TO_ADMIN:
        missed.append("÷ admin")
    if growth is not None and growth > MAX_GROWTH:
        missed.append("growth")
    return "met" if not missed else "missed: " + ", ".join(missed)
