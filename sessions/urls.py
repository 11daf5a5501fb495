from django.urls import path

from sessions import views
from sessions.views import ledger, rems
from sessions.views import records as record_views

app_name = "schedule"
urlpatterns = [
    path("board/", views.day_board, name="board"),
    path("board/layout.css", views.board_layout_css, name="board_layout_css"),
    path("week/", views.week_board, name="week"),
    path("find/", views.find_slot, name="find"),
    path("book/", views.book_start, name="book_start"),
    path("patient/<uuid:public_id>/book/", views.book, name="book"),
    path("patient/<uuid:public_id>/course/", views.course_plan, name="course"),
    path("patient/<uuid:public_id>/appointments/", views.patient_appointments, name="patient_appointments"),
    path("appointments/<uuid:public_id>/", views.appointment_detail, name="appointment"),
    path("appointments/<uuid:public_id>/cancel/", views.appointment_cancel, name="cancel"),
    path("appointments/<uuid:public_id>/reschedule/", views.appointment_reschedule, name="reschedule"),
    path("appointments/<uuid:public_id>/escort/", views.appointment_escort, name="escort"),
    path("appointments/<uuid:public_id>/record/", record_views.record_for_appointment, name="appointment_record"),
    path("appointments/<uuid:public_id>/<slug:action>/", views.appointment_action, name="action"),
    path("records/awaiting-signature/", record_views.record_queue, name="record_queue"),
    path("records/<uuid:public_id>/", record_views.record_detail, name="record"),
    path("records/<uuid:public_id>/print/", record_views.record_print, name="record_print"),
    path("records/<uuid:public_id>/<slug:step>/", record_views.record_step, name="record_step"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/chairs/new/", views.ChairCreateView.as_view(), name="chair_create"),
    path("settings/chairs/<uuid:public_id>/", views.ChairUpdateView.as_view(), name="chair_update"),
    path("settings/protocols/new/", views.ProtocolCreateView.as_view(), name="protocol_create"),
    path("settings/protocols/<uuid:public_id>/", views.ProtocolUpdateView.as_view(), name="protocol_update"),
    path("settings/locations/<uuid:public_id>/", views.LocationScheduleView.as_view(), name="location_update"),
    # Controlled substances (issue 11)
    path("ledger/", ledger.ledger_index, name="ledger"),
    path("ledger/receive/", ledger.lot_receive, name="ledger_receive"),
    path("ledger/log/", ledger.ledger_log, name="ledger_log"),
    path("ledger/count/", ledger.count_new, name="ledger_count_new"),
    path("ledger/counts/<uuid:public_id>/", ledger.count_detail, name="ledger_count"),
    path("ledger/differences/<int:pk>/review/", ledger.discrepancy_review, name="ledger_review"),
    path("ledger/lots/<uuid:public_id>/", ledger.lot_detail, name="ledger_lot"),
    path("ledger/lots/<uuid:public_id>/return/", ledger.lot_return, name="ledger_return"),
    path("ledger/session/<uuid:public_id>/", ledger.session_ledger, name="ledger_session"),
    path("ledger/session/<uuid:public_id>/draw/", ledger.session_draw, name="ledger_draw"),
    path("ledger/session/<uuid:public_id>/give/", ledger.session_give, name="ledger_give"),
    path("ledger/session/<uuid:public_id>/waste/", ledger.session_waste, name="ledger_waste"),
    # Spravato REMS monitoring forms
    path("rems/", rems.rems_form_queue, name="rems_queue"),
    path("rems/<uuid:public_id>/", rems.rems_form_detail, name="rems_form"),
    path("rems/<uuid:public_id>/submitted/", rems.rems_form_mark_submitted, name="rems_submit"),
]
