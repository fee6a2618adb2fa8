"""One sandbox for the whole session, from the installed wheel: ``sectigo.testing.sandbox()``,
in a process of its own, so that the tests that fork find no thread of it in theirs (the test
command passes the release archive's ``sectigo-sandbox`` as ``SECTIGO_SANDBOX_BIN``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

import sectigo
from sectigo.testing import Sandbox
from sectigo.testing import sandbox as run_sandbox

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(process=True, binary=os.environ.get("SECTIGO_SANDBOX_BIN")) as box:
        yield box


def client_for(box: Sandbox, **overrides: Any) -> sectigo.Client:
    return box.client(**{"timeout": 20, **overrides})


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[sectigo.Client]:
    with client_for(sandbox) as c:
        yield c
