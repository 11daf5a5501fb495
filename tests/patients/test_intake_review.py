"""Staff side of intake: queue, prescriber review and decisions, front desk sees status only."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from clinic.audit.models import AccessEvent
from patients.models import IntakeDecision, IntakeStatus, PatientLink, TreatmentPlan
from patients.services import IntakeError, intake_decide
from tests.factories import complete_intake_answers, make_cleared_patient, make_submitted_intake

pytestmark = pytest.mark.django_db


def _review_url(intake):
    return reverse("patients:intake_review", kwargs={"public_id": intake.public_id})


def _decide(client, intake, **data):
    return client.post(reverse("patients:intake_decide", kwargs={"public_id": intake.public_id}), data)


def test_prescriber_sees_screening_first_and_the_view_is_logged(prescriber_client, prescriber):
    answers = complete_intake_answers()
    answers["medical"]["checklist"]["seizures"] = True
    intake = make_submitted_intake(answers=answers)
    page = prescriber_client.get(_review_url(intake)).content.decode()
    assert page.index("Screening") < page.index("Answers")
    assert "Seizures" in page and "Needs prescriber review" in page and "criteria met" in page
    assert "sertraline" in page.lower()  # the trial table
    assert AccessEvent.objects.filter(actor=prescriber, patient_id=intake.patient.public_id,
                                      object_type="intake answers").count() == 1


def test_prescriber_approves_with_a_plan_and_the_decision_is_signed(prescriber_client, prescriber):
    intake = make_submitted_intake()
    response = _decide(prescriber_client, intake, kind="approve", route="iv", protocol_name="IV induction",
                       target_dose_mg_per_kg="0.5", number_of_sessions="6")
    assert response.status_code == 302
    decision = IntakeDecision.objects.get()
    assert decision.decided_by == prescriber and decision.kind == "approve"
    plan = TreatmentPlan.objects.get()
    assert plan.route == "iv" and str(plan.target_dose_mg_per_kg) == "0.50"
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.APPROVED


def test_approval_without_a_dose_for_iv_or_above_the_cap_says_what_to_fix(prescriber_client):
    intake = make_submitted_intake()
    response = _decide(prescriber_client, intake, kind="approve", route="iv", protocol_name="IV",
                       number_of_sessions="6")
    assert response.status_code == 200 and "need a target dose" in response.content.decode()
    response = _decide(prescriber_client, intake, kind="approve", route="iv", protocol_name="IV",
                       target_dose_mg_per_kg="1.5", number_of_sessions="6")
    assert "needs a written reason" in response.content.decode()
    assert not IntakeDecision.objects.exists()


def test_a_refused_decision_says_so_at_the_top_and_keeps_what_was_typed(prescriber_client):
    intake = make_submitted_intake()
    response = _decide(prescriber_client, intake, kind="approve", route="iv", protocol_name="IV weekly x6",
                       target_dose_mg_per_kg="1.5", number_of_sessions="5")
    page = response.content.decode()
    assert response.status_code == 200
    alert = page.index("The decision was not saved")
    assert alert < page.index("Screening") < page.index('id="decide-approve"')  # seen without scrolling
    assert 'href="#decide-approve"' in page and "see the" in page and "Approve form below" in page
    approve_form = page[page.index('id="decide-approve"'):]
    assert 'value="IV weekly x6"' in approve_form and 'value="1.5"' in approve_form and 'value="5"' in approve_form
    assert "needs a written reason" in approve_form


def test_a_refused_decline_points_at_the_decline_form(prescriber_client):
    intake = make_submitted_intake()
    page = _decide(prescriber_client, intake, kind="decline", message="").content.decode()
    assert "The decision was not saved" in page and 'href="#decide-decline"' in page


def test_the_review_page_has_no_alert_when_nothing_failed(prescriber_client):
    intake = make_submitted_intake()
    assert "The decision was not saved" not in prescriber_client.get(_review_url(intake)).content.decode()


def test_request_for_information_sends_a_new_link_to_the_named_sections(
        prescriber_client, client, django_capture_on_commit_callbacks):
    intake = make_submitted_intake(email="kim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(prescriber_client, intake, kind="request_info", message="Which dose of bupropion?",
                           sections=["treatments"])
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.NEEDS_INFO
    assert "Which dose" not in mail.outbox[-1].body  # the message shows on the page, not in the e-mail
    assert "first visit" not in mail.outbox[-1].body and "more information" in mail.outbox[-1].body
    token = mail.outbox[-1].body.split("/intake/")[1].split("/")[0]
    client.post(reverse("intake:link", kwargs={"token": token}),
                {"date_of_birth": intake.patient.date_of_birth.isoformat()})
    page = client.get(reverse("intake:step", kwargs={"token": token, "step": "review"})).content.decode()
    assert "Which dose of bupropion?" in page and "please check" in page
    response = client.post(reverse("intake:submit", kwargs={"token": token}))
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED
    assert PatientLink.objects.filter(intake=intake, used_at__isnull=True, revoked_at__isnull=True).count() == 0


def test_decline_needs_a_reason_and_a_change_of_mind_is_a_new_decision(prescriber):
    intake = make_submitted_intake()
    with pytest.raises(IntakeError, match="reason"):
        intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="  ")
    intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="Aneurysm on imaging")
    intake_decide(intake=intake, decided_by=prescriber, kind="approve",
                  plan={"route": "im", "protocol_name": "IM", "target_dose_mg_per_kg": "0.3", "number_of_sessions": 4})
    kinds = list(IntakeDecision.objects.order_by("decided_at", "id").values_list("kind", flat=True))
    assert kinds == ["decline", "approve"]


def test_only_a_prescriber_may_decide(nurse_client):
    # Who may is the view's check, by permission (README "Code map"), as in the schedule.
    intake = make_submitted_intake()
    assert _decide(nurse_client, intake, kind="decline", message="x").status_code == 403
    assert not IntakeDecision.objects.filter(intake=intake).exists()


def test_front_desk_sees_cleared_to_book_and_escort_but_no_clinical_answers(front_desk_client):
    patient = make_cleared_patient()
    page = front_desk_client.get(patient.get_absolute_url()).content.decode()
    assert "Cleared to book" in page and "Robin Rivera" in page and "+1 555 0143" in page
    for clinical in ("sertraline", "Major depressive", "PHQ-9", "Screening", "Seizures", "Open the intake review"):
        assert clinical not in page
    intake = patient.intakes.get()
    assert front_desk_client.get(_review_url(intake)).status_code == 403


def test_front_desk_queue_shows_status_and_waiting_time_not_answers(front_desk_client):
    make_submitted_intake(legal_last_name="Okafor")
    page = front_desk_client.get(reverse("patients:intake_list")).content.decode()
    assert "Okafor" in page and "Submitted" in page and "Review" not in page
    assert "minute" in page or "0\xa0minutes" in page


def test_urgent_intakes_go_to_the_top_until_a_prescriber_acknowledges(prescriber_client, prescriber):
    make_submitted_intake(legal_last_name="Early")
    urgent = make_submitted_intake(legal_last_name="Zed", answers=complete_intake_answers(phq9_item9=2))
    queue = list(prescriber_client.get(reverse("patients:intake_list")).context["intakes"])
    assert queue[0] == urgent and queue[0].is_urgent
    response = prescriber_client.post(reverse("patients:intake_acknowledge", kwargs={"public_id": urgent.public_id}),
                                      {"note": "Called the patient: safe, plan agreed."})
    assert response.status_code == 302
    urgent.refresh_from_db()
    assert not urgent.is_urgent and urgent.urgent_acknowledged_by == prescriber
    queue = list(prescriber_client.get(reverse("patients:intake_list")).context["intakes"])
    assert queue[0].patient.legal_last_name == "Early"


def test_staff_invite_by_copy_shows_the_link_once_and_revoke_kills_it(front_desk_client, patient, client):
    response = front_desk_client.post(reverse("patients:invitation_send", kwargs={"public_id": patient.public_id}),
                                      {"how": "copy"})
    url = response.context["issued"].url
    assert "/intake/" in url and len(mail.outbox) == 0
    intake = patient.intakes.get()
    front_desk_client.post(reverse("patients:invitation_revoke", kwargs={"public_id": intake.public_id}))
    assert client.get(url.replace(settings.SITE_URL, "")).status_code == 404


def test_prescriber_records_rems_from_the_patient_page(prescriber_client, patient):
    response = prescriber_client.post(reverse("patients:rems_record", kwargs={"public_id": patient.public_id}),
                                      {"enrolled_on": "2026-01-05", "rems_patient_id": "R-1"})
    assert response.status_code == 302 and patient.rems_enrollments.get().rems_patient_id == "R-1"


def test_front_desk_may_not_record_rems(front_desk_client, patient):
    response = front_desk_client.post(reverse("patients:rems_record", kwargs={"public_id": patient.public_id}),
                                      {"enrolled_on": "2026-01-05"})
    assert response.status_code == 403


def test_manager_publishes_a_new_consent_version(manager_client):
    url = reverse("patients:consent_documents")
    manager_client.post(url, {"title": "Consent", "body": "Version one text"})
    manager_client.post(url, {"title": "Consent", "body": "Version two text"})
    from patients.models import ConsentDocument

    assert list(ConsentDocument.objects.values_list("version", flat=True)) == [2, 1]


def test_publishing_a_new_consent_version_asks_for_confirmation_and_says_why(manager_client, manager):
    from patients.services import consent_document_publish

    url = reverse("patients:consent_documents")
    consent_document_publish(title="Consent", body="Version one text", published_by=manager)
    page = manager_client.get(url).content.decode()
    form = page[page.index("<form", page.index("Publish a new version")):]
    form_tag = form[:form.index(">")]
    assert "data-confirm=" in form_tag and "replace version 1" in form_tag and "No patient can be booked" in form_tag
    assert "js/confirm.js" in page
    assert "blocks booking for every patient" in page and "consent link" in page
    assert "CLINICAL.md" not in page


def test_registry_search_by_dob_phone_and_misspelt_name(front_desk_client, location):
    from tests.factories import PatientFactory

    PatientFactory(location=location, legal_first_name="Alexandra", legal_last_name="Rivera",
                   date_of_birth="1980-01-02", phone="+1 555 867 5309")
    PatientFactory(location=location, legal_first_name="Jordan", legal_last_name="Lee")
    for query in ("1980-01-02", "01/02/1980", "867-5309", "Rivena", "alexa"):
        posted = front_desk_client.post(reverse("patients:list"), {"q": query})  # POST: no name in the URL
        found = front_desk_client.get(posted.url).context["patients"]
        assert [p.legal_last_name for p in found] == ["Rivera"], query


def test_staff_registration_refuses_under_18(front_desk_client, location):
    import datetime

    dob = (datetime.date.today() - datetime.timedelta(days=365 * 10)).isoformat()
    response = front_desk_client.post(reverse("patients:create"), {
        "legal_first_name": "Kid", "legal_last_name": "Young", "date_of_birth": dob, "location": location.pk})
    assert response.status_code == 200 and "18 or older" in response.content.decode()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_intake_queue_query_count_does_not_grow_with_rows(prescriber_client, location):
    from patients.models import Intake
    from tests.factories import PatientFactory

    url = reverse("patients:intake_list")
    from django.utils import timezone

    def submitted():
        Intake.objects.create(patient=PatientFactory(location=location), status=IntakeStatus.SUBMITTED,
                              submitted_at=timezone.now())

    submitted()
    one = _queries(prescriber_client, url)
    assert len(prescriber_client.get(url).context["intakes"]) == 1
    for _ in range(49):
        submitted()
    assert len(prescriber_client.get(url).context["intakes"]) == 25
    assert _queries(prescriber_client, url) == one


def test_intake_queue_opens_on_open_work_and_keeps_decided_intakes_behind_their_tabs(prescriber_client, location):
    """Issue 13: the default tab is what someone must act on (submitted, needs information, and an unacknowledged
    urgent flag even on an unfinished intake); approved, declined and invited intakes are one click away."""
    from patients.models import Intake
    from tests.factories import PatientFactory

    def make(status, **fields):
        return Intake.objects.create(patient=PatientFactory(location=location), status=status,
                                     submitted_at=timezone.now(), **fields)

    from django.utils import timezone
    submitted, needs_info = make(IntakeStatus.SUBMITTED), make(IntakeStatus.NEEDS_INFO)
    urgent_unfinished = make(IntakeStatus.IN_PROGRESS, urgent_at=timezone.now(), urgent_reasons=["PHQ-9 item 9"])
    approved, invited = make(IntakeStatus.APPROVED), make(IntakeStatus.INVITED)
    url = reverse("patients:intake_list")
    response = prescriber_client.get(url)
    assert list(response.context["intakes"]) == [urgent_unfinished, submitted, needs_info]
    assert list(prescriber_client.get(url, {"status": "approved"}).context["intakes"]) == [approved]
    everything = set(prescriber_client.get(url, {"status": "all"}).context["intakes"])
    assert everything == {submitted, needs_info, urgent_unfinished, approved, invited}


def test_intake_queue_does_not_load_the_answers(prescriber_client, location):
    """The list shows status and waiting time: the answers, drafts and screening (large JSON) stay in the
    database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_submitted_intake(legal_last_name="Okafor")
    with CaptureQueriesContext(connection) as ctx:
        prescriber_client.get(reverse("patients:intake_list"))
    listing = [query["sql"] for query in ctx.captured_queries
               if 'FROM "patients_intake"' in query["sql"] and "ORDER BY" in query["sql"]]
    assert listing and all('"patients_intake"."answers"' not in sql and '"patients_intake"."drafts"' not in sql
                           and '"patients_intake"."screening"' not in sql for sql in listing)


