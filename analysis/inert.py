"""Make captured strings inert for a terminal: no escape sequences, no control characters, no
bidi overrides, bounded length.

Everything phonehome shows came from the network. Render the result as `rich.text.Text` (never
as markup) and it can neither style itself nor move the cursor or retitle the terminal.
"""

from __future__ import annotations

import re

_BIDI_AND_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_INVISIBLE}\ud800-\udfff]")
ELLIPSIS = "…"


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == "\x1b":
        return "␛"
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ … ␟
    if code == 0x7F:
        return "␡"
    return f"\\u{code:04x}"


def inert(value: object, max_len: int | None = 200) -> str:
    """`value` as text safe to put on a terminal: control, escape, bidi and invisible characters
    shown as visible symbols, and cut to `max_len` characters with an ellipsis."""
    text = value if isinstance(value, str) else str(value)
    if max_len is not None and len(text) > max_len:
        text = text[: max(max_len - 1, 0)] + ELLIPSIS
    return _UNSAFE.sub(_visible, text)
