"""A minimal load generator for loopback HTTP: keep-alive connections, exact latencies.

Used by bench/api_latency.py. Client and server share this machine's two cores, so every
microsecond the client spends is taken from the server under test: a general client
(httpx) spends more CPU per request than the server, and even an asyncio stream reader
that reads the answer line by line costs about 0.25 ms a request. This one is an asyncio
protocol: request heads are built once per path and kept, an answer is recognised by the
end of its head and its Content-Length alone, and uvloop drives it when installed.
`ceiling()` measures what it can do against a server that does nothing, so the JSON shows
how far below that ceiling the service under test stays.
"""

from __future__ import annotations

import asyncio
import importlib
import statistics
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, cast

CLIENTS = 50
_HEAD_END = b"\r\n\r\n"
_LENGTH = b"\r\ncontent-length:"


class _Answers(asyncio.Protocol):
    """Collects one HTTP/1.1 answer at a time and resolves the waiting future with its
    status; only the status line and Content-Length are read."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiting: asyncio.Future[int] | None = None
        self.transport: asyncio.Transport | None = None
        self.lost: Exception | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.Transport", transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(_HEAD_END)
        if end < 0:
            return
        head = bytes(self.buffer[:end]).lower()
        at = head.find(_LENGTH)
        length = 0
        if at >= 0:
            line_end = head.find(b"\r\n", at + 2)
            length = int(head[at + len(_LENGTH) : line_end if line_end >= 0 else len(head)])
        if len(self.buffer) < end + 4 + length:
            return
        del self.buffer[: end + 4 + length]
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_result(int(head[9:12]))

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = exc or ConnectionResetError("server closed the connection")
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_exception(self.lost)


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough HTTP for this benchmark."""

    def __init__(self, transport: asyncio.Transport, answers: _Answers) -> None:
        self.transport, self.answers = transport, answers
        self.heads: dict[tuple[str, str, str, int], bytes] = {}

    @classmethod
    async def open(cls, url: str) -> Connection:
        host, port = url.removeprefix("http://").split(":")
        loop = asyncio.get_running_loop()
        transport, answers = await loop.create_connection(_Answers, host, int(port))
        return cls(transport, answers)

    def _head(self, method: str, path: str, key: str, length: int) -> bytes:
        wanted = (method, path, key, length)
        head = self.heads.get(wanted)
        if head is None:
            head = self.heads[wanted] = (
                f"{method} {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {key}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
            ).encode()
        return head

    async def send(self, method: str, path: str, key: str, body: bytes = b"") -> int:
        """Send one request and wait for its answer; returns the status code."""
        if self.answers.lost is not None:
            raise self.answers.lost
        waiting: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.answers.waiting = waiting
        self.transport.write(self._head(method, path, key, len(body)) + body)
        return await waiting

    def close(self) -> None:
        self.transport.close()


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
    connections = [await Connection.open(url) for _ in range(CLIENTS)]
    began = time.perf_counter()

    async def client(connection: Connection) -> None:
        for n in counter:
            due = began + n / rate if rate else time.perf_counter()
            if (wait := due - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            status = await request(connection, n)
            latencies.append((time.perf_counter() - due) * 1000)
            if status >= 300:
                failures[str(status)] = failures.get(str(status), 0) + 1

    try:
        await asyncio.gather(*(client(c) for c in connections))
    finally:
        for connection in connections:
            connection.close()
    result = summary(latencies, time.perf_counter() - began, failures)
    result["offered_rate_per_s"] = rate
    return result


def run(work: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
    """Run one measurement on uvloop when it is installed (less client CPU), else asyncio."""
    try:
        uvloop = importlib.import_module("uvloop")
    except ImportError:
        return asyncio.run(work)
    result: dict[str, Any] = uvloop.run(work)
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
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
        "max_ms": round(ordered[-1], 2),
        "non_2xx": failures,
    }
