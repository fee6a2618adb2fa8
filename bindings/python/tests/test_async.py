"""``sectigo.AsyncClient``: the same methods as ``Client``, as coroutines that never block the
event loop, many in flight over one pool, and cancellation that never loses an order.

Each test runs its own event loop with ``asyncio.run`` (the README's example shows
pytest-asyncio)."""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import random
import socket
import sys
from typing import Any, Awaitable, Callable, Dict, List, Set, TypeVar

import pytest

import sectigo
from sectigo.testing import Sandbox

T = TypeVar("T")
ORDER: Dict[str, Any] = dict(ap="sandboxbrand", reseller=True, name="Jane Doe", email_address="jane@example.com")


def items() -> List[sectigo.PlaceOrderItem]:
    return [sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)]


def run(scenario: Callable[[sectigo.AsyncClient], Awaitable[T]], box: Sandbox, **options: Any) -> T:
    async def main() -> T:
        async with box.async_client(**{"timeout": 30, **options}) as client:
            return await scenario(client)

    return asyncio.run(main())


def orders(box: Sandbox) -> Set[str]:
    return set(box.state()["orders"])


async def reached(box: Sandbox, endpoint: str, count: int) -> None:
    """Waits (without blocking the loop) until the sandbox has received ``count`` calls."""
    for _ in range(2000):
        if box.counters().requests.get(endpoint, 0) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the sandbox never received {count} {endpoint} calls")


def test_the_same_methods_and_settings_as_client() -> None:
    for name, method in inspect.getmembers(sectigo.Client, inspect.isfunction):
        if name.startswith("_") or name in ("close",):
            continue
        twin = getattr(sectigo.AsyncClient, name)
        assert inspect.iscoroutinefunction(twin), name
        assert inspect.signature(twin).parameters == inspect.signature(method).parameters, name
    assert inspect.signature(sectigo.AsyncClient).parameters == inspect.signature(sectigo.Client).parameters
    client = sectigo.AsyncClient(login_name="login", login_password="hunter2-secret")
    assert "hunter2" not in repr(client) and "AsyncClient(" in repr(client)
    with pytest.raises(sectigo.ConfigError, match="timeout"):
        sectigo.AsyncClient(login_name="login", login_password="password", timeout=1e19)


def test_calls_answers_and_errors(sandbox: Sandbox) -> None:
    async def scenario(client: sectigo.AsyncClient) -> None:
        order = await client.place_order(**ORDER, items=items())
        assert isinstance(order, sectigo.PlaceOrderResult)
        await client.auto_authorize(order_number=order.order_number)
        session = await client.init_customer_session(order_number=order.order_number)
        assert session.sid
        raw = await client.call("!initCustomerSession", {"orderNumber": order.order_number})
        assert raw.get("SID")
        # Refused before anything is sent, every broken rule at once.
        before = sandbox.counters().requests.get("!PlaceOrder", 0)
        with pytest.raises(sectigo.ValidationError) as invalid:
            await client.place_order(ap="x" * 65, reseller=True, name="Jane Doe", email_address="jane@example.com")
        assert {v.param for v in invalid.value.violations} >= {"ap", "items"}
        assert sandbox.counters().requests.get("!PlaceOrder", 0) == before
        with pytest.raises(sectigo.OrderStateError):
            await client.auto_authorize(order_number=order.order_number)

    run(scenario, sandbox)

    async def refused(client: sectigo.AsyncClient) -> None:
        with pytest.raises(sectigo.AuthenticationError) as e:
            await client.init_customer_session(order_number="1000003")
        assert "wrong-secret" not in str(e.value)

    run(refused, sandbox, login_password="wrong-secret")


def test_a_call_never_blocks_the_event_loop(sandbox: Sandbox) -> None:
    async def scenario(client: sectigo.AsyncClient) -> int:
        sandbox.inject_fault("delay", ms=500, endpoint="!initCustomerSession", count=1)
        ticks = 0
        call = asyncio.ensure_future(client.init_customer_session(order_number="1000003"))
        while not call.done():
            ticks += 1
            await asyncio.sleep(0.01)
        await call
        return ticks

    # Blocked, the loop would run the ticker once, after the call.
    assert run(scenario, sandbox) > 5


