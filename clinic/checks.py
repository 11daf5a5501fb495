"""System checks for settings that, if wrong, would quietly corrupt clinical times."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.compatibility)
def check_time_zone_is_utc(app_configs, **kwargs):
    """Every time is stored in UTC and shown in the location's zone (DESIGN.md §5).

    A server TIME_ZONE other than UTC, or USE_TZ off, would store naive or shifted times.
    """
    errors = []
    if settings.TIME_ZONE != "UTC":
        errors.append(
            Error(
                f"TIME_ZONE is {settings.TIME_ZONE!r}; it must be 'UTC'.",
                hint="Each location has its own IANA time zone; the server stores UTC only.",
                id="clinic.E001",
            )
        )
    if not settings.USE_TZ:
        errors.append(Error("USE_TZ must be True.", hint="Naive datetimes are refused.", id="clinic.E002"))
    return errors
