"""The customer's page URLs, from the core (``sectigo.sasp_post_payment_url`` and the other
generated helpers call this)."""

from __future__ import annotations

from typing import Optional, Union

from . import _native
from ._errors import raise_native


def page_url(page: str, template: Optional[str], sid: str, order_number: Union[int, str]) -> str:
    """The URL of a customer page by id (``sasp_post_payment``, ``validation_manager``) for a
    session handle of ``init_customer_session`` and an order number, URL-encoded. A page whose
    URL the documents leave out needs ``template``, holding ``{SID}`` and ``{orderNumber}``;
    :class:`ConfigError` otherwise."""
    try:
        return _native.page_url(page, template, sid, str(order_number))
    except _native.NativeError as e:
        raise_native(e.args)
