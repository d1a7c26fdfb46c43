"""The comparison's fixed strings, loaded from `data/phrases.toml` and validated (rules in
`phonehome/views/phrasebook.py`: errors name file, table and key)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from phonehome.views.phrasebook import (
    Pair,
    bundled_text,
    check_meta,
    check_tables,
    pair_table,
    read_toml,
    require_keys,
)

FILE_NAME = "phrases.toml"
META_NAME = "phonehome-compare-phrases"
POINTS = ("ranking", "tracking", "where", "linkable", "cleartext", "undeclared")
"""The first screen's points, most decisive first; each has a `[title.<point>]`."""


@dataclass(frozen=True)
class ComparePhrases:
    ui: dict[str, Pair]
    titles: dict[str, Pair]
    """Short title of each first-screen point."""


def parse_phrases(data: Mapping[str, Any], *, file: str = FILE_NAME) -> ComparePhrases:
    """Validate a parsed comparison phrases file; `PhrasesError` names the first problem."""
    check_tables(data, ("meta", "ui", "title"), file)
    check_meta(data, file, META_NAME)
    titles = pair_table(data, "title", file)
    require_keys(titles, POINTS, "title", file, "first-screen point")
    return ComparePhrases(pair_table(data, "ui", file), titles)


def load_phrases(text: str, *, file: str = FILE_NAME) -> ComparePhrases:
    return parse_phrases(read_toml(text, file), file=file)


@cache
def bundled_phrases() -> ComparePhrases:
    """The phrases shipped with phonehome (`phonehome/views/compare/data/phrases.toml`)."""
    text = bundled_text("phonehome.views.compare", FILE_NAME)
    return load_phrases(text, file=f"phonehome/views/compare/data/{FILE_NAME}")
