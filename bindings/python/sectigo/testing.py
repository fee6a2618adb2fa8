"""Test helpers: the SDK's sandbox, a fake of Sectigo's API, for your own test suites.

:func:`sandbox` starts it in this process, on loopback, and stops it on exit::

    import pytest
    import sectigo
    from sectigo.testing import Sandbox, sandbox

    @pytest.fixture
    def sectigo_sandbox() -> Iterator[Sandbox]:
        with sandbox() as box:
            yield box

    def test_order(sectigo_sandbox: Sandbox) -> None:
        with sectigo_sandbox.client() as client:
            order = client.place_order(ap="sandboxbrand", reseller=True, ...)

    async def test_order_async(sectigo_sandbox: Sandbox) -> None:  # pytest-asyncio, anyio
        async with sectigo_sandbox.async_client() as client:
            order = await client.place_order(ap="sandboxbrand", reseller=True, ...)

The sandbox keeps accounts, orders and Tier 2 partners in memory, answers like Sectigo's
documents say, and misbehaves on request (:meth:`Sandbox.inject_fault`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Dict, Iterator, List, Literal, Optional, Tuple, Union

from ._client import AsyncClient, Client
from ._errors import ConfigError, raise_native
from ._native import NativeError, NativeSandbox

__all__ = ["Account", "ClientCertificate", "Counters", "Sandbox", "sandbox"]


@dataclass(frozen=True)
class Account:
    """A reseller account of the sandbox."""

    login_name: str
    login_password: str = field(repr=False)
    brand: str
    credit_cents: int


@dataclass(frozen=True)
class ClientCertificate:
    """A client certificate minted by the sandbox for an account, as files (removed with the
    sandbox)."""

    login_name: str
    cert_file: str
    """The certificate and its CA's (PEM), for ``Client(client_cert=...)``."""
    key_file: str
    """Its private key (PEM), for ``Client(client_key=...)``."""
    pkcs12_file: str
    """Both in a PKCS #12 file, for ``Client(client_pkcs12=...)``."""
    pkcs12_password: str = field(repr=False)


@dataclass(frozen=True)
class Counters:
    """What the sandbox has seen since it started or since :meth:`Sandbox.reset_counters`."""

    connections: int
    """TCP connections accepted."""
    requests: Dict[str, int]
    """API requests per endpoint (``"!PlaceOrder"``, ...), and per path for programmed answers
    (``"/products/download/CollectSSL"``)."""


