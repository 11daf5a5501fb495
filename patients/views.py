from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, ListView

from clinic.audit.mixins import AccessLoggedMixin
from clinic.audit.models import AccessEvent
from clinic.audit.services import access_event_record, access_event_record_list
from clinic.links import url_for_public_id
from patients import scoring
from patients.forms import (
    ApproveForm,
    ConsentPublishForm,
    DeclineForm,
    PatientForm,
    PatientSearchForm,
    RemsEnrollmentForm,
    RequestInfoForm,
    rems_form_blank_html,
)
from patients.html import intake_queue_rows, patient_list_rows
from patients.models import ConsentDocument, Intake, IntakeStatus, Patient, PatientLink
from patients.search import SEARCH_PAGE, patients_search
from patients.search_session import recalled_search, remember_search
from patients.selectors import (
    QUEUE_PAGE,
    front_desk_summary,
    intake_decisions,
    intake_latest,
    intake_latest_assessments,
    intake_link_live,
    intake_links,
    intake_queue,
    intake_queue_open,
    intake_status_counts,
    patient_with_location,
    rems_enrollment_latest,
)
from patients.services import (
    BadTransition,
    IntakeError,
    consent_document_publish,
    consent_link_send,
    intake_decide,
    intake_urgent_acknowledge,
    invitation_revoke,
    invitation_send,
    rems_enrollment_record,
)
from patients.summary import TRIAL_HEADINGS, summarise


class PatientListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "patients.view_patient"
    template_name = "patients/patient_list.html"
    context_object_name = "patients"
    paginate_by = SEARCH_PAGE  # a search reads its first page with its count (patients_search)

    def post(self, request, *args, **kwargs):
        """The search form POSTs so that the name never rides in a URL (DESIGN.md §6); the query is kept
        in the session and the browser is sent to ``?s=<opaque key>`` (POST/redirect/GET)."""
        form = PatientSearchForm(request.POST)
        key = remember_search(request, form.cleaned_data["q"]) if form.is_valid() else ""
        url = reverse("patients:list")
        return redirect(f"{url}?{urlencode({'s': key})}" if key else url)

    def get_queryset(self):
        # A stale or foreign key (another browser, an expired session) shows the empty search, not an error.
        self.query = recalled_search(self.request, self.request.GET.get("s"))
        self.search_form = PatientSearchForm(initial={"q": self.query})
        return patients_search(query=self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(search_form=self.search_form, query=self.query, **kwargs)
        context["rows"] = patient_list_rows(context["patients"])
        # One event naming the patients this page showed; a name typed is a search (issue 8, item 6).
        access_event_record_list(request=self.request, patients=context["patients"],
                                 object_type="patient search results" if self.query else "patient list",
                                 action=AccessEvent.Action.SEARCH if self.query else AccessEvent.Action.VIEW)
        return context


class PatientCreateView(LoginRequiredMixin, PermissionRequiredMixin, CreateView):
    permission_required = "patients.add_patient"
    model = Patient
    form_class = PatientForm
    template_name = "patients/patient_form.html"

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        messages.success(self.request, "Patient registered.")
        return super().form_valid(form)


class PatientDetailView(LoginRequiredMixin, PermissionRequiredMixin, AccessLoggedMixin, DetailView):
    permission_required = "patients.view_patient"
    queryset = Patient.objects.select_related("location")  # the page names the location
    slug_field = "public_id"
    slug_url_kwarg = "public_id"
    template_name = "patients/patient_detail.html"
    access_object_type = "patient chart"

    def get_object(self, queryset=None):
        patient = patient_with_location(public_id=self.kwargs["public_id"])
        if patient is None:
            raise Http404("No such patient.")
        return patient

    def get_context_data(self, **kwargs):
        patient = self.object
        intake = intake_latest(patient=patient)
        live_link = intake_link_live(intake=intake) if intake else None
        rems = rems_enrollment_latest(patient=patient)
        # No intake, no summary (asked without one, the summary would look for the intake again).
        summary = front_desk_summary(patient=patient, intake=intake, rems_enrolled=rems is not None) if intake else None
        return super().get_context_data(
            intake=intake, front_desk=summary, live_link=live_link,
            plan=summary.plan if summary else None, rems=rems,
            rems_form=rems_form_blank_html(), **kwargs)


# --- Intakes (issue 3) ---------------------------------------------------------------------------------


class IntakeListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """The intake queue by status with how long each has waited. Status only: no answers. Clinicians (who
    may see answers) also see the urgent flag and get urgent intakes first; front desk sees plain status."""

    permission_required = "patients.view_intake"
    template_name = "patients/intake_list.html"
    context_object_name = "intakes"
    paginate_by = QUEUE_PAGE

    def get_queryset(self):
        self.status = self.request.GET.get("status") or ""
        if self.status not in (*IntakeStatus.values, "all"):
            self.status = ""  # the default tab: open work
        urgent_first = self.request.user.has_perm("patients.view_intake_answers")
        # The open queue (the default tab) is a few dozen rows: its first page is read with their number. The
        # other tabs reach into the history, which grows for ever: counted and paged as before.
        if not self.status:
            return intake_queue_open(urgent_first=urgent_first)
        return intake_queue(status=self.status, urgent_first=urgent_first)

    def get_context_data(self, **kwargs):
        counts = intake_status_counts()  # decided statuses are not counted (history, growing for ever)
        tabs = [(value, label, counts.get(value)) for value, label in IntakeStatus.choices]
        open_count = sum(counts[value] for value in (IntakeStatus.SUBMITTED, IntakeStatus.NEEDS_INFO))
        context = super().get_context_data(status=self.status, tabs=tabs, open_count=open_count, **kwargs)
        _queue_links(context["intakes"])
        context["rows"] = intake_queue_rows(context["intakes"],
                                            clinician=self.request.user.has_perm("patients.view_intake_answers"))
        access_event_record_list(request=self.request, patients=context["intakes"], object_type="intake queue")
        return context


def _queue_links(intakes) -> None:
    """Each row's links (the patient's page, the intake's review), each route reversed once for the page."""
    patient_url, review_url = url_for_public_id("patients:detail"), url_for_public_id("patients:intake_review")
    for intake in intakes:
        intake.patient_url, intake.review_url = patient_url(intake.patient.public_id), review_url(intake.public_id)


class IntakeReviewView(LoginRequiredMixin, PermissionRequiredMixin, AccessLoggedMixin, DetailView):
    """The submitted intake as a readable, printable summary, screening first, with the decision forms."""

    permission_required = "patients.view_intake_answers"
    model = Intake
    slug_field = "public_id"
    slug_url_kwarg = "public_id"
    template_name = "patients/intake_review.html"
    access_object_type = "intake answers"

    def get_queryset(self):
        return Intake.objects.select_related("patient__location", "urgent_acknowledged_by")

    @property
    def printing(self) -> bool:
        """The print version (``?print=1``): the same page, opened to be printed and logged as printed."""
        return self.request.GET.get("print") == "1"

    def get_access_action(self) -> str:
        return AccessEvent.Action.PRINT if self.printing else AccessEvent.Action.VIEW

    def get_context_data(self, **kwargs):
        intake = self.object
        forms_ = getattr(self, "decision_forms", {})
        return super().get_context_data(
            patient=intake.patient, summary=summarise(intake.answers), trial_headings=TRIAL_HEADINGS,
            assessments=intake_latest_assessments(intake=intake), decisions=intake_decisions(intake=intake),
            signatures=intake.signatures.select_related("document"), links=intake_links(intake=intake),
            approve_form=forms_.get("approve") or ApproveForm(contraindication=intake.has_contraindication),
            acknowledgements=intake.urgent_acknowledgements.select_related("acknowledged_by"),
            dosing=dosing_weights((intake.answers or {}).get("about")),
            cssrs_contradictions=scoring.cssrs_contradictions((intake.answers or {}).get("cssrs") or {}),
            request_info_form=forms_.get("request_info") or RequestInfoForm(),
            decline_form=forms_.get("decline") or DeclineForm(),
            can_decide=self.request.user.has_perm("patients.decide_intake") and intake.is_decidable,
            failed_decision=DECISION_TITLES.get(next(iter(forms_), "")), failed_kind=next(iter(forms_), ""),
            printing=self.printing, **kwargs)


def dosing_weights(about: dict | None) -> dict | None:
    """CLINICAL.md §1 for the prescriber writing a plan: actual weight is the dosing weight by default; ideal or
    adjusted only when actual is above ideal, never above actual (sessions.dosing holds the rule)."""
    from sessions import dosing  # views compose both apps (DESIGN.md §2)

    about = about or {}
    actual, height, sex = about.get("weight_kg"), about.get("height_cm"), about.get("sex")
    if not actual:
        return None
    weights = {"actual": dosing.dosing_weight_kg(actual_kg=actual), "ideal": None, "adjusted": None}
    if height and sex in ("male", "female"):
        weights["ideal"] = dosing.ideal_body_weight_kg(height_cm=height, sex=sex)
        if weights["actual"] > weights["ideal"]:
            weights["adjusted"] = dosing.dosing_weight_kg(basis="adjusted", actual_kg=actual, height_cm=height,
                                                          sex=sex)
    return weights


DECISION_FORMS = {"approve": ApproveForm, "request_info": RequestInfoForm, "decline": DeclineForm}
# The form titles as the page shows them, for the "not saved" alert at the top (the forms sit far below
# the answers' summary on a long page, so an error there would go unseen).
DECISION_TITLES = {"approve": "Approve", "request_info": "Ask the patient for more information",
                   "decline": "Decline"}


@login_required
@permission_required("patients.decide_intake", raise_exception=True)
@require_POST
def intake_decide_view(request, public_id):
    intake = get_object_or_404(Intake, public_id=public_id)
    kind = request.POST.get("kind", "")
    form_class = DECISION_FORMS.get(kind)
    if form_class is None:
        messages.error(request, "Choose approve, ask for more information, or decline.")
        return redirect(intake)
    form = (ApproveForm(request.POST, contraindication=intake.has_contraindication) if kind == "approve"
            else form_class(request.POST))
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = intake_decide(intake=intake, decided_by=request.user, kind=kind,
                                     plan=form.plan() if kind == "approve" else None,
                                     message=data.get("message", ""), sections=data.get("sections", []))
        except BadTransition as error:  # e.g. the patient is answering a request for more information
            messages.error(request, str(error))
            return redirect(intake)
        except IntakeError as error:
            form.add_error(None, str(error))
        else:
            if decision.issued_link is not None and not intake.patient.email:
                # Nobody else can tell the patient: show the new link once, as the invitation page does.
                return render(request, "patients/invitation_sent.html",
                              {"patient": intake.patient, "issued": decision.issued_link, "by_email": False,
                               "kind": "request_info", "no_email": True})
            messages.success(request, "Decision signed and recorded." + (
                " A new link to the intake was e-mailed to the patient." if decision.issued_link else ""))
            return redirect(intake)
    view = IntakeReviewView()
    view.setup(request, public_id=public_id)
    view.decision_forms = {kind: form}
    view.object = view.get_object()
    access_event_record(request=request, patient_id=intake.patient.public_id, object_type="intake answers",
                        object_id=str(intake.public_id))  # the form is shown again with the answers
    return render(request, view.template_name, view.get_context_data(object=view.object), status=200)


@login_required
@permission_required("patients.decide_intake", raise_exception=True)
@require_POST
def intake_acknowledge_view(request, public_id):
    intake = get_object_or_404(Intake, public_id=public_id)
    try:
        intake_urgent_acknowledge(intake=intake, acknowledged_by=request.user, note=request.POST.get("note", ""))
        messages.success(request, "Urgent flag acknowledged, with what was done.")
    except IntakeError as error:
        messages.error(request, str(error))
    return redirect(intake)


@login_required
@permission_required("patients.send_intake_invitation", raise_exception=True)
@require_POST
def invitation_send_view(request, public_id):
    """Send the intake link by e-mail, or show it once to copy into a text message."""
    patient = get_object_or_404(Patient, public_id=public_id)
    by_email = request.POST.get("how") != "copy"
    try:
        issued = invitation_send(patient=patient, sent_by=request.user, by_email=by_email)
    except IntakeError as error:
        messages.error(request, str(error))
        return redirect(patient)
    return render(request, "patients/invitation_sent.html",
                  {"patient": patient, "issued": issued, "by_email": by_email, "kind": "intake",
                   "emailed": _emailed(issued)})


def _emailed(issued) -> bool:
    """Whether the mail server took the e-mail (sent after the commit; a failure is logged, not raised)."""
    return PatientLink.objects.filter(pk=issued.link.pk, emailed_at__isnull=False).exists()


@login_required
@permission_required("patients.send_intake_invitation", raise_exception=True)
@require_POST
def consent_link_send_view(request, public_id):
    patient = get_object_or_404(Patient, public_id=public_id)
    by_email = request.POST.get("how") != "copy"
    try:
        issued = consent_link_send(patient=patient, sent_by=request.user,
                                   by_email=by_email)
    except IntakeError as error:
        messages.error(request, str(error))
        return redirect(patient)
    return render(request, "patients/invitation_sent.html",
                  {"patient": patient, "issued": issued, "by_email": by_email and bool(patient.email),
                   "kind": "consent", "emailed": _emailed(issued)})


@login_required
@permission_required("patients.send_intake_invitation", raise_exception=True)
@require_POST
def invitation_revoke_view(request, public_id):
    intake = get_object_or_404(Intake, public_id=public_id)
    count = invitation_revoke(intake=intake, revoked_by=request.user)
    messages.success(request, "The intake link no longer works." if count else "There was no live link to revoke.")
    return redirect(intake.patient)


@login_required
@permission_required("patients.add_remsenrollment", raise_exception=True)
@require_POST
def rems_record_view(request, public_id):
    patient = get_object_or_404(Patient, public_id=public_id)
    form = RemsEnrollmentForm(request.POST)
    if form.is_valid():
        try:
            rems_enrollment_record(patient=patient, recorded_by=request.user, **form.cleaned_data)
            messages.success(request, "REMS enrolment recorded.")
        except IntakeError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(patient)


@login_required
@permission_required("patients.publish_consentdocument", raise_exception=True)
def consent_documents_view(request):
    """Managers: the consent versions, and publishing a new one."""
    documents = ConsentDocument.objects.select_related("published_by")
    current = documents.first()
    replaces = current.version if current is not None else None
    form = ConsentPublishForm(request.POST or None, replaces_version=replaces)
    if request.method == "POST" and form.is_valid():
        try:
            document = consent_document_publish(published_by=request.user, **form.cleaned_data)
        except IntakeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Version {document.version} published. Patients sign it before their next "
                                      "session.")
            return redirect("patients:consent_documents")
    if current is not None and request.method == "GET":
        form = ConsentPublishForm(initial={"title": current.title, "body": current.body}, replaces_version=replaces)
    # The list shows version, title and who published it: each version's text stays in the database.
    return render(request, "patients/consent_documents.html", {"form": form, "documents": documents.defer("body")})
