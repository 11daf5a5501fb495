"""The clinical thresholds in force (CLINICAL.md §4, settings) and the flags a vital sign raises.

The thresholds are copied onto each record when it opens (``record.thresholds``): a reading is always
judged by the values that applied to its session, even after a manager changes a setting."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _bp(text: str) -> list[int]:
    systolic, diastolic = text.split("/")
    return [int(systolic), int(diastolic)]


def thresholds_in_force() -> dict:
    return {
        "hold_bp": [settings.SESSION_HOLD_SYSTOLIC, settings.SESSION_HOLD_DIASTOLIC],
        "bp_twice": _bp(settings.SESSION_ALERT_BP_TWICE),
        "bp_once": _bp(settings.SESSION_ALERT_BP_ONCE),
        "bp_repeat_minutes": settings.SESSION_ALERT_BP_REPEAT_MINUTES,
        "hr_above": settings.SESSION_ALERT_HR_ABOVE,
        "hr_minutes": settings.SESSION_ALERT_HR_MINUTES,
        "spo2_below": settings.SESSION_ALERT_SPO2_BELOW,
        "rr_below": settings.SESSION_ALERT_RR_BELOW,
        "vitals_dosing_minutes": settings.SESSION_VITALS_DOSING_MINUTES,
        "vitals_recovery_minutes": settings.SESSION_VITALS_RECOVERY_MINUTES,
        "esketamine_vitals_at_minutes": settings.SESSION_ESKETAMINE_VITALS_AT_MINUTES,
        "iv_cap_mg_per_kg": str(settings.IV_DOSE_CAP_MG_PER_KG),
        "im_cap_mg_per_kg": str(settings.IM_DOSE_CAP_MG_PER_KG),
        "esketamine_observation_minutes": settings.SESSION_ESKETAMINE_OBSERVATION_MINUTES,
        "min_aldrete": settings.SESSION_DISCHARGE_MIN_ALDRETE,
    }


def _bp_at_least(reading, limit) -> bool:
    return reading.systolic >= limit[0] or reading.diastolic >= limit[1]


def vital_flags(reading, earlier: list, t: dict) -> list[str]:
    """What a new reading crosses, given the record's earlier readings (oldest first) and thresholds ``t``.

    BP: >= 200/120 once, or >= 180/110 on this reading and on one at least 5 minutes before it (a single
    high reading asks for a recheck). HR above 120 on this reading and one at least 5 minutes before with
    no normal reading between. SpO2 below 92 %, RR below 10 at once."""
    flags = []
    repeat = timedelta(minutes=t["bp_repeat_minutes"])
    if _bp_at_least(reading, t["bp_once"]):
        flags.append(f"BP {reading.systolic}/{reading.diastolic} at or above {t['bp_once'][0]}/{t['bp_once'][1]}")
    elif _bp_at_least(reading, t["bp_twice"]):
        twice = any(_bp_at_least(e, t["bp_twice"]) and reading.taken_at - e.taken_at >= repeat
                    for e in earlier if e.taken_at < reading.taken_at)
        flags.append(f"BP at or above {t['bp_twice'][0]}/{t['bp_twice'][1]} twice 5 min apart" if twice
                     else f"BP {reading.systolic}/{reading.diastolic}: recheck in {t['bp_repeat_minutes']} min")
    if reading.heart_rate > t["hr_above"]:
        sustained = False
        for e in reversed([e for e in earlier if e.taken_at < reading.taken_at]):
            if e.heart_rate <= t["hr_above"]:
                break
            if reading.taken_at - e.taken_at >= timedelta(minutes=t["hr_minutes"]):
                sustained = True
                break
        flags.append(f"HR above {t['hr_above']} for {t['hr_minutes']} min" if sustained
                     else f"HR {reading.heart_rate}: recheck")
    if reading.spo2 < t["spo2_below"]:
        flags.append(f"SpO₂ {reading.spo2} % below {t['spo2_below']} %")
    if reading.respiratory_rate is not None and reading.respiratory_rate < t["rr_below"]:
        flags.append(f"RR {reading.respiratory_rate} below {t['rr_below']}")
    return flags


def pre_dose_bp_holds(systolic: int, diastolic: int, t: dict) -> bool:
    """CLINICAL.md §4: pre-dose BP above 140/90 holds the session."""
    return systolic > t["hold_bp"][0] or diastolic > t["hold_bp"][1]
