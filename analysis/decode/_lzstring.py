"""`lzstring`: LZ-String, the client-side compression web SDKs put into query and form values
(`compressToBase64`, `compressToEncodedURIComponent`; CleverTap's `d=`, other trackers' payload
parameters).

LZ-String writes an LZW-style code stream LSB-first into 6-bit units drawn from a base64 alphabet
(`+/` and `=` padding, or the URL-safe `+-$`). Only streams whose first code is a literal `{` or
`[` are opened (compressed JSON, what SDKs send): that test reads the first two characters, so
ordinary ids and tokens cost one comparison. The output is bounded by `max_parse_size` (LZW
expands at most quadratically) and must be JSON; anything else is left alone.
"""

from __future__ import annotations

from ..location import Location
from ._api import Registered, register
from ._context import _Ctx

_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_URI_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$"
_VALUES = {a: {c: i for i, c in enumerate(a)} for a in (_BASE64, _URI_SAFE)}
_JSON_STARTS = frozenset("{[")
MIN_LENGTH = 12


def lz_decompress(s: str, max_chars: int) -> str | None:
    """The text an LZ-String `compressToBase64` / `compressToEncodedURIComponent` string holds, or
    `None` when `s` is not one (a character outside both alphabets, a code that refers to no
    dictionary entry, a stream without its end code) or the text would exceed `max_chars`."""
    alphabet = _VALUES[_BASE64] if ("/" in s or "=" in s) else _VALUES[_URI_SAFE]
    try:
        units = [alphabet[c] for c in (s.rstrip("=") if alphabet is _VALUES[_BASE64] else s)]
    except KeyError:
        return None
    n = len(units)
    pos = 0  # the next unit to load
    val = 0
    mask = 0  # the bit of `val` read next (from bit 5 down); 0: load the next unit

    def read(bits: int) -> int:
        nonlocal pos, val, mask
        out = 0
        for i in range(bits):
            if mask == 0:
                val = units[pos] if pos < n else 0
                pos += 1
                mask = 32
            if val & mask:
                out |= 1 << i
            mask >>= 1
        return out

    first = read(2)
    if first == 0:
        c = chr(read(8))
    elif first == 1:
        c = chr(read(16))
    else:
        return None
    dictionary: list[str] = ["", "", "", c]
    w = c
    result = [c]
    size = len(c)
    enlarge_in = 4
    num_bits = 3
    while True:
        if pos > n + 2:
            return None  # ran past the input (and its padding) without the end code
        code = read(num_bits)
        if code == 0 or code == 1:
            dictionary.append(chr(read(8 if code == 0 else 16)))
            code = len(dictionary) - 1
            enlarge_in -= 1
        elif code == 2:
            return "".join(result)
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1
        if code < len(dictionary) and code >= 3:
            entry = dictionary[code]
        elif code == len(dictionary):
            entry = w + w[0]
        else:
            return None
        size += len(entry)
        if size > max_chars:
            return None
        result.append(entry)
        dictionary.append(w + entry[0])
        enlarge_in -= 1
        w = entry
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1


def starts_with_json(s: str) -> bool:
    """The stream's first code is the literal `{` or `[` (read from the first two characters)."""
    if len(s) < MIN_LENGTH or s[0] != "N":  # a literal 8-bit code whose low bits are those of `{`/`[`
        return False
    alphabet = _VALUES[_BASE64] if ("/" in s or "=" in s) else _VALUES[_URI_SAFE]
    v0, v1 = alphabet.get(s[0]), alphabet.get(s[1])
    if v0 is None or v1 is None:
        return False
    bits = (v0 << 6) | v1  # 12 bits, read MSB-first; codes are stored LSB-first
    if (bits >> 10) & 3:  # the 2-bit code: 0 = an 8-bit literal follows
        return False
    literal = 0
    for i in range(8):
        if bits & (1 << (9 - i)):
            literal |= 1 << i
    return chr(literal) in _JSON_STARTS


def _lzstring(ctx: _Ctx, s: str, base: Location, chain: tuple[str, ...], key: str | None, nd: int) -> bool:
    """Open an LZ-String value holding JSON; False when it is not one (the caller goes on). A
    space stands for a `+` that a form or query decoder read as one (as LZ-String's own
    `decompressFromEncodedURIComponent` assumes)."""
    if " " in s:
        s = s.replace(" ", "+")
    if not starts_with_json(s):
        return False
    text = lz_decompress(s, ctx.lim.max_parse_size)
    if text is None:
        return False
    obj = _json_loads(text.strip())
    if obj is _FAIL or obj is _DEEP:
        return False
    loc = base.step("lzstring")
    if ctx.deep(nd, loc, "LZ-String value") or not ctx.spend(len(text), loc, "LZ-String output"):
        return True
    _walk(ctx, obj, loc.step("json"), chain + ("lzstring", "json"), key, nd + 1)
    return True


register(Registered("lzstring", 100, _lzstring))

from ._json import _DEEP, _FAIL, _json_loads  # noqa: E402
from ._tree import _walk  # noqa: E402
