"""Record -> Decoded: every value an outgoing request or WebSocket message carries, unwrapped.

`decode_record(record, limits)` walks the URL (path segments, query), the headers, the cookies and
the body, and follows every encoding it recognises, to any depth, within `DecodeLimits`. It never
raises: garbage, truncated or hostile input gives fewer leaves and a note, not an exception.

Output
------
- `Leaf(location, key, value, decoding)`: one scalar. `value` is text: strings as they are (escape
  sequences and all; sanitising is the display's job), numbers and booleans as their JSON text,
  binary values as lowercase hex (their `decoding` then ends in `"bytes"`). JSON `null` gives no leaf.
  `key` is the innermost field name the value was stored under (array items inherit it).
- `Blob(location, data, decoding)`: raw bytes for a byte-level known-value search: the body (or
  WebSocket message) as received, and every byte string a decoder produced on the way
  (decompressed body, base64 / hex output, multipart file parts, protobuf / msgpack / CBOR bytes).
- `notes`: every limit hit and every part skipped, with the limit's name and the location.

Location notation
-----------------
A location names a *part* of the request, then the decoding *steps* that lead to the value::

    location := part ( ">" step )*          for query, path, header and cookie parts
              | ("body" | "ws") "." step ( ">" step )*
    part     := "query:" KEY | "path[" N "]" | "header:" NAME | "cookie:" NAME
    step     := DECODER [ ":" PATH ]

`DECODER` is the decoder's name exactly as it appears in `Leaf.decoding`, so the chain can be
read off the location, with one exception: a Content-Encoding (`record.content_encoding`, one the
proxy could not undo) is transport, so undoing it adds its name to the front of the chain but
no step to the location; the same request gets the same locations whether the proxy or the
decoder undid it. Compression found *inside* a value (by its magic bytes) is a step. Decoders with a structure carry a `PATH` inside it:

=============  ===========================================  ===============================
decoder        PATH                                         example
=============  ===========================================  ===============================
json           `a.b[0].c`; `[i]` for array items            `body.json:events[0].adid`
ndjson         `[line].a.b` (line = i-th JSON document)     `body.ndjson:[2].user_id`
form           the field name                               `body.form:extinfo>json:[3]`
multipart      the part's name                              `body.multipart:meta>json:os`
url            query parameter of a URL held in a string    `query:ref>url:gclid`
protobuf       field numbers, `.`-separated                 `body.protobuf:1.3[0].2`
msgpack, cbor  like json (non-string keys as text)          `ws.msgpack:ctx.device_id`
jwt            `header.<claim>` / `payload.<claim>`         `header:Authorization>jwt:payload.sub`
grpc           none; the frame is `grpc[i]`                 `body.grpc[0]>protobuf:2`
=============  ===========================================  ===============================

Transforms without a structure have no `PATH` and their output is a value at that location:
`base64`, `base64url` (when the string holds `-` or `_`), `hex`, `percent` (URL percent-decoding
of a string), `gzip`, `deflate`, `br`, `zstd`, `socketio` (a Socket.IO frame's numeric prefix
stripped), `strings` (text written after its length in a binary body no decoder opened:
`body.strings:[3]`, a name followed by a value `body.strings:[4][1]`), `reversed` (a string written backwards, read when it starts with base64 padding:
`body.text>reversed>base64>json:…`), and `text` (a body that is plain text, `body.text`). Two more location suffixes are not
decoders: `>filename` (a multipart file part's file name) and `>trailer:NAME` (gRPC-web trailers).
Examples::

    query:adid                                  plain query parameter (chain ())
    query:id[1]                                 second of repeated `id` parameters
    path[2]                                     third path segment (`/v1/users/<here>`)
    cookie:_fbp
    header:X-Device>base64>json:model           chain ("base64", "json")
    body.form:d>base64>json:user.id             chain ("form", "base64", "json")
    body.json:events[0].adid                    also when a Content-Encoding the proxy could not
                                                undo was undone here: chain ("gzip", "json")
    body.json:payload>base64>gzip>json:ifa      gzip inside a base64 field
    body.protobuf:4.1>json:email                JSON in a protobuf string field
    body.text                                   a plain-text body (chain ("text",))
    body.text>base64>json:adid                  a body that is base64 of JSON
    body.multipart:log                          a file part (a blob; `>filename` its name)
    ws.socketio>json:[1].uid                    Socket.IO event on a WebSocket

Keys: repeated keys in flat namespaces (query, form, multipart, header, cookie) and repeated
protobuf fields get `[i]` on *every* occurrence (`query:id[0]`, `query:id[1]`); a key is written
bare unless it is empty, not printable, or contains whitespace, `"`, `\\`, `>`, `[` or `]` (and, in
nested paths, `.`), in which case it is written `["as a JSON string"]`: `body.json:a["x.y"]`.

The decoding chain of query, path, header and cookie values starts empty (they are not decoded;
query values and path segments are percent-decoded as part of reading the URL); body values start
with the body's format (`("json",)`, `("form",)`, ...). Values reached through an opaque transform
keep the raw string as a leaf too (`query:d` holds the base64 text and `query:d>base64>json:uid`
what it decodes to); strings that are a whole structure (JSON, form, JWT) are replaced by their
content. Headers in `TRANSPORT_HEADERS` (Host, Content-Length, Content-Type, ...) give no leaves;
`Authorization: Bearer|Basic|... <token>` is a leaf, and the token is decoded (JWT, base64).

What is decoded
---------------
- Body format from Content-Type *and* sniffing: JSON (any `*json*`), NDJSON, form-urlencoded,
  multipart, protobuf (`*protobuf*`, gRPC framing), msgpack, CBOR, text; when the header is absent
  or wrong the bytes are sniffed (JSON as text/plain or octet-stream is common).
- Nested strings are tried in a fixed order with cheap pre-checks: JSON (`{`/`[`), JWT (`eyJ…`),
  form (`k=v&k2=v2`), URL with a query, percent-encoding, base64 / base64url (padded or not), hex.
  Base64 is only tried on strings of 8+ characters in the alphabet with a valid length, and only
  accepted when the string is *canonical* base64 of printable UTF-8 text (short texts must also be
  at least 6 "wordy" characters), a JSON / protobuf / msgpack / CBOR structure, or compressed data.
  Pure hex strings (ids, hashes), digits, UUIDs and letters-only words are never taken as base64;
  hex is only accepted when it decodes to such text, JSON or compressed data. Measured on random
  tokens, ids and identifiers: about 1 in 5,000 short (6-9 byte) tokens still decodes to text.
- Protobuf without a schema (`analysis.wire`): varints as unsigned (negative int64 when the top
  bit is set), fixed64/fixed32 as a double/float when plausible else unsigned, length-delimited as
  text, a nested message or bytes. Guessed messages must parse completely, with field numbers in
  1..1000 in increasing order, and not be a lone scalar; out of base64/hex they must also hold a
  text or message field (declared `Content-Type: application/x-protobuf` bodies only need to
  parse).
- msgpack / CBOR are guessed only as one value filling the buffer that is a map (or array of
  maps) with text (or integer) keys.

Limits
------
See `DecodeLimits`. Every limit hit adds a note naming the limit (`max_depth`, `max_leaves`, ...),
its value and the location, e.g. ``max_depth 32 at body.json:a.b.c: object not decoded`` or
``max_decompressed_size 8388608 at body: gzip content-encoding of 1043656 bytes inflates past
8388608 bytes (decompression bomb?); not decoded``. Other notes: invalid UTF-8 replaced, JSON too
deep for the parser, a declared Content-Type that did not match, a capped body.

Decompression runs incrementally with an output cap (`analysis._decode_compress`), so a bomb costs
at most the cap. Parsed structures cost memory in proportion to `max_parse_size` (about 30x in
the worst case, `[{},{},...]`), and time in proportion to `max_nodes` and `max_leaves`.

WebSocket records decode only the message; the upgrade request is its own HTTP record.
"""

