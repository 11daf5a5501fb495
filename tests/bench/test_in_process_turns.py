"""Large ÷ small compares like with like: each page is timed at one size and then at the other within the same
moment, the sizes trading places every turn, so that a busy second of a shared machine falls on both sizes, not
on one (issue 13: untouched pages read 1.2 to 1.3 when the sizes were timed seconds apart)."""

from types import SimpleNamespace

import pytest

from bench import run
from bench.pages import bench_pages

MANIFEST = {"location": "l", "board_day": "2026-11-30", "patient_public_id": "p", "record_public_id": "r",
            "patient_last_name": "Rivera", "patient_date_of_birth": "1980-01-01"}


class FakeTimer:
    """Answers as bench.inprocess would, each sample the size's milliseconds; records who was asked what."""

    asked: list[tuple[str, str, int]] = []

    def __init__(self, manifest, env):
        self.size, self.ms = env["size"], env["ms"]

    def measure(self, page, runs):
        FakeTimer.asked.append((self.size, page, runs))
        return {"samples": [self.ms] * runs, "sql": [1.0] * runs, "template": [0.5] * runs, "queries": 4,
                "status": 200}

    def close(self):
        FakeTimer.asked.append((self.size, "closed", 0))


@pytest.fixture
def fake_timers(monkeypatch):
    FakeTimer.asked = []
    monkeypatch.setattr(run, "SizeTimer", FakeTimer)
    return FakeTimer.asked


def test_each_page_is_timed_at_both_sizes_in_turn_and_the_first_size_alternates(fake_timers):
    prepared = {"small": (MANIFEST, {"size": "small", "ms": 10.0}), "large": (MANIFEST, {"size": "large", "ms": 11.0})}

    measured = run.in_process_by_turns(prepared, SimpleNamespace(runs=30))

    pages = [page.name for page in bench_pages(MANIFEST)]
    batch = 30 // run.TURNS
    timed = [asked for asked in fake_timers if asked[1] != "closed"]
    assert len(timed) == run.TURNS * len(pages) * 2
    per_turn = len(pages) * 2
    for turn in range(run.TURNS):
        first, second = ("small", "large") if turn % 2 == 0 else ("large", "small")
        calls = timed[turn * per_turn:(turn + 1) * per_turn]
        # Page by page, the two sizes back to back.
        assert calls == [asked for page in pages for asked in ((first, page, batch), (second, page, batch))]
    assert sorted(asked[0] for asked in fake_timers if asked[1] == "closed") == ["large", "small"]
    assert measured["small"]["week"] == {"ms": 10.0, "sql_ms": 1.0, "template_ms": 0.5, "queries": 4, "status": 200}
    assert measured["large"]["week"]["ms"] == 11.0


def test_the_timers_are_closed_when_a_page_fails(fake_timers, monkeypatch):
    def failing(self, page, runs):
        raise SystemExit("bench.inprocess stopped")

    monkeypatch.setattr(FakeTimer, "measure", failing)
    prepared = {"small": (MANIFEST, {"size": "small", "ms": 10.0}), "large": (MANIFEST, {"size": "large", "ms": 11.0})}
    with pytest.raises(SystemExit):
        run.in_process_by_turns(prepared, SimpleNamespace(runs=30))
    assert sorted(size for size, what, _ in fake_timers if what == "closed") == ["large", "small"]
