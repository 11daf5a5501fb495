from django.db.models import QuerySet

from patients.models import Patient


def patients_search(*, query: str = "") -> QuerySet[Patient]:
    patients = Patient.objects.select_related("location")
    for word in query.split():
        patients = patients.filter(legal_last_name__icontains=word) | patients.filter(
            legal_first_name__icontains=word
        )
    return patients.order_by("legal_last_name", "legal_first_name", "id")