def test_patient_list_query_count_does_not_grow_with_rows(front_desk_client, location):
    from tests.factories import PatientFactory

    url = reverse("patients:list")
    PatientFactory(location=location)
    one = _queries(front_desk_client, url)
    PatientFactory.create_batch(49, location=location)
    assert _queries(front_desk_client, url) == one


def test_a_stranger_sees_no_intake_and_anonymous_visitors_are_sent_to_login(stranger_client, client):
    intake = make_submitted_intake()
    assert stranger_client.get(reverse("patients:intake_list")).status_code == 403
    assert stranger_client.get(_review_url(intake)).status_code == 403
    response = client.get(_review_url(intake))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_refused_decision_shows_the_answers_again_and_logs_the_view(prescriber_client, prescriber):
    intake = make_submitted_intake()
    response = _decide(prescriber_client, intake, kind="decline", message="")
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert AccessEvent.objects.filter(actor=prescriber, object_type="intake answers").count() == 1


# --- Decisions only on a submitted intake; every decision closes the patient's links -------------------


def test_no_decision_while_the_patient_is_answering_a_request_for_more_information(prescriber_client, prescriber):
    from patients.services import BadTransition

    intake = make_submitted_intake()
    intake_decide(intake=intake, decided_by=prescriber, kind="request_info", message="Which dose?")
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.NEEDS_INFO
    for kind, extra in (("approve", {"plan": {"route": "iv", "protocol_name": "IV", "target_dose_mg_per_kg": "0.5",
                                              "number_of_sessions": 6}}),
                        ("decline", {"message": "No"}), ("request_info", {"message": "Again?"})):
        with pytest.raises(BadTransition, match="not sent it"):
            intake_decide(intake=intake, decided_by=prescriber, kind=kind, **extra)
    page = prescriber_client.get(_review_url(intake))
    assert page.context["can_decide"] is False and "Approve and sign" not in page.content.decode()
    response = _decide(prescriber_client, intake, kind="approve", route="iv", protocol_name="IV",
                       target_dose_mg_per_kg="0.5", number_of_sessions="6")
    assert response.status_code == 302
    assert "not sent it" in prescriber_client.get(response.url).content.decode()
    assert IntakeDecision.objects.count() == 1 and PatientLink.objects.filter(
        intake=intake, revoked_at__isnull=True, used_at__isnull=True).count() == 1


