"""Decoder `strings`: text written after its length in a binary body no other decoder opened."""

from __future__ import annotations

import re

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx
from ._dispatch import _string

_MEDIA_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"RIFF",
    b"PK\x03\x04",
    b"%PDF",
    b"\x1a\x45\xdf\xa3",
    b"OggS",
)


_LP_MIN = 4


_LP_MAX = 4096


_LP_SCAN = 1 << 18


_RUN_RE = re.compile(rb"(?:[\x20-\x7e]|[\xc2-\xf4][\x80-\xbf]{1,3}){%d,}" % _LP_MIN)
"""Printable text of at least `_LP_MIN` characters (ASCII or UTF-8 sequences)."""


_LP_NAME = re.compile(r"[a-z_][a-z0-9_.\-]{1,31}")


def _printable(chunk: bytes) -> str | None:
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text[0].isspace() or not text.replace("\n", " ").replace("\t", " ").isprintable():
        return None  # (a string starting with white space is a misread prefix)
    if not any(c.isalnum() for c in text):
        return None
    return text


def _length_prefixed(ctx: _Ctx, data: bytes, base: Location, chain: tuple[str, ...], depth: int) -> None:
    """Strings written after their length (one byte, or a two-byte varint) in a binary body no
    decoder opened (`\\x04city\\x06Berlin`): how many SDKs' own binary formats carry text. Each
    becomes a leaf `strings:[i]`; a name-shaped string directly followed by another is a pair
    `strings:[i][0]` / `strings:[i][1]`, read like any `[name, value]` array. Media files are not
    scanned; the blob stays for known-value search."""
    if data.startswith(_MEDIA_MAGIC) or data[4:8] == b"ftyp":
        return
    n = min(len(data), _LP_SCAN)

    def string_at(i: int) -> tuple[int, str] | None:
        length, start = data[i], i + 1
        if length & 0x80:
            if i + 1 >= n:
                return None
            length, start = (length & 0x7F) | (data[i + 1] << 7), i + 2
        if _LP_MIN <= length <= _LP_MAX and start + length <= n:
            text = _printable(data[start : start + length])
            if text is not None:
                return start + length, text
        return None

    found: list[tuple[int, int, str]] = []
    done = 0
    # only where printable text starts (found in C by the regex) can a string's prefix be: its
    # two bytes before, or the run's own first byte (a printable length)
    for run in _RUN_RE.finditer(data, 0, n):
        i, stop = max(run.start() - 2, done), run.end()
        while i < stop:
            hit = string_at(i)
            if hit is not None:
                # a printable length byte (`\n` = 10) before the real prefix: the longer string wins
                longer = string_at(i + 1) if i + 1 < n else None
                if longer is not None and longer[0] > hit[0]:
                    i += 1
                    continue
                found.append((i, hit[0], hit[1]))
                i = hit[0]
                continue
            i += 1
        done = max(done, i)
    # strings must be a fair share of the body: random or encrypted bytes hold a few by chance
    if not found or sum(end - start for start, end, _ in found) * 10 < n:
        return
    loc = base.step("strings")
    if ctx.deep(depth + 1, loc, "length-prefixed strings"):
        return
    sub = chain + ("strings",)
    k = j = 0
    while k < len(found):
        _, end, text = found[k]
        if k + 1 < len(found) and found[k + 1][0] == end and _LP_NAME.fullmatch(text):
            pair = loc.index(j)
            ctx.leaf(pair.index(0), None, text, sub)
            item = pair.index(1)
            _string(ctx, found[k + 1][2], item, item, sub, None, depth + 1)
            k += 2
        else:
            item = loc.index(j)
            _string(ctx, text, item, item, sub, None, depth + 1)  # JSON or a form inside is read too
            k += 1
        j += 1


register(Registered("strings", 100, _length_prefixed))
