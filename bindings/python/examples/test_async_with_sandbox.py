import asyncio
from typing import AsyncIterator, Iterator

import pytest
import pytest_asyncio

import sectigo
from sectigo.testing import Sandbox, sandbox


@pytest.fixture
def sectigo_sandbox() -> Iterator[Sandbox]:
    with sandbox() as box:
        yield box


@pytest_asyncio.fixture
async def client(sectigo_sandbox: Sandbox) -> AsyncIterator[sectigo.AsyncClient]:
    async with sectigo_sandbox.async_client() as client:
        yield client


async def place(client: sectigo.AsyncClient, brand: str) -> sectigo.PlaceOrderResult:
    return await client.place_order(
        ap=brand,
        reseller=True,
        name="Jane Doe",
        email_address="jane@example.com",
        items=[sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)],
    )


@pytest.mark.asyncio
async def test_orders_in_parallel(sectigo_sandbox: Sandbox, client: sectigo.AsyncClient) -> None:
    brand = sectigo_sandbox.accounts[0].brand
    orders = await asyncio.gather(*(place(client, brand) for _ in range(5)))
    await asyncio.gather(*(client.auto_authorize(order_number=int(o.order_number)) for o in orders))
    assert sectigo_sandbox.counters().requests == {"!PlaceOrder": 5, "!AutoAuthorize": 5}


@pytest.mark.asyncio
async def test_a_cancelled_order_is_reported(sectigo_sandbox: Sandbox, client: sectigo.AsyncClient) -> None:
    # The sandbox holds the order for half a second; the application gives up once it was sent.
    sectigo_sandbox.inject_fault("delay", ms=500, endpoint="!PlaceOrder", count=1)
    task = asyncio.create_task(place(client, sectigo_sandbox.accounts[0].brand))
    while not sectigo_sandbox.counters().requests.get("!PlaceOrder"):
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(sectigo.OutcomeUnknownError) as lost:
        await task
    # Not resent, not lost: the call went on, and its outcome arrives in `completion`.
    assert lost.value.completion is not None
    placed = await asyncio.wrap_future(lost.value.completion)
    assert placed.get("orderNumber") in sectigo_sandbox.state()["orders"]