@pytest.mark.parametrize("kind,extra", [("approve", {"plan": {"route": "im", "protocol_name": "IM",
                                                              "target_dose_mg_per_kg": "0.3",
                                                              "number_of_sessions": 4}}),
                                        ("decline", {"message": "Aneurysm"})])
def test_every_decision_stops_the_patients_live_intake_link(prescriber, client, kind, extra):
    from patients.services import _link_issue

    intake = make_submitted_intake()
    # A link left live on a submitted intake (say, issued before this rule): the decision must close it.
    stray = _link_issue(intake=intake, purpose="intake", created_by=None)
    intake_decide(intake=intake, decided_by=prescriber, kind=kind, **extra)
    stray.link.refresh_from_db()
    assert stray.link.revoked_at is not None and stray.link.revoked_by == prescriber
    assert client.get(reverse("intake:link", kwargs={"token": stray.token})).status_code == 404


def test_a_changed_decision_is_allowed_from_approved_or_declined(prescriber):
    intake = make_submitted_intake()
    intake_decide(intake=intake, decided_by=prescriber, kind="approve",
                  plan={"route": "iv", "protocol_name": "IV", "target_dose_mg_per_kg": "0.5", "number_of_sessions": 6})
    intake_decide(intake=intake, decided_by=prescriber, kind="decline", message="New information: AVM")
    intake_decide(intake=intake, decided_by=prescriber, kind="request_info", message="Send the MRI report")
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.NEEDS_INFO and IntakeDecision.objects.count() == 3


