from typing import Iterator

import pytest

import sectigo
from sectigo.testing import Sandbox, sandbox


@pytest.fixture
def sectigo_sandbox() -> Iterator[Sandbox]:
    with sandbox() as box:
        yield box


def test_order_and_authorize(sectigo_sandbox: Sandbox) -> None:
    with sectigo_sandbox.client() as client:
        order = client.place_order(
            ap=sectigo_sandbox.accounts[0].brand,
            reseller=True,
            name="Jane Doe",
            email_address="jane@example.com",
            items=[sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)],
        )
        client.auto_authorize(order_number=order.order_number)
    assert sectigo_sandbox.counters().requests == {"!PlaceOrder": 1, "!AutoAuthorize": 1}


def test_a_lost_answer_is_reported(sectigo_sandbox: Sandbox) -> None:
    sectigo_sandbox.inject_fault("close", endpoint="!PlaceOrder", count=1)
    with sectigo_sandbox.client() as client, pytest.raises(sectigo.OutcomeUnknownError):
        client.place_order(
            ap=sectigo_sandbox.accounts[0].brand,
            reseller=True,
            name="Jane Doe",
            email_address="jane@example.com",
            items=[sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)],
        )
    assert len(sectigo_sandbox.state()["orders"]) > 0
