"""Domain errors.  The web layer maps them to 4xx responses, the CLI to one-line messages."""


class GraphCRMError(Exception):
    """Base class of every error GraphCRM raises on purpose."""


class ValidationError(GraphCRMError):
    """Input that breaks the graph model.  ``field`` names what is wrong."""

    def __init__(self, field: str, message: str, *, problems: dict[str, str] | None = None):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.problems = problems or {field: message}


class NotFound(GraphCRMError):
    """A node or relationship that does not exist."""

    def __init__(self, what: str, ident: str):
        super().__init__(f"{what} {ident!r} not found")
        self.what = what
        self.ident = ident


class Conflict(GraphCRMError):
    """A write based on a stale version, or a duplicate id.

    ``current`` holds the stored properties, so that the caller can show what
    a colleague changed in the meantime.
    """

    def __init__(self, message: str, *, current: dict | None = None):
        super().__init__(message)
        self.current = current or {}


class StoreUnavailable(GraphCRMError):
    """The database cannot be reached or started."""


class StoreTimeout(StoreUnavailable):
    """The database is there but did not answer within ``GRAPHCRM_DB_TIMEOUT``.

    ``write`` says whether a change was on its way: it is never sent again,
    and it may still be saved if the database resumes, so the caller is told
    to reload and look.
    """

    def __init__(self, message: str, *, write: bool = False):
        super().__init__(message)
        self.write = write


class ConfigError(GraphCRMError):
    """A setting that cannot work (bad URL, unwritable data folder...)."""


class MailFailed(GraphCRMError):
    """The mail server refused or could not be reached; the message names it
    and says how many of the messages went out before."""