class Sandbox:
    """A running sandbox: where it listens, what to trust, its accounts, faults and counters."""

    base_url: str
    """The HTTPS base URL (``https://127.0.0.1:PORT``), for ``Client(base_url=...)``."""
    http_url: str
    """Plain HTTP on another port (API calls over it get -1, as from Sectigo)."""
    ca_file: str
    """The PEM file of the CA that signed the sandbox's certificate, for ``Client(ca_file=...)``."""
    signup_path: str
    """Where the Tier 2 partner signup is served (``paths={"tier2_partner_signup": ...}``)."""
    accounts: List[Account]
    """The reseller accounts; the first one has credit, the second none."""
    private_url: Optional[str]
    """With ``private=True``: HTTPS that requires a client certificate, like Sectigo's private
    hosts (see :meth:`client_certificate`)."""
    proxy_url: Optional[str]
    """With ``tinyproxy=True``: an egress proxy on loopback, ``http://user:password@127.0.0.1:PORT``."""
    proxy_log: Optional[str]
    """The proxy's log file: one ``CONNECT host:port`` line per tunnel."""

    def __init__(self, native: Union[NativeSandbox, _SandboxProcess], ca_file: str, folder: str) -> None:
        self._native = native
        self._folder = folder
        info: Dict[str, Any] = json.loads(native.info())
        self.private_url = info.get("private_url")
        proxy = info.get("proxy")
        self.proxy_url = proxy["url"] if proxy else None
        self.proxy_log = proxy["log"] if proxy else None
        self.base_url = info["https_url"]
        self.http_url = info["http_url"]
        self.ca_file = ca_file
        self.signup_path = info["signup_path"]
        self.accounts = [
            Account(a["login_name"], a["login_password"], a["brand"], a["credit_cents"]) for a in info["accounts"]
        ]

    def __repr__(self) -> str:
        return f"Sandbox(base_url={self.base_url!r}, ca_file={self.ca_file!r})"

    def client(self, account: int = 0, **options: Any) -> Client:
        """A :class:`sectigo.Client` for this sandbox, logged in as ``accounts[account]``.

        ``options`` go to the client as they are (``timeout=...``, ``login_password=...``).
        """
        return Client(**self._settings(account, options))

    def async_client(self, account: int = 0, **options: Any) -> AsyncClient:
        """The same as :meth:`client`, as a :class:`sectigo.AsyncClient` (``async with
        sandbox.async_client() as client: await client.place_order(...)``). The sandbox serves
        from threads of its own, so the test's event loop is never in its way."""
        return AsyncClient(**self._settings(account, options))

    def _settings(self, account: int, options: Dict[str, Any]) -> Dict[str, Any]:
        settings: Dict[str, Any] = {
            "login_name": self.accounts[account].login_name,
            "login_password": self.accounts[account].login_password,
            "base_url": self.base_url,
            "ca_file": self.ca_file,
            "paths": {"tier2_partner_signup": self.signup_path},
        }
        settings.update(options)
        return settings

    def client_certificate(
        self, login_name: Optional[str] = None, pkcs12_password: Optional[str] = None
    ) -> ClientCertificate:
        """Mints a client certificate for an account (the first one by default) and writes it
        out, as PEM files and as a PKCS #12 file locked with ``pkcs12_password`` (by default
        ``"sandbox-p12"``). A sandbox in its own process (``process=True``) minted each account's
        at start, locked with the account's password: that is the one it gives, and another
        ``pkcs12_password`` is refused.

        On :attr:`private_url`, a call with the certificate and the account's ``login_name``
        logs in without a password; one naming another account is answered -16.
        """
        login = login_name if login_name is not None else self.accounts[0].login_name
        if pkcs12_password is None:
            if isinstance(self._native, _SandboxProcess):
                pkcs12_password = self._native.default_pkcs12_password(login)
            else:
                pkcs12_password = "sandbox-p12"
        try:
            cert, key, p12 = self._native.mint_client_certificate(login, pkcs12_password)
        except NativeError as e:
            raise_native(e.args)
        folder = Path(tempfile.mkdtemp(prefix="client-", dir=self._folder))
        files = {"crt": cert.encode(), "key": key.encode(), "p12": p12}
        for ext, data in files.items():
            (folder / f"{login}.{ext}").write_bytes(data)
        return ClientCertificate(
            login_name=login,
            cert_file=str(folder / f"{login}.crt"),
            key_file=str(folder / f"{login}.key"),
            pkcs12_file=str(folder / f"{login}.p12"),
            pkcs12_password=pkcs12_password,
        )

    def inject_fault(
        self,
        kind: Literal[
            "delay",
            "close",
            "status",
            "garbage",
            "rate_limited",
            "handshake_reset",
            "handshake_close",
            "plain_http",
            "handshake_alert",
            "untrusted_cert",
            "wrong_name_cert",
        ],
        *,
        ms: Optional[int] = None,
        status: Optional[int] = None,
        endpoint: Optional[str] = None,
        count: Optional[int] = None,
    ) -> None:
        """Makes calls misbehave, in the order rules were added.

        ``delay`` waits ``ms`` milliseconds, then answers; ``close`` carries the call out and
        closes the connection without answering (the answer is lost); ``status`` answers with
        HTTP ``status`` without carrying the call out; ``garbage`` answers 200 with a body that
        is no API answer; ``rate_limited`` refuses the call with -42 ("Call limit reached!") in
        the call's own answer format, without carrying it out. The ``handshake_*``,
        ``plain_http``, ``untrusted_cert`` and ``wrong_name_cert`` kinds break the TLS handshake
        of the next new connections instead (reset, close before the server's hello, a plain HTTP
        answer, a fatal alert, a certificate nobody trusts or for another name), so nothing is
        ever sent on them; they take no ``endpoint``. ``endpoint`` (``"!PlaceOrder"``, ...) limits
        the rule to one endpoint, ``count`` to that many calls.
        """
        fields: List[Tuple[str, str]] = [("kind", kind)]
        for name, value in (("ms", ms), ("status", status), ("endpoint", endpoint), ("count", count)):
            if value is not None:
                fields.append((name, str(value)))
        try:
            self._native.fault(fields)
        except NativeError as e:
            raise_native(e.args)

    def clear_faults(self) -> None:
        """Removes every fault rule."""
        self._native.fault([("kind", "clear")])

    def program_answer(
        self,
        path: str,
        body: Union[bytes, str] = b"",
        *,
        content_type: Optional[str] = None,
        status: Optional[int] = None,
        delay_ms: Optional[int] = None,
        close: bool = False,
        count: Optional[int] = None,
    ) -> None:
        """Tells the sandbox what to answer on ``path``, for endpoints the spec does not have
        (what :meth:`sectigo.Client.call_raw` calls): ``body`` (any bytes; text is sent as
        UTF-8) with ``content_type`` (``text/plain`` unless set) and HTTP ``status`` (200), after
        ``delay_ms``; with ``close``, it reads the request and closes the connection without
        answering (the answer is lost). ``count`` limits the rule to that many calls. Rules
        apply in the order added; each answered request is counted under its path in
        :meth:`counters` and listed by :meth:`answered`.
        """
        data = body.encode() if isinstance(body, str) else bytes(body)
        fields: List[Tuple[str, str]] = [("path", path), ("body_hex", data.hex())]
        for name, value in (
            ("content_type", content_type),
            ("status", status),
            ("delay_ms", delay_ms),
            ("count", count),
        ):
            if value is not None:
                fields.append((name, str(value)))
        if close:
            fields.append(("close", "1"))
        try:
            self._native.answer(fields)
        except NativeError as e:
            raise_native(e.args)

    def clear_answers(self) -> None:
        """Removes every programmed answer, and forgets the requests they answered."""
        self._native.answer([("clear", "1")])

    def answered(self) -> List[Dict[str, Any]]:
        """The requests programmed answers were for, oldest first (the latest 100): each a
        dict of ``method``, ``path`` and ``params`` ((name, value) pairs; secret values shown as
        ``<redacted>``)."""
        return [
            {"method": a["method"], "path": a["path"], "params": [tuple(p) for p in a["params"]]}
            for a in json.loads(self._native.answered())
        ]

    def counters(self) -> Counters:
        """Connections accepted and requests per endpoint."""
        data = json.loads(self._native.counters())
        return Counters(connections=data["connections"], requests=dict(data["requests"]))

    def reset_counters(self) -> None:
        """Sets the counters back to zero."""
        self._native.reset_counters()

    @property
    def process(self) -> Optional[int]:
        """The process id of a sandbox in its own process (``process=True``), else ``None``."""
        return self._native.pid if isinstance(self._native, _SandboxProcess) else None

    def state(self) -> Dict[str, Any]:
        """Accounts (with their credit), orders and partners, as plain data."""
        state: Dict[str, Any] = json.loads(self._native.state())
        return state