from __future__ import annotations

import binascii
import functools
import io
import json
import re
import string
from dataclasses import dataclass
from typing import cast
from urllib.parse import unquote, unquote_plus

import cbor2
import msgpack

from . import _decode_compress as _cz
from . import wire
from .model import Blob, Decoded, Leaf, Record

__all__ = ["DecodeLimits", "decode_record", "TRANSPORT_HEADERS"]


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


TRANSPORT_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "accept-encoding",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-connection",
        "content-encoding",
        "content-type",  # how the body is encoded, used to decode it
        "cookie",  # decoded as cookie:NAME
        ":authority",
        ":method",
        ":path",
        ":scheme",
        ":protocol",
    }
)
"""Request headers that carry no data about the user or device: transport and body framing
(Cookie is decoded as `cookie:NAME` instead)."""

_RATIO_FLOOR = 64 << 10
_TEXT_HINTS = frozenset({"json", "ndjson", "form", "text"})
_BINARY_LEAF_MAX = 64
"""Binary values up to this many bytes also become a hex leaf (ids, MACs, hashes); longer ones are
blobs only."""

# --------------------------------------------------------------------------------------------
# Pre-compiled checks


class _Num(str):
    """A JSON number / constant, kept as its source text."""

    __slots__ = ()


# Floats and constants keep their source text ("1.50", "1e400", "NaN"); ints are parsed as ints
# (small ones are shared objects, so a huge array of them stays cheap) and printed back exactly,
# except beyond int_max_str_digits, where the document is re-parsed keeping ints as text.
_json_raw_decode = json.JSONDecoder(parse_float=_Num, parse_constant=_Num).raw_decode
_json_raw_decode_text_ints = json.JSONDecoder(
    parse_float=_Num, parse_int=_Num, parse_constant=_Num
).raw_decode
_WS = " \t\r\n"

_BARE_FLAT = re.compile(r'[^\s"\\>\[\]]+')
_BARE_NESTED = re.compile(r'[^\s"\\>\[\].]+')
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_B64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_B64URL = re.compile(r"[A-Za-z0-9_\-]+={0,2}")
_HEXCHARS = re.compile(r"[0-9A-Fa-f]+")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_JWT = re.compile(r"(eyJ[A-Za-z0-9_\-]+)\.(eyJ[A-Za-z0-9_\-]*)\.[A-Za-z0-9_\-]*")
_AUTH = re.compile(r"(?i:bearer|basic|jwt|token|oauth)\s+(\S+)")
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
_FORM_KEY = re.compile(r"[A-Za-z_][\w.\-\[\]]{0,63}")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,20}://[^\s?#]*\?([^\s#]*)")
_SOCKETIO = re.compile(r"\d{1,3}(?=[\[{])")
_B64_TO_STD = str.maketrans("-_", "+/")


def _qflat(key: str) -> str:
    if _BARE_FLAT.fullmatch(key) and key.isprintable():
        return key
    return "[" + json.dumps(key, ensure_ascii=False) + "]"


def _qnested(prefix: str, key: str) -> str:
    seg = _nested_seg(key)
    if seg[0] == ".":
        return prefix + seg if prefix else seg[1:]
    return prefix + seg


@functools.lru_cache(maxsize=4096)
def _nested_seg(key: str) -> str:
    if _BARE_NESTED.fullmatch(key) and key.isprintable():
        return "." + key
    return "[" + json.dumps(key, ensure_ascii=False) + "]"


