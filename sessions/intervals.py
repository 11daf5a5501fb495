"""The minimum interval between a patient's sessions: one rule, asked by the booking gate, the free-time search
and the course proposal alike (CLINICAL.md §1).

"Minimum interval between a patient's sessions: default 48 h for IV, IM and esketamine (settings); between two
sessions of different protocols the longer interval applies." Each protocol carries its own interval (a
manager's setting, seeded at 48 h); PostgreSQL holds the same rule (trigger ``appointment_min_interval``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol as Typing


class _HasInterval(Typing):
    min_interval_hours: int


def min_interval_between(first: _HasInterval, second: _HasInterval) -> timedelta:
    """The gap two sessions of these protocols must keep: the longer of their two intervals."""
    return timedelta(hours=max(first.min_interval_hours or 0, second.min_interval_hours or 0))


def too_close(*, protocol: _HasInterval, start: datetime, other_protocol: _HasInterval,
              other_start: datetime) -> bool:
    """True when a session of ``protocol`` at ``start`` is closer than the interval to the other session."""
    return abs(other_start - start) < min_interval_between(protocol, other_protocol)


def clashes(*, protocol: _HasInterval, start: datetime,
            others: Iterable[tuple[_HasInterval, datetime]]) -> list[tuple[_HasInterval, datetime]]:
    """The other sessions (protocol, start) that a session of ``protocol`` at ``start`` comes too close to."""
    return [(other, when) for other, when in others
            if too_close(protocol=protocol, start=start, other_protocol=other, other_start=when)]


def widest_interval(protocols: Iterable[_HasInterval]) -> timedelta:
    """The longest interval among ``protocols``: how far around a time to look for clashing sessions."""
    return timedelta(hours=max((p.min_interval_hours or 0 for p in protocols), default=0))