# --- Dose above the cap: the reason is kept and shown (CLINICAL.md §1) ----------------------------------


def test_a_dose_above_the_cap_keeps_the_prescribers_reason_and_the_review_shows_it(prescriber_client):
    intake = make_submitted_intake()
    reason = "Partial response at 1.0 mg/kg after six infusions; BP stable"
    response = _decide(prescriber_client, intake, kind="approve", route="iv", protocol_name="IV booster",
                       target_dose_mg_per_kg="1.2", number_of_sessions="4", dose_override_reason=reason)
    assert response.status_code == 302
    plan = TreatmentPlan.objects.get()
    assert str(plan.target_dose_mg_per_kg) == "1.20" and plan.dose_override_reason == reason
    page = prescriber_client.get(_review_url(intake)).content.decode()
    assert reason in page and "Dose above the clinic" in page


@pytest.mark.parametrize("cap,dose,needs_reason", [("1.0", "1.0", False), ("1.0", "1.01", True),
                                                   ("0.8", "0.9", True), ("1.5", "1.2", True)])
def test_the_cap_setting_applies_but_never_above_the_database_floor(prescriber, settings, cap, dose, needs_reason):
    settings.IV_DOSE_CAP_MG_PER_KG = cap
    plan = {"route": "iv", "protocol_name": "IV", "target_dose_mg_per_kg": dose, "number_of_sessions": 6}
    if needs_reason:
        with pytest.raises(IntakeError, match="needs a written reason"):
            intake_decide(intake=make_submitted_intake(), decided_by=prescriber, kind="approve", plan=plan)
    decision = intake_decide(intake=make_submitted_intake(), decided_by=prescriber, kind="approve",
                             plan=plan | {"dose_override_reason": "Titrated up"})
    # A stray reason under the cap is not stored: it would read as if the cap had been passed.
    assert decision.treatment_plan.dose_override_reason == ("Titrated up" if needs_reason else "")


