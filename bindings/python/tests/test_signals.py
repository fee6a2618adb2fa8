"""Signals during a blocking call (Ctrl-C, ``signal.alarm``, Celery's soft time limit)
(errors that cross a process boundary are ``test_pickling.py``'s).

A signal never hides an outcome: before anything is sent, the handler's exception and nothing
sent; a read is cut off; an order that may have reached the server raises
``OutcomeUnknownError`` with its actual outcome in ``completion``."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import sectigo
from sectigo.testing import Sandbox
from sectigo.testing import sandbox as run_sandbox

ORDER: Dict[str, Any] = dict(ap="sandboxbrand", reseller=True, name="Jane Doe", email_address="jane@example.com")

# Held calls would wait this long without the signal; the tests only check they did not.
HOLD_MS = 20_000


def items() -> List[sectigo.PlaceOrderItem]:
    return [sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A sandbox of this module's own, in this process: no other test's fault or late call is
    in its way. (In this process, which the tests of signals need under qemu-user: there, with
    the sandbox in another process, a Ctrl-C sent while the watcher polls it over HTTP was
    twice never seen. This module's one fork starts no thread in the child.)"""
    with run_sandbox() as box:
        yield box


class Alarm(Exception):
    """What the tests' SIGALRM handler raises."""


@pytest.fixture
def alarm_raises() -> Iterator[None]:
    def handler(signum: int, frame: Any) -> None:
        raise Alarm("time is up")

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def interrupt_when_received(box: Sandbox, endpoint: str, sig: int = signal.SIGINT) -> threading.Thread:
    """Sends ``sig`` to this process once the sandbox has received one more ``endpoint`` call."""
    before = box.counters().requests.get(endpoint, 0)

    def watch() -> None:
        for _ in range(3000):
            if box.counters().requests.get(endpoint, 0) > before:
                os.kill(os.getpid(), sig)
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_ctrl_c_cuts_off_a_held_read(sandbox: Sandbox) -> None:
    with sandbox.client(timeout=60) as client:
        sandbox.inject_fault("delay", ms=HOLD_MS, endpoint="!initCustomerSession", count=1)
        interrupt_when_received(sandbox, "!initCustomerSession")
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            client.init_customer_session(order_number="1000003")
        # Served at once, not after the hold (or the timeout).
        assert time.monotonic() - started < HOLD_MS / 1000 / 2
        # The client goes on.
        assert client.init_customer_session(order_number="1000003").sid


def test_ctrl_c_during_a_held_order_never_loses_it(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="sectigo")
    placed_before = set(sandbox.state()["orders"])
    with sandbox.client(timeout=60) as client:
        sandbox.inject_fault("delay", ms=1500, endpoint="!PlaceOrder", count=1)
        interrupt_when_received(sandbox, "!PlaceOrder")
        with pytest.raises(sectigo.OutcomeUnknownError) as unknown:
            client.place_order(**ORDER, items=items())
    error = unknown.value
    assert isinstance(error.__cause__, KeyboardInterrupt)
    assert error.may_have_taken_effect and not error.retry_safe
    assert "interrupted by a signal" in str(error)
    assert ("ap", "sandboxbrand") in error.request
    assert all(value != sandbox.accounts[0].login_password for _, value in error.request)
    assert error.completion is not None
    late = error.completion.result(timeout=30)
    number = late.get("orderNumber")
    assert number is not None
    # The order exists, exactly once, and its number was logged.
    assert set(sandbox.state()["orders"]) - placed_before == {number}
    assert any("went through" in r.getMessage() and number in r.getMessage() for r in caplog.records)


def test_an_alarm_before_sending_sends_nothing(alarm_raises: None) -> None:
    # A loopback listener that never accepts: the call waits in its TLS handshake, before any of
    # the request has left.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        port = listener.getsockname()[1]
        with sectigo.Client(
            login_name="login", login_password="password", base_url=f"https://127.0.0.1:{port}", timeout=60
        ) as client:
            signal.alarm(1)
            started = time.monotonic()
            with pytest.raises(Alarm):
                client.place_order(**ORDER, items=items())
            assert time.monotonic() - started < 30
        # Nothing of the request reached the listener: what it received is at most a TLS hello.
        listener.settimeout(1)
        connection, _ = listener.accept()
        connection.settimeout(1)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except OSError:
            pass
        connection.close()
        assert b"PlaceOrder" not in received and b"password" not in received
        assert received[:1] in (b"", b"\x16")  # a TLS handshake record, or nothing
    finally:
        listener.close()


def test_an_alarm_during_a_held_order_raises_outcome_unknown(sandbox: Sandbox, alarm_raises: None) -> None:
    with sandbox.client(timeout=60) as client:
        sandbox.inject_fault("delay", ms=2500, endpoint="!PlaceOrder", count=1)
        signal.alarm(1)
        with pytest.raises(sectigo.OutcomeUnknownError) as unknown:
            client.place_order(**ORDER, items=items())
        assert isinstance(unknown.value.__cause__, Alarm)
        assert unknown.value.completion is not None
        assert unknown.value.completion.result(timeout=30).get("orderNumber")
        # An alarm during a held read is the handler's own exception.
        sandbox.inject_fault("delay", ms=HOLD_MS, endpoint="!initCustomerSession", count=1)
        signal.alarm(1)
        with pytest.raises(Alarm):
            client.init_customer_session(order_number="1000003")


def test_calls_from_other_threads_are_not_moved(sandbox: Sandbox) -> None:
    results: List[str] = []
    with sandbox.client() as client:
        worker = threading.Thread(
            target=lambda: results.append(client.init_customer_session(order_number="1000003").sid)
        )
        worker.start()
        worker.join(30)
    assert len(results) == 1 and results[0]


def call_threads() -> int:
    """This process's call threads (by name, in /proc)."""
    names = [Path("/proc/self/task", task, "comm").read_text().strip() for task in os.listdir("/proc/self/task")]
    return names.count("sectigo-call")


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc (Linux)")
def test_a_fork_finds_no_call_thread_waiting(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        client.init_customer_session(order_number="1000003")
        # The call's thread waits for the next call (an earlier test's may too)...
        assert call_threads() >= 1
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child reports through its exit status
            os._exit(call_threads())
        _, status = os.waitpid(pid, 0)
        # ... until a fork ends it: neither process has it after.
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        assert call_threads() == 0
        # The next call starts a new one.
        assert client.init_customer_session(order_number="1000003").sid
        assert call_threads() == 1
