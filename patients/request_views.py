"""Front desk's list of self-referrals (issue 8, item 9): accept, merge with a patient on file, or discard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinic.audit.services import access_event_record_list
from patients.models import IntakeRequest, Patient
from patients.selectors import intake_request_matches, intake_requests_pending
from patients.services import IntakeError, intake_request_accept, intake_request_discard, intake_request_merge


@login_required
@permission_required("patients.view_intakerequest", raise_exception=True)
def intake_requests(request):
    page = Paginator(intake_requests_pending(), 25).get_page(request.GET.get("page"))
    matches = intake_request_matches(page.object_list)
    rows = [(item, matches.get(item.pk, [])) for item in page.object_list]
    # The page names patients on file (the possible matches): one access event naming them.
    access_event_record_list(request=request, object_type="intake requests",
                             patients=[patient for _, found in rows for patient in found])
    return render(request, "patients/intake_requests.html", {
        "page": page, "rows": rows, "can_handle": request.user.has_perm("patients.handle_intakerequest")})


def _pending_request(public_id) -> IntakeRequest:
    return get_object_or_404(IntakeRequest, public_id=public_id)


@login_required
@permission_required("patients.handle_intakerequest", raise_exception=True)
@require_POST
def intake_request_accept_view(request, public_id):
    try:
        issued = intake_request_accept(intake_request=_pending_request(public_id), by=request.user)
    except IntakeError as error:
        messages.error(request, str(error))
        return redirect("patients:intake_requests")
    messages.success(request, "Patient registered; the intake link is on its way by e-mail.")
    return redirect(issued.link.intake.patient)


@login_required
@permission_required("patients.handle_intakerequest", raise_exception=True)
@require_POST
def intake_request_merge_view(request, public_id):
    patient = Patient.objects.filter(public_id=request.POST.get("patient", "")).first() if _uuid(
        request.POST.get("patient", "")) else None
    if patient is None:
        messages.error(request, "Choose the patient on file this request is from.")
        return redirect("patients:intake_requests")
    try:
        intake_request_merge(intake_request=_pending_request(public_id), patient=patient, by=request.user)
    except IntakeError as error:
        messages.error(request, str(error))
        return redirect("patients:intake_requests")
    messages.success(request, "Request merged. Nothing was sent and their record is unchanged: send or resend "
                              "the intake link from their page if they need it.")
    return redirect(patient)


@login_required
@permission_required("patients.handle_intakerequest", raise_exception=True)
@require_POST
def intake_request_discard_view(request, public_id):
    try:
        intake_request_discard(intake_request=_pending_request(public_id), by=request.user)
    except IntakeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Request discarded.")
    return redirect("patients:intake_requests")


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
