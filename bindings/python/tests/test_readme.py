"""The Python README's (the PyPI page's) quick start is examples/quickstart.py, and it runs as written against
``sectigo.testing.sandbox()``; the README's pytest examples are examples/test_with_sandbox.py
and, for asyncio with pytest-asyncio, examples/test_async_with_sandbox.py."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

from sectigo.testing import Sandbox

EXAMPLES = ROOT / "bindings" / "python" / "examples"


def test_readme_shows_the_examples_verbatim() -> None:
    readme = (ROOT / "bindings" / "python" / "README.md").read_text()
    code = (EXAMPLES / "quickstart.py").read_text()
    assert code[code.index("import os") :].strip() in readme
    assert (EXAMPLES / "test_with_sandbox.py").read_text().strip() in readme
    assert (EXAMPLES / "test_async_with_sandbox.py").read_text().strip() in readme
    assert (EXAMPLES / "collect_ssl.py").read_text().strip() in readme
    page = (ROOT / "docs" / "raw-calls.md").read_text()
    assert (EXAMPLES / "collect_ssl.py").read_text().strip() in page


def test_the_collect_ssl_example_saves_the_body(sandbox: Sandbox, tmp_path: "os.PathLike[str]") -> None:
    pkcs7 = b"\x30\x82\x01\x00" + bytes(range(256))
    sandbox.clear_answers()
    sandbox.program_answer("/products/download/CollectSSL", pkcs7, content_type="application/pkcs7-mime")
    out = os.path.join(tmp_path, "cert.p7b")
    env = dict(
        os.environ,
        SECTIGO_LOGIN_NAME=sandbox.accounts[0].login_name,
        SECTIGO_LOGIN_PASSWORD=sandbox.accounts[0].login_password,
        SECTIGO_BASE_URL=sandbox.base_url,
        SECTIGO_CA_FILE=sandbox.ca_file,
    )
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "collect_ssl.py"), "1234567", out],
        env=env,
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    sandbox.clear_answers()
    assert done.returncode == 0, done.stderr
    assert "HTTP 200, application/pkcs7-mime, errorCode none (not text): 260 bytes saved" in done.stdout
    with open(out, "rb") as saved:
        assert saved.read() == pkcs7


def test_quickstart_runs_against_the_sandbox(sandbox: Sandbox) -> None:
    env = dict(
        os.environ,
        SECTIGO_LOGIN_NAME=sandbox.accounts[0].login_name,
        SECTIGO_LOGIN_PASSWORD=sandbox.accounts[0].login_password,
        SECTIGO_AP=sandbox.accounts[0].brand,
        SECTIGO_BASE_URL=sandbox.base_url,
        SECTIGO_CA_FILE=sandbox.ca_file,
    )
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        env=env,
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "placed order" in done.stdout and "authorized order" in done.stdout
    assert "customer session for order" in done.stdout


@pytest.mark.parametrize("example", ["test_with_sandbox.py", "test_async_with_sandbox.py"])
def test_pytest_examples_pass(example: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", str(EXAMPLES / example)],
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
        cwd=EXAMPLES,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def table_call(language: str) -> str:
    """The first call of the top README's table for ``language``, as printed."""
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith(f"| {language} |"))
    cell = row.split(" | ")[2]
    return cell[cell.index("`") + 1 : cell.index("`", cell.index("`") + 1)]


def test_the_top_readmes_first_call_runs_as_printed(sandbox: Sandbox) -> None:
    import sectigo

    code = table_call("Python").replace('"BRAND"', repr(sandbox.accounts[0].brand))
    with sandbox.client() as client:
        placed = eval(code, {"sectigo": sectigo, "client": client})
    assert isinstance(placed, sectigo.PlaceOrderResult) and placed.order_number
    assert placed.order_number in sandbox.state()["orders"]


def test_the_reference_names_every_public_member() -> None:
    import enum
    import inspect
    import re

    import sectigo
    import sectigo.testing

    readme = (ROOT / "bindings" / "python" / "README.md").read_text()
    reference = readme[readme.index("## Reference") : readme.index("## Production notes")]
    names = set(sectigo.__all__) - {"__version__"}
    # Members of the classes, but enums' members (generated lists: ErrorCode, Term, WebProduct).
    for name in sorted(names):
        obj = getattr(sectigo, name)
        if inspect.isclass(obj) and not issubclass(obj, enum.Enum):
            names |= {m for m in vars(obj) if not m.startswith("_")}
            names |= {m for m in getattr(obj, "__annotations__", {}) if not m.startswith("_")}
    for cls in (
        sectigo.testing.Sandbox,
        sectigo.testing.Account,
        sectigo.testing.ClientCertificate,
        sectigo.testing.Counters,
    ):
        names.add(cls.__name__)
        names |= {m for m in vars(cls) if not m.startswith("_")}
        names |= {m for m in getattr(cls, "__annotations__", {}) if not m.startswith("_")}
    names |= set(inspect.signature(sectigo.testing.sandbox).parameters)
    # The endpoints' methods and the items' fields are generated from the spec and listed by it.
    generated = {m for m in vars(sectigo.generated.Endpoints) if not m.startswith("_")}
    generated |= {m for m in getattr(sectigo.PlaceOrderItem, "__annotations__", {})}
    for result in (sectigo.PlaceOrderResult, sectigo.AutoAuthorizeResult, sectigo.InitCustomerSessionResult):
        generated |= set(getattr(result, "__annotations__", {})) - {"response"}
    generated |= set(getattr(sectigo.Tier2PartnerSignupResult, "__annotations__", {})) - {"response"}
    missing = sorted(n for n in names - generated if not re.search(rf"\b{re.escape(n)}\b", reference))
    assert not missing, f"the README's Reference does not name {missing}"
