"""``make bench`` keeps working as the schema grows: the tiny size loaded with COPY (every constraint and trigger
on), served by gunicorn under the production settings and measured end to end. No timing is asserted: the
benchmark reports, tests never judge speed (issue 13)."""

import json
import subprocess
import sys
from pathlib import Path

from bench.pages import bench_pages
from bench.sizes import SIZES

ROOT = Path(__file__).resolve().parents[2]


def test_make_bench_loads_serves_and_reports_every_page(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench", "--size", "tiny", "--reseed", "--seconds", "0.3",
                           "--rounds", "1", "--runs", "2", "--results", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    result = json.loads((tmp_path / "tiny.json").read_text())
    tiny = SIZES["tiny"]
    assert result["manifest"]["counts"]["patients"] == tiny.patients
    assert result["manifest"]["counts"]["appointments"] == tiny.appointments
    assert result["manifest"]["counts"]["vitals"] >= tiny.vitals * 0.9
    pages = result["pages"]
    assert list(pages) == [page.name for page in bench_pages(result["manifest"])]
    for name, page in pages.items():
        assert (page["status"], page["errors"]) == (200, 0), name
        assert page["queries"] > 0 and page["throughput"] > 0, name
        assert 0 < page["sql_ms"] < page["ms"] and 0 <= page["template_ms"] < page["ms"], name
    # Where the time goes: the bare page renders no template; the board's render is timed.
    assert pages["bare signed-in page"]["template_ms"] == 0
    assert pages["day board (40 appointments)"]["template_ms"] > 0
    report = (tmp_path / "report.md").read_text()
    assert "| day board (40 appointments) * |" in report and report in done.stdout
    assert "| of it SQL | of it template |" in report
