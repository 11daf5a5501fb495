"""The staff home page: today's work per role, from panels that each app provides.

clinic/ sits below patients/ and sessions/ (DESIGN.md §2), so it names none of their code. Each app lists its
panels on its ``AppConfig.home_panels``; a panel names its builder by dotted path (like ``NavItem.count``) and
the partial that renders it. A builder takes ``now`` and returns the partial's context. Each builder runs a
fixed number of queries whatever the number of rows (counts by aggregation, never a query per row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True)
class HomePanel:
    title: str
    roles: tuple[str, ...]
    builder: str  # dotted path to ``builder(*, now) -> dict``
    template: str
    order: int = 50


def home_panels_for(*, roles: list[str], now: datetime) -> list[tuple[HomePanel, dict]]:
    """The panels for these roles, in order, each with its context (a panel for two roles shows once)."""
    panels = [panel for config in apps.get_app_configs() for panel in getattr(config, "home_panels", ())
              if set(panel.roles) & set(roles)]
    return [(panel, import_string(panel.builder)(now=now)) for panel in sorted(panels, key=lambda p: p.order)]
