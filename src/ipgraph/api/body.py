"""Reading request bodies within ``settings.max_body_bytes`` and decoding them as the protocols require."""

from __future__ import annotations

from fastapi import Request

from ipgraph.errors import HttpStatusError, InputError
from ipgraph.formats import parse_media_type


async def read_body(request: Request, limit: int, setting: str = "IPGRAPH_MAX_BODY_BYTES") -> bytes:
    """The whole body, refused with 413 (naming ``setting``) as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit, setting)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit, setting)
        chunks.append(chunk)
    return b"".join(chunks)


def has_body(request: Request) -> bool:
    """Whether the request announces content (a GET must not, SPARQL 1.1 Protocol §2.1.1)."""
    length = request.headers.get("content-length")
    return bool(request.headers.get("transfer-encoding")) or (length is not None and length.strip() not in ("", "0"))


def decode_utf8(data: bytes, content_type: str | None) -> str:
    """Decode a SPARQL body: UTF-8 only (SPARQL 1.1 Protocol §2.1.3, §2.2.2); another charset is a 400."""
    _, params = parse_media_type(content_type)
    charset = params.get("charset")
    if charset is not None and charset.lower() not in ("utf-8", "utf8"):
        raise InputError(f"charset {charset!r} is not supported: SPARQL requests must be UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"the body is not valid UTF-8 (byte {error.start})") from None


def _too_large(limit: int, setting: str) -> HttpStatusError:
    return HttpStatusError(413, f"the request body is larger than {limit} bytes ({setting})")
