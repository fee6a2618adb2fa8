from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from typing import Any, Callable, Dict, List

import pytest
from conftest import client_for

import sectigo
from sectigo.testing import Sandbox
from sectigo.testing import sandbox as run_sandbox

ORDER: Dict[str, Any] = dict(ap="sandboxbrand", reseller=True, name="Jane Doe", email_address="jane@example.com")


def dns_pro() -> sectigo.PlaceOrderItem:
    return sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)


def test_every_endpoint(client: sectigo.Client, sandbox: Sandbox) -> None:
    placed = client.place_order(**ORDER, items=[dns_pro()])
    assert placed.order_number.isdigit()
    assert placed.to_dict()["orderNumber"] == placed.order_number

    done = client.auto_authorize(order_number=int(placed.order_number), test=False)
    assert done.sl_user_id is None and done.sl_site_id is None

    session = client.init_customer_session(order_number="1000001")
    assert len(session.sid) == 16
    assert session.order_number == "1000003", "the latest replacement"
    assert session.sid not in repr(session) and session.sid not in repr(session.response)

    signup = client.tier2_partner_signup(
        ap="sandboxbrand",
        partner_type=29,
        brand_name=f"py-brand-{time.time_ns()}",
        company_website="https://py.example",
        organization_name="Py Hosting",
        street_address1="1",
        street_address2="2",
        street_address3="3",
        locality_name="Leeds",
        state_or_province_name="Yorkshire",
        postal_code="LS1",
        country_name="GB",
        admin_email_address="a@py.example",
        admin_telephone_number="1",
        admin_login_name=f"py_admin_{time.time_ns()}",
        admin_login_password="pw",
    )
    assert signup.account_id > 0 and signup.admin_user_id > 0
    assert signup.sasp_session_id not in repr(signup)


def test_sitelock_order_items_as_mappings_and_generic_calls(client: sectigo.Client) -> None:
    placed = client.place_order(**ORDER, items=[{"ID": 7001}])
    done = client.auto_authorize(order_number=int(placed.order_number))
    assert done.sl_user_id and done.sl_site_id
    answer = client.call("!initCustomerSession", {"orderNumber": "1000003", "responseFormat": "1"})
    assert answer.get("sid") is not None and "errorCode=0" in answer.raw


def test_catalogue() -> None:
    assert sectigo.WebProduct.WEB_DNS_PRO.ppp(sectigo.Term.YEAR1) == 9974
    assert sectigo.WebProduct.from_ppp(9892) == (sectigo.WebProduct.WEB_ONE_TIME_REMEDIATE, sectigo.Term.YEAR1)
    assert sectigo.WebProduct.WEB_ONE_TIME_REMEDIATE.terms == (sectigo.Term.YEAR1,)
    with pytest.raises(ValueError, match="not sold for a 30-day term"):
        sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_ONE_TIME_REMEDIATE, sectigo.Term.DAYS30)
    assert sum(len(p.terms) for p in sectigo.WebProduct) == 65


def test_validation_error(client: sectigo.Client) -> None:
    with pytest.raises(sectigo.ValidationError) as caught:
        client.place_order(ap="x" * 65, reseller=True, email_address="jane@example.com", country_name="USA")
    rules = {(v.param, v.rule) for v in caught.value.violations}
    assert {("ap", "max_length"), ("countryName", "country_code"), ("items", "min_items")} <= rules
    # A required parameter is a required keyword argument; by wire name, leaving it out is
    # one more violation, reported with the others.
    with pytest.raises(sectigo.ValidationError) as dynamic:
        client.call("!PlaceOrder", {"ap": "x" * 65, "countryName": "USA"})
    rules = {(v.param, v.rule) for v in dynamic.value.violations}
    assert {
        ("ap", "max_length"),
        ("countryName", "country_code"),
        ("reseller", "required"),
        ("items", "min_items"),
    } <= rules
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, sectigo.Error)
    with pytest.raises(sectigo.ValidationError, match="unknown|not a parameter"):
        client.call("!AutoAuthorize", {"orderNumber": 1, "colour": "red"})


