"""Client for Sectigo's reseller "products" API.

Place and authorize orders, open customer sessions and sign up Tier 2 partners::

    import sectigo

    with sectigo.Client(login_name="...", login_password="...") as client:
        order = client.place_order(
            ap="reseller_brand_name", reseller=True, name="Jane Doe", email_address="jane@example.com",
            items=[sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)],
        )
        client.auto_authorize(order_number=order.order_number)
"""

import logging as _logging

from ._client import AsyncClient, Client, decode, prepare
from ._errors import (
    ApiError,
    ConfigError,
    DecodeError,
    Error,
    OutcomeUnknownError,
    TransportError,
    ValidationError,
    Violation,
)
from ._native import __version__
from ._response import RawAnswer, Response
from .generated import (
    AlreadyUsedError,
    ArgumentError,
    AuthenticationError,
    AutoAuthorizeResult,
    ErrorCode,
    InitCustomerSessionResult,
    NotEnoughCreditError,
    OrderStateError,
    PlaceOrderItem,
    PlaceOrderResult,
    RateLimitedError,
    Term,
    Tier2PartnerSignupResult,
    WebProduct,
    sasp_post_payment_url,
    validation_manager_url,
)

__all__ = [
    "AlreadyUsedError",
    "ApiError",
    "ArgumentError",
    "AsyncClient",
    "AuthenticationError",
    "AutoAuthorizeResult",
    "Client",
    "ConfigError",
    "DecodeError",
    "Error",
    "ErrorCode",
    "InitCustomerSessionResult",
    "NotEnoughCreditError",
    "OrderStateError",
    "OutcomeUnknownError",
    "PlaceOrderItem",
    "PlaceOrderResult",
    "RateLimitedError",
    "RawAnswer",
    "Response",
    "Term",
    "Tier2PartnerSignupResult",
    "TransportError",
    "ValidationError",
    "Violation",
    "WebProduct",
    "__version__",
    "decode",
    "prepare",
    "sasp_post_payment_url",
    "validation_manager_url",
]

# The SDK logs on the `sectigo` logger (each call at DEBUG, retries and unknown outcomes at
# WARNING); an application that sets up no logging hears nothing of it, as Python's logging
# HOWTO asks of libraries.
_logging.getLogger("sectigo").addHandler(_logging.NullHandler())
