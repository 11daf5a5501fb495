"""The staff home page: today's work per role, from panels that each app provides.

clinic/ sits below patients/ and sessions/ (DESIGN.md §2), so it names none of their code. Each app lists its
panels on its ``AppConfig.home_panels``; a panel names its builder by dotted path (like ``NavItem.count``) and
the partial that renders it. A builder takes ``now``, the page's ``shared`` answers and the location the person
works at (``works_at_id``, or None) and returns the partial's context. Each builder runs a fixed number of
queries whatever the number of rows (counts by aggregation, never a query per row), and asks what other panels
ask too (the locations, a count) through ``shared``: once a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class HomeCount:
    """One line of a panel: how many, what, where to see them, and what to say when there are none."""

    label: str
    count: int
    url: str
    empty: str
    urgent: bool = False
    note: str = ""


T = TypeVar("T")


class SharedAnswers:
    """The answers several panels of one home page need, each worked out once for the page: a person with
    several roles saw the locations read three times, the holds and the waiting requests twice (issue 13).
    Keyed by the function that answers and its arguments (hashable); what it returns is shared, so it is not
    changed by its askers."""

    def __init__(self):
        self._answers: dict[tuple, object] = {}

    def __call__(self, question: Callable[..., T], *args) -> T:
        key = (question, *args)
        if key not in self._answers:
            self._answers[key] = question(*args)
        return self._answers[key]  # type: ignore[return-value]


@dataclass(frozen=True)
class HomePanel:
    title: str
    roles: tuple[str, ...]
    builder: str  # dotted path to ``builder(*, now, shared, works_at_id) -> dict``
    template: str
    order: int = 50


def home_panels_for(*, roles: list[str], now: datetime, shared: SharedAnswers | None = None,
                    works_at_id: int | None = None) -> list[tuple[HomePanel, dict]]:
    """The panels for these roles, in order, each with its context (a panel for two roles shows once)."""
    panels = [panel for config in apps.get_app_configs() for panel in getattr(config, "home_panels", ())
              if set(panel.roles) & set(roles)]
    shared = shared or SharedAnswers()
    return [(panel, import_string(panel.builder)(now=now, shared=shared, works_at_id=works_at_id))
            for panel in sorted(panels, key=lambda p: p.order)]