def test_api_error_classes(client: sectigo.Client, sandbox: Sandbox) -> None:
    with pytest.raises(sectigo.OrderStateError) as state:
        client.auto_authorize(order_number=1000003)
    assert (state.value.code, state.value.argument, state.value.error_id) == (
        -27,
        "1000003",
        "order_not_awaiting_authorization",
    )

    password = "py-wrong-password-4c2"
    with client_for(sandbox, login_password=password) as stranger:
        with pytest.raises(sectigo.AuthenticationError) as auth:
            stranger.init_customer_session(order_number="1")
    assert auth.value.code == -16 and password not in str(auth.value) and password not in repr(auth.value.args)

    broke = client_for(sandbox, login_name="sandbox_broke")
    placed = broke.place_order(**{**ORDER, "ap": "brokebrand"}, items=[dns_pro()])
    with pytest.raises(sectigo.NotEnoughCreditError):
        broke.auto_authorize(order_number=int(placed.order_number))

    signup: Dict[str, Any] = dict(
        ap="sandboxbrand",
        partner_type=32,
        company_website="https://x.example",
        organization_name="X",
        street_address1="1",
        street_address2="2",
        street_address3="3",
        locality_name="L",
        state_or_province_name="S",
        postal_code="P",
        country_name="GB",
        admin_email_address="a@x.example",
        admin_telephone_number="1",
        admin_login_password="pw",
    )
    with pytest.raises(sectigo.AlreadyUsedError) as used:
        client.tier2_partner_signup(**signup, admin_login_name="sandbox_reseller")
    assert used.value.argument == "adminLoginName"
    with pytest.raises(sectigo.ArgumentError) as country:
        client.tier2_partner_signup(**{**signup, "country_name": "XX"}, admin_login_name="py_xx")
    assert (country.value.code, country.value.argument) == (-7, "XX")

    with pytest.raises(sectigo.ApiError) as email:
        client.place_order(**{**ORDER, "email_address": "not-an-email"}, items=[dns_pro()])
    assert type(email.value) is sectigo.ApiError and email.value.item == "emailAddress"


FAST = {"retry_base_delay": 0.002, "retry_max_delay": 0.01}


def test_rate_limited() -> None:
    with run_sandbox(rate_limit="2/60") as box, client_for(box, **FAST) as client:
        client.init_customer_session(order_number="1000003")
        client.init_customer_session(order_number="1000003")
        with pytest.raises(sectigo.RateLimitedError) as limited:
            client.init_customer_session(order_number="1000003")
    assert limited.value.code == -42 and limited.value.retries == 3
    assert limited.value.retry_safe and not limited.value.may_have_taken_effect
    # -42 on an endpoint whose own table lacks it is the same error.
    with run_sandbox(rate_limit="1/60") as box, client_for(box, **FAST) as client:
        client.init_customer_session(order_number="1000003")
        with pytest.raises(sectigo.RateLimitedError) as order_limited:
            client.place_order(**ORDER, items=[dns_pro()])
        assert order_limited.value.retry_safe and len(box.state()["orders"]) == 4


