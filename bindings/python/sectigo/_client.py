"""The clients: ``Client`` (blocking) and ``AsyncClient`` (asyncio)."""

from __future__ import annotations

import logging
import os
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union, cast

from . import _native
from ._errors import ConfigError, Error, OutcomeUnknownError, raise_native
from ._response import RawAnswer, Response
from ._values import Params, Value, add
from .generated import AsyncEndpoints, ClientSettings, Endpoints

if TYPE_CHECKING:
    # Imported where used, so that `import sectigo` stays light for blocking use.
    import concurrent.futures

_log = logging.getLogger("sectigo")

_Answer = TypeVar("_Answer", Response, RawAnswer)

RawParams = Union[Mapping[str, Value], Sequence[Tuple[str, Value]]]
"""A raw call's parameters: a mapping, or (name, value) pairs (which may repeat a name)."""


def _response(native: Any) -> Response:
    code, fields, raw, quirks, retries = native
    return Response(code, fields, raw, quirks, retries)


def _raw_answer(native: Any) -> RawAnswer:
    return RawAnswer(*native)


# Calls an AsyncClient runs at once: as many as its connection pool keeps (the core's
# MAX_IDLE_CONNECTIONS), so every call in flight can give its connection back for the next.
_MAX_IN_FLIGHT = 64


class _Settings(ClientSettings):
    """What both clients share: the settings (their keywords are generated from the spec's
    table, in ``ClientSettings``), checked, and the native client they make."""

    def _connect(self, **native: Any) -> None:
        self._login_name: Optional[str] = native["login_name"]
        self._base_url: Optional[str] = native["base_url"]
        try:
            self._native: Optional[_native.NativeClient] = _native.NativeClient(**native)
        except _native.NativeError as e:
            raise_native(e.args)

    def __repr__(self) -> str:
        state = "closed" if self._native is None else "open"
        return (
            f"{type(self).__name__}(base_url={self._base_url!r}, login_name={self._login_name!r}, "
            f"login_password=<redacted>, {state})"
        )

    def _open(self) -> _native.NativeClient:
        native = self._native
        if native is None:
            raise ConfigError("the client is closed")
        return native


