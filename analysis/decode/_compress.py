"""Decoder `gzip` / `deflate` / `br` / `zstd`: decompression within the limits (as a Content-Encoding
or found by its magic bytes inside a value). The bounded decompressors are in `_decompress`.
"""

from __future__ import annotations

from ..location import Location
from . import _decompress as _cz
from ._api import Registered, register
from ._context import _RATIO_FLOOR, _Ctx


def _inflate(
    ctx: _Ctx, coding: str, data: bytes, loc: Location, what: str, *, quiet: bool = False
) -> bytes | None:
    """Decompress within the limits; None (with a note) when it failed or hit a limit. `quiet`:
    no note for data that is simply not compressed (a sniffed magic that was a coincidence); a
    limit hit is always noted."""
    lim = ctx.lim
    by_ratio = max(_RATIO_FLOOR, len(data) * lim.max_decompression_ratio)
    cap = min(lim.max_decompressed_size, by_ratio, ctx.budget)
    res = _cz.inflate(coding, data, cap)
    ctx.inflate_status = res.status
    if res.status == "limit":
        if cap == ctx.budget and cap < min(lim.max_decompressed_size, by_ratio):
            which = f"max_decoded_bytes {lim.max_decoded_bytes}"
        elif by_ratio < lim.max_decompressed_size:
            which = f"max_decompression_ratio {lim.max_decompression_ratio}"
        else:
            which = f"max_decompressed_size {lim.max_decompressed_size}"
        ctx.note(
            f"{which} at {loc}: {coding} {what} of {len(data)} bytes inflates past {cap} bytes"
            " (decompression bomb?); not decoded"
        )
        ctx.budget -= min(len(res.data), ctx.budget)
        return None
    if res.status == "error" or not res.data:
        if not quiet:
            ctx.note(f"{coding} {what} at {loc}: invalid ({res.detail or 'empty output'}); not decoded")
        return None
    ctx.budget -= len(res.data)
    return res.data


register(Registered("gzip", 100, _inflate))
register(Registered("deflate", 100, _inflate))
register(Registered("br", 100, _inflate))
register(Registered("zstd", 100, _inflate))