@contextlib.contextmanager
def sandbox(
    *,
    rate_limit: Optional[str] = None,
    legacy: bool = False,
    quirks: bool = False,
    accept_plain_http: bool = False,
    signup_path: Optional[str] = None,
    seed: Optional[str] = None,
    log: bool = False,
    private: bool = False,
    tinyproxy: bool = False,
    process: bool = False,
    binary: Optional[str] = None,
) -> Iterator[Sandbox]:
    """Runs a sandbox for the ``with`` block, and yields it: in this process, or with
    ``process=True`` in a process of its own, reached through its ``/_sandbox/`` admin endpoints:
    ``python -m sectigo.sandbox``, or the ``sectigo-sandbox`` command at ``binary`` (the release
    archive's, say).

    ``rate_limit`` (``"10/1"``: ten calls a second per account, then -42), ``legacy`` (answer
    like the legacy host), ``quirks`` (answer like the documents' samples), ``accept_plain_http``,
    ``signup_path`` and ``seed`` (TOML text, the shape ``python -m sectigo.sandbox --print-seed``
    prints) are the command's flags. ``log`` records every API call on the ``logging`` logger
    ``sectigo_sandbox`` (level INFO): method, path, parameters with passwords redacted, HTTP status
    and ``errorCode``. ``private`` also serves :attr:`Sandbox.private_url`, which requires a
    client certificate; ``tinyproxy`` starts Debian's ``tinyproxy`` (which must be installed) as
    an egress proxy with a password (:attr:`Sandbox.proxy_url`).

    A sandbox in this process serves from threads of its own. Tests that fork (``os.fork()``,
    ``multiprocessing``, a preforking server) want ``process=True``: the children then inherit
    no sandbox, and no thread of it, and some platforms (qemu-user among them) cannot start a
    thread in the child of a process that has threads running.
    """
    if binary is not None and not process:
        raise ConfigError("binary= runs the sandbox in a process of its own: it needs process=True")
    # The command's flags, for either kind of sandbox.
    options: Dict[str, Any] = dict(
        rate_limit=rate_limit,
        legacy=legacy,
        quirks=quirks,
        accept_plain_http=accept_plain_http,
        signup_path=signup_path,
        seed=seed,
        log=log,
        private=private,
        tinyproxy=tinyproxy,
    )
    if process:
        folder = tempfile.mkdtemp(prefix="sectigo-sandbox-")
        try:
            flags = _process_flags(folder, **options)
            # It runs in its folder (so that no `sectigo` folder where the tests run shadows the
            # installed package): a binary given by a relative path is found from here first.
            if binary is not None and os.sep in binary:
                binary = os.path.abspath(binary)
            command = [binary] if binary is not None else [sys.executable, "-m", "sectigo.sandbox"]
            running = _SandboxProcess(command + flags, folder, log)
            try:
                yield Sandbox(running, str(Path(folder) / "ca.pem"), folder)
            finally:
                running.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        native = NativeSandbox(**options)
    except NativeError as e:
        raise_native(e.args)
    folder = tempfile.mkdtemp(prefix="sectigo-sandbox-")
    try:
        ca_file = Path(folder) / "ca.pem"
        ca_file.write_text(native.ca_pem())
        yield Sandbox(native, str(ca_file), folder)
    finally:
        native.close()
        shutil.rmtree(folder, ignore_errors=True)


