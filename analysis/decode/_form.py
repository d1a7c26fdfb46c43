"""Decoder `form`: `k=v&k2=v2` bodies and strings, and the flat name/value lists the query, headers
and cookies are read as.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, unquote_plus

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx
from ._dispatch import _string

_FORM_KEY = re.compile(r"[A-Za-z_][\w.\-\[\]]{0,63}")


def _split_pairs(text: str, sep: str, plus: bool, limit: int) -> list[tuple[str, str]]:
    """At most `limit` + 1 pairs: `_flat` counts each pair against `max_nodes`, so with `limit` =
    nodes left the cut is always past the point where decoding stops with a note."""
    unq = unquote_plus if plus else unquote
    pairs = []
    limit = max(limit, 0) + 1
    for part in text.split(sep, limit)[:limit]:
        if not part:
            continue
        k, eq, v = part.partition("=")
        if not eq and "%3d" in k.lower():  # `name%3Dvalue`: the pair's `=` was percent-encoded
            k, eq, v = unq(k, errors="replace").partition("=")
            pairs.append((k, v))
            continue
        pairs.append((unq(k, errors="replace"), unq(v, errors="replace") if eq else ""))
    return pairs


def _flat(
    ctx: _Ctx,
    pairs: list[tuple[str, str]],
    head: Location,
    chain: tuple[str, ...],
    depth: int,
) -> None:
    """Leaves for a flat list of (name, value) pairs: repeated names get `[i]` on every occurrence."""
    counts: dict[str, int] = {}
    for k, _ in pairs:
        counts[k] = counts.get(k, 0) + 1
    seen: dict[str, int] = {}
    for k, v in pairs:
        loc = head.param(k)
        if counts[k] > 1:
            i = seen.get(k, 0)
            seen[k] = i + 1
            loc = loc.index(i)
        ctx.nodes_left -= 1
        if ctx.nodes_left < 0:
            ctx.visit(loc)
        _string(ctx, v, loc, loc, chain, k, depth)


def _form(
    ctx: _Ctx,
    text: str,
    base: Location,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
    *,
    lenient: bool,
    declared: bool = False,
) -> bool:
    """`k=v&k2=v2`; `lenient` for bodies (declared or sniffed), strict for nested strings;
    `declared` (Content-Type says form) also tolerates raw whitespace."""
    if len(text) > ctx.lim.max_parse_size or (not declared and any(c in text for c in " \t\r\n")):
        return False
    cap = max(ctx.nodes_left, 0) + 1
    raw = [p for p in text.split("&", cap)[:cap] if p]
    if not raw:
        return False
    bare = 0
    for p in raw:
        k, eq, _ = p.partition("=")
        if not k:
            return False
        bare += not eq
    # a body may have a name without `=` (`a=1&flag`, or a pair whose `=` the SDK percent-encoded):
    # still a form when most parts are pairs; a nested string must be pairs throughout
    if bare and (not lenient or len(raw) - bare < 2 or bare * 4 > len(raw)):
        return False
    if len(raw) == 1 and not declared and not raw[0].partition("=")[2].strip("="):
        return False  # "xyz=" or "xyz==": base64 padding, not a form
    if not lenient:
        if len(raw) == 1:
            k, _, v = raw[0].partition("=")
            if not _FORM_KEY.fullmatch(k) or not v.strip("="):
                return False
        elif not all(_FORM_KEY.fullmatch(unquote_plus(p.partition("=")[0])) for p in raw[:8]):
            return False
    loc = base.step("form")
    if ctx.deep(depth + 1, loc, "form data"):
        return True
    _flat(ctx, _split_pairs(text, "&", True, ctx.nodes_left), loc, chain + ("form",), depth + 1)
    return True


register(Registered("form", 20, _form, lambda ct: "x-www-form-urlencoded" in ct))
