"""The client."""

from __future__ import annotations

from types import TracebackType
from typing import Mapping, Optional, Sequence, Tuple, Type, Union

from . import _native
from ._errors import ConfigError, raise_native
from ._response import Response
from ._values import Params, Value, add
from .generated import Endpoints


class Client(Endpoints):
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

    A client may be used after ``os.fork()`` (gunicorn ``--preload``, Celery prefork,
    ``multiprocessing``): a child process never uses a connection its parent opened, and opens
    its own.
    """

    def __init__(
        self,
        *,
        login_name: Optional[str] = None,
        login_password: Optional[str] = None,
        base_url: Optional[str] = None,
        host: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_file: Union[str, Sequence[str], None] = None,
        allow_http: bool = False,
        user_agent: Optional[str] = None,
        paths: Optional[Mapping[str, str]] = None,
        max_retries: Optional[int] = None,
        retry_base_delay: Optional[float] = None,
        retry_max_delay: Optional[float] = None,
        resolve: Optional[Sequence[str]] = None,
        roots: Optional[str] = None,
        proxy: Optional[str] = None,
        no_proxy: Optional[str] = None,
        client_cert: Optional[str] = None,
        client_key: Optional[str] = None,
        client_pkcs12: Optional[str] = None,
        client_pkcs12_password: Optional[str] = None,
    ) -> None:
        files = [ca_file] if isinstance(ca_file, str) else list(ca_file or [])
        self._login_name = login_name
        try:
            self._native: Optional[_native.NativeClient] = _native.NativeClient(
                login_name=login_name,
                login_password=login_password,
                base_url=base_url,
                host=host,
                timeout=timeout,
                connect_timeout=connect_timeout,
                ca_file=[str(f) for f in files],
                allow_http=allow_http,
                user_agent=user_agent,
                paths=list((paths or {}).items()),
                max_retries=max_retries,
                retry_base_delay=retry_base_delay,
                retry_max_delay=retry_max_delay,
                resolve=None if resolve is None else [resolve] if isinstance(resolve, str) else list(resolve),
                roots=roots,
                proxy=proxy,
                no_proxy=no_proxy,
                client_cert=None if client_cert is None else str(client_cert),
                client_key=None if client_key is None else str(client_key),
                client_pkcs12=None if client_pkcs12 is None else str(client_pkcs12),
                client_pkcs12_password=client_pkcs12_password,
            )
        except _native.NativeError as e:
            raise_native(e.args)
        self._base_url = base_url

    def __repr__(self) -> str:
        state = "closed" if self._native is None else "open"
        return f"Client(base_url={self._base_url!r}, login_name={self._login_name!r}, login_password=<redacted>, {state})"

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
        native = self._native
        if native is None:
            raise ConfigError("the client is closed")
        try:
            code, fields, raw, quirks, retries = native.call(endpoint, params)
        except _native.NativeError as e:
            raise_native(e.args)
        return Response(code, fields, raw, quirks, retries)


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

