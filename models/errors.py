"""One family of domain errors. The staff panel shows them as form errors, the portal as 4xx pages."""

from __future__ import annotations


class JournalError(Exception):
    """A rule refused the operation. ``template`` is the Russian text marked with models.i18n._ and
    ``params`` its ``%(name)s`` values; ``message`` is the Russian text, the web layer shows
    ``gettext(template, **params)`` in the user's language."""

    status = 400

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        self.message = template % params if params else template
        super().__init__(self.message)


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
    """A closed period or an archived year refuses changes: the same 409 at every door
    (raised by ``Period.require_open`` and ``AcademicYear.require_open``)."""

    status = 409


class YearArchived(PeriodClosed, InvalidInput):
    """The year is archived. Still a PeriodClosed (409); also an InvalidInput for callers that check the
    year chosen in a form (imports)."""

    status = 409


class TooManyAttempts(JournalError):
    status = 429


class NeedsConfirmation(Conflict):
    """A soft rule would be broken (a class given more lessons a week than its curriculum has): nothing was
    written; the same request, confirmed, goes ahead. ``warnings`` holds every reason (models.i18n.Text), the
    message is the first one."""

    def __init__(self, warnings: list):
        first = warnings[0]
        super().__init__(first.template, **first.params)
        self.warnings = list(warnings)

    @classmethod
    def unless(cls, confirmed: bool, warnings: list) -> dict:
        """Raises with ``warnings`` unless ``confirmed`` (or there are none); returns what the audit keeps of
        the warnings the user confirmed (nothing when there were none)."""
        if warnings and not confirmed:
            raise cls(warnings)
        return {"confirmed_over": [str(w) for w in warnings]} if warnings else {}
