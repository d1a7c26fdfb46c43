"""The report's phrases and the sensitivity order, loaded from `data/phrases.toml` and validated.

An error says which file, which table and which key is wrong (`PhrasesError`), so a translator
or a new category's author finds the line to fix without reading code; the rules shared with the
other views' phrase files are in `phonehome/views/phrasebook.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from phonehome.analysis.categories import CATEGORY_IDS
from phonehome.analysis.schema import PURPOSES
from phonehome.store import CONSENT_LABELS
from phonehome.views.phrasebook import (
    LANGS,
    Pair,
    PhrasesError,
    bundled_text,
    check_meta,
    check_tables,
    pair_table,
    read_toml,
    require_keys,
)

__all__ = ["LANGS", "Pair", "Phrases", "PhrasesError", "bundled_phrases", "load_phrases", "parse_phrases"]

FILE_NAME = "phrases.toml"
META_NAME = "phonehome-report-phrases"
SECTIONS = ("object", "ui", "purpose", "marker")


@dataclass(frozen=True)
class Phrases:
    sensitivity: tuple[str, ...]
    """Category ids, most sensitive first: the order in which categories are named."""
    objects: dict[str, Pair]
    ui: dict[str, Pair]
    purposes: dict[str, Pair]
    markers: dict[str, Pair]


def parse_phrases(data: Mapping[str, Any], *, file: str = FILE_NAME) -> Phrases:
    """Validate a parsed phrases file; `PhrasesError` names the first problem."""
    sens = data.get("sensitivity")
    order = sens.get("order") if isinstance(sens, dict) else None
    if not isinstance(order, list) or not all(isinstance(c, str) for c in order):
        raise PhrasesError(file, "sensitivity", "order", "missing or not a list of category ids")
    for c in order:
        if c not in CATEGORY_IDS:
            raise PhrasesError(file, "sensitivity", "order", f"unknown category {c!r}")
        if order.count(c) > 1:
            raise PhrasesError(file, "sensitivity", "order", f"category {c!r} listed twice")
    missing = [c for c in CATEGORY_IDS if c not in order]
    if missing:
        raise PhrasesError(
            file,
            "sensitivity",
            "order",
            f"category {missing[0]!r} missing (every category, most sensitive first)",
        )
    check_tables(data, ("meta", "sensitivity", *SECTIONS), file)
    check_meta(data, file, META_NAME)
    objects = pair_table(data, "object", file)
    require_keys(objects, CATEGORY_IDS, "object", file, "category")
    purposes = pair_table(data, "purpose", file)
    require_keys(purposes, PURPOSES, "purpose", file, "purpose")
    markers = pair_table(data, "marker", file)
    require_keys(markers, CONSENT_LABELS, "marker", file, "marker label")
    return Phrases(tuple(order), objects, pair_table(data, "ui", file), purposes, markers)


def load_phrases(text: str, *, file: str = FILE_NAME) -> Phrases:
    return parse_phrases(read_toml(text, file), file=file)


@cache
def bundled_phrases() -> Phrases:
    """The phrases shipped with phonehome (`phonehome/views/report/data/phrases.toml`)."""
    text = bundled_text("phonehome.views.report", FILE_NAME)
    return load_phrases(text, file=f"phonehome/views/report/data/{FILE_NAME}")
