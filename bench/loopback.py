"""A minimal load generator for loopback HTTP: keep-alive connections, exact latencies.

Used by bench/api_latency.py. A general client (httpx) would spend more CPU per request
than the server under test on a machine whose cores both share.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

CLIENTS = 50


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough HTTP for this benchmark.

    A general client (httpx) spends more CPU per request than the server under test, and
    client and server share this machine's cores; this one costs a few microseconds.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, url: str) -> Connection:
        host, port = url.removeprefix("http://").split(":")
        return cls(*await asyncio.open_connection(host, int(port)))

    async def send(self, method: str, path: str, key: str, body: bytes = b"") -> int:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return int(status_line.split()[1])

    def close(self) -> None:
        self.writer.close()


Request = Callable[[Connection, int], Awaitable[int]]


async def measure(url: str, total: int, request: Request, rate: float | None) -> dict[str, Any]:
    """`total` requests from CLIENTS concurrent clients; latency of each, in ms.

    `rate` None: each client sends its next request as soon as the last is answered
    (saturation). Otherwise the clients together start `rate` requests per second, each
    at its scheduled time (latency counted from then, so queueing is never hidden).
    """
    latencies: list[float] = []
    failures: dict[str, int] = {}
    counter = iter(range(total))
    began = time.perf_counter()

    async def client() -> None:
        connection = await Connection.open(url)
        try:
            for n in counter:
                due = began + n / rate if rate else time.perf_counter()
                if (wait := due - time.perf_counter()) > 0:
                    await asyncio.sleep(wait)
                status = await request(connection, n)
                latencies.append((time.perf_counter() - due) * 1000)
                if status >= 300:
                    failures[str(status)] = failures.get(str(status), 0) + 1
        finally:
            connection.close()

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    result = summary(latencies, time.perf_counter() - began, failures)
    result["offered_rate_per_s"] = rate
    return result


def summary(latencies: list[float], elapsed: float, failures: dict[str, int]) -> dict[str, Any]:
    ordered = sorted(latencies)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "requests": len(ordered),
        "clients": CLIENTS,
        "throughput_per_s": round(len(ordered) / elapsed, 1),
        "p50_ms": round(cuts[49], 2),
        "p90_ms": round(cuts[89], 2),
        "p99_ms": round(cuts[98], 2),
        "max_ms": round(ordered[-1], 2),
        "non_2xx": failures,
    }