def _join(base: str, step: str) -> str:
    if base == "body" or base == "ws":
        return f"{base}.{step}"
    return f"{base}>{step}"


def _at(head: str, path: str) -> str:
    return f"{head}:{path}" if path else head


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


# --------------------------------------------------------------------------------------------
# Decoding context


def _distinctive(value: str) -> bool:
    """A value long and varied enough to carry an identifier, a hash, an email or a location."""
    return len(value) >= 6 and len(set(value[:64])) > 2


class _Ctx:
    __slots__ = ("lim", "out", "leaves_left", "nodes_left", "budget", "notes_dropped", "inflate_status",
                 "seen", "folded", "skipped")

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

    def leaf(self, loc: str, key: str | None, value: str, chain: tuple[str, ...]) -> None:
        if self.leaves_left <= 0:
            unsearched = self.unsearched()
            self.note(f"max_leaves {self.lim.max_leaves} reached at {loc}: remaining values not decoded"
                      + (f" (before it: {unsearched})" if unsearched else ""))
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

    def visit(self, loc: str) -> None:
        """Count one value of a parsed structure against `max_nodes`."""
        self.nodes_left -= 1
        if self.nodes_left < 0:
            self.note(f"max_nodes {self.lim.max_nodes} reached at {loc}: remaining values not decoded")
            raise _Stop

    def blob(self, loc: str, data: bytes, chain: tuple[str, ...]) -> None:
        if data:
            self.out.blobs.append(Blob(loc, data, chain))

    def deep(self, depth: int, loc: str, what: str) -> bool:
        """True (and a note) when `depth` is past the limit."""
        if depth > self.lim.max_depth:
            self.note(f"max_depth {self.lim.max_depth} at {loc}: {what} not decoded")
            return True
        return False

    def spend(self, n: int, loc: str, what: str) -> bool:
        """Take `n` bytes from the decoded-bytes budget; False (and a note) when it is exhausted."""
        if n > self.budget:
            self.note(
                f"max_decoded_bytes {self.lim.max_decoded_bytes} at {loc}: {what} of {n} bytes not decoded"
            )
            return False
        self.budget -= n
        return True


# --------------------------------------------------------------------------------------------
# Public entry point


def decode_record(record: Record, limits: DecodeLimits | None = None) -> Decoded:
    """Unwrap every value `record` carries into leaves, blobs and notes; never raises."""
    ctx = _Ctx(limits or DecodeLimits())
    stage = "url"
    try:
        if record.kind == "websocket":
            stage = "message"
            _decode_body(ctx, record, "ws")
        else:
            _decode_url(ctx, record.path)
            stage = "headers"
            _decode_headers(ctx, record.request_headers)
            stage = "body"
            _decode_body(ctx, record, "body")
    except _Stop:
        pass
    except RecursionError:
        ctx.note(f"recursion limit hit while decoding the {stage}: rest of it not decoded")
    except MemoryError:
        ctx.note(f"out of memory while decoding the {stage}: rest of it not decoded")
    except Exception as e:  # noqa: BLE001 - a decoder bug must not lose the record
        ctx.note(f"decoder error in the {stage}: {type(e).__name__}: {str(e)[:200]}")
    unsearched = ctx.unsearched()
    if unsearched:
        ctx.note(f"max_leaves {ctx.lim.max_leaves}: under leaf pressure, {unsearched}")
    if ctx.notes_dropped:
        ctx.out.notes.append(f"max_notes {ctx.lim.max_notes}: {ctx.notes_dropped} more notes not kept")
    return ctx.out


# --------------------------------------------------------------------------------------------
# URL, headers, cookies


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
    prefix: str,
    chain: tuple[str, ...],
    depth: int,
) -> None:
    """Leaves for a flat list of (name, value) pairs: repeated names get `[i]` on every occurrence."""
    counts: dict[str, int] = {}
    for k, _ in pairs:
        counts[k] = counts.get(k, 0) + 1
    seen: dict[str, int] = {}
    for k, v in pairs:
        loc = prefix + _qflat(k)
        if counts[k] > 1:
            i = seen.get(k, 0)
            seen[k] = i + 1
            loc = f"{loc}[{i}]"
        ctx.nodes_left -= 1
        if ctx.nodes_left < 0:
            ctx.visit(loc)
        _string(ctx, v, loc, loc, chain, k, depth)


def _decode_url(ctx: _Ctx, path: str) -> None:
    path, _, query = path.partition("?")
    path = path.partition("#")[0]
    query = query.partition("#")[0]
    if path.startswith(("http://", "https://")):  # absolute-form request target
        path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
    segments = path.split("/")[1:] if path.startswith("/") else path.split("/")
    for i, seg in enumerate(segments):
        if seg:
            value = unquote(seg, errors="replace")
            _string(ctx, value, f"path[{i}]", f"path[{i}]", (), None, 0)
    if query:
        _flat(ctx, _split_pairs(query, "&", True, ctx.nodes_left), "query:", (), 0)


def _decode_headers(ctx: _Ctx, headers: tuple[tuple[str, str], ...]) -> None:
    kept: list[tuple[str, str]] = []
    cookies: list[tuple[str, str]] = []
    for name, value in headers:
        lname = name.lower()
        if lname == "cookie":
            for part in value.split(";"):
                k, eq, v = part.strip().partition("=")
                if k or v:
                    v = v.strip()
                    if len(v) >= 2 and v[0] == v[-1] == '"':
                        v = v[1:-1]
                    cookies.append((k.strip(), v))
        elif lname not in TRANSPORT_HEADERS:
            kept.append((name, value))
    _flat(ctx, kept, "header:", (), 0)
    _flat(ctx, cookies, "cookie:", (), 0)


