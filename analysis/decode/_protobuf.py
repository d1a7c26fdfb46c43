"""Decoder `protobuf`: messages without a schema, declared or guessed (wire format in `_wire`)."""

from __future__ import annotations

from ..location import Location
from . import _wire as wire
from ._api import Registered, register
from ._context import _Ctx, _strict_text
from ._dispatch import _bytes, _string


def _protobuf(
    ctx: _Ctx,
    data: bytes,
    base: Location,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
    *,
    declared: bool,
    blob: bool = False,
    speculative: bool = False,
) -> bool:
    """A protobuf message, `declared` by the Content-Type or guessed. `speculative` (the bytes
    came out of a base64/hex guess): the message must also hold a text or message field, since
    short random strings decode to bytes that often parse as a few varints."""
    keep = max(ctx.nodes_left, 0)
    if declared:
        fields = wire.parse_message(data, keep=keep, validate_rest=False)
    else:
        fields = _guess_pb(data, keep=keep)
        if (
            fields is not None
            and speculative
            and not any(
                wt == wire.WIRE_LEN and v and (_strict_text(v, 1) is not None or _guess_pb(v, 2) is not None)  # type: ignore[arg-type]
                for _, wt, v in fields
            )
        ):
            fields = None
    if fields is None:
        if declared:
            ctx.note(f"protobuf at {base}: declared protobuf but not a valid message; sniffed instead")
        return False
    if blob:
        ctx.blob(base, data, chain)
    head = base.step("protobuf")
    if ctx.deep(depth + 1, head, "protobuf message"):
        return True
    _pb_walk(ctx, fields, head, chain + ("protobuf",), depth + 1)
    return True


def _guess_pb(
    data: bytes, lookahead: int = 8, keep: int | None = None
) -> list[tuple[int, int, int | bytes]] | None:
    """A strict protobuf guess (see `_wire`); a message made of one length-delimited field
    is checked `lookahead` levels down."""
    fields = wire.parse_message(data, wire.GUESS_MAX_FIELD, keep)
    if fields is None or not wire.in_field_order(fields):
        return None
    if len(fields) == 1:
        # A lone scalar is what random bytes most often parse as; a lone length-delimited field
        # must hold text or a message.
        _, wt, v = fields[0]
        if wt != wire.WIRE_LEN or not v:
            return None
        if lookahead and _strict_text(v, 1) is None and _guess_pb(v, lookahead - 1) is None:  # type: ignore[arg-type]
            return None
    return fields


def _pb_walk(
    ctx: _Ctx,
    fields: list[tuple[int, int, int | bytes]],
    at: Location,
    chain: tuple[str, ...],
    depth: int,
) -> None:
    """Leaves of a message's fields; `at` is the message (the `protobuf` step or a field)."""
    counts: dict[int, int] = {}
    for f, _, _ in fields:
        counts[f] = counts.get(f, 0) + 1
    seen: dict[int, int] = {}
    for f, wt, v in fields:
        k = str(f)
        loc = at.key(k)
        if counts[f] > 1:
            i = seen.get(f, 0)
            seen[f] = i + 1
            loc = loc.index(i)
        ctx.nodes_left -= 1
        if ctx.nodes_left < 0:
            ctx.visit(loc)
        if wt == wire.WIRE_VARINT:
            ctx.leaf(loc, k, wire.varint_text(v), chain)  # type: ignore[arg-type]
        elif wt == wire.WIRE_FIXED64:
            ctx.leaf(loc, k, wire.fixed64_text(v), chain)  # type: ignore[arg-type]
        elif wt == wire.WIRE_FIXED32:
            ctx.leaf(loc, k, wire.fixed32_text(v), chain)  # type: ignore[arg-type]
        else:
            b: bytes = v  # type: ignore[assignment]
            if not b:
                ctx.leaf(loc, k, "", chain)
                continue
            # Printable text can parse as a message ("8080" is {7: 48, 7: 48}) and a message with a
            # string field can be printable ('"$' + a UUID): a message wins only when it has a
            # length-delimited field, which text almost never forms by chance.
            sub = _guess_pb(b, keep=max(ctx.nodes_left, 0))
            text = None
            if sub is None or all(w != wire.WIRE_LEN for _, w, _ in sub):
                text = _strict_text(b, 1)
            if text is not None:
                _string(ctx, text, loc, loc, chain, k, depth)
            elif sub is not None:
                if ctx.deep(depth + 1, loc, "nested message"):
                    continue
                _pb_walk(ctx, sub, loc, chain, depth + 1)
            else:
                _bytes(ctx, b, loc, loc, chain, k, depth, blob=True)


register(
    Registered(
        "protobuf",
        60,
        _protobuf,
        lambda ct: "protobuf" in ct or "proto" in ct.split(";")[0].rsplit("/", 1)[-1],
    )
)