@pytest.mark.parametrize("dose", ["abc", "0.01", "2.5", "NaN", "Infinity"])
def test_a_nonsense_dose_is_refused_with_a_message(prescriber, dose):
    plan = {"route": "iv", "protocol_name": "IV", "target_dose_mg_per_kg": dose, "number_of_sessions": 6,
            "dose_override_reason": "x"}
    with pytest.raises(IntakeError, match="mg/kg"):
        intake_decide(intake=make_submitted_intake(), decided_by=prescriber, kind="approve", plan=plan)


# --- The front desk queue: status only ----------------------------------------------------------------


def test_front_desk_sees_neither_the_urgent_flag_nor_an_urgent_first_order(front_desk_client, nurse_client):
    early = make_submitted_intake(legal_last_name="Early")
    urgent = make_submitted_intake(legal_last_name="Zed", answers=complete_intake_answers(phq9_item9=2))
    response = front_desk_client.get(reverse("patients:intake_list"))
    page = response.content.decode()
    assert "Urgent" not in page and "urgent" not in page and "same-day" not in page
    assert list(response.context["intakes"]) == [early, urgent]  # longest waiting first, nothing else
    clinician = nurse_client.get(reverse("patients:intake_list"))
    assert list(clinician.context["intakes"]) == [urgent, early]
    assert "Urgent: Same-day review" in clinician.content.decode()


# --- Request more information for a patient without e-mail ---------------------------------------------


