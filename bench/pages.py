"""The pages ``make bench`` measures, built from a seeded database's manifest (bench/seed.py).

Each staff page names the Django admin changelist that shows the same data, its yardstick beside the bare
signed-in page. A search is posted once per client (names never ride in URLs, DESIGN.md §6); the page measured
is the results page it redirects to.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

BARE = "bare signed-in page"
ADMIN_APPOINTMENTS = "admin: appointments"
ADMIN_PATIENTS = "admin: patients"
ADMIN_ACCESS_EVENTS = "admin: access events"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    admin: str | None = None  # the changelist of the same data, for the "÷ admin" column
    search: str | None = None  # posted to ``path`` first; the page is where that redirects
    # Issue 13 asks ≥ 0.30 of the bare page's throughput of the pages staff open all day (the board, the week,
    # the patient page, the searches, the intake queue, the access log); of every staff page, ≥ 3 × the admin's.
    bare_target: bool = False

    @property
    def reference(self) -> bool:
        return self.admin is None


def misspelt(name: str) -> str:
    """The name with its third letter dropped, as a hurried typist would."""
    return name[:2] + name[3:] if len(name) > 4 else name + "x"


def bench_pages(manifest: dict) -> list[Page]:
    where = urlencode({"location": manifest["location"], "day": manifest["board_day"]})
    patient, record = manifest["patient_public_id"], manifest["record_public_id"]
    name, born = manifest["patient_last_name"], manifest["patient_date_of_birth"]
    return [
        Page(BARE, "/bench/bare/"),
        Page(ADMIN_APPOINTMENTS, "/admin/clinic_sessions/appointment/"),
        Page(ADMIN_PATIENTS, "/admin/patients/patient/"),
        Page(ADMIN_ACCESS_EVENTS, "/admin/audit/accessevent/"),
        Page("home (today's work)", "/", ADMIN_APPOINTMENTS),
        Page("day board (40 appointments)", f"/schedule/board/?{where}", ADMIN_APPOINTMENTS, bare_target=True),
        Page("week", f"/schedule/week/?{where}", ADMIN_APPOINTMENTS, bare_target=True),
        Page("patient page", f"/patients/{patient}/", ADMIN_PATIENTS, bare_target=True),
        Page("patient's appointments", f"/schedule/patient/{patient}/appointments/", ADMIN_APPOINTMENTS),
        Page("search by name", "/patients/", ADMIN_PATIENTS, search=name, bare_target=True),
        Page("search by date of birth", "/patients/", ADMIN_PATIENTS, search=born, bare_target=True),
        Page("search, misspelt name", "/patients/", ADMIN_PATIENTS, search=misspelt(name), bare_target=True),
        Page("intake queue", "/patients/intakes/", ADMIN_PATIENTS, bare_target=True),
        Page("intake requests", "/patients/requests/", ADMIN_PATIENTS),
        Page("access log", "/access-log/", ADMIN_ACCESS_EVENTS, bare_target=True),
        Page("patient's access report", f"/patients/{patient}/access-report/", ADMIN_ACCESS_EVENTS),
        Page("records awaiting signature", "/schedule/records/awaiting-signature/", ADMIN_APPOINTMENTS),
        Page("session record", f"/schedule/records/{record}/", ADMIN_APPOINTMENTS),
        Page("ledger", "/schedule/ledger/", ADMIN_APPOINTMENTS),
        Page("ledger log", "/schedule/ledger/log/", ADMIN_APPOINTMENTS),
        Page("REMS queue", "/schedule/rems/", ADMIN_APPOINTMENTS),
    ]
