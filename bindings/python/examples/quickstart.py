"""Places a one-year Web DNS Pro order, authorizes it and opens a customer session.

    SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... SECTIGO_AP=... python quickstart.py

SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance).
"""

import os

import sectigo

with sectigo.Client(
    login_name=os.environ["SECTIGO_LOGIN_NAME"],
    login_password=os.environ["SECTIGO_LOGIN_PASSWORD"],
    base_url=os.environ.get("SECTIGO_BASE_URL"),
    ca_file=os.environ.get("SECTIGO_CA_FILE"),
) as client:
    try:
        order = client.place_order(
            ap=os.environ.get("SECTIGO_AP", "reseller_brand_name"),
            reseller=True,
            name="Jane Doe",
            email_address="jane@example.com",
            items=[sectigo.PlaceOrderItem.product(sectigo.WebProduct.WEB_DNS_PRO, sectigo.Term.YEAR1)],
        )
    except sectigo.OutcomeUnknownError as e:
        raise SystemExit(f"the order may exist: check the account before retrying ({e})") from e
    print("placed order", order.order_number)
    client.auto_authorize(order_number=order.order_number)
    print("authorized order", order.order_number)
    session = client.init_customer_session(order_number=order.order_number)
    print("customer session for order", session.order_number)