def test_many_calls_in_flight_share_one_pool(sandbox: Sandbox) -> None:
    async def scenario(client: sectigo.AsyncClient) -> None:
        await client.init_customer_session(order_number="1000003")
        sandbox.reset_counters()
        # Held by the sandbox for a second each: 16 at once need 16 connections.
        sandbox.inject_fault("delay", ms=1000, endpoint="!initCustomerSession", count=16)
        first = await asyncio.gather(*(client.init_customer_session(order_number="1000003") for _ in range(16)))
        opened = sandbox.counters().connections
        # The next 16 take those connections back from the pool.
        second = await asyncio.gather(*(client.init_customer_session(order_number="1000003") for _ in range(16)))
        assert len(first) == len(second) == 16
        assert 15 <= opened <= 16, opened  # the first call's connection may be among them
        assert sandbox.counters().connections == opened

    run(scenario, sandbox)


def test_a_cancelled_read_simply_stops(sandbox: Sandbox) -> None:
    async def scenario(client: sectigo.AsyncClient) -> None:
        sandbox.inject_fault("delay", ms=60_000, endpoint="!initCustomerSession", count=1)
        before = sandbox.counters().requests.get("!initCustomerSession", 0)
        call = asyncio.ensure_future(client.init_customer_session(order_number="1000003"))
        await reached(sandbox, "!initCustomerSession", before + 1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        with pytest.raises(asyncio.TimeoutError):
            sandbox.inject_fault("delay", ms=60_000, endpoint="!initCustomerSession", count=1)
            await asyncio.wait_for(client.init_customer_session(order_number="1000003"), 0.2)
        # The client goes on (its timeout is 30 s: the held calls were cut off, not waited for).
        assert (await client.init_customer_session(order_number="1000003")).sid

    run(scenario, sandbox)


def test_a_write_cancelled_before_sending_did_nothing(sandbox: Sandbox) -> None:
    # A loopback listener whose backlog is full: connecting to it never completes.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    held: List[socket.socket] = []
    while True:
        s = socket.socket()
        s.settimeout(0.1)
        try:
            s.connect(listener.getsockname())
        except OSError:
            s.close()
            break
        held.append(s)
        assert len(held) < 100_000, "the backlog never filled"
    port = listener.getsockname()[1]

    async def scenario() -> None:
        async with sectigo.AsyncClient(
            login_name="login",
            login_password="password",
            base_url=f"http://127.0.0.1:{port}",
            allow_http=True,
            connect_timeout=5,
        ) as client:
            call = asyncio.ensure_future(client.place_order(**ORDER, items=items()))
            await asyncio.sleep(0.2)
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            # Cancelled before it ever ran: also nothing.
            call = asyncio.ensure_future(client.place_order(**ORDER, items=items()))
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call

    try:
        asyncio.run(scenario())
    finally:
        for s in held:
            s.close()
        listener.close()


def test_cancelled_orders_are_each_accounted_for(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    """Orders cancelled at random moments while the sandbox holds them: every order placed is a
    success or a reported OutcomeUnknownError (whose completion names it), and every plain
    cancellation placed nothing."""
    calls = 24
    rng = random.Random(20)

    async def scenario(client: sectigo.AsyncClient) -> List[Any]:
        before = sandbox.counters().requests.get("!PlaceOrder", 0)
        sandbox.inject_fault("delay", ms=400, endpoint="!PlaceOrder", count=calls)
        tasks = [asyncio.ensure_future(client.place_order(**ORDER, items=items())) for _ in range(calls)]
        # Some never start; the rest are cancelled once they reached the server, at random.
        for task in tasks[:4]:
            task.cancel()
        await reached(sandbox, "!PlaceOrder", before + calls - 4)
        for task in tasks[4:]:
            if rng.random() < 0.6:
                loop = asyncio.get_running_loop()
                loop.call_later(rng.uniform(0, 0.3), task.cancel)
        return await asyncio.gather(*tasks, return_exceptions=True)

    caplog.set_level(logging.WARNING, logger="sectigo")
    placed_before = orders(sandbox)
    outcomes = run(scenario, sandbox)

    successes = [o.order_number for o in outcomes if isinstance(o, sectigo.PlaceOrderResult)]
    unknown = [o for o in outcomes if isinstance(o, sectigo.OutcomeUnknownError)]
    cancelled = [o for o in outcomes if isinstance(o, asyncio.CancelledError)]
    assert len(successes) + len(unknown) + len(cancelled) == calls, outcomes
    assert len(cancelled) >= 4 and unknown and successes, (len(successes), len(unknown), len(cancelled))
    late: List[str] = []
    for error in unknown:
        assert error.may_have_taken_effect and not error.retry_safe
        assert ("loginPassword", "sandbox-password") not in error.request and ("ap", "sandboxbrand") in error.request
        assert error.completion is not None
        number = error.completion.result(timeout=30).get("orderNumber")
        assert number is not None
        late.append(number)
    placed = orders(sandbox) - placed_before
    assert placed == set(successes) | set(late)
    assert len(placed) == len(successes) + len(unknown)
    # Each late outcome was also logged, with its order number.
    went_through = [
        r.getMessage() for r in caplog.records if "cancelled after it was sent, went through" in r.getMessage()
    ]
    assert len(went_through) == len(unknown)
    assert all(any(number in m for m in went_through) for number in late)


def test_cancellation_surfaces_through_timeout_wait_for_and_task_groups(sandbox: Sandbox) -> None:
    async def held_order(client: sectigo.AsyncClient) -> sectigo.PlaceOrderResult:
        before = sandbox.counters().requests.get("!PlaceOrder", 0)
        sandbox.inject_fault("delay", ms=300, endpoint="!PlaceOrder", count=1)
        call = asyncio.ensure_future(client.place_order(**ORDER, items=items()))
        await reached(sandbox, "!PlaceOrder", before + 1)
        return await call

    async def scenario(client: sectigo.AsyncClient) -> None:
        # wait_for gives the write's error, not a TimeoutError.
        with pytest.raises(sectigo.OutcomeUnknownError):
            await asyncio.wait_for(held_order(client), 0.2)
        if sys.version_info >= (3, 11):
            with pytest.raises(sectigo.OutcomeUnknownError):
                async with asyncio.timeout(0.2):
                    await held_order(client)

            async def fail_soon() -> None:
                await asyncio.sleep(0.2)
                raise RuntimeError("another task failed")

            with pytest.raises(BaseExceptionGroup) as group:  # noqa: F821 - a builtin since 3.11, which TaskGroup needs
                async with asyncio.TaskGroup() as tasks:
                    tasks.create_task(held_order(client))
                    tasks.create_task(fail_soon())
            kinds = sorted(type(e).__name__ for e in group.value.exceptions)
            assert kinds == ["OutcomeUnknownError", "RuntimeError"], kinds

    run(scenario, sandbox)


def test_closed_client_refuses_calls_and_a_forked_child_has_its_own_threads(sandbox: Sandbox) -> None:
    if os.environ.get("SECTIGO_TEST_EMULATOR"):
        pytest.skip(
            f"under {os.environ['SECTIGO_TEST_EMULATOR']}: qemu-user aborts when a child forked from a threaded "
            "process starts a thread (natively, this test runs)"
        )
    client = sandbox.async_client()

    async def one(c: sectigo.AsyncClient) -> str:
        return (await c.init_customer_session(order_number="1000003")).sid

    assert asyncio.run(one(client))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read)
        try:
            ok = all(asyncio.run(one(client)) for _ in range(3))
            os.write(write, b"ok" if ok else b"no answer")
        except BaseException as e:  # noqa: BLE001 - anything is reported
            os.write(write, repr(e).encode())
        os._exit(0)
    os.close(write)
    assert asyncio.run(one(client))
    with os.fdopen(read) as pipe:
        said = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert said == "ok" and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, said

    async def closed() -> None:
        await client.aclose()
        with pytest.raises(sectigo.ConfigError, match="closed"):
            await one(client)

    asyncio.run(closed())
    assert "closed" in repr(client)
