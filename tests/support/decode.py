"""Helpers for the decoder tests: records, hand-encoded protobuf, JWTs, bombs."""

from __future__ import annotations

import base64
import json
import struct
import zlib

from phonehome.analysis.model import Decoded, Record


def record(
    body: bytes = b"",
    *,
    path: str = "/",
    headers: list[tuple[str, str]] | None = None,
    content_type: str | None = None,
    kind: str = "http",
    content_encoding: str = "",
    body_size: int | None = None,
) -> Record:
    hdrs = list(headers or [])
    if content_type is not None:
        hdrs.append(("Content-Type", content_type))
    return Record(
        flow_id="t1",
        ts=1_700_000_000.0,
        kind=kind,  # type: ignore[arg-type]
        direction="request" if kind == "http" else "client",
        method="POST" if body else "GET",
        scheme="https" if kind == "http" else "wss",
        host="sdk.example.com",
        port=443,
        path=path,
        http_version="HTTP/1.1",
        request_headers=tuple(hdrs),
        body=body,
        body_size=len(body) if body_size is None else body_size,
        message_index=0 if kind == "websocket" else None,
        content_encoding=content_encoding,
    )


def triples(decoded: Decoded) -> set[tuple[str, str, tuple[str, ...]]]:
    """(location, value, decoding) of every leaf."""
    return {(str(leaf.location), leaf.value, leaf.decoding) for leaf in decoded.leaves}


def by_location(decoded: Decoded) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for leaf in decoded.leaves:
        out.setdefault(str(leaf.location), []).append(leaf.value)
    return out


# --- protobuf, encoded by hand ---------------------------------------------------------------


def varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_varint(field: int, value: int) -> bytes:
    return varint(field << 3 | 0) + varint(value)


def pb_fixed64(field: int, raw8: bytes) -> bytes:
    assert len(raw8) == 8
    return varint(field << 3 | 1) + raw8


def pb_fixed32(field: int, raw4: bytes) -> bytes:
    assert len(raw4) == 4
    return varint(field << 3 | 5) + raw4


def pb_bytes(field: int, payload: bytes | str) -> bytes:
    data = payload.encode() if isinstance(payload, str) else payload
    return varint(field << 3 | 2) + varint(len(data)) + data


def pb_field(field: int, value: int | str | bytes) -> bytes:
    """A varint field for an integer, a length-delimited one for text or bytes."""
    return pb_varint(field, value) if isinstance(value, int) else pb_bytes(field, value)


# --- tokens ---------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(header: dict, payload: dict, signature: bytes = b"\x01\x02\x03signature") -> str:
    return ".".join(
        (b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()), b64url(signature))
    )


# --- bombs ----------------------------------------------------------------------------------


def gzip_bomb(total: int = 1 << 30, chunk: int = 1 << 20) -> bytes:
    """A valid gzip of `total` zero bytes (about 1 MB for 1 GB).

    Built without compressing 1 GB: after a full flush the deflate state is reset, so every
    further chunk of zeros compresses to the same bytes, which are repeated.
    """
    assert total % chunk == 0 and total >= 2 * chunk
    zeros = bytes(chunk)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    repeat = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    end = comp.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(total // chunk):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, total & 0xFFFFFFFF)
    return header + first + repeat * (total // chunk - 1) + end + trailer
