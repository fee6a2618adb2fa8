"""Egress: calls through a real proxy (tinyproxy on loopback, with a password), the proxy
environment, ``roots`` with ``SSL_CERT_FILE``, and client-certificate login."""

from __future__ import annotations

import logging
from typing import Iterator

import pytest

import sectigo
from sectigo.testing import Sandbox
from sectigo.testing import sandbox as run_sandbox

ORDER = dict(ap="sandboxbrand", reseller=True, name="Jane Doe", email_address="egress@example.com")


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with run_sandbox(private=True, tinyproxy=True) as running:
        yield running


def item() -> sectigo.PlaceOrderItem:
    return sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)


def tunnels(box: Sandbox) -> int:
    assert box.proxy_log is not None
    target = box.base_url.removeprefix("https://")
    with open(box.proxy_log) as log:
        return log.read().count(f"CONNECT {target} HTTP/1.1")


def order_and_authorize(client: sectigo.Client) -> None:
    number = client.place_order(**ORDER, items=[item()]).order_number
    client.auto_authorize(order_number=int(number))


def password_of(url: str) -> str:
    return url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]


def test_calls_go_through_the_proxy_and_its_password_is_never_shown(
    box: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    assert box.proxy_url is not None
    password = password_of(box.proxy_url)
    caplog.set_level(logging.DEBUG)
    before = tunnels(box)
    with box.client(proxy=box.proxy_url, no_proxy="") as client:
        order_and_authorize(client)
        shown = repr(client)
    assert tunnels(box) > before, "the proxy's log shows the tunnel"

    wrong = box.proxy_url.replace(password, "not-the-password")
    with (
        box.client(proxy=wrong, no_proxy="", max_retries=0) as refused,
        pytest.raises(sectigo.TransportError) as raised,
    ):
        refused.place_order(**ORDER, items=[item()])
    e = raised.value
    assert e.retry_safe and not e.may_have_taken_effect, e
    assert "proxy" in str(e)
    with pytest.raises(sectigo.ConfigError) as socks:
        sectigo.Client(proxy=f"socks5://u:{password}@127.0.0.1:1080")
    assert "SOCKS" in str(socks.value)
    for text in [shown, str(e), repr(e), str(socks.value), caplog.text]:
        assert password not in text and "not-the-password" not in text, text


def test_the_proxy_environment_is_read_like_curl(box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    assert box.proxy_url is not None
    for name in ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", box.proxy_url)
    before = tunnels(box)
    with box.client() as client:
        order_and_authorize(client)
    assert tunnels(box) > before, "HTTPS_PROXY is read"
    # proxy="none" and NO_PROXY go direct.
    before = tunnels(box)
    with box.client(proxy="none") as direct:
        order_and_authorize(direct)
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.0/8")
    with box.client() as direct:
        order_and_authorize(direct)
    assert tunnels(box) == before
    monkeypatch.setenv("https_proxy", "socks5://127.0.0.1:1080")
    with pytest.raises(sectigo.ConfigError) as raised:
        box.client()
    assert "https_proxy" in str(raised.value) and "SOCKS" in str(raised.value)


def test_system_roots_read_ssl_cert_file(box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", box.ca_file)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with box.client(ca_file=None, roots="system") as system:
        order_and_authorize(system)
    with (
        box.client(ca_file=None, roots="bundled", max_retries=0) as bundled,
        pytest.raises(sectigo.TransportError) as raised,
    ):
        bundled.place_order(**ORDER, items=[item()])
    assert raised.value.retry_safe and not raised.value.may_have_taken_effect
    with pytest.raises(sectigo.ConfigError, match="roots"):
        sectigo.Client(roots="everything")


def test_client_certificate_login(box: Sandbox) -> None:
    assert box.private_url is not None
    cert = box.client_certificate(pkcs12_password="p12-secret")
    login = cert.login_name
    pem = dict(client_cert=cert.cert_file, client_key=cert.key_file)
    p12 = dict(client_pkcs12=cert.pkcs12_file, client_pkcs12_password="p12-secret")
    for way in (pem, p12):
        with sectigo.Client(base_url=box.private_url, ca_file=box.ca_file, login_name=login, **way) as client:  # type: ignore[arg-type]
            order_and_authorize(client)
            assert "p12-secret" not in repr(client)
    other = box.accounts[1].login_name
    with sectigo.Client(base_url=box.private_url, ca_file=box.ca_file, login_name=other, **pem) as client:  # type: ignore[arg-type]
        with pytest.raises(sectigo.ApiError) as denied:
            client.place_order(**ORDER, items=[item()])
    assert denied.value.code == -16
    with box.client(base_url=box.private_url, max_retries=0) as none, pytest.raises(sectigo.TransportError) as raised:
        none.place_order(**ORDER, items=[item()])
    assert raised.value.retry_safe and not raised.value.may_have_taken_effect
    with pytest.raises(sectigo.ConfigError, match="client_pkcs12"):
        sectigo.Client(login_name=login, client_pkcs12=cert.pkcs12_file, client_pkcs12_password="wrong")
    with pytest.raises(sectigo.ConfigError, match="login_password"):
        sectigo.Client(login_name=login, login_password="x", **pem)  # type: ignore[arg-type]


def test_the_readme_trust_example_runs(box: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python block of docs/deployment.md's Trust section, as written, with the sandbox's CA
    as the system's bundle: the client it makes trusts the sandbox."""
    from conftest import ROOT

    readme = (ROOT / "docs" / "deployment.md").read_text()
    section = readme[readme.index("## Trust") :]
    code = section[section.index("```python\n") + len("```python\n") :]
    code = code[: code.index("```")]
    assert 'roots="system"' in code
    monkeypatch.setenv("SSL_CERT_FILE", box.ca_file)
    scope: dict[str, object] = {}
    exec(compile(code, "docs/deployment.md (Trust)", "exec"), scope)
    client = scope["client"]
    assert isinstance(client, sectigo.Client)
    # The same settings against the sandbox: its CA comes from SSL_CERT_FILE alone.
    with box.client(ca_file=None, roots="system") as same:
        order_and_authorize(same)
