"""The comparison's and "where the data goes" phrases as data: the bundled files load and feed
the views, and a broken file is refused with an error that names the file, the table and the key."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from phonehome.views import where
from phonehome.views.compare import phrases as cp
from phonehome.views.compare import text as ct
from phonehome.views.phrasebook import PhrasesError


def _data(package: str, name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(package).joinpath("data", name).read_text("utf-8"))


def test_bundled_compare_phrases_feed_the_comparison() -> None:
    phrases = cp.bundled_phrases()
    assert set(phrases.titles) == set(cp.POINTS)
    assert ct.ui("title", "de", n=3) == "3 Apps im Vergleich: was sie senden, an wen"
    assert ct.ui_table("en")["col_sessions"] == "Sessions"


def test_bundled_where_phrases_feed_both_views() -> None:
    phrases = where.bundled_phrases()
    assert set(where.GROUPS) <= set(phrases.ui)
    assert where.country_name("US", "de") == "USA"
    assert where.country_name("US", "en") == "United States"
    assert where.group_name("adequacy", "de") == "Angemessenheitsbeschluss der EU"
    assert "{compiled}" not in where.ui_table("de")["where_note"]


def _refused(parse: Callable[..., object], data: dict[str, Any], change: Any, file: str) -> PhrasesError:
    change(data)
    with pytest.raises(PhrasesError) as e:
        parse(data, file=file)
    return e.value


@pytest.mark.parametrize(
    ("change", "table", "key", "says"),
    [
        (lambda d: d["ui"]["more"].update(de="weitere"), "ui.more", "de", "placeholders"),
        (lambda d: d["ui"]["footer"].pop("en"), "ui.footer", "en", "missing"),
        (lambda d: d["title"].pop("where"), "title.where", None, "every first-screen point"),
        (lambda d: d["title"].update(score={"en": "Score", "de": "Punkte"}), "title.score", None, "unknown"),
        (lambda d: d["meta"].pop("version"), "meta", "version", "missing"),
        (lambda d: d["meta"].update(name="phonehome-report-phrases"), "meta", "name", "expected"),
        (lambda d: d.update(object={}), "object", None, "unknown table"),
    ],
)
def test_a_broken_compare_file_names_file_table_and_key(
    change: Any, table: str, key: str | None, says: str
) -> None:
    data = _data("phonehome.views.compare", "phrases.toml")
    error = _refused(cp.parse_phrases, data, change, "phrases.toml")
    assert (error.file, error.table, error.key) == ("phrases.toml", table, key)
    assert says in error.problem
    assert str(error).startswith(f"phrases.toml: [{table}]")


@pytest.mark.parametrize(
    ("change", "table", "key", "says"),
    [
        (lambda d: d["ui"].pop("adequacy"), "ui.adequacy", None, "every Chapter V group"),
        (lambda d: d["ui"]["headline"].update(en="Sent data abroad."), "ui.headline", "de", "placeholders"),
        (lambda d: d["country_de"].update(XX="Nirgendwo"), "country_de", "XX", "unknown key"),
        (lambda d: d["country_de"].update(DE=""), "country_de", "DE", "non-empty"),
        (lambda d: d.pop("meta"), "meta", None, "missing table"),
    ],
)
def test_a_broken_where_file_names_file_table_and_key(
    change: Any, table: str, key: str | None, says: str
) -> None:
    data = _data("phonehome.views", "where.toml")
    error = _refused(where.parse_phrases, data, change, "where.toml")
    assert (error.file, error.table, error.key) == ("where.toml", table, key)
    assert says in error.problem


def test_every_phrase_is_used_by_a_view() -> None:
    """A phrase no code or template asks for is dead weight for translators (a key that is asked
    for but missing fails the rendering tests: KeyError, or StrictUndefined in the templates)."""
    views = resources.files("phonehome.views")
    sources = "".join(p.read_text("utf-8") for p in Path(str(views)).rglob("*") if p.suffix in (".py", ".j2"))
    for name, keys in (("compare", cp.bundled_phrases().ui), ("where", where.bundled_phrases().ui)):
        unused = [k for k in keys if not re.search(rf"[\"'.]{re.escape(k)}\b", sources)]
        assert not unused, f"{name} phrases no view uses: {unused}"


def test_not_toml_is_an_error_naming_the_file() -> None:
    with pytest.raises(PhrasesError, match=r"^x\.toml: \[\(file\)\]: not valid TOML"):
        cp.load_phrases("[ui.title\nen = 1", file="x.toml")
