"""What an intake write can refuse."""

from __future__ import annotations

from patients.models import (
    ConsentSignature,
    PatientLink,
)


class IntakeError(Exception):
    """A rule of the intake was broken; the message says what to do."""


class IntakeNotEditable(IntakeError):
    pass


class IntakeIncomplete(IntakeError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__("Some answers are still needed: " + "; ".join(missing) + ".")


class BadTransition(IntakeError):
    pass


class AlreadySigned(IntakeError):
    """This intake already carries a signature of this consent version."""

    def __init__(self, signature: ConsentSignature):
        self.signature = signature
        super().__init__("You have already signed this version of the consent.")


class LinkUnusable(Exception):
    """The link cannot be used; ``reason`` is one of unknown, expired, revoked, used, locked."""

    def __init__(self, reason: str, link: PatientLink | None = None):
        self.reason = reason
        self.link = link
        super().__init__(reason)