# --------------------------------------------------------------------------------------------
# Bodies


def _content_hint(ctype: str) -> str | None:
    ct = ctype.lower()
    if not ct:
        return None
    if "multipart/" in ct:
        return "multipart"
    if "x-www-form-urlencoded" in ct:
        return "form"
    if "ndjson" in ct or "jsonl" in ct or "json-seq" in ct or "jsonlines" in ct:
        return "ndjson"
    if "json" in ct:
        return "json"
    if "grpc" in ct:
        return "grpc"
    if "protobuf" in ct or "proto" in ct.split(";")[0].rsplit("/", 1)[-1]:
        return "protobuf"
    if "msgpack" in ct or "messagepack" in ct:
        return "msgpack"
    if "cbor" in ct:
        return "cbor"
    if ct.startswith("text/"):
        return "text"
    return None


def _decode_body(ctx: _Ctx, record: Record, base: str) -> None:
    data = record.body
    if not data:
        return
    ctx.blob(base, data, ())
    if record.body_size > len(data):
        ctx.note(f"body capped at {base}: {len(data)} of {record.body_size} bytes decoded")
    chain: tuple[str, ...] = ()
    if record.content_encoding:
        for token in reversed([t for t in record.content_encoding.split(",") if t.strip()]):
            coding = _cz.normalise(token)
            if coding == "":
                continue
            if coding is None:
                ctx.note(f"content-encoding {token.strip()!r} at {base}: not supported; body analysed as sent")
                break
            # Content-Encoding is transport, not content: undoing it here leaves locations as they
            # are when the proxy undid it, and shows only in the decoding chain.
            out = _inflate(ctx, coding, data, base, "content-encoding")
            if out is None:
                if ctx.inflate_status == "limit":
                    return
                # A declared encoding the body does not have must not hide it: analyse it as sent.
                ctx.note(f"content-encoding {coding} at {base}: the body is not {coding}; analysed as sent")
                break
            chain += (coding,)
            ctx.blob(base, out, chain)
            data = out
    ctype = "" if record.kind == "websocket" else (record.header("content-type") or "")
    hint = _content_hint(ctype)
    if hint == "multipart":
        if _multipart(ctx, data, ctype, base, chain, 1):
            return
        hint = None
    elif hint == "grpc":
        if _grpc(ctx, data, record.header("grpc-encoding") or "", base, chain, 1):
            return
        hint = None
    raw_loc = _join(base, "text")
    _bytes(ctx, data, base, raw_loc, chain, None, 0, hint=hint, top=True, ws=record.kind == "websocket")


