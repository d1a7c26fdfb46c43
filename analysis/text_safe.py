"""Text that came off the wire as bytes that were not UTF-8, made safe for UTF-8 outputs.

mitmproxy and the readers decode such bytes with `surrogateescape`: a byte `\\xff` becomes the
lone surrogate `\\udcff`. Records keep that form (it is lossless: `encode("utf-8",
"surrogateescape")` gives the bytes back), and JSON Lines keep it as the JSON escape `\\udcff`.
Outputs that must be valid UTF-8 (pandas/Arrow string columns, CSV, Parquet, HTML, Markdown) show
each such byte as the visible escape `\\xff` (any other lone surrogate as `\\udXXX`).
"""

from __future__ import annotations

from typing import Any


def utf8_display(value: Any) -> Any:
    """`value` unchanged unless it is a string with lone surrogates; then those as escapes."""
    if not isinstance(value, str) or value.isascii():
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no byte became (e.g. from a JSON \\ud800)
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
