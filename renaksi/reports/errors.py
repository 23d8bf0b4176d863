"""The one error of renaksi.reports: a report that cannot be made, with an Indonesian message."""


class ReportError(Exception):
    """``message``: one line for the user, in the active language (Indonesian by default)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
