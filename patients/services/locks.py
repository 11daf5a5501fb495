"""Row locks that serialise the writes of one intake."""

from patients.models import Intake


def _locked_intake(intake: Intake) -> Intake:
    return Intake.objects.select_for_update().select_related("patient__location").get(pk=intake.pk)
