"""The README's Python quick start is examples/quickstart.py, and it runs as written."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Dict

from conftest import ROOT

EXAMPLE = ROOT / "bindings" / "python" / "examples" / "quickstart.py"


def test_readme_shows_the_example_verbatim() -> None:
    readme = (ROOT / "README.md").read_text()
    code = EXAMPLE.read_text()
    body = code[code.index("import os"):].strip()
    assert body in readme


def test_quickstart_runs_against_the_sandbox(sandbox: Dict[str, Any]) -> None:
    env = dict(
        os.environ,
        SECTIGO_LOGIN_NAME=sandbox["accounts"][0]["login_name"],
        SECTIGO_LOGIN_PASSWORD=sandbox["accounts"][0]["login_password"],
        SECTIGO_AP="sandboxbrand",
        SECTIGO_BASE_URL=sandbox["https_url"],
        SECTIGO_CA_FILE=sandbox["ca_file"],
    )
    done = subprocess.run([sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "placed order" in done.stdout and "authorized order" in done.stdout
