from django.urls import path

from sessions import views

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
    path("appointments/<uuid:public_id>/<slug:action>/", views.appointment_action, name="action"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/chairs/new/", views.ChairCreateView.as_view(), name="chair_create"),
    path("settings/chairs/<uuid:public_id>/", views.ChairUpdateView.as_view(), name="chair_update"),
    path("settings/protocols/new/", views.ProtocolCreateView.as_view(), name="protocol_create"),
    path("settings/protocols/<uuid:public_id>/", views.ProtocolUpdateView.as_view(), name="protocol_update"),
    path("settings/locations/<uuid:public_id>/", views.LocationScheduleView.as_view(), name="location_update"),
]
