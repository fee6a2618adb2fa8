"""Signals during a blocking call (Ctrl-C, ``signal.alarm``, Celery's soft time limit), and
errors that cross a process boundary (``multiprocessing``, Celery) with everything they carry.

A signal never hides an outcome: before anything is sent, the handler's exception and nothing
sent; a read is cut off; an order that may have reached the server raises
``OutcomeUnknownError`` with its actual outcome in ``completion``."""

from __future__ import annotations

import concurrent.futures
import logging
import os
import pickle
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple, Type

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
    """A sandbox of this module's own: no other test's fault or late call is in its way. In its
    own process, as the session's is, for the tests that fork."""
    with run_sandbox(process=True, binary=os.environ.get("SECTIGO_SANDBOX_BIN")) as box:
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


# Errors across processes.


def failing_call(case: str, settings: Dict[str, Any]) -> None:
    """Runs in a worker process: makes a call that fails as ``case``."""
    if case == "validation":
        sectigo.prepare("!PlaceOrder", {"ap": "x"})
    if case == "config":
        sectigo.Client(base_url="http://example.com")
    with sectigo.Client(**settings) as client:
        if case in ("authentication", "outcome_unknown"):
            client.place_order(**ORDER, items=items())
        if case in ("transport", "decode"):
            client.init_customer_session(order_number="1000003")
    raise AssertionError(f"{case} did not fail")


def settings_for(box: Sandbox, case: str) -> Dict[str, Any]:
    settings: Dict[str, Any] = {
        "login_name": box.accounts[0].login_name,
        "login_password": box.accounts[0].login_password,
        "base_url": box.base_url,
        "ca_file": Path(box.ca_file),  # os.PathLike is taken where a path goes
        "timeout": 20,
        "max_retries": 0,
    }
    if case == "authentication":
        settings["login_password"] = "wrong-password"
    if case == "transport":
        settings["base_url"] = "https://127.0.0.1:1"
    return settings


EXPECTED: List[Tuple[str, Type[sectigo.Error]]] = [
    ("validation", sectigo.ValidationError),
    ("config", sectigo.ConfigError),
    ("authentication", sectigo.AuthenticationError),
    ("transport", sectigo.TransportError),
    ("decode", sectigo.DecodeError),
    ("outcome_unknown", sectigo.OutcomeUnknownError),
]


def test_every_error_survives_pickling_through_a_process_pool(sandbox: Sandbox) -> None:
    local: Dict[str, sectigo.Error] = {}
    remote: Dict[str, sectigo.Error] = {}
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        for case, cls in EXPECTED:
            if case == "decode":
                sandbox.inject_fault("garbage", endpoint="!initCustomerSession", count=2)
            if case == "outcome_unknown":
                sandbox.inject_fault("close", endpoint="!PlaceOrder", count=2)
            with pytest.raises(cls) as here:
                failing_call(case, settings_for(sandbox, case))
            local[case] = here.value
            with pytest.raises(cls) as there:
                pool.submit(failing_call, case, settings_for(sandbox, case)).result(timeout=60)
            remote[case] = there.value
    for case, cls in EXPECTED:
        mine, theirs = local[case], remote[case]
        assert type(theirs) is cls, case
        assert str(theirs) == str(mine), case
        assert (theirs.retry_safe, theirs.may_have_taken_effect, theirs.retries) == (
            mine.retry_safe,
            mine.may_have_taken_effect,
            mine.retries,
        ), case
        for attribute in ("code", "message", "item", "error_id", "raw", "kind", "status", "violations", "request"):
            assert getattr(theirs, attribute, None) == getattr(mine, attribute, None), (case, attribute)
    assert remote["authentication"].code == -16  # type: ignore[attr-defined]
    assert remote["outcome_unknown"].may_have_taken_effect
    assert remote["decode"].raw  # type: ignore[attr-defined]
    assert remote["validation"].violations  # type: ignore[attr-defined]


def test_an_interrupted_orders_error_pickles_without_its_pending_outcome(sandbox: Sandbox) -> None:
    error = sectigo.OutcomeUnknownError("lost", 502, "raw body", [("ap", "x")])
    error.may_have_taken_effect = True
    error.completion = concurrent.futures.Future()
    copy = pickle.loads(pickle.dumps(error))
    assert copy.completion is None and copy.may_have_taken_effect and copy.raw == "raw body"
    assert copy.request == [("ap", "x")] and str(copy) == "lost"