def test_retries_are_safe_counted_configurable_and_logged(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="sectigo")
    password = "py-retry-canary-51d"
    sandbox.inject_fault("rate_limited", endpoint="!initCustomerSession", count=2)
    with client_for(sandbox, **FAST) as client:
        session = client.init_customer_session(order_number="1000003")
    assert session.response.retries == 2
    records = [r for r in caplog.records if r.name == "sectigo"]
    assert len(records) == 2 and all(r.levelno == logging.WARNING for r in records), records
    assert "rate_limited" in records[0].getMessage() and "!initCustomerSession" in records[0].getMessage()

    sandbox.inject_fault("rate_limited", endpoint="!initCustomerSession", count=1)
    with client_for(sandbox, max_retries=0) as once:
        with pytest.raises(sectigo.RateLimitedError) as limited:
            once.init_customer_session(order_number="1000003")
    assert limited.value.retries == 0

    # An order whose answer was lost is never sent again: exactly one more order exists.
    before = len(sandbox.state()["orders"])
    sandbox.inject_fault("close", endpoint="!PlaceOrder", count=1)
    with client_for(sandbox, **FAST) as client:
        with pytest.raises(sectigo.OutcomeUnknownError) as lost:
            client.place_order(**ORDER, items=[dns_pro()])
    assert lost.value.retries == 0 and len(sandbox.state()["orders"]) == before + 1

    caplog.clear()
    with client_for(sandbox, base_url="https://127.0.0.1:1", login_password=password, max_retries=1, **FAST) as nowhere:
        with pytest.raises(sectigo.TransportError) as refused:
            nowhere.place_order(**ORDER, items=[dns_pro()])
    assert refused.value.retries == 1 and refused.value.retry_safe
    assert [r.getMessage() for r in caplog.records if r.name == "sectigo"] != []
    assert all(password not in r.getMessage() for r in caplog.records)

    for bad in ({"max_retries": -1}, {"retry_base_delay": -1.0}):
        with pytest.raises(sectigo.ConfigError, match=next(iter(bad))):
            client_for(sandbox, **bad)


def test_transport_decode_outcome_and_config_errors(client: sectigo.Client, sandbox: Sandbox) -> None:
    with client_for(sandbox, base_url="https://127.0.0.1:1", **FAST) as nowhere:
        with pytest.raises(sectigo.TransportError) as transport:
            nowhere.init_customer_session(order_number="1")
    assert transport.value.kind == "connect"
    assert transport.value.retry_safe and not transport.value.may_have_taken_effect

    sandbox.inject_fault("garbage", endpoint="!initCustomerSession", count=1)
    with pytest.raises(sectigo.DecodeError) as decode:
        client.init_customer_session(order_number="1000003")
    assert decode.value.raw

    sandbox.inject_fault("close", endpoint="!PlaceOrder", count=1)
    with pytest.raises(sectigo.OutcomeUnknownError) as lost:
        client.place_order(**ORDER, items=[dns_pro()])
    assert "check the account" in str(lost.value)
    assert lost.value.may_have_taken_effect and not lost.value.retry_safe
    assert ("loginPassword", "<redacted>") in [tuple(p) for p in lost.value.request]

    with client_for(sandbox, paths={}) as no_path:
        with pytest.raises(sectigo.ConfigError, match="path"):
            no_path.call("tier2_partner_signup", {"ap": "x"})
    with pytest.raises(sectigo.ConfigError):
        sectigo.Client(base_url="http://example.com")
    client.close()
    with pytest.raises(sectigo.ConfigError, match="closed"):
        client.init_customer_session(order_number="1")


def test_repr_never_shows_the_password(sandbox: Sandbox) -> None:
    client = client_for(sandbox, login_password="py-secret-7e1")
    assert "py-secret-7e1" not in repr(client) and "py-secret-7e1" not in repr(client._native)
    assert "<redacted>" in repr(client)


def test_threads_proceed_in_parallel(client: sectigo.Client, sandbox: Sandbox) -> None:
    # Warm up (the TLS handshakes are not what is measured).
    client.init_customer_session(order_number="1000003")
    sandbox.inject_fault("delay", ms=100, endpoint="!initCustomerSession", count=8)
    errors: List[BaseException] = []

    def work() -> None:
        try:
            client.init_customer_session(order_number="1000003")
        except BaseException as e:  # noqa: BLE001 - every failure of a thread is reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    print(f"8 threads x 100 ms delay: {elapsed * 1000:.0f} ms")
    assert not errors
    assert elapsed < 0.4, f"8 calls of 100 ms took {elapsed:.3f} s: the GIL is not released"


