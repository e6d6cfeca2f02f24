"""One family of domain errors. The staff panel shows them as form errors, the portal as 4xx pages."""
from __future__ import annotations


class JournalError(Exception):
    """A rule refused the operation; ``message`` is for the user (Russian)."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AccessDenied(JournalError):
    status = 403


class NotFound(JournalError):
    status = 404


class InvalidInput(JournalError):
    status = 400


class Conflict(JournalError):
    """Somebody else changed the row first (two tabs, two teachers)."""

    status = 409


class PeriodClosed(JournalError):
    status = 409


class TooManyAttempts(JournalError):
    status = 429
