"""The language-neutral vectors of tests/vectors/ (generated as JSON), offline."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest
from conftest import ROOT

import sectigo

VECTORS = json.loads((ROOT / "tests" / "vectors" / "generated" / "vectors.json").read_text())


def pairs(case: Dict[str, Any]) -> List[tuple[str, str]]:
    return [(p[0], p[1]) for p in case["params"]]


@pytest.mark.parametrize("case", VECTORS["requests"], ids=lambda c: f"{c['file']}/{c['name']}")
def test_request(case: Dict[str, Any]) -> None:
    if "body" in case:
        assert sectigo.prepare(case["endpoint"], pairs(case)) == case["body"]
    else:
        with pytest.raises(sectigo.ValidationError) as caught:
            sectigo.prepare(case["endpoint"], pairs(case))
        got = sorted((v.param, v.rule) for v in caught.value.violations)
        assert got == sorted((v["param"], v["rule"]) for v in case["violations"])


def none(value: Optional[str]) -> Optional[str]:
    return None if value == "" else value


@pytest.mark.parametrize("case", VECTORS["responses"], ids=lambda c: f"{c['file']}/{c['name']}")
def test_response(case: Dict[str, Any]) -> None:
    expect = case["expect"]
    args = (case["endpoint"], pairs(case), case.get("status", 200), case.get("location"), case["body"].encode())
    if expect["outcome"] == "success":
        response = sectigo.decode(*args)
        assert response.code == expect.get("code", 0)
        for name, value in expect.get("fields", {}).items():
            assert response.get(name) == value, name
        for name in expect.get("absent", []):
            assert response.get(name) is None, name
        if "quirks" in expect:
            assert list(response.quirks) == expect["quirks"]
    elif expect["outcome"] == "api_error":
        with pytest.raises(sectigo.ApiError) as caught:
            sectigo.decode(*args)
        e = caught.value
        assert e.code == expect["code"]
        for key, got in {"message": e.message, "item": e.item, "argument": e.argument, "error": e.error_id}.items():
            if key in expect:
                assert got == none(expect[key]), key
    else:
        with pytest.raises(sectigo.DecodeError) as decoded:
            sectigo.decode(*args)
        assert decoded.value.kind == expect["kind"]
