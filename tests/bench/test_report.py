"""The bench's verdicts follow issue 13's targets: ÷ bare ≥ 0.30 for the pages it names (marked *), ÷ admin ≥ 3
for every staff page, large ÷ small ≤ 1.2."""

from bench.pages import bench_pages
from bench.report import _verdict

MANIFEST = {"location": "l", "board_day": "2026-11-30", "patient_public_id": "p", "record_public_id": "r",
            "patient_last_name": "Rivera", "patient_date_of_birth": "1980-01-01"}


def _page(*, bare_target, to_bare, to_admin=3.5):
    return {"bare_target": bare_target, "to_bare": to_bare, "to_admin": to_admin}


def test_the_bare_page_target_is_asked_only_of_the_pages_issue_13_names():
    named = {page.name for page in bench_pages(MANIFEST) if page.bare_target}
    assert named == {"day board (40 appointments)", "week", "patient page", "search by name",
                     "search by date of birth", "search, misspelt name", "intake queue", "access log"}
    assert _verdict(_page(bare_target=False, to_bare=0.2), 1.0) == "met"
    assert _verdict(_page(bare_target=True, to_bare=0.2), 1.0) == "missed: ÷ bare"


def test_every_staff_page_is_held_to_the_admin_and_growth_targets():
    assert _verdict(_page(bare_target=False, to_bare=0.2, to_admin=2.9), 1.3) == "missed: ÷ admin, growth"
    assert _verdict({"to_admin": None, "to_bare": 1.0}, 1.0) == "(reference)"
