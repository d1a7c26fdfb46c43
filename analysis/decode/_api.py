"""The decoder protocol and the registry every format module adds itself to.

A decoder has a `name` (the step it writes into locations and `Leaf.decoding`, e.g. `json`), a
`priority` (lower first) that orders the Content-Type claims, `claims(content_type)` (the
lower-cased Content-Type; `False` for decoders only reached by sniffing or from inside a value),
and `decode`, the format's entry point the dispatcher calls. The registry is consulted once per
body (and per multipart part), never per value: the dispatcher binds the decoders' functions
directly. Where to add a decoder: docs/decode.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Decoder(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def priority(self) -> int: ...
    def claims(self, content_type: str) -> bool: ...
    @property
    def decode(self) -> Callable[..., Any]: ...


def _never(content_type: str) -> bool:
    return False


@dataclass(frozen=True)
class Registered:
    """A decoder as a format module registers it."""

    name: str
    priority: int
    decode: Callable[..., Any]
    content_type: Callable[[str], bool] = _never

    def claims(self, content_type: str) -> bool:
        return self.content_type(content_type)


_REGISTRY: dict[str, Decoder] = {}
_by_priority: tuple[Decoder, ...] = ()


def register(decoder: Decoder) -> Decoder:
    """Add `decoder`; a second decoder with the same name is a programming error."""
    global _by_priority
    if decoder.name in _REGISTRY:
        raise ValueError(f"decoder {decoder.name!r} registered twice")
    _REGISTRY[decoder.name] = decoder
    _by_priority = tuple(sorted(_REGISTRY.values(), key=lambda d: (d.priority, d.name)))
    return decoder


def decoders() -> tuple[Decoder, ...]:
    """Every registered decoder, by priority."""
    return _by_priority


def get(name: str) -> Decoder:
    return _REGISTRY[name]


def content_type_decoder(content_type: str) -> str | None:
    """The name of the decoder a (lower-cased, non-empty) Content-Type declares, or None."""
    for decoder in _by_priority:
        if decoder.claims(content_type):
            return decoder.name
    return None