class Client(_Settings, Endpoints):
    """A client for Sectigo's reseller API: one connection pool, shared safely between threads.

    Every call validates its parameters against the spec before anything is sent, always POSTs a
    form body over HTTPS, releases the GIL while waiting, and never resends a call that changes
    state (placing an order, signing up a partner, authorizing an order) once any of it may have
    reached the server.

    A failed call is sent again only when that is provably safe: a -42 "Call limit reached!"
    answer, a connection that was never established, and, for calls that change nothing, a
    connection that broke before the answer. Waits are random, grow exponentially up to a cap and
    stay inside ``timeout``. Each retry is logged as a warning on the ``logging`` logger
    ``sectigo``; ``Response.retries`` and ``Error.retries`` count them.

    Args:
        login_name: the account's user name (sent as ``loginName``).
        login_password: the account's password; never shown by ``repr`` or in errors.
        base_url: ``https://host[:port]``; the current Sectigo host by default.
        host: ``"current"`` (default) or ``"legacy"``; ``"private"`` or ``"private_legacy"`` for
            client-certificate login.
        timeout: seconds allowed for a whole call (default 60).
        connect_timeout: seconds allowed to connect (default 10).
        roots: the certificate authorities to start from: ``"bundled"`` (default; Mozilla's,
            built in) or ``"system"`` (the system's store, honouring ``SSL_CERT_FILE`` and
            ``SSL_CERT_DIR``; where a TLS-inspecting proxy's CA usually goes).
        ca_file: PEM file(s) of certificate authorities to trust besides ``roots``.
        proxy: ``"http://[user:password@]host[:port]"`` or ``"https://..."`` (a CONNECT proxy;
            the password is never shown), or ``"none"``. Without it, ``https_proxy``,
            ``HTTPS_PROXY`` and ``all_proxy`` are read as curl reads them. SOCKS raises
            :class:`ConfigError`.
        no_proxy: hosts reached directly, comma-separated (names with their subdomains, IP
            addresses, networks such as ``"10.0.0.0/8"``, or ``"*"``); without it,
            ``no_proxy``/``NO_PROXY``.
        client_cert, client_key: PEM files of a client certificate and its key, to log in
            with instead of a password (on the ``private`` hosts): give ``login_name`` (the
            certificate's account) and no ``login_password``, which is then neither required
            nor sent.
        client_pkcs12, client_pkcs12_password: the same from a PKCS #12 file (``.p12``/``.pfx``)
            and its password (never shown).
        allow_http: allow a plain ``http://`` base URL (local testing only).
        user_agent: the ``User-Agent`` header.
        paths: endpoint id to path, e.g. ``{"tier2_partner_signup": "/products/..."}`` (the
            documents do not give the signup's path).
        max_retries: how many times a failed call may be sent again (default 3; 0 turns
            retries off).
        retry_base_delay: seconds, the bound of the first wait before a retry (default 0.25);
            each later bound doubles.
        retry_max_delay: seconds, the largest bound of a wait (default 8).
        resolve: addresses to connect to instead of looking a name up, like curl's
            ``--resolve``: entries ``"HOST:PORT:ADDR[,ADDR...]"`` (an ``ADDR`` may carry a port
            of its own). The certificate is still checked against ``HOST``.

    Settings are checked here: a control character in ``user_agent``, a time above an hour, a
    malformed ``resolve`` entry, an unknown ``roots`` or a SOCKS ``proxy``, a client key that is
    not its certificate's or a wrong ``client_pkcs12_password`` raises :class:`ConfigError`
    naming the setting. Passwords (the account's, the proxy's, the PKCS #12 file's) are wiped
    from memory when the client goes.

    **Signals** are served while a call waits (on the main thread, where Python runs their
    handlers): Ctrl-C, ``signal.alarm``, Celery's soft time limit (SIGUSR1). When the handler
    raises, a call whose request had not left, or that changes nothing, stops and the handler's
    exception (``KeyboardInterrupt``, ...) goes on; a call that changes state and may have
    reached the server is left to finish and raises :class:`OutcomeUnknownError`, caused by the
    handler's exception, whose ``completion`` gives the call's actual outcome (such as the new
    order's number).

    A client may be used after ``os.fork()`` (gunicorn ``--preload``, Celery prefork,
    ``multiprocessing``): a child process never uses a connection its parent opened, and opens
    its own.
    """

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()

    def close(self) -> None:
        """Releases the connection pool; later calls raise ConfigError."""
        self._native = None

    def call(self, endpoint: str, params: Union[Mapping[str, Value], Sequence[Tuple[str, Value]]]) -> Response:
        """Calls an endpoint by wire name (``"!PlaceOrder"``) or id with wire-named parameters
        (case-insensitive; items as ``"1_PPP"``)."""
        return self._call(endpoint, _pairs(params))

    def _call(self, endpoint: str, params: Params) -> Response:
        native = self._open()
        return _blocking(lambda main: native.call(endpoint, params, None, main), endpoint, _response)

    def call_raw(
        self, path: str, params: RawParams = (), *, read_only: bool = False, credentials: bool = True
    ) -> RawAnswer:
        """Calls an endpoint that is not in the spec by its path on the client's host
        (``"/products/download/CollectSSL"``), with the client's TLS settings, proxy, login and
        logging: the credentials first (unless ``credentials=False``), then ``params`` as given
        (a mapping or (name, value) pairs), form-encoded in a POST body.

        The call changes state unless ``read_only``: once any byte of it may have reached the
        server it is never sent again, and a lost answer raises :class:`OutcomeUnknownError`.
        A negative ``errorCode`` raises the same :class:`ApiError` as spec endpoints. An
        absolute URL, ``..``, a query string, a fragment or a control character in the path, or
        a name that is not plain, raises :class:`ConfigError` before anything is sent.
        """
        native = self._open()
        pairs = _pairs(params)
        return _blocking(
            lambda main: native.call_raw(path, pairs, read_only, credentials, None, main), path, _raw_answer
        )


