"""Transforms without a structure: `url` (a URL's query in a string), `percent`, `base64` /
`base64url`, `hex`, `reversed`; LZ-String-compressed JSON goes to `_lzstring`.
"""

from __future__ import annotations

import binascii
import re
from urllib.parse import unquote

from ..location import Location
from . import _decompress as _cz
from ._api import Registered, register
from ._context import _B64_TO_STD, _Ctx, _speculative_text
from ._dispatch import _bytes, _string
from ._form import _flat, _split_pairs
from ._lzstring import _lzstring

_B64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


_B64URL = re.compile(r"[A-Za-z0-9_\-]+={0,2}")


_HEXCHARS = re.compile(r"[0-9A-Fa-f]+")


_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


_PCT = re.compile(r"%[0-9A-Fa-f]{2}")


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,20}://[^\s?#]*\?([^\s#]*)")


def _opaque(ctx: _Ctx, s: str, base: Location, chain: tuple[str, ...], key: str | None, nd: int) -> None:
    """Transforms without structure: URL query, percent-encoding, base64, hex."""
    n = len(s)
    if n < 8:
        if "%" in s and _PCT.search(s):
            _percent(ctx, s, base, chain, key, nd)
        return
    if "?" in s and "://" in s:
        m = _URL.match(s)
        if m and m.group(1):
            head = base.step("url")
            if not ctx.deep(nd, head, "URL query"):
                _flat(
                    ctx,
                    _split_pairs(m.group(1), "&", True, ctx.nodes_left),
                    head,
                    chain + ("url",),
                    nd,
                )
            return
    if "%" in s:
        if _PCT.search(s):
            _percent(ctx, s, base, chain, key, nd)
        return
    if s.isdigit() or s.isalpha():
        return
    if _HEXCHARS.fullmatch(s):  # ids and hashes are never base64
        if not n & 1:
            _hex(ctx, s, base, chain, key, nd)
        return
    if s[0] == "N" and _lzstring(ctx, s, base, chain, key, nd):
        return  # LZ-String-compressed JSON (`compressToBase64` / `…EncodedURIComponent`)
    if s[0] == "=" and n >= 16:
        # padding first: base64 written backwards, a cheap obfuscation of request bodies
        rev = s[::-1]
        if _B64.fullmatch(rev) or _B64URL.fullmatch(rev):
            _base64(ctx, rev, base.step("reversed"), chain + ("reversed",), key, nd)
        return
    if (n & 3) != 1:
        if _B64.fullmatch(s) or _B64URL.fullmatch(s):
            if not _UUID.fullmatch(s):
                before = len(ctx.out.leaves)
                _base64(ctx, s, base, chain, key, nd)
                if n >= 32 and not n & 3 and len(ctx.out.leaves) == before:
                    # not base64 forwards: maybe written backwards without padding to show
                    _base64(ctx, s[::-1], base.step("reversed"), chain + ("reversed",), key, nd)
        elif " " in s and _B64.fullmatch(plus := s.replace(" ", "+")):
            # base64 sent unescaped in a query or form value: its "+" were read as spaces.
            _base64(ctx, plus, base, chain, key, nd)


def _percent(ctx: _Ctx, s: str, base: Location, chain: tuple[str, ...], key: str | None, nd: int) -> None:
    dec = unquote(s, errors="replace")
    if dec == s:
        return
    loc = base.step("percent")
    if ctx.deep(nd, loc, "percent-encoded string"):
        return
    _string(ctx, dec, loc, loc, chain + ("percent",), key, nd)


def _base64(ctx: _Ctx, s: str, base: Location, chain: tuple[str, ...], key: str | None, nd: int) -> None:
    body = s.rstrip("=")
    pad = -len(body) & 3
    if len(s) - len(body) not in (0, pad):
        return
    url = "-" in body or "_" in body
    name = "base64url" if url else "base64"
    loc = base.step(name)
    std = body.translate(_B64_TO_STD) if url else body
    try:
        data = binascii.a2b_base64(std + "=" * pad, strict_mode=True)
    except (binascii.Error, ValueError):
        return
    # Only canonical encodings (unused trailing bits zero): what every real encoder produces, and
    # a cheap filter against ordinary identifiers that happen to use the alphabet.
    if binascii.b2a_base64(data, newline=False).decode("ascii").rstrip("=") != std:
        return
    if ctx.deep(nd, loc, "base64 string"):
        return
    if not ctx.spend(len(data), loc, "base64 output"):
        return
    if not _bytes(ctx, data, loc, loc, chain + (name,), key, nd, strict=True, blob=True):
        ctx.budget += len(data)


def _hex(ctx: _Ctx, s: str, base: Location, chain: tuple[str, ...], key: str | None, nd: int) -> None:
    data = bytes.fromhex(s)
    if not (data[:1] in (b"{", b"[") or _cz.sniff(data) or _speculative_text(data) is not None):
        return
    loc = base.step("hex")
    if ctx.deep(nd, loc, "hex string"):
        return
    if not ctx.spend(len(data), loc, "hex output"):
        return
    if not _bytes(ctx, data, loc, loc, chain + ("hex",), key, nd, strict=True, blob=True, hint="bytes"):
        ctx.budget += len(data)


register(Registered("url", 100, _opaque))
register(Registered("percent", 100, _percent))
register(Registered("base64", 100, _base64))
register(Registered("base64url", 100, _base64))
register(Registered("hex", 100, _hex))
register(Registered("reversed", 100, _base64))
