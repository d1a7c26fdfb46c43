"""Bounded decompression for `analysis.decode`: gzip, deflate (zlib or raw), brotli, zstd.

Every decompressor is driven incrementally with an output cap, so a decompression bomb costs at
most `max_out` bytes of output (plus the decompressor's own window) and time proportional to that,
never the size it claims to inflate to.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from typing import Literal

import brotli
import zstandard

Status = Literal["ok", "limit", "error"]

CODINGS = ("gzip", "deflate", "br", "zstd")
"""Names used in locations and decoding chains (Content-Encoding tokens, normalised)."""

_ALIASES = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate", "br": "br", "zstd": "zstd"}

GZIP_MAGIC = b"\x1f\x8b\x08"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Inflated:
    data: bytes
    """Output produced, at most `max_out` bytes (partial when `status` is not `ok`)."""
    status: Status
    detail: str = ""


def normalise(coding: str) -> str | None:
    """The `CODINGS` name for a Content-Encoding token, `""` for identity, `None` if unsupported."""
    token = coding.strip().lower()
    if token in ("", "identity"):
        return ""
    return _ALIASES.get(token)


def sniff(data: bytes) -> str | None:
    """The compression a buffer starts with (gzip, zlib-wrapped deflate, zstd); brotli has no magic."""
    if data.startswith(GZIP_MAGIC):
        return "gzip"
    if data.startswith(ZSTD_MAGIC):
        return "zstd"
    if len(data) >= 3:
        cmf, flg = data[0], data[1]
        # zlib header: deflate method, window <= 32K, no preset dictionary, header checksum.
        if cmf & 0x0F == 8 and cmf >> 4 <= 7 and not flg & 0x20 and (cmf << 8 | flg) % 31 == 0:
            return "deflate"
    return None


def inflate(coding: str, data: bytes, max_out: int) -> Inflated:
    """Undo `coding` on `data`, producing at most `max_out` bytes.

    Returns status `limit` (with the first `max_out` bytes) when the output would be larger, and
    `error` (with whatever came out before the error) when the data is not valid.
    """
    try:
        if coding == "gzip":
            return _zlib(data, 31, max_out, multi_member=True)
        if coding == "deflate":
            first = _zlib(data, 15, max_out, multi_member=False)
            if first.status != "error":
                return first
            return _zlib(data, -15, max_out, multi_member=False)
        if coding == "br":
            return _brotli(data, max_out)
        if coding == "zstd":
            return _zstd(data, max_out)
    except MemoryError:
        return Inflated(b"", "error", "out of memory")
    return Inflated(b"", "error", f"unsupported coding {coding!r}")


def _zlib(data: bytes, wbits: int, max_out: int, *, multi_member: bool) -> Inflated:
    parts: list[bytes] = []
    total = 0
    pending = data
    while True:
        d = zlib.decompressobj(wbits)
        buf = pending
        try:
            while True:
                room = max_out - total
                out = d.decompress(buf, room + 1 if room < _CHUNK else _CHUNK)
                parts.append(out)
                total += len(out)
                if total > max_out:
                    return Inflated(_cut(parts, max_out), "limit")
                buf = d.unconsumed_tail
                if d.eof or (not buf and not out):
                    break
        except zlib.error as e:
            return Inflated(b"".join(parts), "error", str(e))
        if not d.eof:
            flushed = b""
            try:
                flushed = d.flush(max(1, min(max_out - total + 1, _CHUNK)))
            except (zlib.error, ValueError):
                pass
            parts.append(flushed)
            total += len(flushed)
            if total > max_out:
                return Inflated(_cut(parts, max_out), "limit")
            return Inflated(b"".join(parts), "error", "truncated stream")
        pending = d.unused_data
        if not (multi_member and pending.startswith(GZIP_MAGIC)):
            return Inflated(b"".join(parts), "ok", "trailing data ignored" if pending.strip(b"\0") else "")


def _brotli(data: bytes, max_out: int) -> Inflated:
    d = brotli.Decompressor()
    parts: list[bytes] = []
    total = 0
    try:
        try:
            out = d.process(data, output_buffer_limit=min(max_out + 1, _CHUNK))
        except TypeError:
            # brotli < 1.2 has no output limit: a few input bytes can expand to hundreds of MB,
            # so it is not run at all.
            return Inflated(b"", "error", "brotli < 1.2 cannot bound its output; not decompressed")
        while True:
            parts.append(out)
            total += len(out)
            if total > max_out:
                return Inflated(_cut(parts, max_out), "limit")
            if d.can_accept_more_data():
                break
            out = d.process(b"", output_buffer_limit=min(max_out - total + 1, _CHUNK))
    except brotli.error as e:
        return Inflated(b"".join(parts), "error", str(e) or "invalid brotli data")
    if not d.is_finished():
        return Inflated(b"".join(parts), "error", "truncated stream")
    return Inflated(b"".join(parts), "ok")


def _zstd(data: bytes, max_out: int) -> Inflated:
    parts: list[bytes] = []
    total = 0
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True)
        while True:
            out = reader.read(min(max_out - total + 1, _CHUNK))
            if not out:
                break
            parts.append(out)
            total += len(out)
            if total > max_out:
                return Inflated(_cut(parts, max_out), "limit")
    except zstandard.ZstdError as e:
        return Inflated(b"".join(parts), "error", str(e))
    return Inflated(b"".join(parts), "ok")


def _cut(parts: list[bytes], n: int) -> bytes:
    return b"".join(parts)[:n]
