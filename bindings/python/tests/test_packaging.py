"""What the wheel ships beyond the client: the sandbox command and test helpers, and no need
for a Rust toolchain."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

import sectigo
from sectigo.testing import Sandbox
from sectigo.testing import sandbox as run_sandbox

# Away from the source folder, whose `sectigo` (without its native module) `-m` would import.
ELSEWHERE = tempfile.gettempdir()

READY_KEYS = {"event", "https_url", "http_url", "port", "http_port", "signup_path", "accounts", "ca_file"}


def start_module(*args: str) -> "subprocess.Popen[str]":
    return subprocess.Popen(
        [sys.executable, "-m", "sectigo.sandbox", "--port", "0", "--exit-with-stdin", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ELSEWHERE,
    )


def test_python_m_sectigo_sandbox_prints_the_ready_line_and_serves(tmp_path: "os.PathLike[str]") -> None:
    ca = os.path.join(tmp_path, "ca.pem")
    process = start_module("--http-port", "0", "--ca-out", ca, "--rate-limit", "100/1")
    assert process.stdout is not None and process.stdin is not None
    info = json.loads(process.stdout.readline())
    try:
        assert READY_KEYS <= set(info) and info["event"] == "ready" and info["ca_file"] == ca
        with sectigo.Client(
            login_name=info["accounts"][0]["login_name"],
            login_password=info["accounts"][0]["login_password"],
            base_url=info["https_url"],
            ca_file=ca,
        ) as client:
            assert client.init_customer_session(order_number="1000003").sid
        with urllib.request.urlopen(info["http_url"] + "/_sandbox/counters", timeout=10) as answer:
            assert json.load(answer)["requests"] == {"!initCustomerSession": 1}
    finally:
        process.stdin.close()
        assert process.wait(timeout=10) == 0
        process.stdout.close()
        assert process.stderr is not None
        process.stderr.close()


def test_python_m_sectigo_sandbox_takes_the_binarys_flags() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sectigo.sandbox", "--help"],
        capture_output=True,
        check=False,
        text=True,
        timeout=30,
        cwd=ELSEWHERE,
    )
    assert done.returncode == 0
    flags = sorted(w for w in done.stdout.split() if w.startswith("--"))
    binary = os.environ.get("SECTIGO_SANDBOX_BIN")
    if binary:  # the release archive's sectigo-sandbox, when the test command passes it
        native = subprocess.run([binary, "--help"], capture_output=True, check=False, text=True, timeout=30)
        assert flags == sorted(w for w in native.stdout.split() if w.startswith("--"))
    assert {"--port", "--http-port", "--rate-limit", "--seed", "--exit-with-stdin", "--legacy"} <= set(flags)
    bad = subprocess.run(
        [sys.executable, "-m", "sectigo.sandbox", "--rate-limit", "x"],
        capture_output=True,
        check=False,
        text=True,
        timeout=30,
        cwd=ELSEWHERE,
    )
    assert bad.returncode == 1 and "--rate-limit" in bad.stderr
    seed = subprocess.run(
        [sys.executable, "-m", "sectigo.sandbox", "--print-seed"],
        capture_output=True,
        check=False,
        text=True,
        timeout=30,
        cwd=ELSEWHERE,
    )
    assert seed.returncode == 0 and "[[account]]" in seed.stdout


def test_testing_sandbox_gives_url_ca_accounts_faults_and_counters() -> None:
    with run_sandbox() as box:
        assert box.base_url.startswith("https://127.0.0.1:") and os.path.isfile(box.ca_file)
        assert [a.login_name for a in box.accounts] == ["sandbox_reseller", "sandbox_broke"]
        assert "sandbox-password" not in repr(box.accounts[0]) + repr(box)
        with box.client() as client:
            client.init_customer_session(order_number="1000003")
            box.inject_fault("status", status=503, count=1)
            with pytest.raises(sectigo.TransportError) as unavailable:
                client.init_customer_session(order_number="1000003")
            assert unavailable.value.status == 503 and "503" in (unavailable.value.raw or "")
            box.inject_fault("delay", ms=1, endpoint="!AutoAuthorize")
            box.clear_faults()
            client.init_customer_session(order_number="1000003")
        counters = box.counters()
        assert counters.connections >= 1 and counters.requests == {"!initCustomerSession": 3}
        box.reset_counters()
        assert box.counters().requests == {}
        with pytest.raises(sectigo.ConfigError, match="unknown fault kind"):
            box.inject_fault("nonsense")  # type: ignore[arg-type]
        ca_file = box.ca_file
    assert not os.path.exists(ca_file)


@pytest.mark.parametrize("process", [False, True], ids=["in this process", "in its own process"])
def test_testing_sandbox_options_in_either_process(process: bool, caplog: pytest.LogCaptureFixture) -> None:
    seed = '[[account]]\nlogin_name = "mine"\nlogin_password = "pw"\nbrand = "b"\ncredit_cents = 5\n'
    with run_sandbox(seed=seed, legacy=True, signup_path="/products/!mine", process=process) as box:
        assert [a.login_name for a in box.accounts] == ["mine"] and box.signup_path == "/products/!mine"
        assert (box.process is not None) == process and box.process != os.getpid()
    with pytest.raises(sectigo.ConfigError, match="rate-limit"):
        with run_sandbox(rate_limit="often", process=process):
            pass
    caplog.set_level(logging.INFO, logger="sectigo_sandbox")
    with run_sandbox(private=True, log=True, process=process) as box:
        minted = box.client_certificate()
        assert box.private_url is not None
        with sectigo.Client(
            base_url=box.private_url,
            login_name=minted.login_name,
            ca_file=box.ca_file,
            client_cert=minted.cert_file,
            client_key=minted.key_file,
        ) as client:
            assert client.init_customer_session(order_number="1000003").sid
        box.reset_counters()
        with box.client() as client:
            box.inject_fault("garbage", endpoint="!initCustomerSession", count=1)
            with pytest.raises(sectigo.DecodeError):
                client.init_customer_session(order_number="1000003")
            client.init_customer_session(order_number="1000003")
        # The admin endpoints' own connections are not counted.
        counters = box.counters()
        assert counters.connections == 1 and counters.requests == {"!initCustomerSession": 2}, counters
        assert box.state()["accounts"][0]["login_name"] == "sandbox_reseller"
        with pytest.raises(sectigo.ConfigError, match="unknown fault kind"):
            box.inject_fault("nonsense")  # type: ignore[arg-type]
        if process:
            with pytest.raises(sectigo.ConfigError, match="pkcs12_password"):
                box.client_certificate(pkcs12_password="another")
        pid = box.process
    # Its log records, passwords left out, reach `logging` from either process (a process's
    # are relayed as it writes them: wait for the last).
    for _ in range(100):
        if sum("!initCustomerSession" in r.getMessage() for r in caplog.records) >= 3:
            break
        time.sleep(0.05)
    logged = [r.getMessage() for r in caplog.records if r.name == "sectigo_sandbox"]
    assert sum("!initCustomerSession" in m for m in logged) >= 3, logged
    assert not any("sandbox-password" in m for m in logged)
    if pid is not None and hasattr(os, "waitid"):
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # ended, and waited for


def test_a_sandbox_binary_needs_its_own_process() -> None:
    with pytest.raises(sectigo.ConfigError, match="process=True"):
        with run_sandbox(binary="sectigo-sandbox"):
            pass


def test_the_installed_package_is_under_test(sandbox: Sandbox) -> None:
    assert isinstance(sandbox, Sandbox)
    assert "site-packages" in (sectigo.__file__ or ""), sectigo.__file__