def test_request_for_information_for_a_patient_without_email_shows_the_new_link_once(prescriber_client, client):
    intake = make_submitted_intake(email="")
    response = _decide(prescriber_client, intake, kind="request_info", message="Which dose of bupropion?",
                       sections=["treatments"])
    page = response.content.decode()
    assert response.status_code == 200 and "no e-mail address" in page and "front desk" in page
    url = response.context["issued"].url
    assert url in page and len(mail.outbox) == 0
    assert IntakeDecision.objects.get().kind == "request_info"
    token = url.split("/intake/")[1].split("/")[0]
    proof = client.post(reverse("intake:link", kwargs={"token": token}),
                        {"date_of_birth": intake.patient.date_of_birth.isoformat()})
    assert proof.status_code == 302
    assert "Which dose of bupropion?" in client.get(proof.url, follow=True).content.decode()


# --- Scores: the latest of each questionnaire, history kept --------------------------------------------


def test_a_resubmitted_intake_shows_the_latest_score_of_each_questionnaire_once(prescriber_client, prescriber):
    from patients.models import Assessment
    from patients.services import intake_step_save, intake_submit

    intake = make_submitted_intake()
    intake_decide(intake=intake, decided_by=prescriber, kind="request_info", message="Please redo the PHQ-9")
    intake = intake_step_save(intake=intake, step="phq9", data={f"q{i}": 1 for i in range(1, 9)} | {"q9": 0})
    intake_submit(intake=intake)
    response = prescriber_client.get(_review_url(intake))
    shown = list(response.context["assessments"])
    assert sorted(a.instrument for a in shown) == ["cssrs", "gad7", "phq9"]
    assert next(a for a in shown if a.instrument == "phq9").total == 8
    assert Assessment.objects.filter(intake=intake, instrument="phq9").count() == 2  # history is kept
    page = response.content.decode()
    assert page.count("<td>PHQ-9</td>") == 1 and "Taken" in page


# --- E-mail after the commit; a mail server failure is no error page -----------------------------------


def test_an_invitation_that_is_rolled_back_sends_no_email(patient, django_capture_on_commit_callbacks):
    from django.db import transaction

    from patients.services import invitation_send

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        invitation_send(patient=patient, sent_by=None)
        raise RuntimeError("something after the invitation failed")
    assert mail.outbox == []


def test_a_mail_server_failure_when_a_request_is_accepted_keeps_the_link_and_logs_no_phi(
        client, front_desk_client, location, monkeypatch, caplog, django_capture_on_commit_callbacks):
    import logging
    import smtplib

    from patients.models import IntakeRequest, Patient

    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"zoe@example.com": (550, b"mailbox unavailable")})

    monkeypatch.setattr("patients.services.links.send_mail", refuse)
    data = {"first_name": "Zoë", "last_name": "Ñúñez", "email": "zoe@example.com", "date_of_birth": "1990-02-03"}
    response = client.post(reverse("intake:start"), data)
    assert response.status_code == 302 and response.url == reverse("intake:start_done")
    request_id = IntakeRequest.objects.get().public_id
    with caplog.at_level(logging.WARNING, logger="patients"), django_capture_on_commit_callbacks(execute=True):
        front_desk_client.post(reverse("patients:intake_request_accept", kwargs={"public_id": request_id}))
    patient = Patient.objects.get()
    link = PatientLink.objects.get()
    assert link.emailed_at is None and link.intake.patient == patient
    assert "e-mail not sent" in caplog.text and str(link.public_id) in caplog.text
    for phi in ("zoe@example.com", "Ñúñez", "Zoë", "1990"):
        assert phi not in caplog.text


