"""Clinical numbers read from settings in one place (CLINICAL.md §1).

The dose caps: a target dose above the cap of its route needs the prescriber's written reason. Each cap is a
per-clinic setting (``IV_DOSE_CAP_MG_PER_KG``, default 1.0; ``IM_DOSE_CAP_MG_PER_KG``, default 0.5). A
setting may lower a cap but never lift it above the floor PostgreSQL enforces on treatment plans
(``plan_dose_above_cap_has_reason``): every caller (plan model, approval service, protocol form, dosing
arithmetic) asks :func:`dose_cap_mg_per_kg`.
"""

from __future__ import annotations

from decimal import Decimal

#: The default caps of CLINICAL.md §1, and the highest a setting can raise them to (PostgreSQL's floor).
DOSE_CAP_FLOORS_MG_PER_KG: dict[str, Decimal] = {"iv": Decimal("1.0"), "im": Decimal("0.5")}

_CAP_SETTINGS = {"iv": "IV_DOSE_CAP_MG_PER_KG", "im": "IM_DOSE_CAP_MG_PER_KG"}


def dose_cap_mg_per_kg(route: str) -> Decimal:
    """The cap for ``route`` ('iv' or 'im'): the clinic's setting, never above the database floor."""
    from django.conf import settings  # here, so that pure-Python modules may import this one

    if route not in _CAP_SETTINGS:
        raise ValueError(f"only IV and IM doses are weight-based and capped, got route {route!r}")
    floor = DOSE_CAP_FLOORS_MG_PER_KG[route]
    configured = getattr(settings, _CAP_SETTINGS[route], floor)
    return min(Decimal(str(configured)), floor)