def test_each_call_is_logged_at_debug_and_an_unknown_outcome_at_warning(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sectigo")
    sandbox.inject_fault("rate_limited", endpoint="!initCustomerSession", count=1)
    with client_for(sandbox, **FAST) as client:
        client.init_customer_session(order_number="1000003")
        with pytest.raises(sectigo.ApiError):
            client.auto_authorize(order_number=999999999)
        sandbox.inject_fault("close", endpoint="!PlaceOrder", count=1)
        with pytest.raises(sectigo.OutcomeUnknownError):
            client.place_order(**ORDER, items=[dns_pro()])
    records = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "sectigo"]
    calls = [m for level, m in records if level == logging.DEBUG]
    assert any(
        m.startswith("!initCustomerSession: ok in ") and m.endswith("(errorCode 0, retries 1)") for m in calls
    ), calls
    assert any(m.startswith("!AutoAuthorize: api error in ") and "retries 0)" in m for m in calls), calls
    warnings = [m for level, m in records if level == logging.WARNING]
    assert any("rate_limited" in m for m in warnings), warnings
    assert any(m.startswith("!PlaceOrder: outcome unknown after ") and "not sent again" in m for m in warnings), (
        warnings
    )


def test_the_sdk_is_silent_when_the_application_sets_up_no_logging() -> None:
    # A retry's WARNING would reach standard error through logging's last resort without the
    # package's NullHandler.
    script = (
        "import sectigo\n"
        "from sectigo.testing import sandbox\n"
        "with sandbox() as box:\n"
        "    box.inject_fault('rate_limited', endpoint='!initCustomerSession', count=1)\n"
        "    with box.client(retry_base_delay=0.002) as client:\n"
        "        assert client.init_customer_session(order_number='1000003').response.retries == 1\n"
        "print('done')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
        cwd=tempfile.gettempdir(),
    )
    assert done.returncode == 0 and done.stdout == "done\n", done.stdout + done.stderr
    assert done.stderr == ""


