"""Decoder `multipart`: `multipart/form-data` bodies, one location per part."""

from __future__ import annotations

import re

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx
from ._dispatch import _bytes, _content_hint


def _multipart(
    ctx: _Ctx, data: bytes, ctype: str, base: Location, chain: tuple[str, ...], depth: int
) -> bool:
    m = re.search(r'boundary=(?:"([^"]+)"|([^\s;,]+))', ctype, re.I)
    if not m:
        ctx.note(f"multipart at {base}: no boundary in Content-Type; sniffed instead")
        return False
    delim = b"--" + (m.group(1) or m.group(2)).encode("latin-1", "replace")
    parts: list[tuple[str, str | None, str, bytes]] = []
    pos = data.find(delim)
    if pos < 0:
        ctx.note(f"multipart at {base}: boundary not found; sniffed instead")
        return False
    while True:
        start = pos + len(delim)
        if data.startswith(b"--", start):
            break
        nxt = data.find(delim, start)
        chunk = data[start:] if nxt < 0 else data[start:nxt]
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        elif chunk.startswith(b"\n"):
            chunk = chunk[1:]
        head, sep, body = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, body = chunk.partition(b"\n\n")
        if nxt >= 0:
            if body.endswith(b"\r\n"):
                body = body[:-2]
            elif body.endswith(b"\n"):
                body = body[:-1]
        name, filename, pctype = "", None, ""
        for line in head.decode("utf-8", "replace").splitlines():
            hname, _, hval = line.partition(":")
            hname = hname.strip().lower()
            if hname == "content-disposition":
                nm = re.search(r'(?<![\w*])name="([^"]*)"|(?<![\w*])name=([^;\s]+)', hval)
                fn = re.search(r'filename="([^"]*)"|filename=([^;\s]+)', hval)
                if nm:
                    name = nm.group(1) if nm.group(1) is not None else nm.group(2)
                if fn:
                    filename = fn.group(1) if fn.group(1) is not None else fn.group(2)
            elif hname == "content-type":
                pctype = hval.strip()
        parts.append((name, filename, pctype, body))
        if nxt < 0:
            ctx.note(f"multipart at {base}: closing boundary missing (truncated body?)")
            break
        pos = nxt
    counts: dict[str, int] = {}
    for name, *_ in parts:
        counts[name] = counts.get(name, 0) + 1
    seen: dict[str, int] = {}
    head_loc = base.step("multipart")
    sub_chain = chain + ("multipart",)
    for name, filename, pctype, body in parts:
        loc = head_loc.param(name)
        if counts[name] > 1:
            i = seen.get(name, 0)
            seen[name] = i + 1
            loc = loc.index(i)
        hint = _content_hint(pctype)
        if filename is not None:
            ctx.blob(loc, body, sub_chain)
            if filename:
                ctx.leaf(loc.step("filename"), name, filename, sub_chain)
        if hint == "multipart":
            if ctx.deep(depth + 1, loc, "nested multipart"):
                continue
            if _multipart(ctx, body, pctype, loc, sub_chain, depth + 1):
                continue
            hint = None
        _bytes(ctx, body, loc, loc, sub_chain, name, depth, hint=hint, blob=False, file=filename is not None)
    return True


register(Registered("multipart", 10, _multipart, lambda ct: "multipart/" in ct))
