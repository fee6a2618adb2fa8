"""The Python side of ``cargo xtask bench``; prints one JSON object.

The SDK's ``init_customer_session`` (``responseFormat=1``) against the same POST through a
``requests.Session`` and an ``httpx.Client`` (same body, same CA file), in interleaved blocks;
1, 2 and 8 threads sharing one client, and 1 and 8 threads making plain socket round trips (what
any Python threads can reach here); connections per 1000 calls; resident memory over 100 000
calls; ``AsyncClient`` with 64 calls in flight against the same 64 awaited one by one, and
against ``httpx.AsyncClient``. Reads SECTIGO_BENCH_URL, _ADMIN_URL, _CA, _LOGIN, _PASSWORD, _BLOCKS, _CALLS.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import threading
import time
import urllib.request
from typing import Any, Callable, Dict, List

import httpx
import requests

import sectigo

URL = os.environ["SECTIGO_BENCH_URL"]
ADMIN = os.environ["SECTIGO_BENCH_ADMIN_URL"]
CA = os.environ["SECTIGO_BENCH_CA"]
LOGIN = os.environ["SECTIGO_BENCH_LOGIN"]
PASSWORD = os.environ["SECTIGO_BENCH_PASSWORD"]
BLOCKS = int(os.environ.get("SECTIGO_BENCH_BLOCKS", "15"))
CALLS = int(os.environ.get("SECTIGO_BENCH_CALLS", "300"))
ENDPOINT = f"{URL}/products/!initCustomerSession"
BODY = {"loginName": LOGIN, "loginPassword": PASSWORD, "orderNumber": "1000003", "responseFormat": "1"}
HEADERS = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}


def admin(method: str, what: str) -> Dict[str, object]:
    request = urllib.request.Request(f"{ADMIN}/_sandbox/{what}", method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request) as r:
        return json.loads(r.read())  # type: ignore[no-any-return]


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def latency() -> Dict[str, object]:
    client = sectigo.Client(login_name=LOGIN, login_password=PASSWORD, base_url=URL, ca_file=CA, max_retries=0)
    session = requests.Session()
    hx = httpx.Client(verify=CA)

    def sdk() -> None:
        assert client.init_customer_session(order_number="1000003", response_format="1").sid

    def with_requests() -> None:
        r = session.post(ENDPOINT, data=BODY, headers=HEADERS, verify=CA)
        assert r.text.startswith("errorCode=0"), r.text

    def with_httpx() -> None:
        r = hx.post(ENDPOINT, data=BODY, headers=HEADERS)
        assert r.text.startswith("errorCode=0"), r.text

    variants: Dict[str, Callable[[], None]] = {"sdk": sdk, "requests": with_requests, "httpx": with_httpx}
    times: Dict[str, List[float]] = {name: [] for name in variants}
    for f in variants.values():
        for _ in range(CALLS // 4):
            f()
    for _ in range(BLOCKS):
        for name, f in variants.items():
            started = time.perf_counter()
            for _ in range(CALLS):
                f()
            times[name].append((time.perf_counter() - started) * 1e6 / CALLS)
    per_call = {name: statistics.median(t) for name, t in times.items()}

    # Connections (each a TLS handshake) per 1000 sequential calls of fresh clients; the request
    # reading the counters counts its own connection, which is taken off.
    client = sectigo.Client(login_name=LOGIN, login_password=PASSWORD, base_url=URL, ca_file=CA, max_retries=0)
    session = requests.Session()
    hx = httpx.Client(verify=CA)
    connections = {}
    for name, f in variants.items():
        admin("POST", "reset-counters")
        for _ in range(1000):
            f()
        connections[name] = int(str(admin("GET", "counters")["connections"])) - 1
    return {
        "per_call_us": per_call,
        "ratio_sdk_to_requests": per_call["sdk"] / per_call["requests"],
        "ratio_sdk_to_httpx": per_call["sdk"] / per_call["httpx"],
        "blocks": BLOCKS,
        "calls_per_block": CALLS,
        "connections_per_1000_calls": connections,
        "versions": {"requests": requests.__version__, "httpx": httpx.__version__, "sectigo": sectigo.__version__},
    }


def threaded(threads: int, calls: int, setup: Callable[[], Callable[[], None]]) -> float:
    """Calls per second of ``threads`` threads, each making ``calls`` calls of what ``setup``
    (run in the thread, untimed) gives it."""
    barrier = threading.Barrier(threads + 1)

    def work() -> None:
        call = setup()
        barrier.wait()
        for _ in range(calls):
            call()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    return threads * calls / (time.perf_counter() - started)


def scaling() -> Dict[str, object]:
    client = sectigo.Client(login_name=LOGIN, login_password=PASSWORD, base_url=URL, ca_file=CA, max_retries=0)

    def sdk() -> None:
        assert client.init_customer_session(order_number="1000003", response_format="1").sid

    # Five interleaved rounds, medians: one round swings with where the scheduler puts threads.
    runs: Dict[str, List[float]] = {"1": [], "2": [], "8": []}
    for _ in range(5):
        for n in (1, 2, 8):
            runs[str(n)].append(threaded(n, 2000 // n, lambda: sdk))
    rates = {n: statistics.median(r) for n, r in runs.items()}

    # The most any Python threads can get from this machine: round trips over plain sockets to
    # the sandbox's HTTP port (an answer of fixed length), each a send and a receive that
    # release the GIL as the SDK's call does, with nothing else in Python.
    host, port = ADMIN.split("://", 1)[1].split(":")
    form = b"orderNumber=1000003&responseFormat=1"
    request = (
        f"POST /products/!initCustomerSession HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n\r\n"
    ).encode() + form

    def connected() -> Callable[[], None]:
        sock = socket.create_connection((host, int(port)))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer) < answer.index(b"\r\n\r\n") + 4 + int(
            answer.split(b"Content-Length: ", 1)[1].split(b"\r\n", 1)[0]
        ):
            answer += sock.recv(65536)
        size = len(answer)

        def round_trip() -> None:
            sock.sendall(request)
            got = 0
            while got < size:
                got += len(sock.recv(65536))

        return round_trip

    socket_runs: Dict[str, List[float]] = {"1": [], "8": []}
    for _ in range(5):
        for n in (1, 8):
            socket_runs[str(n)].append(threaded(n, 2000 // n, connected))
    ceiling = {n: statistics.median(r) for n, r in socket_runs.items()}

    rss = [[0, rss_kb()]]
    for i in range(1, 100_001):
        sdk()
        if i % 10_000 == 0:
            rss.append([i, rss_kb()])

    return {
        "threads_calls_per_s": rates,
        "scaling_8_to_1": rates["8"] / rates["1"],
        "socket_round_trips_per_s": ceiling,
        "socket_scaling_8_to_1": ceiling["8"] / ceiling["1"],
        "rss_kb": rss,
    }


def asynchronous() -> Dict[str, object]:
    """asyncio: rounds of 64 calls gathered (in flight at once) or awaited one by one, through
    ``sectigo.AsyncClient`` and ``httpx.AsyncClient``, in interleaved blocks; medians."""
    rounds = 10

    async def measure() -> Dict[str, float]:
        sdk = sectigo.AsyncClient(login_name=LOGIN, login_password=PASSWORD, base_url=URL, ca_file=CA, max_retries=0)
        hx = httpx.AsyncClient(verify=CA)

        async def sdk_call() -> None:
            assert (await sdk.init_customer_session(order_number="1000003", response_format="1")).sid

        async def httpx_call() -> None:
            r = await hx.post(ENDPOINT, data=BODY, headers=HEADERS)
            assert r.text.startswith("errorCode=0"), r.text

        async def gathered(call: Callable[[], Any]) -> None:
            await asyncio.gather(*(call() for _ in range(64)))

        async def one_by_one(call: Callable[[], Any]) -> None:
            for _ in range(64):
                await call()

        variants = {
            "sdk_64_in_flight": (gathered, sdk_call),
            "sdk_one_by_one": (one_by_one, sdk_call),
            "httpx_64_in_flight": (gathered, httpx_call),
            "httpx_one_by_one": (one_by_one, httpx_call),
        }
        times: Dict[str, List[float]] = {name: [] for name in variants}
        for shape, call in variants.values():
            await shape(call)  # warm-up: connections opened
        for _ in range(5):
            for name, (shape, call) in variants.items():
                started = time.perf_counter()
                for _ in range(rounds):
                    await shape(call)
                times[name].append(rounds * 64 / (time.perf_counter() - started))
        await sdk.aclose()
        await hx.aclose()
        return {name: statistics.median(t) for name, t in times.items()}

    rates = asyncio.run(measure())
    return {
        "async_calls_per_s": rates,
        "async_in_flight_to_one_by_one": rates["sdk_64_in_flight"] / rates["sdk_one_by_one"],
        # Time per call, SDK over httpx (below 1: the SDK is faster).
        "ratio_async_sdk_to_httpx": rates["httpx_64_in_flight"] / rates["sdk_64_in_flight"],
        "ratio_async_one_by_one_sdk_to_httpx": rates["httpx_one_by_one"] / rates["sdk_one_by_one"],
    }


def main() -> None:
    # SECTIGO_BENCH_PHASE: "latency" (best on one CPU with the sandbox), "scaling", or both.
    phase = os.environ.get("SECTIGO_BENCH_PHASE", "")
    report: Dict[str, object] = {}
    if phase != "scaling":
        report.update(latency())
    if phase != "latency":
        report.update(scaling())
        report.update(asynchronous())
    print(json.dumps(report))


if __name__ == "__main__":
    main()
