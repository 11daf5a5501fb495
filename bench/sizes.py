"""The named sizes of ``make bench`` (issue 13).

Every bench location has 8 chairs with five IV slots a weekday (08:00 to 17:20), so every size has a day board
of 40 appointments; a larger size has more locations and more days behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

CHAIRS_PER_LOCATION = 8
SLOTS_PER_DAY = 5  # IV: 40 min dosing + 60 min observation + 15 min turnover = 115 min a slot
APPOINTMENTS_PER_LOCATION_DAY = CHAIRS_PER_LOCATION * SLOTS_PER_DAY


@dataclass(frozen=True)
class Size:
    name: str
    patients: int
    appointments: int
    access_events: int
    vitals: int
    locations: int

    @property
    def weekdays(self) -> int:
        return self.appointments // (self.locations * APPOINTMENTS_PER_LOCATION_DAY)


SIZES = {
    # For the test that keeps the bench working (tests/bench/): seconds to load.
    "tiny": Size("tiny", patients=200, appointments=400, access_events=400, vitals=2_000, locations=1),
    "small": Size("small", patients=1_000, appointments=10_000, access_events=10_000, vitals=100_000, locations=1),
    "large": Size("large", patients=50_000, appointments=1_000_000, access_events=1_000_000, vitals=10_000_000,
                  locations=10),
}