class AsyncClient(_Settings, AsyncEndpoints):
    """The same client for asyncio: the same settings as :class:`Client` and the same methods,
    as coroutines. ``async with`` closes it.

    A call never blocks the event loop: it runs in the Rust core on a worker thread of the
    client's own, with the GIL released. Up to 64 calls are in flight at once (as many as the
    connection pool keeps), over one pool; more wait for a thread.

    **Cancelling a call** (``task.cancel()``, ``asyncio.timeout``, ``asyncio.wait_for``, a
    ``TaskGroup`` whose other task failed) depends on how far it got:

    - Nothing of the request had left (it was waiting for a thread, resolving, connecting, in
      the TLS handshake, or waiting before a retry): it stops, did nothing, and the task is
      cancelled as usual.
    - A call that changes nothing (``init_customer_session``) stops wherever it is: its
      connection is shut down, and the task is cancelled as usual.
    - A call that changes state (``place_order``, ``auto_authorize``,
      ``tier2_partner_signup``) whose request may have reached the server cannot be taken back.
      It is not stopped and never resent: the awaiting task gets
      :class:`OutcomeUnknownError` in place of ``CancelledError``, so ``await``, ``wait_for``,
      ``asyncio.timeout`` and ``TaskGroup`` all report it. The call goes on to its end on its
      thread: the error's ``completion`` future gives its actual outcome (the ``Response``,
      such as the new order's number, or the error), and that outcome is logged as a WARNING on
      the ``sectigo`` logger.

    An ``AsyncClient`` made before ``os.fork()`` (gunicorn ``--preload`` with uvicorn workers)
    works in the child: its threads and connections are the child's own there. It is not tied
    to an event loop; any running loop may use it.
    """

    # This process's worker threads, made at the first call (a forked child makes its own).
    _pool: Optional[Tuple[int, concurrent.futures.ThreadPoolExecutor]] = None

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the client: later calls raise ConfigError. Calls in flight go on to their end
        (a call that changes state is never cut off); their threads then stop."""
        self._native = None
        pool, self._pool = self._pool, None
        if pool is not None and pool[0] == os.getpid():
            pool[1].shutdown(wait=False)

    async def call(self, endpoint: str, params: Union[Mapping[str, Value], Sequence[Tuple[str, Value]]]) -> Response:
        """Calls an endpoint by wire name (``"!PlaceOrder"``) or id with wire-named parameters
        (case-insensitive; items as ``"1_PPP"``)."""
        return await self._call(endpoint, _pairs(params))

    def _threads(self) -> concurrent.futures.ThreadPoolExecutor:
        """This process's worker threads. Threads do not survive ``fork()``, so a child makes
        its own. (Two threads racing here may both make one; the unused one has no threads.)"""
        import concurrent.futures

        pool = self._pool
        pid = os.getpid()
        if pool is None or pool[0] != pid:
            pool = (pid, concurrent.futures.ThreadPoolExecutor(_MAX_IN_FLIGHT, thread_name_prefix="sectigo-async"))
            self._pool = pool
        return pool[1]

    async def _call(self, endpoint: str, params: Params) -> Response:
        native = self._open()
        handle = _native.NativeCancel()
        job = self._threads().submit(native.call, endpoint, params, handle)
        return await _awaited(job, handle, endpoint, _response)

    async def call_raw(
        self, path: str, params: RawParams = (), *, read_only: bool = False, credentials: bool = True
    ) -> RawAnswer:
        """Calls an endpoint that is not in the spec by its path, as :meth:`Client.call_raw`
        does; cancelling it follows the rules above, with ``read_only`` deciding whether it
        changes state."""
        native = self._open()
        handle = _native.NativeCancel()
        job = self._threads().submit(native.call_raw, path, _pairs(params), read_only, credentials, handle)
        return await _awaited(job, handle, path, _raw_answer)


async def _awaited(
    job: concurrent.futures.Future[Any],
    handle: _native.NativeCancel,
    endpoint: str,
    make: Callable[[Any], _Answer],
) -> _Answer:
    """The outcome of a call on a worker thread, awaited: a cancelled call stops when that is
    safe, else raises :class:`OutcomeUnknownError` with the outcome to come in ``completion``."""
    import asyncio

    try:
        native = await asyncio.wrap_future(job)
    except asyncio.CancelledError as cancelled:
        # Waiting for a thread, before sending, or a call that changes nothing: stopped.
        if handle.stop():
            raise
        raise _cancelled_in_flight(endpoint, handle, job, make) from cancelled
    except _native.NativeError as e:
        raise_native(e.args)
    return make(native)


def _blocking(call: Callable[[bool], Any], endpoint: str, make: Callable[[Any], _Answer]) -> _Answer:
    """A blocking call: ``call(interruptible)`` on the main thread serves signals while it
    waits (see :func:`_interruptible`); elsewhere it waits in the core itself, since Python runs
    signal handlers on the main thread only."""
    if threading.current_thread() is not threading.main_thread():
        try:
            return make(call(False))
        except _native.NativeError as e:
            raise_native(e.args)
    return _interruptible(call, endpoint, make)


def _interruptible(call: Callable[[bool], Any], endpoint: str, make: Callable[[Any], _Answer]) -> _Answer:
    """A blocking call on the main thread, where signal handlers run (Ctrl-C's
    ``KeyboardInterrupt``, ``signal.alarm``, Celery's soft time limit). The core runs the call on
    a thread of its own and serves signals while it waits. When a handler raises, the call stops
    as an ``AsyncClient`` call does when cancelled: before anything was sent, or for a call that
    changes nothing, the handler's exception goes on and nothing more is sent; a call that
    changes state and may have reached the server is never cut off or lost:
    :class:`OutcomeUnknownError` is raised instead, caused by the handler's exception, with the
    call's actual outcome in its ``completion``."""
    try:
        return make(call(True))
    except _native.NativeError as e:
        if e.args[0] == "interrupted":
            details = e.args[2]
            raise _interrupted_in_flight(endpoint, details["request"], details["pending"], make) from details[
                "interrupt"
            ]
        raise_native(e.args)


def _interrupted_in_flight(
    endpoint: str,
    request: Sequence[Tuple[str, str]],
    pending: _native.NativePending,
    make: Callable[[Any], _Answer],
) -> OutcomeUnknownError:
    """The error of a call that changes state, interrupted by a signal once its request may
    have reached the server; a thread waits for its outcome, which ``completion`` gives."""
    import concurrent.futures

    completion: concurrent.futures.Future[_Answer] = concurrent.futures.Future()
    job: concurrent.futures.Future[Any] = concurrent.futures.Future()
    job.set_running_or_notify_cancel()

    def wait() -> None:
        try:
            job.set_result(pending.wait())
        except BaseException as error:  # noqa: BLE001 - handed on to the completion
            job.set_exception(error)

    # Not a daemon: the interpreter waits for the outcome (and its log record) before it exits.
    threading.Thread(target=wait, name="sectigo-outcome").start()
    return _in_flight_error(endpoint, request, job, completion, "interrupted by a signal", make)


def _cancelled_in_flight(
    endpoint: str,
    handle: _native.NativeCancel,
    job: concurrent.futures.Future[Any],
    make: Callable[[Any], _Answer],
) -> OutcomeUnknownError:
    """The error of a call that changes state, cancelled once its request may have reached the
    server: its outcome comes later, in ``completion``, and is logged."""
    import concurrent.futures

    completion: concurrent.futures.Future[_Answer] = concurrent.futures.Future()
    return _in_flight_error(endpoint, list(handle.request() or []), job, completion, "cancelled", make)


def _in_flight_error(
    endpoint: str,
    request: Sequence[Tuple[str, str]],
    job: concurrent.futures.Future[Any],
    completion: concurrent.futures.Future[_Answer],
    how: str,
    make: Callable[[Any], _Answer],
) -> OutcomeUnknownError:
    """An OutcomeUnknownError whose ``completion`` gets the outcome of ``job`` (the native
    call's answer or ``NativeError``) once it is over; the outcome is logged as a warning."""
    completion.set_running_or_notify_cancel()

    def finished(done: concurrent.futures.Future[Any]) -> None:
        try:
            response = make(done.result())
        except _native.NativeError as e:
            try:
                raise_native(e.args)
            except Error as error:
                _log.warning("%s, %s after it was sent, failed: %s", endpoint, how, error)
                completion.set_exception(error)
                return
        except BaseException as error:  # noqa: BLE001 - the worker thread itself failed: its caller hears it
            completion.set_exception(error)
            return
        _log.warning("%s, %s after it was sent, went through: %r", endpoint, how, response)
        completion.set_result(response)

    job.add_done_callback(finished)
    error = OutcomeUnknownError(
        f"{endpoint} was {how} after its request may have reached the server, so it may have taken effect; "
        "it was not stopped or resent, and its outcome comes in this error's completion",
        None,
        None,
        list(request),
    )
    error.may_have_taken_effect = True
    # A future of one kind of answer is read as one of either (it is only ever read).
    error.completion = cast("concurrent.futures.Future[Union[Response, RawAnswer]]", completion)
    return error


def _pairs(params: Union[Mapping[str, Value], Sequence[Tuple[str, Value]]]) -> Params:
    """(name, text) pairs from a mapping or a sequence of pairs (which may repeat a name)."""
    pairs: Params = []
    for name, value in params.items() if isinstance(params, Mapping) else params:
        add(pairs, name, value)
    return pairs


def prepare(endpoint: str, params: Union[Mapping[str, Value], Sequence[Tuple[str, Value]]]) -> str:
    """Checks a request without sending it (and without credentials); returns the form body."""
    try:
        return _native.prepare(endpoint, _pairs(params))
    except _native.NativeError as e:
        raise_native(e.args)


def decode(
    endpoint: str,
    params: Sequence[Tuple[str, str]],
    status: int,
    location: Optional[str],
    body: bytes,
) -> Response:
    """Reads an answer offline: the parameters it answers, the HTTP status, Location and body."""
    try:
        code, fields, raw, quirks, retries = _native.decode(endpoint, list(params), status, location, body)
    except _native.NativeError as e:
        raise_native(e.args)
    return Response(code, fields, raw, quirks, retries)
