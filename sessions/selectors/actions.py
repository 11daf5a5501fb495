"""The move buttons a page offers on an appointment, shaped in Python for ``sessions.html.action_buttons``.

The day board shows dozens of cards with their buttons. Asked per card through a template tag (every
permission asked again, a refusal message written for each move the status map rules out), then a
``{% url %}`` per button and a time-zone conversion per confirmation, the buttons were a third of the board's
template time. So a page makes one ``PageActions``: who may move is asked once (``permitted_moves``), the
URLs are reversed once with a stand-in id (``AppointmentUrls``), and each appointment only asks what is
allowed now (``allowed_moves``, the same rule as the view and the service).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from clinic.links import url_for_public_id
from sessions.courses import to_local
from sessions.models import Appointment

from .moves import ACTIONS, allowed_moves, permitted_moves

Status = Appointment.Status


class AppointmentUrls:
    """An appointment's pages (its own, cancel, reschedule, each move), each reversed once for a page with a
    stand-in id and then filled in with each appointment's, instead of a ``reverse()`` per card and button
    (about 120 on a board of 40)."""

    ROUTES = {"appointment": "schedule:appointment", "cancel": "schedule:cancel",
              "reschedule": "schedule:reschedule"}

    def __init__(self):
        self._urls: dict[str, Callable[[uuid.UUID], str]] = {}

    def url(self, key: str, public_id: uuid.UUID) -> str:
        """``key``: "appointment", "cancel", "reschedule" or a move's action ("check-in")."""
        url = self._urls.get(key)
        if url is None:
            url = self._urls[key] = (url_for_public_id(self.ROUTES[key]) if key in self.ROUTES
                                     else url_for_public_id("schedule:action", ACTIONS[key].action))
        return url(public_id)


@dataclass(frozen=True)
class MoveButton:
    action: str  # the URL's action slug
    label: str
    style: str  # the Bootstrap button style
    url: str
    confirm: str  # the question the browser asks before posting


@dataclass(frozen=True)
class Actions:
    """What a user may do with an appointment now: the one-click moves, and the pages to reschedule and
    cancel ("" when not allowed)."""

    buttons: tuple[MoveButton, ...] = field(default_factory=tuple)
    reschedule_url: str = ""
    cancel_url: str = ""

    @property
    def offered(self) -> bool:
        return bool(self.buttons or self.reschedule_url or self.cancel_url)

    @property
    def can_reschedule(self) -> bool:
        return bool(self.reschedule_url)

    @property
    def can_cancel(self) -> bool:
        return bool(self.cancel_url)


class PageActions:
    """The actions of one page for one user at one moment, for as many appointments as the page shows."""

    def __init__(self, user, now: datetime | None = None, urls: AppointmentUrls | None = None):
        self.moves = permitted_moves(user)
        self.now = now or timezone.now()
        self.urls = urls or AppointmentUrls()

    def for_appointment(self, appointment: Appointment, *, start_time: str | None = None,
                        patient_name: str | None = None) -> Actions:
        """``start_time``: the appointment's local start as "HH:MM", and ``patient_name``, if the page has them
        already (the day board reads its appointments as values, ``BoardAppointment``, without a patient)."""
        moves = allowed_moves(appointment, self.moves, self.now)
        if not moves:
            return Actions()
        if start_time is None:
            start_time = f"{to_local(appointment.start, appointment.location.time_zone):%H:%M}"
        name = appointment.patient.full_name if patient_name is None else patient_name
        public_id = appointment.public_id
        statuses = {move.status for move in moves}
        return Actions(
            buttons=tuple(MoveButton(move.action, move.label, move.style, self.urls.url(move.action, public_id),
                                     f"{move.label}: {name} at {start_time}?") for move in moves if move.action),
            reschedule_url=self.urls.url("reschedule", public_id) if Status.RESCHEDULED in statuses else "",
            cancel_url=self.urls.url("cancel", public_id) if Status.CANCELLED in statuses else "")


def appointment_actions(appointment: Appointment, user, now: datetime | None = None) -> Actions:
    """What ``user`` may do with ``appointment`` now (a page about one appointment)."""
    return PageActions(user, now).for_appointment(appointment)
