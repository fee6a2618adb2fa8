"""Real deployments: a broken handshake is "not sent" and retried, forked processes never share
a connection, and bad settings are refused when the client is made."""

from __future__ import annotations

import multiprocessing
import os
import re
from typing import List, Tuple

import pytest
from conftest import client_for

import sectigo
from sectigo.testing import Sandbox

HANDSHAKE_FAULTS = [
    "handshake_reset",
    "handshake_close",
    "plain_http",
    "handshake_alert",
    "untrusted_cert",
    "wrong_name_cert",
]
ORDER = dict(ap="sandboxbrand", reseller=True, name="Jane Doe", email_address="jane@example.com")
FAST = dict(retry_base_delay=0.002, retry_max_delay=0.01)


def order_item() -> sectigo.PlaceOrderItem:
    return sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)


@pytest.mark.parametrize("fault", HANDSHAKE_FAULTS)
def test_a_broken_handshake_is_not_sent_and_is_retried(sandbox: Sandbox, fault: str) -> None:
    with client_for(sandbox) as setup:
        number = int(setup.place_order(**ORDER, items=[order_item()]).order_number)
    calls = [
        lambda c: c.place_order(**ORDER, items=[order_item()]),
        lambda c: c.auto_authorize(order_number=number),
    ]
    for send in calls:
        before = len(sandbox.state()["orders"])
        sandbox.inject_fault(fault, count=1)  # type: ignore[arg-type]
        with client_for(sandbox, max_retries=0) as once, pytest.raises(sectigo.TransportError) as raised:
            send(once)
        e = raised.value
        assert e.retry_safe and not e.may_have_taken_effect, e
        assert not isinstance(e, sectigo.OutcomeUnknownError)
        assert len(sandbox.state()["orders"]) == before, "nothing was placed"

        sandbox.inject_fault(fault, count=1)  # type: ignore[arg-type]
        with client_for(sandbox, **FAST) as retried:
            done = send(retried)
        assert done.response.retries == 1


def _session_number(client: sectigo.Client, own: str) -> List[str]:
    """Ten customer sessions for `own`; each answer's order number, or the error."""
    seen = []
    for _ in range(10):
        try:
            seen.append(client.init_customer_session(order_number=own).order_number)
        except sectigo.Error as e:  # pragma: no cover - reported by the assertion
            seen.append(f"error {e}")
    return seen


def test_os_fork_parent_and_child_never_share_a_connection(sandbox: Sandbox) -> None:
    with client_for(sandbox, max_retries=0) as client:
        mine = [client.place_order(**ORDER, items=[order_item()]).order_number for _ in range(2)]
        for _ in range(10):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child reports through the pipe
                os.close(read)
                answers = _session_number(client, mine[1])
                os.write(write, "\n".join(answers).encode())
                os._exit(0)
            os.close(write)
            answers = _session_number(client, mine[0])
            with os.fdopen(read) as pipe:
                theirs = pipe.read().splitlines()
            _, status = os.waitpid(pid, 0)
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            assert answers == [mine[0]] * 10
            assert theirs == [mine[1]] * 10


_INHERITED: List[sectigo.Client] = []


def _worker(own: str) -> Tuple[str, List[str]]:
    return own, _session_number(_INHERITED[0], own)


def test_multiprocessing_fork_workers_use_their_own_connections(sandbox: Sandbox) -> None:
    with client_for(sandbox, max_retries=0) as client:
        numbers = [client.place_order(**ORDER, items=[order_item()]).order_number for _ in range(4)]
        _INHERITED[:] = [client]
        try:
            with multiprocessing.get_context("fork").Pool(4) as pool:
                # The parent keeps calling while the workers do.
                pending = pool.map_async(_worker, numbers * 3)
                parent = _session_number(client, numbers[0])
                results = pending.get(timeout=120)
        finally:
            _INHERITED.clear()
        assert parent == [numbers[0]] * 10
        for own, answers in results:
            assert answers == [own] * 10


@pytest.mark.parametrize(
    "settings, named",
    [
        ({"user_agent": "panel/1.0\r\nX-Injected: 1"}, "user_agent"),
        ({"timeout": 1e19}, "timeout"),
        ({"connect_timeout": 3601.0}, "connect_timeout"),
        ({"resolve": ["localhost:443:not-an-address"]}, "resolve"),
        ({"resolve": "no-port"}, "resolve"),
        ({"host": "moon"}, "host must be one of 'current', 'legacy', 'private', 'private_legacy', not \"moon\""),
        ({"timeout": 0}, "timeout must be a number of seconds from 0.001, not 0"),
        ({"max_retries": -1}, "max_retries must be a whole number from 0, not -1"),
        ({"retry_base_delay": -1.0}, "retry_base_delay must be a number of seconds from 0"),
    ],
)
def test_bad_settings_are_config_errors_naming_the_setting(settings: dict, named: str) -> None:
    with pytest.raises(sectigo.ConfigError, match=re.escape(named)):
        sectigo.Client(login_name="login", login_password="password", **settings)


@pytest.mark.parametrize("settings", [{"timeout": "soon"}, {"allow_http": "yes"}, {"paths": {"x": 1}}])
def test_a_setting_of_the_wrong_type_is_a_type_error_naming_it(settings: dict) -> None:
    (keyword,) = settings
    with pytest.raises(TypeError, match=f"^{keyword}: "):
        sectigo.Client(login_name="login", login_password="password", **settings)


def test_resolve_pins_addresses(sandbox: Sandbox) -> None:
    port = sandbox.base_url.rsplit(":", 1)[1]
    with client_for(sandbox, base_url=f"https://localhost:{port}", resolve=[f"localhost:{port}:127.0.0.1"]) as pinned:
        assert pinned.init_customer_session(order_number="1000003").order_number == "1000003"
