"""``call_raw`` on ``Client`` and ``AsyncClient`` against the sandbox's programmed answers (set
through ``sectigo.testing``): what is sent, both text formats, a binary body byte for byte, API
errors, the money rule on a lost answer (also when cancelled or interrupted), the read rules, and
the refused paths."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from typing import Iterator

import pytest

import sectigo
from sectigo.testing import Sandbox

COLLECT = "/products/download/CollectSSL"
APPLY = "/products/!AutoApplySSL"


@pytest.fixture
def box(sandbox: Sandbox) -> Iterator[Sandbox]:
    sandbox.clear_answers()
    sandbox.reset_counters()
    yield sandbox
    sandbox.clear_answers()


def quick(box: Sandbox, **overrides: object) -> sectigo.Client:
    settings: dict[str, object] = {"timeout": 20, "max_retries": 2, "retry_base_delay": 0.01, "retry_max_delay": 0.02}
    settings.update(overrides)
    return box.client(**settings)


def seen(box: Sandbox, path: str) -> int:
    return box.counters().requests.get(path, 0)


def test_a_newline_answer_with_the_credentials_and_the_parameters_as_given(box: Sandbox) -> None:
    box.program_answer(COLLECT, "0\n1\nIssued\n")
    with quick(box) as client:
        answer = client.call_raw(COLLECT, {"orderNumber": "1234567", "queryType": 0, "note": "a&b=c d"}, read_only=True)
        assert isinstance(answer, sectigo.RawAnswer)
        assert (answer.status, answer.content_type, answer.format, answer.code, answer.message) == (
            200,
            "text/plain",
            "newline",
            0,
            None,
        )
        assert answer.lines == ("1", "Issued")
        assert answer.body == b"0\n1\nIssued\n"
        sent = box.answered()[0]
        assert (sent["method"], sent["path"]) == ("POST", COLLECT)
        assert sent["params"] == [
            ("loginName", box.accounts[0].login_name),
            ("loginPassword", "<redacted>"),
            ("orderNumber", "1234567"),
            ("queryType", "0"),
            ("note", "a&b=c d"),
        ]
        # Pairs (a name twice), without the client's credentials.
        client.call_raw(COLLECT, [("domain", "a.example"), ("domain", "b.example")], credentials=False)
        assert box.answered()[1]["params"] == [("domain", "a.example"), ("domain", "b.example")]


def test_a_url_encoded_answer_is_read_as_pairs(box: Sandbox) -> None:
    box.program_answer("/products/!GetStatus", "errorCode=0&certificateStatus=Issued&note=a%26b")
    with quick(box) as client:
        answer = client.call_raw("/products/!GetStatus", {"a": "1"}, read_only=True)
    assert (answer.format, answer.code, answer.lines) == ("url_encoded", 0, ())
    assert answer.get("CERTIFICATESTATUS") == "Issued" and answer.get("note") == "a&b" and answer.get("x") is None
    assert answer.fields == (("errorCode", "0"), ("certificateStatus", "Issued"), ("note", "a&b"))


def test_a_binary_body_comes_back_byte_for_byte(box: Sandbox) -> None:
    body = b"PK\x03\x04" + bytes(range(256)) * 300
    box.program_answer(COLLECT, body, content_type="application/zip")
    with quick(box) as client:
        answer = client.call_raw(COLLECT, {"orderNumber": "1", "queryType": 1, "responseType": 0}, read_only=True)
    assert answer.content_type == "application/zip"
    assert (answer.code, answer.format, answer.message) == (None, None, None)
    assert answer.body == body
    assert f"<{len(body)} bytes>" in repr(answer) and "PK" not in repr(answer)


def test_a_negative_code_is_the_same_api_error_as_spec_endpoints(box: Sandbox) -> None:
    box.program_answer(COLLECT, "-3\nThe 'orderNumber' argument is missing!\n")
    with quick(box) as client:
        with pytest.raises(sectigo.ArgumentError) as caught:
            client.call_raw(COLLECT, {"queryType": 0}, read_only=True)
        e = caught.value
        assert isinstance(e, sectigo.ApiError)
        assert (e.code, e.argument, e.message) == (-3, "orderNumber", "The 'orderNumber' argument is missing!")
        assert COLLECT in str(e)
        box.clear_answers()
        box.program_answer(COLLECT, "errorCode=-1234&errorMessage=Something+new")
        with pytest.raises(sectigo.ApiError) as unknown:
            client.call_raw(COLLECT, {"queryType": 0})
        assert (unknown.value.code, unknown.value.message, unknown.value.error_id) == (
            -1234,
            "Something new",
            None,
        )


def test_call_limit_is_retried_on_any_path(box: Sandbox) -> None:
    box.program_answer(COLLECT, "-42\nCall limit reached! Please try again later.\n", count=1)
    box.program_answer(COLLECT, "0\nplaced\n")
    with quick(box) as client:
        answer = client.call_raw(COLLECT, {"a": "1"})
    assert (answer.code, answer.retries) == (0, 1)
    assert seen(box, COLLECT) == 2


def test_a_lost_answer_to_a_state_changing_call_is_outcome_unknown_and_sent_once(box: Sandbox) -> None:
    box.program_answer(APPLY, close=True)
    with quick(box) as client:
        with pytest.raises(sectigo.OutcomeUnknownError) as caught:
            client.call_raw(APPLY, {"csr": "-----BEGIN...", "apiToken": "py-token-41f0"})
        assert caught.value.may_have_taken_effect
        assert ("apiToken", "<redacted>") in caught.value.request
        assert "py-token-41f0" not in f"{caught.value} {caught.value!r} {caught.value.request}"
        assert seen(box, APPLY) == 1, "never resent"
        box.clear_answers()
        box.program_answer(APPLY, "<html>oops</html>", status=404)
        with pytest.raises(sectigo.TransportError) as refused:
            client.call_raw(APPLY, {"a": "1"})
        assert (refused.value.status, refused.value.raw) == (404, "<html>oops</html>")


def test_a_broken_answer_to_a_read_only_call_is_sent_again(box: Sandbox) -> None:
    box.program_answer(COLLECT, close=True, count=1)
    box.program_answer(COLLECT, "0\n2\n")
    with quick(box) as client:
        answer = client.call_raw(COLLECT, {"queryType": 0}, read_only=True)
    assert (answer.code, answer.retries, answer.lines) == (0, 1, ("2",))
    assert seen(box, COLLECT) == 2


@pytest.mark.parametrize(
    "path",
    [
        "https://example.com/products/x",
        "//example.com/x",
        "products/x",
        "/products/../x",
        "/products/%2e%2e/x",
        "/products/x?a=1",
        "/products/x#f",
        "/products/x\r\nHost: a",
        "/products/x y",
    ],
)
def test_refused_paths_send_nothing(box: Sandbox, path: str) -> None:
    with quick(box) as client:
        before = box.counters().connections
        with pytest.raises(sectigo.ConfigError, match="raw call path"):
            client.call_raw(path, {"a": "1"})
        assert box.counters().connections == before


def test_refused_names_and_values(box: Sandbox) -> None:
    with quick(box) as client:
        for params in ({"a=b": "1"}, {"": "1"}, {"a\n": "1"}, {"loginPassword": "x"}):
            with pytest.raises(sectigo.ConfigError, match="raw call to"):
                client.call_raw(COLLECT, params)
        with pytest.raises(TypeError):
            client.call_raw(COLLECT, {"a": 1.5})  # type: ignore[dict-item]


def wait_until_seen(box: Sandbox, path: str, n: int) -> None:
    """Waits (up to 30 s) until the sandbox has had `n` requests on `path`."""
    deadline = time.monotonic() + 30
    while seen(box, path) < n:
        assert time.monotonic() < deadline, f"the sandbox never saw request {n} on {path}"
        time.sleep(0.01)


def test_the_async_client_calls_raw_and_a_cancelled_write_keeps_its_outcome(box: Sandbox) -> None:
    box.program_answer(COLLECT, "0\n1\n")
    box.program_answer(APPLY, "0\napplied\n", delay_ms=1500)

    async def main() -> None:
        async with box.async_client(timeout=20) as client:
            answer = await client.call_raw(COLLECT, {"queryType": 0}, read_only=True)
            assert (answer.code, answer.lines) == (0, ("1",))
            task = asyncio.ensure_future(client.call_raw(APPLY, {"csr": "x"}))
            # Cancelled once the request is at the sandbox, which holds its answer.
            await asyncio.get_running_loop().run_in_executor(None, wait_until_seen, box, APPLY, 1)
            task.cancel()
            with pytest.raises(sectigo.OutcomeUnknownError) as caught:
                await task
            assert caught.value.completion is not None
            outcome = await asyncio.wrap_future(caught.value.completion)
            assert isinstance(outcome, sectigo.RawAnswer) and outcome.lines == ("applied",)
            # A read-only call simply stops.
            read = asyncio.ensure_future(client.call_raw(APPLY, {"a": "1"}, read_only=True))
            await asyncio.get_running_loop().run_in_executor(None, wait_until_seen, box, APPLY, 2)
            read.cancel()
            with pytest.raises(asyncio.CancelledError):
                await read

    asyncio.run(main())
    assert seen(box, APPLY) == 2


def alarm_once_seen(box: Sandbox, path: str, n: int) -> threading.Thread:
    """Sends this process SIGALRM once the sandbox has had `n` requests on `path`."""
    thread = threading.Thread(target=lambda: (wait_until_seen(box, path, n), os.kill(os.getpid(), signal.SIGALRM)))
    thread.start()
    return thread


def test_a_signal_during_a_raw_write_keeps_its_outcome(box: Sandbox) -> None:
    assert threading.current_thread() is threading.main_thread()
    box.program_answer(APPLY, "0\napplied\n", delay_ms=1500)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with quick(box) as client:
            alarm = alarm_once_seen(box, APPLY, 1)
            with pytest.raises(sectigo.OutcomeUnknownError) as caught:
                client.call_raw(APPLY, {"csr": "x"})
            assert isinstance(caught.value.__cause__, KeyboardInterrupt)
            assert caught.value.completion is not None
            outcome = caught.value.completion.result(timeout=10)
            assert isinstance(outcome, sectigo.RawAnswer) and outcome.lines == ("applied",)
            alarm.join()
            # A read-only call interrupted just stops, and the interrupt goes on.
            alarm = alarm_once_seen(box, APPLY, 2)
            with pytest.raises(KeyboardInterrupt):
                client.call_raw(APPLY, {"a": "1"}, read_only=True)
            alarm.join()
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert seen(box, APPLY) == 2


def test_a_forked_child_calls_raw_on_its_own_connections(box: Sandbox) -> None:
    box.program_answer(COLLECT, "0\nchild\n")
    with quick(box) as client:
        assert client.call_raw(COLLECT, {"a": "1"}, read_only=True).lines == ("child",)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 0
            try:
                code = 0 if client.call_raw(COLLECT, {"a": "1"}, read_only=True).lines == ("child",) else 1
            except BaseException:  # noqa: BLE001 - reported through the exit status
                code = 2
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WEXITSTATUS(status) == 0
