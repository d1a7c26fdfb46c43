"""Make strings that came off the network inert before a terminal shows them.

Everything the dashboard shows (hosts, paths, values, evidence) was chosen by whoever controls the
app or its servers. A string is made inert by:

- escaping every character that can move the cursor, change colours, retitle the terminal,
  reorder or hide text: C0 controls (`\\x00`-`\\x1f`, so ESC, BEL, CR, LF, TAB), DEL, C1 controls
  (`\\x80`-`\\x9f`, including the 8-bit CSI `\\x9b` and OSC `\\x9d`), Unicode format characters
  (bidi embeddings, overrides and isolates U+202A-202E and U+2066-2069, LRM/RLM/ALM, zero-width
  space/joiners, word joiner, BOM, soft hyphen, tag characters), line and paragraph separators,
  lone surrogates, unassigned code points, and combining marks beyond `MAX_COMBINING` in a row;
  each becomes a visible escape such as `\\x1b`, `\\n` or `\\u202e`;
- truncating to a length with an ellipsis that says how much was cut;
- never parsing markup: the result is a `rich.text.Text` built from plain strings, so `[bold]`
  or `[@click=app.quit]` stays literal. Escapes are styled (`ESCAPE_STYLE`) so that a real
  control character can be told apart from the literal text `\\x1b`.

Once an escape sequence has its ESC, CSI or OSC introducer escaped, the rest of it is plain
printable text, so escaping characters one at a time is enough.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

ELLIPSIS = "…"
ESCAPE_STYLE = "reverse"
MAX_COMBINING = 3
"""Combining marks allowed on one base character before the rest are escaped (no "Zalgo")."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})
_COMBINING = frozenset({"Mn", "Me"})


def _escape(ch: str) -> str:
    named = _NAMED.get(ch)
    if named:
        return named
    cp = ord(ch)
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def _is_safe_ascii(s: str) -> bool:
    return s.isascii() and s.isprintable()


def pieces(value: object) -> list[tuple[str, bool]]:
    """`value` as runs of (text, is_escape), escapes already spelled out."""
    s = value if isinstance(value, str) else ("" if value is None else str(value))
    if _is_safe_ascii(s):
        return [(s, False)] if s else []
    out: list[tuple[str, bool]] = []
    plain: list[str] = []
    combining = 0
    for ch in s:
        cat = unicodedata.category(ch)
        if cat in _COMBINING:
            combining += 1
            unsafe = combining > MAX_COMBINING
        else:
            combining = 0
            unsafe = cat in _UNSAFE_CATEGORIES
        if unsafe:
            if plain:
                out.append(("".join(plain), False))
                plain = []
            out.append((_escape(ch), True))
        else:
            plain.append(ch)
    if plain:
        out.append(("".join(plain), False))
    return out


def inert(value: object, limit: int | None = None) -> str:
    """`value` as a plain string with unsafe characters escaped, cut to `limit` characters."""
    return inert_text(value, limit).plain


def inert_text(value: object, limit: int | None = None, *, style: str = "") -> Text:
    """`value` as a `Text` safe to show in a terminal: escapes visible (and styled), no markup
    parsed, at most `limit` characters (the last one an ellipsis) when a limit is given."""
    text = Text(style=style, end="", no_wrap=False)
    if limit is not None and limit < 1:
        return text
    s = value if isinstance(value, str) else ("" if value is None else str(value))
    if limit is not None and len(s) > 8 * limit:
        # Escaping never shortens, so only a prefix can ever be shown; don't scan megabytes.
        s = s[: 8 * limit]
    parts = pieces(s)
    total = sum(len(chunk) for chunk, _ in parts)
    if limit is None or total <= limit:
        for chunk, is_escape in parts:
            text.append(chunk, ESCAPE_STYLE if is_escape else None)
        return text
    room = limit - 1
    for chunk, is_escape in parts:
        if len(chunk) > room:
            if not is_escape and room > 0:
                text.append(chunk[:room])
            break
        text.append(chunk, ESCAPE_STYLE if is_escape else None)
        room -= len(chunk)
    text.append(ELLIPSIS)
    return text


def inert_long(value: object, limit: int = 4000, *, style: str = "") -> Text:
    """Like `inert_text` for a detail view: says how many characters were left out."""
    s = value if isinstance(value, str) else ("" if value is None else str(value))
    text = inert_text(s, limit, style=style)
    if text.plain.endswith(ELLIPSIS) and len(s) > limit - 1:
        text.append(f" ({len(s):,} characters in all)", "dim italic")
    return text
