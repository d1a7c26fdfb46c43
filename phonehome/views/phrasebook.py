"""Wording as validated data: the rules every view's phrase file follows, and its loader.

A phrase file is TOML: a schema header (comments saying what each table holds), a `[meta]` table
(`name`, `version`, `licence`) and tables of entries. An entry of a pair table (`[ui.<key>]`) has
exactly the keys `en` and `de`, both non-empty strings with the same `{placeholders}`. Every error
is a `PhrasesError` naming the file, the table and the key, so a translator finds the line to fix
without reading code. Used by the report (`report/phrases.py`), the comparison
(`compare/phrases.py`) and "where the data goes" (`where.py`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from importlib import resources
from typing import Any

LANGS = ("en", "de")
"""Every entry of a pair table has exactly these keys."""
META_KEYS = ("name", "version", "licence")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")

Pair = tuple[str, str]
"""(English, German)."""


class PhrasesError(ValueError):
    """A phrases file that does not follow its rules; the message names file, table and key."""

    def __init__(self, file: str, table: str, key: str | None, problem: str) -> None:
        where = f"[{table}]" + (f" {key}" if key is not None else "")
        super().__init__(f"{file}: {where}: {problem}")
        self.file, self.table, self.key, self.problem = file, table, key, problem


def read_toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PhrasesError(file, "(file)", None, f"not valid TOML: {e}") from None


def bundled_text(package: str, name: str) -> str:
    """A data file shipped in `package`'s `data/` folder."""
    return resources.files(package).joinpath("data", name).read_text("utf-8")


def check_meta(data: Mapping[str, Any], file: str, name: str) -> None:
    """`[meta]` names the file (`name`) and carries a version and a licence."""
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise PhrasesError(file, "meta", None, "missing table (name, version, licence)")
    for key in META_KEYS:
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise PhrasesError(file, "meta", key, "missing or not a non-empty string")
    if meta["name"] != name:
        raise PhrasesError(file, "meta", "name", f"is {meta['name']!r}, expected {name!r}")


def check_tables(data: Mapping[str, Any], allowed: Collection[str], file: str) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise PhrasesError(file, unknown[0], None, f"unknown table (allowed: {', '.join(allowed)})")


def pair_table(data: Mapping[str, Any], section: str, file: str) -> dict[str, Pair]:
    """`[section.<key>]` entries with `en` and `de`: {key: (en, de)}."""
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


def text_table(
    data: Mapping[str, Any], section: str, file: str, *, key_ok: Callable[[str], bool], keys: str
) -> dict[str, str]:
    """`[section]` of `key = "text"` lines; every key must pass `key_ok` (`keys` says which do)."""
    table = data.get(section)
    if not isinstance(table, dict) or not table:
        raise PhrasesError(file, section, None, "missing or empty table")
    for key, value in table.items():
        if not key_ok(key):
            raise PhrasesError(file, section, key, f"unknown key (allowed: {keys})")
        if not isinstance(value, str) or not value.strip():
            raise PhrasesError(file, section, key, "missing or not a non-empty string")
    return dict(table)


def require_keys(keys: Collection[str], wanted: Collection[str], section: str, file: str, what: str) -> None:
    """`keys` are exactly `wanted`: the first missing or unknown one is the error."""
    for key in wanted:
        if key not in keys:
            raise PhrasesError(file, f"{section}.{key}", None, f"missing: every {what} needs an entry")
    for key in keys:
        if key not in wanted:
            raise PhrasesError(file, f"{section}.{key}", None, f"unknown {what}")


def pick(pair: Pair, lang: str) -> str:
    return pair[1 if lang == "de" else 0]
