"""Calls CollectSSL, an endpoint outside the SDK's spec
(https://docs.sectigo.com/sps/collect-ssl/request), with call_raw(): asks for an order's
certificate and saves what comes back.

    SECTIGO_LOGIN_NAME=... SECTIGO_LOGIN_PASSWORD=... python collect_ssl.py ORDER_NUMBER OUT_FILE

SECTIGO_BASE_URL and SECTIGO_CA_FILE point it elsewhere (the sandbox, for instance).
"""

import os
import sys

import sectigo


def main(order_number: str, out_file: str) -> int:
    with sectigo.Client(
        login_name=os.environ["SECTIGO_LOGIN_NAME"],
        login_password=os.environ["SECTIGO_LOGIN_PASSWORD"],
        base_url=os.environ.get("SECTIGO_BASE_URL"),
        ca_file=os.environ.get("SECTIGO_CA_FILE"),
    ) as client:
        try:
            # queryType 1: the status with the certificate and its chain; responseType 2:
            # PKCS #7; responseEncoding 1: binary. Downloading changes nothing: read_only.
            answer = client.call_raw(
                "/products/download/CollectSSL",
                {"orderNumber": order_number, "queryType": 1, "responseType": 2, "responseEncoding": 1},
                read_only=True,
            )
        except sectigo.ApiError as e:
            print(f"error {e.code}: {e.message}", file=sys.stderr)
            return 1
        except sectigo.Error as e:
            print(e, file=sys.stderr)
            return 4
    with open(out_file, "wb") as out:
        out.write(answer.body)
    code = "none (not text)" if answer.code is None else answer.code
    print(f"HTTP {answer.status}, {answer.content_type}, errorCode {code}: {len(answer.body)} bytes saved")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python collect_ssl.py ORDER_NUMBER OUT_FILE")
    sys.exit(main(sys.argv[1], sys.argv[2]))