def _inflate(
    ctx: _Ctx, coding: str, data: bytes, loc: str, what: str, *, quiet: bool = False
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


def _multipart(ctx: _Ctx, data: bytes, ctype: str, base: str, chain: tuple[str, ...], depth: int) -> bool:
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
    head_loc = _join(base, "multipart")
    sub_chain = chain + ("multipart",)
    for name, filename, pctype, body in parts:
        loc = f"{head_loc}:{_qflat(name)}"
        if counts[name] > 1:
            i = seen.get(name, 0)
            seen[name] = i + 1
            loc = f"{loc}[{i}]"
        hint = _content_hint(pctype)
        if filename is not None:
            ctx.blob(loc, body, sub_chain)
            if filename:
                ctx.leaf(f"{loc}>filename", name, filename, sub_chain)
        if hint == "multipart":
            if ctx.deep(depth + 1, loc, "nested multipart"):
                continue
            if _multipart(ctx, body, pctype, loc, sub_chain, depth + 1):
                continue
            hint = None
        _bytes(ctx, body, loc, loc, sub_chain, name, depth, hint=hint, blob=False, file=filename is not None)
    return True


def _grpc(ctx: _Ctx, data: bytes, encoding: str, base: str, chain: tuple[str, ...], depth: int) -> bool:
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
        loc = _join(base, f"grpc[{i}]")
        if flag & 0x80:  # grpc-web trailers frame
            text = payload.decode("utf-8", "replace")
            pairs = [
                (k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in text.splitlines()) if k
            ]
            _flat(ctx, pairs, f"{loc}>trailer:", sub_chain, depth)
            continue
        pchain = sub_chain
        if flag & 1:
            coding = _cz.normalise(encoding) or "gzip"
            inner = _inflate(ctx, coding, payload, _join(loc, coding), "grpc frame")
            if inner is None:
                ctx.blob(loc, payload, sub_chain)
                continue
            loc = _join(loc, coding)
            pchain = sub_chain + (coding,)
            payload = inner
        ctx.blob(loc, payload, pchain)
        _bytes(ctx, payload, loc, loc, pchain, None, depth, hint="protobuf", blob=False)
    return True


# --------------------------------------------------------------------------------------------
# Bytes and strings


def _bytes(
    ctx: _Ctx,
    data: bytes,
    base: str,
    raw_loc: str,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
    *,
    hint: str | None = None,
    strict: bool = False,
    top: bool = False,
    blob: bool = False,
    file: bool = False,
    ws: bool = False,
) -> bool:
    """Decode a byte string. `base` is where nested steps attach, `raw_loc` where a text/hex leaf
    goes. `strict` (output of a speculative decoder): accept only text, structures or compressed
    data, and emit nothing otherwise; returns whether anything was accepted. `blob`: add the bytes
    as a blob at `base` once accepted."""
    lim = ctx.lim
    n = len(data)
    if n == 0:
        if strict:
            return False
        if not top:
            ctx.leaf(raw_loc, key, "", chain)
        return True
    if n > lim.max_parse_size:
        if strict:
            ctx.note(f"max_parse_size {lim.max_parse_size} at {base}: {n} decoded bytes not inspected")
            return False
        ctx.note(f"max_parse_size {lim.max_parse_size} at {base}: {n} bytes kept as a blob, not parsed")
        if blob:
            ctx.blob(base, data, chain)
        head = data[: lim.max_value_length * 4].decode("utf-8", "replace")
        if _ctrl_ratio_ok(head, 0.1):
            ctx.leaf(raw_loc, key, head, chain + ("text",) if top else chain)
        return True

    # Compressed data, recognised by its magic bytes (brotli has none).
    coding = _cz.sniff(data)
    if coding is not None:
        loc = _join(base, coding)
        if ctx.deep(depth + 1, loc, f"{coding} data"):
            return not strict
        out = _inflate(ctx, coding, data, loc, "data", quiet=strict or coding == "deflate")
        if out is not None:
            if blob:
                ctx.blob(base, data, chain)
            sub = chain + (coding,)
            ctx.blob(loc, out, sub)
            _bytes(ctx, out, loc, loc, sub, key, depth + 1, hint=None if hint == "bytes" else hint)
            return True
        if strict:
            return False

    # Declared binary formats.
    if hint == "protobuf" and _protobuf(ctx, data, base, chain, key, depth, declared=True, blob=blob):
        return True
    if hint in ("msgpack", "cbor") and _packed(
        ctx, hint, data, base, chain, key, depth, declared=True, blob=blob
    ):
        return True

    # Text.
    text: str | None = None
    if strict:
        text = _strict_text(data)
        if text is not None and not (text[:1] in ("{", "[") and text.rstrip(_WS)[-1:] in ("}", "]")):
            text = _speculative_text(data)  # JSON-looking text is judged by the JSON parser
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if text is not None:
            if text.startswith("\ufeff"):
                text = text[1:]
            # Declared text and JSON-looking text are text whatever control characters they hold;
            # anything else must look like text.
            if not (hint in _TEXT_HINTS or text.lstrip(_WS)[:1] in ("{", "[") or _ctrl_ratio_ok(text, 0.1)):
                text = None
            elif hint not in _TEXT_HINTS and _CTRL.search(text[:8192]):
                # Valid UTF-8 with control characters: maybe a protobuf of long strings.
                if _protobuf(ctx, data, base, chain, key, depth, declared=False, blob=blob):
                    return True
    if text is not None:
        _text(ctx, text, data, base, raw_loc, chain, key, depth, hint, blob=blob, top=top, ws=ws)
        return True

    # Binary: guess a structure.
    if hint != "bytes":
        first = data[0]
        if 0x80 <= first <= 0xBB or first in (0xBF, 0xDC, 0xDD, 0xDE, 0xDF):  # msgpack/CBOR map or array
            for fmt in ("msgpack", "cbor"):
                if fmt != hint and _packed(
                    ctx, fmt, data, base, chain, key, depth, declared=False, blob=blob
                ):
                    return True
        if hint != "protobuf" and _protobuf(
            ctx, data, base, chain, key, depth, declared=False, blob=blob, speculative=strict
        ):
            return True
    if strict:
        return False
    if hint != "bytes":
        # Text with a few bad bytes (a truncated or mis-encoded body) is still worth reading.
        lossy = data.decode("utf-8", "replace")
        if lossy.count("\ufffd") <= max(2, len(lossy) // 50) and _ctrl_ratio_ok(lossy, 0.1):
            ctx.note(f"invalid UTF-8 at {base}: undecodable bytes replaced with U+FFFD")
            _text(ctx, lossy, data, base, raw_loc, chain, key, depth, hint, blob=blob, top=top, ws=ws)
            return True
    if blob:
        ctx.blob(base, data, chain)
    if top and not file and hint is None:
        _length_prefixed(ctx, data, base, chain, depth)
    if not top and not file and n <= _BINARY_LEAF_MAX:
        ctx.leaf(raw_loc, key, data.hex(), chain + ("bytes",))
    return True


_MEDIA_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"PK\x03\x04", b"%PDF", b"\x1a\x45\xdf\xa3", b"OggS")
_LP_MIN = 4
_LP_MAX = 4096
_LP_SCAN = 1 << 18
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


def _length_prefixed(ctx: _Ctx, data: bytes, base: str, chain: tuple[str, ...], depth: int) -> None:
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
    i = 0
    while i < n:
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
    if not found:
        return
    loc = _join(base, "strings")
    if ctx.deep(depth + 1, loc, "length-prefixed strings"):
        return
    sub = chain + ("strings",)
    k = j = 0
    while k < len(found):
        _, end, text = found[k]
        if k + 1 < len(found) and found[k + 1][0] == end and _LP_NAME.fullmatch(text):
            ctx.leaf(f"{loc}:[{j}][0]", None, text, sub)
            item = f"{loc}:[{j}][1]"
            _string(ctx, found[k + 1][2], item, item, sub, None, depth + 1)
            k += 2
        else:
            item = f"{loc}:[{j}]"
            _string(ctx, text, item, item, sub, None, depth + 1)  # JSON or a form inside is read too
            k += 1
        j += 1


def _text(
    ctx: _Ctx,
    text: str,
    data: bytes,
    base: str,
    raw_loc: str,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
    hint: str | None,
    *,
    blob: bool,
    top: bool,
    ws: bool,
) -> None:
    if blob:
        ctx.blob(base, data, chain)
    if top:
        _body_text(ctx, text, base, raw_loc, chain, depth, hint, ws)
    else:
        _string(ctx, text, base, raw_loc, chain, key, depth)


def _body_text(
    ctx: _Ctx,
    text: str,
    base: str,
    raw_loc: str,
    chain: tuple[str, ...],
    depth: int,
    hint: str | None,
    ws: bool,
) -> None:
    """A whole body (or multipart part) that is text: JSON, NDJSON, form, Socket.IO, or a string."""
    st = text.strip(_WS)
    c0 = st[:1]
    if c0 in ("{", "[") or hint in ("json", "ndjson"):
        obj = _json_loads(st)
        if obj is not _FAIL and obj is not _DEEP:
            _walk(ctx, obj, _join(base, "json"), "", chain + ("json",), None, depth + 1)
            return
        if obj is _DEEP:
            ctx.note(f"json at {base}: nested too deep to parse; kept as text")
            ctx.leaf(raw_loc, None, text, chain + ("text",))
            return
        if "\n" in st and _ndjson(ctx, st, base, chain, depth):
            return
        if hint in ("json", "ndjson"):
            ctx.note(f"json at {base}: declared JSON but not valid JSON; sniffed instead")
    if ws:
        m = _SOCKETIO.match(st)
        if m:
            obj = _json_loads(st[m.end() :])
            if obj is not _FAIL and obj is not _DEEP:
                head = _join(_join(base, "socketio"), "json")
                _walk(ctx, obj, head, "", chain + ("socketio", "json"), None, depth + 1)
                return
    if (hint == "form" or "=" in st) and _form(
        ctx, st, base, chain, None, depth, lenient=True, declared=hint == "form"
    ):
        return
    _string(ctx, text, raw_loc, raw_loc, chain + ("text",), None, depth)


class _Sentinel:
    __slots__ = ()


_FAIL: object = _Sentinel()
_DEEP: object = _Sentinel()


def _json_loads(text: str) -> object:
    try:
        obj, end = _json_raw_decode(text)
    except RecursionError:
        return _DEEP
    except ValueError as e:
        if "integer string conversion" not in str(e):
            return _FAIL
        try:
            obj, end = _json_raw_decode_text_ints(text)
        except RecursionError:
            return _DEEP
        except (ValueError, TypeError):
            return _FAIL
    except TypeError:
        return _FAIL
    if end != len(text) and text[end:].strip(_WS):
        return _FAIL
    return obj


def _ndjson(ctx: _Ctx, text: str, base: str, chain: tuple[str, ...], depth: int) -> bool:
    """One JSON document per line. Lines that are not JSON (a Sentry envelope's attachment, a
    truncated last line) are kept as strings, as long as most lines (and at least two) are JSON
    objects or arrays."""
    docs: list[object] = []
    good = 0
    cap = max(ctx.nodes_left, 0) + 1  # more lines than that would hit max_nodes in the walk
    for line in text.split("\n", cap)[:cap]:
        line = line.strip(_WS)
        if not line:
            continue
        obj = _json_loads(line) if line[0] in "{[" else _FAIL
        if obj is _FAIL or obj is _DEEP:
            docs.append(line)
        else:
            docs.append(obj)
            good += 1
    if good < 2 or good * 2 <= len(docs):
        return False
    _walk(ctx, docs, _join(base, "ndjson"), "", chain + ("ndjson",), None, depth + 1)
    return True


def _form(
    ctx: _Ctx,
    text: str,
    base: str,
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
    loc = _join(base, "form")
    if ctx.deep(depth + 1, loc, "form data"):
        return True
    _flat(ctx, _split_pairs(text, "&", True, ctx.nodes_left), loc + ":", chain + ("form",), depth + 1)
    return True


def _string(
    ctx: _Ctx,
    s: str,
    base: str,
    raw_loc: str,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
) -> None:
    """A string value: decode the structure it holds, or emit it and try the opaque decoders."""
    n = len(s)
    # Fast path: most values are short words, numbers, ids.
    if n < 8 and (n < 2 or (s[0] not in '{["' and "=" not in s and "%" not in s)):
        ctx.leaf(raw_loc, key, s, chain)
        return
    if n > ctx.lim.max_parse_size:
        ctx.leaf(raw_loc, key, s, chain)
        ctx.note(
            f"max_parse_size {ctx.lim.max_parse_size} at {raw_loc}: string of {n} characters not decoded further"
        )
        return
    nd = depth + 1
    st = s.strip(_WS) if s[0] in _WS or s[-1] in _WS else s
    c0 = st[:1]

    # Whole-string structures: replace the string by their content.
    if c0 in ("{", "[") and st[-1:] in ("}", "]"):
        head = _join(base, "json")
        if ctx.deep(nd, head, "JSON string"):
            ctx.leaf(raw_loc, key, s, chain)
            return
        obj = _json_loads(st)
        if obj is not _FAIL and obj is not _DEEP:
            _walk(ctx, obj, head, "", chain + ("json",), key, nd)
            return
        if obj is _DEEP:
            ctx.note(f"json at {head}: nested too deep to parse; kept as text")
    elif c0 == '"' and st[-1:] == '"' and n >= 2:  # a JSON-encoded string (double encoding)
        obj = _json_loads(st)
        if type(obj) is str:
            head = _join(base, "json")
            if not ctx.deep(nd, head, "JSON string"):
                _string(ctx, obj, head, head, chain + ("json",), key, nd)
                return
    elif c0 == "e" and st.startswith("eyJ"):
        if _jwt(ctx, st, base, chain, key, nd):
            return
    elif c0 in "BbJjTtOo" and " " in st:  # Authorization: <scheme> <credentials>
        m = _AUTH.fullmatch(st)
        if m:
            ctx.leaf(raw_loc, key, s, chain)
            tok = m.group(1)
            if not (tok.startswith("eyJ") and _jwt(ctx, tok, base, chain, key, nd)):
                _opaque(ctx, tok, base, chain, key, nd)
            return
    # a relative URL's query (`?k=v&k2=v2`): bulk tracking APIs send each request so
    if "=" in st and _form(ctx, st[1:] if c0 == "?" else st, base, chain, key, depth, lenient=False):
        return

    ctx.leaf(raw_loc, key, s, chain)
    _opaque(ctx, st, base, chain, key, nd)


def _opaque(ctx: _Ctx, s: str, base: str, chain: tuple[str, ...], key: str | None, nd: int) -> None:
    """Transforms without structure: URL query, percent-encoding, base64, hex."""
    n = len(s)
    if n < 8:
        if "%" in s and _PCT.search(s):
            _percent(ctx, s, base, chain, key, nd)
        return
    if "?" in s and "://" in s:
        m = _URL.match(s)
        if m and m.group(1):
            head = _join(base, "url")
            if not ctx.deep(nd, head, "URL query"):
                _flat(
                    ctx,
                    _split_pairs(m.group(1), "&", True, ctx.nodes_left),
                    head + ":",
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
    if s[0] == "=" and n >= 16:
        # padding first: base64 written backwards, a cheap obfuscation of request bodies
        rev = s[::-1]
        if _B64.fullmatch(rev) or _B64URL.fullmatch(rev):
            _base64(ctx, rev, _join(base, "reversed"), chain + ("reversed",), key, nd)
        return
    if (n & 3) != 1:
        if _B64.fullmatch(s) or _B64URL.fullmatch(s):
            if not _UUID.fullmatch(s):
                _base64(ctx, s, base, chain, key, nd)
        elif " " in s and _B64.fullmatch(plus := s.replace(" ", "+")):
            # base64 sent unescaped in a query or form value: its "+" were read as spaces.
            _base64(ctx, plus, base, chain, key, nd)


def _percent(ctx: _Ctx, s: str, base: str, chain: tuple[str, ...], key: str | None, nd: int) -> None:
    dec = unquote(s, errors="replace")
    if dec == s:
        return
    loc = _join(base, "percent")
    if ctx.deep(nd, loc, "percent-encoded string"):
        return
    _string(ctx, dec, loc, loc, chain + ("percent",), key, nd)


def _base64(ctx: _Ctx, s: str, base: str, chain: tuple[str, ...], key: str | None, nd: int) -> None:
    body = s.rstrip("=")
    pad = -len(body) & 3
    if len(s) - len(body) not in (0, pad):
        return
    url = "-" in body or "_" in body
    name = "base64url" if url else "base64"
    loc = _join(base, name)
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


def _hex(ctx: _Ctx, s: str, base: str, chain: tuple[str, ...], key: str | None, nd: int) -> None:
    data = bytes.fromhex(s)
    if not (data[:1] in (b"{", b"[") or _cz.sniff(data) or _speculative_text(data) is not None):
        return
    loc = _join(base, "hex")
    if ctx.deep(nd, loc, "hex string"):
        return
    if not ctx.spend(len(data), loc, "hex output"):
        return
    if not _bytes(ctx, data, loc, loc, chain + ("hex",), key, nd, strict=True, blob=True, hint="bytes"):
        ctx.budget += len(data)


def _jwt(ctx: _Ctx, s: str, base: str, chain: tuple[str, ...], key: str | None, nd: int) -> bool:
    m = _JWT.fullmatch(s)
    if not m:
        return False
    parts = {}
    for name, seg in (("header", m.group(1)), ("payload", m.group(2))):
        try:
            raw = binascii.a2b_base64(seg.translate(_B64_TO_STD) + "=" * (-len(seg) & 3), strict_mode=True)
            obj = _json_loads(raw.decode("utf-8"))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return False
        if obj is _FAIL or obj is _DEEP:
            return False
        parts[name] = obj
    head = _join(base, "jwt")
    if ctx.deep(nd, head, "JWT"):
        return True
    _walk(ctx, parts, head, "", chain + ("jwt",), key, nd)
    return True


# --------------------------------------------------------------------------------------------
# Structures


def _walk(
    ctx: _Ctx,
    obj: object,
    head: str,
    path: str,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
) -> None:
    """Leaves of a parsed JSON / msgpack / CBOR / JWT value. `head` is the location up to the
    decoder name (`body.json`), `path` the path inside it."""
    ctx.nodes_left -= 1
    if ctx.nodes_left < 0:
        ctx.visit(_at(head, path))
    t = type(obj)
    if t is str:
        loc = f"{head}:{path}" if path else head
        _string(ctx, obj, loc, loc, chain, key, depth)  # type: ignore[arg-type]
    elif t is _Num:
        ctx.leaf(f"{head}:{path}" if path else head, key, str.__str__(obj), chain)  # type: ignore[arg-type]
    elif t is dict:
        if depth > ctx.lim.max_depth:
            ctx.note(f"max_depth {ctx.lim.max_depth} at {_at(head, path)}: object not decoded")
            return
        nd = depth + 1
        for k, v in obj.items():  # type: ignore[attr-defined]
            ks = k if type(k) is str else _scalar_text(k)
            _walk(ctx, v, head, _qnested(path, ks), chain, ks, nd)
    elif t is list or t is tuple:
        if depth > ctx.lim.max_depth:
            ctx.note(f"max_depth {ctx.lim.max_depth} at {_at(head, path)}: array not decoded")
            return
        nd = depth + 1
        for i, v in enumerate(obj):  # type: ignore[arg-type]
            _walk(ctx, v, head, f"{path}[{i}]", chain, key, nd)
    elif obj is None:
        return
    elif t is bool:
        ctx.leaf(_at(head, path), key, "true" if obj else "false", chain)
    elif t is bytes or t is bytearray:
        loc = _at(head, path)
        _bytes(ctx, bytes(cast(bytes, obj)), loc, loc, chain, key, depth, blob=True)
    elif t is int:
        ctx.leaf(_at(head, path), key, _big_int_text(cast(int, obj)), chain)
    elif t is float:
        ctx.leaf(_at(head, path), key, repr(obj), chain)
    else:
        _walk_other(ctx, obj, head, path, chain, key, depth)


def _walk_other(
    ctx: _Ctx, obj: object, head: str, path: str, chain: tuple[str, ...], key: str | None, depth: int
) -> None:
    """msgpack ExtType / Timestamp, CBOR tags, sets, dates and other library types."""
    data = getattr(obj, "data", None)
    if isinstance(data, bytes | bytearray):  # msgpack ExtType
        loc = _at(head, path)
        _bytes(ctx, bytes(data), loc, loc, chain, key, depth, blob=True)
        return
    if type(obj).__name__ == "CBORTag":
        _walk(ctx, getattr(obj, "value", None), head, path, chain, key, depth)
        return
    if isinstance(obj, set | frozenset):
        _walk(ctx, list(obj), head, path, chain, key, depth)
        return
    if isinstance(obj, dict):
        _walk(ctx, dict(obj), head, path, chain, key, depth)
        return
    ctx.leaf(_at(head, path), key, _scalar_text(obj), chain)


def _scalar_text(v: object) -> str:
    if type(v) is bool:
        return "true" if v else "false"
    if isinstance(v, int):
        return _big_int_text(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, bytes):
        return v.hex()
    try:
        text = str(v)
    except Exception:  # noqa: BLE001 - a hostile object's __str__
        return f"<{type(v).__name__}>"
    return text


def _protobuf(
    ctx: _Ctx,
    data: bytes,
    base: str,
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
    head = _join(base, "protobuf")
    if ctx.deep(depth + 1, head, "protobuf message"):
        return True
    _pb_walk(ctx, fields, head, "", chain + ("protobuf",), depth + 1)
    return True


def _guess_pb(
    data: bytes, lookahead: int = 8, keep: int | None = None
) -> list[tuple[int, int, int | bytes]] | None:
    """A strict protobuf guess (see `analysis.wire`); a message made of one length-delimited field
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
    head: str,
    path: str,
    chain: tuple[str, ...],
    depth: int,
) -> None:
    counts: dict[int, int] = {}
    for f, _, _ in fields:
        counts[f] = counts.get(f, 0) + 1
    seen: dict[int, int] = {}
    prefix = f"{path}." if path else ""
    for f, wt, v in fields:
        p = f"{prefix}{f}"
        if counts[f] > 1:
            i = seen.get(f, 0)
            seen[f] = i + 1
            p = f"{p}[{i}]"
        loc = f"{head}:{p}"
        ctx.nodes_left -= 1
        if ctx.nodes_left < 0:
            ctx.visit(loc)
        k = str(f)
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
                _pb_walk(ctx, sub, head, p, chain, depth + 1)
            else:
                _bytes(ctx, b, loc, loc, chain, k, depth, blob=True)


def _packed(
    ctx: _Ctx,
    fmt: str,
    data: bytes,
    base: str,
    chain: tuple[str, ...],
    key: str | None,
    depth: int,
    *,
    declared: bool,
    blob: bool = False,
) -> bool:
    """msgpack or CBOR: one complete value filling the buffer; when guessed, a map (or array of
    maps) with text keys."""
    if len(data) > ctx.lim.max_parse_size // 4:
        if not declared:
            ctx.note(
                f"max_parse_size {ctx.lim.max_parse_size} at {base}: {len(data)} bytes over a quarter of it;"
                f" not tried as {fmt}"
            )
        else:
            ctx.note(
                f"max_parse_size {ctx.lim.max_parse_size} at {base}: {fmt} of {len(data)} bytes is over a"
                " quarter of it; kept as a blob, not parsed"
            )
            ctx.blob(base, data, chain)
            return True
        return False
    obj = _unpack(fmt, data)
    if obj is _FAIL:
        if declared:
            ctx.note(f"{fmt} at {base}: declared {fmt} but not valid; sniffed instead")
        return False
    if not declared and not _plausible_packed(obj):
        return False
    if blob:
        ctx.blob(base, data, chain)
    head = _join(base, fmt)
    if ctx.deep(depth + 1, head, f"{fmt} value"):
        return True
    _walk(ctx, obj, head, "", chain + (fmt,), key, depth + 1)
    return True


def _unpack(fmt: str, data: bytes) -> object:
    try:
        if fmt == "msgpack":
            return msgpack.unpackb(data, raw=False, strict_map_key=False, unicode_errors="replace")
        fp = io.BytesIO(data)
        obj = cbor2.CBORDecoder(fp).decode()
        if fp.tell() != len(data):
            return _FAIL
        return obj
    except RecursionError:
        return _FAIL
    except Exception:  # noqa: BLE001 - both libraries raise a variety of types on bad input
        return _FAIL


def _plausible_packed(obj: object) -> bool:
    """A guessed msgpack/CBOR value must look like a record: a non-empty map (or array of maps)
    whose keys are integers or printable text, at least one of them text."""
    if isinstance(obj, list):
        return bool(obj) and all(isinstance(x, dict) and _record_keys(x) for x in obj[:16])
    return isinstance(obj, dict) and _record_keys(obj)


def _record_keys(d: dict) -> bool:
    keys = list(d)[:64]
    text = [k for k in keys if type(k) is str]
    return (
        bool(text)
        and all(k and k.isprintable() for k in text)
        and all(type(k) is int for k in keys if type(k) is not str)
    )