def test_staff_see_when_an_invitation_email_did_not_go_out(front_desk_client, patient, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    import smtplib

    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("patients.services.links.send_mail", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk_client.post(
            reverse("patients:invitation_send", kwargs={"public_id": patient.public_id}), {"how": "email"})
    assert response.status_code == 200 and response.context["issued"].url in response.content.decode()
    assert PatientLink.objects.get().emailed_at is None


def test_printing_the_review_is_logged_as_a_print(prescriber_client, prescriber):
    intake = make_submitted_intake()
    page = prescriber_client.get(_review_url(intake)).content.decode()
    assert 'href="?print=1"' in page and "data-autoprint" not in page
    printed = prescriber_client.get(_review_url(intake), {"print": "1"})
    assert printed.status_code == 200 and "data-autoprint" in printed.content.decode()
    actions = list(AccessEvent.objects.filter(actor=prescriber, patient_id=intake.patient.public_id)
                   .order_by("occurred_at", "id").values_list("action", flat=True))
    assert actions == ["view", "print"]


# The consent page's queries whatever the number of versions: session, user, their permissions (one read),
# the current version (its text fills the form), every version with who published it (without their texts).
CONSENT_DOCUMENTS_QUERIES = 5


def test_the_consent_page_query_count_is_the_same_for_1_and_50_versions(manager_client, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from patients.services import consent_document_publish

    url = reverse("patients:consent_documents")

    def page():
        manager_client.get(url)  # the session's first-request work is not the page's
        with CaptureQueriesContext(connection) as ctx:
            response = manager_client.get(url)
        assert response.status_code == 200
        return response.content.decode(), [query["sql"] for query in ctx.captured_queries]

    consent_document_publish(title="Consent v1", body="Version 1 text", published_by=manager)
    html, one = page()
    assert len(one) == CONSENT_DOCUMENTS_QUERIES, one
    assert html.count("<td>Consent v") == 1
    for version in range(2, 51):
        consent_document_publish(title=f"Consent v{version}", body=f"Version {version} text", published_by=manager)
    html, fifty = page()
    assert len(fifty) == CONSENT_DOCUMENTS_QUERIES, fifty
    assert html.count("<td>Consent v") == 50
    listing = [sql for sql in fifty if 'FROM "patients_consentdocument"' in sql and "LIMIT" not in sql]
    assert listing and all('"patients_consentdocument"."body"' not in sql for sql in listing)


def test_the_rems_enrolment_date_is_checked_against_the_patients_clinic_day_not_the_servers(prescriber, patient):
    """At 20:00 in New York (already tomorrow in UTC, the server's zone) tomorrow's date is still in the future;
    today's is fine."""
    import datetime
    import zoneinfo

    import time_machine

    from tests.factories import client_for

    evening = datetime.datetime(2030, 1, 14, 20, 0, tzinfo=zoneinfo.ZoneInfo(patient.location.time_zone))
    url = reverse("patients:rems_record", kwargs={"public_id": patient.public_id})
    with time_machine.travel(evening, tick=False):
        client = client_for(prescriber)
        client.post(url, {"enrolled_on": "2030-01-15"})
        assert not patient.rems_enrollments.exists()
        client.post(url, {"enrolled_on": "2030-01-14"})
    assert patient.rems_enrollments.get().enrolled_on == datetime.date(2030, 1, 14)


@pytest.mark.parametrize("role", ["prescriber_client", "front_desk_client"])
def test_the_open_queue_pages_past_its_first_page_longest_waiting_first(request, role, location):
    """The default tab's first page comes from one prepared query with the number of open intakes (issue 13);
    its second page reads the rest, in the same order, for clinicians (urgent first) and front desk alike."""
    import datetime

    from django.utils import timezone

    from patients.models import Intake
    from tests.factories import PatientFactory

    client = request.getfixturevalue(role)
    start = timezone.now() - datetime.timedelta(days=2)
    waiting = [Intake.objects.create(patient=PatientFactory(location=location), status=IntakeStatus.SUBMITTED,
                                     submitted_at=start, status_changed_at=start + datetime.timedelta(minutes=n))
               for n in range(30)]
    url = reverse("patients:intake_list")
    first = client.get(url)
    assert list(first.context["intakes"]) == waiting[:25]
    assert first.context["page_obj"].paginator.count == 30
    second = client.get(url, {"page": 2})
    assert list(second.context["intakes"]) == waiting[25:]


def test_each_queue_row_links_the_patients_page_and_for_clinicians_the_review(prescriber_client, front_desk_client,
                                                                              location):
    """The links are made once a page (issue 13): each row's must still be its own patient's and intake's."""
    from django.utils import timezone

    from patients.models import Intake
    from tests.factories import PatientFactory

    intakes = [Intake.objects.create(patient=PatientFactory(location=location), status=IntakeStatus.SUBMITTED,
                                     submitted_at=timezone.now()) for _ in range(3)]
    clinician = prescriber_client.get(reverse("patients:intake_list")).content.decode()
    desk = front_desk_client.get(reverse("patients:intake_list")).content.decode()
    for intake in intakes:
        assert f'href="{intake.patient.get_absolute_url()}"' in clinician
        assert f'href="{intake.get_absolute_url()}"' in clinician
        assert f'href="{intake.patient.get_absolute_url()}"' in desk
        assert intake.get_absolute_url() not in desk  # front desk does not open answers
