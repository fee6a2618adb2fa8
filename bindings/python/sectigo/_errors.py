"""The exceptions of the package, and the mapping from the native layer's failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, NamedTuple, NoReturn, Optional, Tuple, Type, Union

if TYPE_CHECKING:
    import concurrent.futures

    from ._response import RawAnswer, Response


class Error(Exception):
    """Root of every error this package raises. Messages never contain a password.

    Every error says what trying again means: ``retry_safe`` (sending the same call again is
    provably safe: the server refused it for now, -42, or the connection was never established)
    and ``may_have_taken_effect`` (the call may have changed something, an order may exist:
    never resend it blindly). ``retries`` counts how many times the call was sent again before it
    failed for good.
    """

    retry_safe: bool = False
    may_have_taken_effect: bool = False
    retries: int = 0

    def __reduce__(self) -> Tuple[Any, ...]:
        # Pickled (a multiprocessing or Celery worker's error reaching its caller) with its class,
        # message and every attribute: the code, the flags, the raw answer. A pending
        # ``completion`` belongs to this process and stays behind.
        state = dict(self.__dict__)
        if "completion" in state:
            state["completion"] = None
        return (_rebuild, (type(self), self.args), state)


def _rebuild(cls: Type[Error], args: Tuple[Any, ...]) -> Error:
    """An error of ``cls`` with ``args``, without its ``__init__``: ``pickle`` then sets its
    attributes."""
    error: Error = cls.__new__(cls)
    error.args = args
    return error


class Violation(NamedTuple):
    """One broken rule: the parameter (``loginName``, ``1_PPP``, ``items``), the rule
    (``required``, ``max_length``, ``allowed_values``, ...) and a sentence naming both."""

    param: str
    rule: str
    message: str


class ValidationError(Error, ValueError):
    """The request broke the spec's rules; nothing was sent. ``violations`` lists them all."""

    def __init__(self, message: str, violations: List[Violation]) -> None:
        super().__init__(message)
        self.violations = violations


class ApiError(Error):
    """The API answered with an error code."""

    def __init__(
        self,
        message: str,
        code: int,
        server_message: Optional[str],
        item: Optional[str],
        argument: Optional[str],
        error_id: Optional[str],
        raw: Optional[str],
    ) -> None:
        super().__init__(message)
        self.code = code
        """The ``errorCode``."""
        self.message = server_message
        """The server's own message."""
        self.item = item
        """The parameter the server blames (``errorItem``)."""
        self.argument = argument
        """The value in the message's placeholder (``orderNumber`` in "The 'orderNumber' argument is missing!")."""
        self.error_id = error_id
        """The error-table key (``argument_missing``), or None for a code the documents do not list."""
        self.raw = raw
        """The body as received."""


class TransportError(Error):
    """The request did not get through (connection, TLS, timeout, HTTP status)."""

    def __init__(self, message: str, kind: Optional[str], status: Optional[int], raw: Optional[str] = None) -> None:
        super().__init__(message)
        self.kind = kind
        """``connect``, ``tls``, ``timeout``, ``io``, ``status`` or ``other``."""
        self.status = status
        self.raw = raw
        """The body that came with the HTTP status (at most 64 KiB), or None."""


class DecodeError(Error):
    """An answer came back but could not be read (calls that change nothing)."""

    def __init__(self, message: str, kind: Optional[str], raw: Optional[str]) -> None:
        super().__init__(message)
        self.kind = kind
        """``html``, ``not_numeric``, ``empty``, ... (see the test vectors)."""
        self.raw = raw


class OutcomeUnknownError(Error):
    """A state-changing call (order, signup, authorization) may have taken effect and its answer
    was lost, or it was cancelled (``AsyncClient``) or interrupted by a signal (``Client``) once
    its request may have reached the server. It was not resent: check the account before trying
    again."""

    def __init__(self, message: str, status: Optional[int], raw: Optional[str], request: List[Tuple[str, str]]) -> None:
        super().__init__(message)
        self.status = status
        self.raw = raw
        self.request = request
        """The request as sent, passwords redacted."""
        self.completion: Optional[concurrent.futures.Future[Union[Response, RawAnswer]]] = None
        """For a call cancelled or interrupted while in flight: its actual outcome, once
        the call is over (``await asyncio.wrap_future(error.completion)``): the ``Response``
        (the new order's number, ...), a raw call's ``RawAnswer``, or the error it ended with.
        None otherwise."""


class ConfigError(Error, ValueError):
    """Bad setup: an unknown endpoint or setting, a missing endpoint path."""


def raise_native(args: Tuple[Any, ...]) -> NoReturn:
    """Raises the package's exception for a ``NativeError``'s arguments (kind, message, details)."""
    details: Dict[str, Any] = args[2] if len(args) > 2 and isinstance(args[2], dict) else {}
    error = _error(str(args[0]), str(args[1]), details)
    error.retry_safe = bool(details.get("retry_safe", False))
    error.may_have_taken_effect = bool(details.get("may_have_taken_effect", False))
    error.retries = int(details.get("retries", 0))
    raise error


def _error(kind: str, message: str, details: Dict[str, Any]) -> Error:
    if kind == "validation":
        return ValidationError(message, [Violation(*v) for v in details.get("violations", [])])
    if kind == "api":
        # The classes of API errors are generated from spec/client.toml (AuthenticationError, ...).
        from .generated import API_ERROR_CLASSES

        cls = API_ERROR_CLASSES.get(int(details["code"]), ApiError)
        return cls(
            message,
            int(details["code"]),
            details.get("server_message"),
            details.get("item"),
            details.get("argument"),
            details.get("error_id"),
            details.get("raw"),
        )
    if kind == "transport":
        return TransportError(message, details.get("detail"), details.get("status"), details.get("raw"))
    if kind == "decode":
        return DecodeError(message, details.get("detail"), details.get("raw"))
    if kind == "outcome_unknown":
        return OutcomeUnknownError(message, details.get("status"), details.get("raw"), list(details.get("request", [])))
    if kind == "config":
        return ConfigError(message)
    return Error(message)
