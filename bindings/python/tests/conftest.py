"""A sandbox process for the whole session (the binary built by `cargo xtask test`)."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import sectigo

ROOT = Path(__file__).resolve().parents[3]


def start_sandbox(*args: str) -> tuple[subprocess.Popen[str], Dict[str, Any]]:
    binary = os.environ.get("SECTIGO_SANDBOX_BIN", str(ROOT / "target" / "debug" / "sectigo-sandbox"))
    process = subprocess.Popen(
        [binary, "--port", "0", "--http-port", "0", "--exit-with-stdin", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    info: Dict[str, Any] = json.loads(process.stdout.readline())
    return process, info


def stop_sandbox(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.close()
    process.wait(timeout=10)
    process.stdout.close()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Dict[str, Any]]:
    process, info = start_sandbox()
    yield info
    stop_sandbox(process)


def client_for(info: Dict[str, Any], **overrides: Any) -> sectigo.Client:
    options: Dict[str, Any] = {
        "login_name": info["accounts"][0]["login_name"],
        "login_password": info["accounts"][0]["login_password"],
        "base_url": info["https_url"],
        "ca_file": info["ca_file"],
        "paths": {"tier2_partner_signup": info["signup_path"]},
        "timeout": 20,
    }
    options.update(overrides)
    return sectigo.Client(**options)


@pytest.fixture
def client(sandbox: Dict[str, Any]) -> Iterator[sectigo.Client]:
    with client_for(sandbox) as c:
        yield c


def inject(info: Dict[str, Any], **form: Any) -> None:
    """Injects a fault through the sandbox's admin endpoint."""
    data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(info["http_url"] + "/_sandbox/faults", data=data, timeout=10) as answer:
        assert answer.status == 200
