"""Typed errors of the shared code: the API maps them to HTTP, the workflow to Retry rules."""


class AlexError(Exception):
    """Base class: `message` is written for the person who has to act on it."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(AlexError):
    code = "not_found"


class Conflict(AlexError):
    code = "conflict"


class InvalidInput(AlexError):
    code = "invalid_input"

    def __init__(self, message: str, field: str | None = None, location: str = "body") -> None:
        super().__init__(message)
        self.field = field
        self.location = location


class RefusedValue(InvalidInput):
    """A value the database refused (out of a column's range, say): its message is the
    database's, for the log; the API tells the caller in its own words."""


class LimitReached(Conflict):
    """A user already has as many of something as Alex keeps for one user."""

    code = "limit_reached"


class InvalidTransition(Conflict):
    """A job or step status move that the lifecycle does not allow (e.g. completed -> pending)."""

    code = "invalid_transition"


class DatabaseError(AlexError):
    code = "database_error"


class ConstraintViolation(DatabaseError):
    """The database refused a write; `constraint` names the rule (e.g. positions_quantity_check)."""

    code = "constraint_violation"

    def __init__(self, message: str, constraint: str | None) -> None:
        super().__init__(message)
        self.constraint = constraint


class DatabaseResuming(DatabaseError):
    """Aurora Serverless is waking from 0 ACU and did not answer in time: retry later."""

    code = "database_resuming"


class ModelThrottled(AlexError):
    """The model provider refused the call for rate or capacity: retry with backoff."""

    code = "model_throttled"


class InvalidModelOutput(AlexError):
    """The model's answer was still invalid after one corrective re-ask."""

    code = "invalid_model_output"


class PricesThrottled(AlexError):
    """The market-data provider refused the call for its rate limit: retry with backoff."""

    code = "prices_throttled"


class PriceSourceUnavailable(AlexError):
    """The market-data provider failed otherwise (down, refused the key, answered nonsense):
    the stored prices are kept, and the refresh says so."""

    code = "price_source_unavailable"


class NothingToAnalyze(Conflict):
    """An analysis of a portfolio with nothing valued: it could only report on what is missing."""

    code = "nothing_to_analyze"