def test_no_password_shows_in_repr_str_tracebacks_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    # The handler takes the level of the last call: DEBUG last.
    caplog.set_level(logging.INFO, logger="sectigo_sandbox")
    caplog.set_level(logging.DEBUG, logger="sectigo")
    canary = "py-canary-pw-3b9e"
    shown: List[str] = []
    caught: Dict[str, sectigo.Error] = {}

    def attempt(call: Callable[[], object]) -> None:
        try:
            call()
        except sectigo.Error as e:
            kinds = (
                sectigo.RateLimitedError,
                sectigo.ApiError,
                sectigo.ValidationError,
                sectigo.TransportError,
                sectigo.DecodeError,
                sectigo.OutcomeUnknownError,
                sectigo.ConfigError,
            )
            caught[next(k.__name__ for k in kinds if isinstance(e, k))] = e
        else:  # pragma: no cover - reported below
            pytest.fail("expected an error")

    with run_sandbox(log=True) as box:
        admin = f"py_canary_{time.time_ns()}"
        with client_for(box, **FAST) as client:
            signup = client.tier2_partner_signup(
                ap="sandboxbrand",
                partner_type=32,
                company_website="https://py.example",
                organization_name="Py PKI",
                street_address1="1",
                street_address2="2",
                street_address3="3",
                locality_name="Leeds",
                state_or_province_name="Yorkshire",
                postal_code="LS1",
                country_name="GB",
                admin_email_address="a@py.example",
                admin_telephone_number="1",
                admin_login_name=admin,
                admin_login_password=canary,
            )
            shown += [repr(signup), repr(signup.response)]
        with client_for(box, login_name=admin, login_password=canary, max_retries=1, **FAST) as mine:
            shown += [repr(mine), repr(mine._native)]
            attempt(lambda: mine.init_customer_session(order_number="1000003"))
            box.inject_fault("garbage", endpoint="!initCustomerSession", count=1)
            attempt(lambda: mine.init_customer_session(order_number="1"))
            box.inject_fault("rate_limited", endpoint="!initCustomerSession", count=2)
            attempt(lambda: mine.init_customer_session(order_number="1"))
            attempt(lambda: mine.place_order(**ORDER, items=[]))
            box.inject_fault("close", endpoint="!PlaceOrder", count=1)
            attempt(lambda: mine.place_order(**ORDER, items=[dns_pro()]))
        with client_for(box, base_url="https://127.0.0.1:1", login_password=canary, **FAST) as nowhere:
            attempt(lambda: nowhere.init_customer_session(order_number="1"))
        attempt(lambda: sectigo.Client(login_password=canary, base_url="ftp://nowhere"))
        attempt(lambda: client_for(box, login_password=canary * 10).init_customer_session(order_number="1"))
    assert sorted(caught) == [
        "ApiError",
        "ConfigError",
        "DecodeError",
        "OutcomeUnknownError",
        "RateLimitedError",
        "TransportError",
        "ValidationError",
    ], sorted(caught)
    for error in caught.values():
        shown += [repr(error), str(error), "".join(traceback.format_exception(type(error), error, error.__traceback__))]
        shown.append(repr(vars(error)))
    records = [r for r in caplog.records if r.name in ("sectigo", "sectigo_sandbox")]
    served = [r.getMessage() for r in records if r.name == "sectigo_sandbox"]
    assert any("adminLoginPassword=<redacted>" in m for m in served), served
    assert any("loginPassword=<redacted>" in m and "errorCode -42" in m for m in served), served
    assert any(r.name == "sectigo" for r in records), "retries were logged"
    assert any(r.levelno == logging.DEBUG and " ok in " in r.getMessage() for r in records), "calls were logged"
    assert any("outcome unknown" in r.getMessage() for r in records), "the lost order was logged"
    shown += [r.getMessage() for r in records]
    leaks = [text for text in shown if canary in text]
    assert leaks == []


def test_error_codes_and_classes_come_from_the_spec(sandbox: Sandbox) -> None:
    from sectigo.generated import API_ERROR_CLASSES

    assert sectigo.ErrorCode.NOT_ENOUGH_CREDIT == -15 and sectigo.ErrorCode.CALL_LIMIT_REACHED == -42
    assert len(sectigo.ErrorCode) == len({c.value for c in sectigo.ErrorCode})
    for code, cls in API_ERROR_CLASSES.items():
        assert issubclass(cls, sectigo.ApiError) and getattr(sectigo, cls.__name__) is cls, cls
        assert cls.__name__ in sectigo.__all__, cls
        assert sectigo.ErrorCode(code)  # every classed code is a named one
    # A real refusal arrives as its class, with its named code.
    with sandbox.client(login_password="wrong-password") as client:
        with pytest.raises(sectigo.AuthenticationError) as refused:
            client.init_customer_session(order_number="1000003")
    assert refused.value.code == sectigo.ErrorCode.AUTHENTICATION_FAILED


def test_the_customers_pages(sandbox: Sandbox) -> None:
    assert (
        sectigo.sasp_post_payment_url("a b&c", 1000003)
        == "https://secure.sectigo.com/products/postPayment1a?SID=a+b%26c&orderNumber=1000003"
    )
    template = "https://vm.example/?s={SID}&o={orderNumber}"
    assert sectigo.validation_manager_url(template, "x/y", "7") == "https://vm.example/?s=x%2Fy&o=7"
    with pytest.raises(sectigo.ConfigError, match="orderNumber"):
        sectigo.validation_manager_url("https://vm.example/?s={SID}", "s", "1")
    with sandbox.client() as client:
        session = client.init_customer_session(order_number=1000003)
    assert f"SID={session.sid}" in sectigo.sasp_post_payment_url(session.sid, 1000003)
