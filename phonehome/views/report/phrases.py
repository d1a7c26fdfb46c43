"""The report's phrases and the sensitivity order, loaded from `data/phrases.toml` and validated.

An error says which file, which table and which key is wrong (`PhrasesError`), so a translator
or a new category's author finds the line to fix without reading code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from phonehome.analysis.categories import CATEGORY_IDS
from phonehome.analysis.schema import PURPOSES
from phonehome.store import CONSENT_LABELS

FILE_NAME = "phrases.toml"
LANGS = ("en", "de")
"""Every entry has exactly these keys."""
SECTIONS = ("object", "ui", "purpose", "marker")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")

Pair = tuple[str, str]
"""(English, German)."""


class PhrasesError(ValueError):
    """A phrases file that does not follow its rules; the message names file, table and key."""

    def __init__(self, file: str, table: str, key: str | None, problem: str) -> None:
        where = f"[{table}]" + (f" {key}" if key is not None else "")
        super().__init__(f"{file}: {where}: {problem}")
        self.file, self.table, self.key, self.problem = file, table, key, problem


@dataclass(frozen=True)
class Phrases:
    sensitivity: tuple[str, ...]
    """Category ids, most sensitive first: the order in which categories are named."""
    objects: dict[str, Pair]
    ui: dict[str, Pair]
    purposes: dict[str, Pair]
    markers: dict[str, Pair]


def _pairs(data: Mapping[str, Any], section: str, file: str) -> dict[str, Pair]:
    table = data.get(section)
    if not isinstance(table, dict) or not table:
        raise PhrasesError(file, section, None, "missing or empty table")
    out: dict[str, Pair] = {}
    for key, entry in table.items():
        where = f"{section}.{key}"
        if not isinstance(entry, dict):
            raise PhrasesError(file, where, None, f"must be a table with {' and '.join(LANGS)}")
        for lang in LANGS:
            value = entry.get(lang)
            if not isinstance(value, str) or not value.strip():
                raise PhrasesError(file, where, lang, "missing or not a non-empty string")
        extra = sorted(set(entry) - set(LANGS))
        if extra:
            raise PhrasesError(file, where, extra[0], f"unknown key (allowed: {', '.join(LANGS)})")
        en, de = entry["en"], entry["de"]
        if set(_PLACEHOLDER.findall(en)) != set(_PLACEHOLDER.findall(de)):
            raise PhrasesError(
                file,
                where,
                "de",
                f"placeholders {sorted(set(_PLACEHOLDER.findall(de)))} differ "
                f"from en {sorted(set(_PLACEHOLDER.findall(en)))}",
            )
        out[key] = (en, de)
    return out


def _require(keys: Collection[str], wanted: Collection[str], section: str, file: str, what: str) -> None:
    for key in wanted:
        if key not in keys:
            raise PhrasesError(file, f"{section}.{key}", None, f"missing: every {what} needs an entry")
    for key in keys:
        if key not in wanted:
            raise PhrasesError(file, f"{section}.{key}", None, f"unknown {what}")


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
    unknown = sorted(set(data) - {"meta", "sensitivity", *SECTIONS})
    if unknown:
        raise PhrasesError(
            file, unknown[0], None, f"unknown table (allowed: meta, sensitivity, {', '.join(SECTIONS)})"
        )
    objects = _pairs(data, "object", file)
    _require(objects, CATEGORY_IDS, "object", file, "category")
    purposes = _pairs(data, "purpose", file)
    _require(purposes, PURPOSES, "purpose", file, "purpose")
    markers = _pairs(data, "marker", file)
    _require(markers, CONSENT_LABELS, "marker", file, "marker label")
    return Phrases(tuple(order), objects, _pairs(data, "ui", file), purposes, markers)


def load_phrases(text: str, *, file: str = FILE_NAME) -> Phrases:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PhrasesError(file, "(file)", None, f"not valid TOML: {e}") from None
    return parse_phrases(data, file=file)


@cache
def bundled_phrases() -> Phrases:
    """The phrases shipped with phonehome (`phonehome/views/report/data/phrases.toml`)."""
    text = resources.files("phonehome.views.report").joinpath("data", FILE_NAME).read_text("utf-8")
    return load_phrases(text, file=f"phonehome/views/report/data/{FILE_NAME}")