def _process_flags(
    folder: str,
    *,
    rate_limit: Optional[str],
    legacy: bool,
    quirks: bool,
    accept_plain_http: bool,
    signup_path: Optional[str],
    seed: Optional[str],
    log: bool,
    private: bool,
    tinyproxy: bool,
) -> List[str]:
    """The command's flags for :func:`sandbox`'s arguments."""
    flags = ["--port", "0", "--http-port", "0", "--exit-with-stdin", "--ca-out", str(Path(folder) / "ca.pem")]
    for flag, on in (
        ("--legacy", legacy),
        ("--quirks", quirks),
        ("--accept-plain-http", accept_plain_http),
        ("--log", log),
        ("--tinyproxy", tinyproxy),
    ):
        if on:
            flags.append(flag)
    if rate_limit is not None:
        flags += ["--rate-limit", rate_limit]
    if signup_path is not None:
        flags += ["--signup-path", signup_path]
    if seed is not None:
        seed_file = Path(folder) / "seed.toml"
        seed_file.write_text(seed)
        flags += ["--seed", str(seed_file)]
    if private:
        flags += ["--private-port", "0", "--client-certs", str(Path(folder) / "client-certs")]
    return flags


class _SandboxProcess:
    """A sandbox in a process of its own, with the methods of ``NativeSandbox``: its ready line,
    and its admin endpoints over plain HTTP on loopback."""

    def __init__(self, command: List[str], folder: str, log: bool) -> None:
        # Without `log`, standard error (the start-up summary, or why it could not start) goes
        # to a file, which nobody has to keep reading.
        self._stderr_file = Path(folder) / "stderr.txt"
        stderr: Union[int, IO[bytes]] = subprocess.PIPE if log else self._stderr_file.open("wb")
        try:
            self._process = subprocess.Popen(
                command,
                cwd=folder,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        except OSError as e:
            raise ConfigError(f"cannot start the sandbox {command[0]}: {e}") from None
        finally:
            if not isinstance(stderr, int):
                stderr.close()
        self.pid = self._process.pid
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        try:
            info = json.loads(line)
        except ValueError:
            info = None
        if not isinstance(info, dict) or info.get("event") != "ready":
            said = self._stderr_file.read_text(errors="replace").strip() if not log else ""
            if log and self._process.stderr is not None:
                said = self._process.stderr.read().decode(errors="replace").strip()
            self.close()
            raise ConfigError(f"the sandbox did not start: {said or repr(line)}")
        self._info = info
        self._line = line.decode()
        self._http_url: str = info["http_url"]
        # Loopback, always straight: no proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        if log and self._process.stderr is not None:
            threading.Thread(
                target=_relay_log, args=(self._process.stderr,), name="sectigo-sandbox-log", daemon=True
            ).start()

    def info(self) -> str:
        return self._line

    def ca_pem(self) -> str:
        return Path(self._info["ca_file"]).read_text()

    def default_pkcs12_password(self, login_name: str) -> str:
        minted = self._minted(login_name)
        return str(minted["pkcs12_password"]) if minted else ""

    def mint_client_certificate(self, login_name: str, pkcs12_password: str) -> Tuple[str, str, bytes]:
        minted = self._minted(login_name)
        if minted is None:
            raise ConfigError(
                f"no client certificate for {login_name!r}: a sandbox in its own process mints one per "
                "account at start, with private=True"
            )
        if pkcs12_password != minted["pkcs12_password"]:
            raise ConfigError(
                "a sandbox in its own process minted its client certificates at start, locked with the "
                "account's password: leave pkcs12_password out"
            )
        return (
            Path(minted["cert"]).read_text(),
            Path(minted["key"]).read_text(),
            Path(minted["pkcs12"]).read_bytes(),
        )

    def _minted(self, login_name: str) -> Optional[Dict[str, Any]]:
        for minted in self._info.get("client_certificates") or []:
            if minted["login_name"] == login_name:
                return dict(minted)
        return None

    def counters(self) -> str:
        return self._admin("GET", "counters")

    def reset_counters(self) -> None:
        self._admin("POST", "reset-counters")

    def state(self) -> str:
        return self._admin("GET", "state")

    def fault(self, fields: List[Tuple[str, str]]) -> None:
        self._admin("POST", "faults", fields)

    def answer(self, fields: List[Tuple[str, str]]) -> None:
        self._admin("POST", "answers", fields)

    def answered(self) -> str:
        return self._admin("GET", "answered")

    def _admin(self, method: str, what: str, fields: Optional[List[Tuple[str, str]]] = None) -> str:
        body = urllib.parse.urlencode(fields or []).encode() if method == "POST" else None
        request = urllib.request.Request(f"{self._http_url}/_sandbox/{what}", data=body, method=method)
        try:
            with self._opener.open(request, timeout=30) as answer:
                return str(answer.read().decode())
        except urllib.error.HTTPError as e:
            raise ConfigError(f"the sandbox refused {what}: {e.read().decode(errors='replace').strip()}") from None
        except OSError as e:
            raise ConfigError(f"the sandbox's {what} could not be reached: {e}") from None

    def close(self) -> None:
        """Stops the process: its standard input closes (``--exit-with-stdin``), then it is
        waited for, killed after 10 s."""
        process = self._process
        if process.poll() is None:
            if process.stdin is not None:
                process.stdin.close()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


_API_CALL = re.compile(r"[A-Z]+ /")


def _relay_log(stderr: IO[bytes]) -> None:
    """A sandbox process's ``--log`` records (one per API call, ``sectigo-sandbox: POST /...``),
    as records of the logger ``sectigo_sandbox``, as an in-process sandbox gives them. Its other
    lines, the summary for people (with the accounts' passwords), are left out."""
    logger = logging.getLogger("sectigo_sandbox")
    for raw in stderr:
        line = raw.decode(errors="replace").rstrip()
        _, _, record = line.partition("sectigo-sandbox: ")
        if _API_CALL.match(record):
            logger.info("%s", record)
