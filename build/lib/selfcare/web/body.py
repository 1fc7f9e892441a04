"""Reading request bodies safely: a size cap while streaming, content types, JSON parsing.

The cap is enforced on the bytes actually received, not only on Content-Length, so a
client that lies about the length (or streams chunked) cannot make the server buffer more.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from selfcare.web.errors import SelfcareHTTPError

JSON = "application/json"
JSON_LINES = frozenset(
    {
        "application/x-ndjson",
        "application/ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/json-lines",
    }
)


def media_type(request: Request) -> str:
    """The request's media type without parameters, lower case ('' when absent)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def is_json(media: str) -> bool:
    return media == JSON or (media.startswith("application/") and media.endswith("+json"))


async def read_capped(request: Request, limit: int) -> bytes:
    """The whole body, or 413 as soon as it is longer than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> SelfcareHTTPError:
    return SelfcareHTTPError(
        413, "content_too_large", f"request body larger than {limit} bytes", limit=limit
    )


def decode_text(body: bytes) -> str:
    """UTF-8 text of a body (a BOM is dropped); 400 when it is not UTF-8."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SelfcareHTTPError(400, "bad_request", "body is not UTF-8 text") from None


def parse_json(body: bytes) -> Any:
    """The JSON value of a body; 400 naming the position when it is not JSON."""
    return parse_json_text(decode_text(body))


def parse_json_text(text: str) -> Any:
    """The JSON value of a text; 400 naming the position when it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SelfcareHTTPError(
            400, "bad_request", f"body is not valid JSON: {exc.msg} (line {exc.lineno})"
        ) from None
    except (ValueError, RecursionError):
        raise SelfcareHTTPError(400, "bad_request", "body is not usable JSON") from None


def unsupported(media: str, allowed: str) -> SelfcareHTTPError:
    shown = media or "none"
    return SelfcareHTTPError(
        415, "unsupported_media_type", f"content type {shown} not accepted; send {allowed}"
    )
