"""Domain errors raised by services and turned into messages or 4xx answers at the boundary."""


class DomainError(Exception):
    """A rule of the domain refused the action; `message` is already translated for the user."""

    status_code = 400
    #: The form field the message belongs beside, if any (shown there, not as a flash).
    field: str | None = None

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class ValidationFailed(DomainError):
    status_code = 422


class Conflict(DomainError):
    status_code = 409
