"""One sandbox for the whole session, from the installed wheel: ``sectigo.testing.sandbox()``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

import sectigo
from sectigo.testing import Sandbox
from sectigo.testing import sandbox as run_sandbox

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox() as box:
        yield box


def client_for(box: Sandbox, **overrides: Any) -> sectigo.Client:
    return box.client(**{"timeout": 20, **overrides})


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[sectigo.Client]:
    with client_for(sandbox) as c:
        yield c
