"""What every decoder shares: the limits, the per-record decoding state (`_Ctx`: leaves, blobs,
notes, budgets), and the text checks speculative decoders use.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from ..location import Location
from ..model import Blob, Decoded, Leaf


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    """Bounds on the work and memory one record may cost. All sizes are in bytes."""

    max_depth: int = 32
    """Nesting levels: each container level (JSON object/array, protobuf message, ...) and each
    decoding step (base64, gzip, a JSON string inside a field, ...) counts one."""
    max_leaves: int = 10_000
    """Leaves per record; decoding stops at this count. Padding cannot spend it before the values
    that carry data: past half of it, empty values and values already seen `fold_repeats` times
    are folded (counted, not made leaves), and its last tenth goes only to values that can carry
    an identifier (`_distinctive`). The limit note says what was not searched."""
    fold_repeats: int = 8
    """Under leaf pressure (see `max_leaves`), a value seen this often in the record is folded."""
    max_decoded_bytes: int = 32 << 20
    """Total bytes all decoders of one record may produce (decompression, base64, hex)."""
    max_decompressed_size: int = 8 << 20
    """Output of one decompression."""
    max_decompression_ratio: int = 200
    """Output / input of one decompression, enforced once the output passes 64 KiB."""
    max_value_length: int = 4096
    """Characters kept per leaf value; longer values are truncated (the full value is still
    decoded further)."""
    max_parse_size: int = 2 << 20
    """Largest buffer or string parsed as a structure (JSON, form, protobuf, ...); bigger ones are
    kept as a blob plus a truncated text leaf. msgpack and CBOR, whose one-byte values become
    50-byte Python objects, get a quarter of it. Parsing costs up to ~30x this in memory for
    pathological JSON (`[{},{},...]`), about 3x for typical bodies."""
    max_nodes: int = 50_000
    """Values visited in parsed structures (containers, nulls and scalars), which bounds the walk
    over structures that yield few leaves (`[[],[],...]`)."""
    max_notes: int = 100
    """Notes kept; the rest are counted in a final note."""


_RATIO_FLOOR = 64 << 10


_TEXT_HINTS = frozenset({"json", "ndjson", "form", "text"})


_BINARY_LEAF_MAX = 64
"""Binary values up to this many bytes also become a hex leaf (ids, MACs, hashes); longer ones are
blobs only."""


_WS = " \t\r\n"


_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


_B64_TO_STD = str.maketrans("-_", "+/")


def _ctrl_ratio_ok(text: str, max_ratio: float) -> bool:
    sample = text if len(text) <= 8192 else text[:8192]
    if not sample:
        return True
    bad = len(_CTRL.findall(sample))
    return bad <= len(sample) * max_ratio


def _strict_text(data: bytes, min_len: int = 3) -> str | None:
    """Text from speculatively decoded bytes: strict UTF-8, printable (short) or at most 5 %
    control characters (long)."""
    if len(data) < min_len:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(text) < 24:
        return text if text.isprintable() else None
    return text if _ctrl_ratio_ok(text, 0.05) else None


_WORDY = frozenset(string.ascii_letters + string.digits + " -_.,:;@/+'!?()=#&*")


def _speculative_text(data: bytes) -> str | None:
    """Text from the output of a speculative decoder (base64, hex): as `_strict_text`, and when
    short (under 24 characters) at least 6 characters, 90 % of them letters, digits, spaces or
    common punctuation (non-ASCII ones must be letters). Random bytes almost never pass: measured
    on random 6-48 byte strings, fewer than 1 in 1,000."""
    text = _strict_text(data, 6)
    if text is None or len(text) >= 24:
        return text
    if len(text) < 6:
        return None
    good = 0
    for c in text:
        if c in _WORDY:
            good += 1
        elif c.isascii() or not c.isalpha():
            continue
        else:
            good += 1
    return text if good >= 0.9 * len(text) else None


def _big_int_text(v: int) -> str:
    if -(10**18) < v < 10**18:
        return str(v)
    try:
        return str(v)
    except ValueError:  # more digits than int_max_str_digits
        return hex(v)


class _Stop(Exception):
    """Leaf limit reached: unwind to decode_record."""


def _distinctive(value: str) -> bool:
    """A value long and varied enough to carry an identifier, a hash, an email or a location."""
    return len(value) >= 6 and len(set(value[:64])) > 2


class _Ctx:
    __slots__ = (
        "lim",
        "out",
        "leaves_left",
        "nodes_left",
        "budget",
        "notes_dropped",
        "inflate_status",
        "seen",
        "folded",
        "skipped",
    )

    def __init__(self, lim: DecodeLimits) -> None:
        self.lim = lim
        self.out = Decoded()
        self.leaves_left = lim.max_leaves
        self.nodes_left = lim.max_nodes
        self.budget = lim.max_decoded_bytes
        self.notes_dropped = 0
        self.inflate_status = ""
        self.seen: dict[str, int] = {}
        self.folded = 0
        """Empty or repeated values not made leaves under leaf pressure."""
        self.skipped = 0
        """Short or uniform values not made leaves in the last tenth of the leaf budget."""

    def unsearched(self) -> str:
        parts = []
        if self.folded:
            parts.append(f"{self.folded} empty or repeated values folded")
        if self.skipped:
            parts.append(f"{self.skipped} short values (under 6 characters) not searched")
        return "; ".join(parts)

    def note(self, text: str) -> None:
        if len(self.out.notes) < self.lim.max_notes:
            self.out.notes.append(text)
        else:
            self.notes_dropped += 1

    def leaf(self, loc: Location, key: str | None, value: str, chain: tuple[str, ...]) -> None:
        if self.leaves_left <= 0:
            unsearched = self.unsearched()
            self.note(
                f"max_leaves {self.lim.max_leaves} reached at {loc}: remaining values not decoded"
                + (f" (before it: {unsearched})" if unsearched else "")
            )
            self.folded = self.skipped = 0
            raise _Stop
        if self.leaves_left <= self.lim.max_leaves // 2:
            # Under pressure: padding must not spend what the values after it need.
            if not value.strip():
                self.folded += 1
                return
            seen = self.seen.get(value, 0)
            self.seen[value] = seen + 1
            if seen >= self.lim.fold_repeats:
                self.folded += 1
                return
            if self.leaves_left <= self.lim.max_leaves // 10 and not _distinctive(value):
                self.skipped += 1
                return
        else:
            self.seen[value] = self.seen.get(value, 0) + 1
        self.leaves_left -= 1
        if len(value) > self.lim.max_value_length:
            self.note(
                f"max_value_length {self.lim.max_value_length} at {loc}: value of {len(value)} characters truncated"
            )
            value = value[: self.lim.max_value_length]
        self.out.leaves.append(Leaf(loc, key, value, chain))

    def visit(self, loc: Location) -> None:
        """Count one value of a parsed structure against `max_nodes`."""
        self.nodes_left -= 1
        if self.nodes_left < 0:
            self.note(f"max_nodes {self.lim.max_nodes} reached at {loc}: remaining values not decoded")
            raise _Stop

    def blob(self, loc: Location, data: bytes, chain: tuple[str, ...]) -> None:
        if data:
            self.out.blobs.append(Blob(loc, data, chain))

    def deep(self, depth: int, loc: Location, what: str) -> bool:
        """True (and a note) when `depth` is past the limit."""
        if depth > self.lim.max_depth:
            self.note(f"max_depth {self.lim.max_depth} at {loc}: {what} not decoded")
            return True
        return False

    def spend(self, n: int, loc: Location, what: str) -> bool:
        """Take `n` bytes from the decoded-bytes budget; False (and a note) when it is exhausted."""
        if n > self.budget:
            self.note(
                f"max_decoded_bytes {self.lim.max_decoded_bytes} at {loc}: {what} of {n} bytes not decoded"
            )
            return False
        self.budget -= n
        return True
