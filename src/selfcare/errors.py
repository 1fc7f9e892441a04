"""The one error hierarchy: entry points map these to exit code 2 or problem+json."""


class SelfcareError(Exception):
    """Base of every error selfcare raises on purpose."""


class InvalidInput(SelfcareError, ValueError):
    """Input a person handed us cannot be used; the message says where and why."""


class InvalidProgram(InvalidInput):
    """A program file breaks a rule; the message names the field and the fix."""


class UnknownCustomer(SelfcareError, LookupError):
    """No such customer is known."""


class Conflict(SelfcareError, ValueError):
    """The request contradicts what is already stored."""


class NotAllowed(SelfcareError, PermissionError):
    """The caller may not do this."""


class StorageUnavailable(SelfcareError, ConnectionError):
    """The database does not answer (health checks report it as 503)."""


class DatabaseUnavailable(StorageUnavailable):
    """The database named by the settings cannot be opened or reached; says what to do."""
