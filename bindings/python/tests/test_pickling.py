"""Errors that cross a process boundary (``multiprocessing``, Celery) with everything they
carry, through a real ``ProcessPoolExecutor``."""

from __future__ import annotations

import concurrent.futures
import os
import pickle
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple, Type

import pytest

import sectigo
from sectigo.testing import Sandbox
from sectigo.testing import sandbox as run_sandbox

ORDER: Dict[str, Any] = dict(ap="sandboxbrand", reseller=True, name="Jane Doe", email_address="jane@example.com")


def items() -> List[sectigo.PlaceOrderItem]:
    return [sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A sandbox of this module's own, in a process of its own: the pool's forked workers start
    threads, which qemu-user cannot do while the parent has threads running."""
    with run_sandbox(process=True, binary=os.environ.get("SECTIGO_SANDBOX_BIN")) as box:
        yield box


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
