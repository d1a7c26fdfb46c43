"""Redaction of captured values for anything a person reads (reports, dashboard).

`redact("352916084017398") == "352916•••••7398"`: long values keep a few characters at each end
so a reader can match them against the device, short values are masked completely.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "•"
MAX_MASK = 6
"""At most this many mask characters, so a long secret does not reveal its exact length."""


def redact(value: str) -> str:
    """`value` with its middle (or, when short, all of it) replaced by `•`.

    Args:
        value: the captured value, any length.

    Returns:
        The first 6 and last 4 characters of values of 15 characters or more, the first and last
        2 of values of 9 to 14 characters, and only mask characters for values of 8 or fewer.
        Control characters never survive.
    """
    if not value:
        return ""
    text = "".join(ch for ch in str(value) if unicodedata.category(ch)[0] != "C")
    n = len(text)
    if n <= 8:
        return MASK * max(n, 1)
    head, tail = (6, 4) if n >= 15 else (2, 2)
    hidden = n - head - tail
    return text[:head] + MASK * min(hidden, MAX_MASK) + text[-tail:]


def scrub(text: str, values: Iterable[str]) -> str:
    """`text` (a URL, an evidence note) with every occurrence of each value, as-is or
    percent-encoded, replaced by its redacted form; longest values first, so a value inside
    another is handled by the longer one."""
    if not text:
        return text
    for value in sorted({v for v in values if v and len(v) >= 3}, key=len, reverse=True):
        for form in dict.fromkeys((value, quote(value, safe=""), quote_plus(value))):
            if form in text:
                text = text.replace(form, redact(value))
    return text
