"""Decoder `grpc`: gRPC / gRPC-web length-prefixed frames, each a protobuf message."""

from __future__ import annotations

from ..location import Location
from . import _decompress as _cz
from ._api import Registered, register
from ._compress import _inflate
from ._context import _Ctx
from ._dispatch import _bytes
from ._form import _flat


def _grpc(ctx: _Ctx, data: bytes, encoding: str, base: Location, chain: tuple[str, ...], depth: int) -> bool:
    frames = []
    pos = 0
    while pos + 5 <= len(data):
        flag = data[pos]
        length = int.from_bytes(data[pos + 1 : pos + 5], "big")
        if flag & 0x7E or pos + 5 + length > len(data):
            break
        frames.append((flag, data[pos + 5 : pos + 5 + length]))
        pos += 5 + length
    if pos != len(data) or not frames:
        ctx.note(f"grpc at {base}: not gRPC length-prefixed frames; sniffed instead")
        return False
    sub_chain = chain + ("grpc",)
    for i, (flag, payload) in enumerate(frames):
        loc = base.step("grpc", i)
        if flag & 0x80:  # grpc-web trailers frame
            text = payload.decode("utf-8", "replace")
            pairs = [
                (k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in text.splitlines()) if k
            ]
            _flat(ctx, pairs, loc.step("trailer"), sub_chain, depth)
            continue
        pchain = sub_chain
        if flag & 1:
            coding = _cz.normalise(encoding) or "gzip"
            inner = _inflate(ctx, coding, payload, loc.step(coding), "grpc frame")
            if inner is None:
                ctx.blob(loc, payload, sub_chain)
                continue
            loc = loc.step(coding)
            pchain = sub_chain + (coding,)
            payload = inner
        ctx.blob(loc, payload, pchain)
        _bytes(ctx, payload, loc, loc, pchain, None, depth, hint="protobuf", blob=False)
    return True


register(Registered("grpc", 50, _grpc, lambda ct: "grpc" in ct))
