"""Schedule pages: thin views; every write is one service call (DESIGN.md §3)."""

from .appointments import (
    appointment_action,
    appointment_cancel,
    appointment_detail,
    appointment_escort,
    appointment_reschedule,
    patient_appointments,
)
from .boards import (
    board_layout_css,
    day_board,
    week_board,
)
from .booking import (
    book,
    book_start,
    course_plan,
    find_slot,
)
from .common import (
    staff_view,
)
from .public import (
    appointment_link,
    appointment_link_ics,
)
from .settings import (
    ChairCreateView,
    ChairUpdateView,
    LocationScheduleView,
    ProtocolCreateView,
    ProtocolUpdateView,
    settings_index,
)

__all__ = [
    "ChairCreateView",
    "ChairUpdateView",
    "LocationScheduleView",
    "ProtocolCreateView",
    "ProtocolUpdateView",
    "appointment_action",
    "appointment_cancel",
    "appointment_detail",
    "appointment_escort",
    "appointment_link",
    "appointment_link_ics",
    "appointment_reschedule",
    "board_layout_css",
    "book",
    "book_start",
    "course_plan",
    "day_board",
    "find_slot",
    "patient_appointments",
    "settings_index",
    "staff_view",
    "week_board",
]
