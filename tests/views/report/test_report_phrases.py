"""The report's phrases and sensitivity order as data: the bundled file loads, and a broken file
is refused with an error that names the file, the table and the key."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from phonehome.analysis.categories import CATEGORY_IDS
from phonehome.views.report import text as txt
from phonehome.views.report.phrases import PhrasesError, bundled_phrases, parse_phrases


def bundled_data() -> dict[str, Any]:
    text = resources.files("phonehome.views.report").joinpath("data", "phrases.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_bundled_phrases_cover_every_category_and_feed_the_report() -> None:
    phrases = bundled_phrases()
    assert sorted(phrases.sensitivity) == sorted(CATEGORY_IDS)
    assert set(phrases.objects) == set(CATEGORY_IDS)
    assert txt.SENSITIVITY == phrases.sensitivity
    assert txt.ui("title", "de", app="X") == "Was X vom Handy gesendet hat"
    assert txt.object_phrase("contacts", "en") == "your contact list"


def broken(change: Any) -> PhrasesError:
    data = bundled_data()
    change(data)
    with pytest.raises(PhrasesError) as e:
        parse_phrases(data, file="phrases.toml")
    return e.value


@pytest.mark.parametrize(
    ("change", "table", "key", "says"),
    [
        (lambda d: d["ui"]["title"].pop("de"), "ui.title", "de", "missing"),
        (lambda d: d["ui"]["title"].update(de="Was die App gesendet hat"), "ui.title", "de", "placeholders"),
        (lambda d: d["ui"]["title"].update(fr="Ce que {app} a envoyé"), "ui.title", "fr", "unknown key"),
        (lambda d: d["object"].pop("contacts"), "object.contacts", None, "every category"),
        (
            lambda d: d["object"].update(horoscope={"en": "your star sign", "de": "Ihr Sternzeichen"}),
            "object.horoscope",
            None,
            "unknown category",
        ),
        (lambda d: d["sensitivity"]["order"].append("horoscope"), "sensitivity", "order", "unknown category"),
        (
            lambda d: d["sensitivity"]["order"].remove("clipboard"),
            "sensitivity",
            "order",
            "'clipboard' missing",
        ),
        (lambda d: d["sensitivity"]["order"].append("contacts"), "sensitivity", "order", "twice"),
        (lambda d: d["purpose"].pop("analytics"), "purpose.analytics", None, "every purpose"),
        (lambda d: d["marker"]["note"].update(en=""), "marker.note", "en", "non-empty"),
        (lambda d: d.update(rules={}), "rules", None, "unknown table"),
    ],
)
def test_a_broken_file_names_file_table_and_key(change: Any, table: str, key: str | None, says: str) -> None:
    error = broken(change)
    assert (error.file, error.table, error.key) == ("phrases.toml", table, key)
    assert says in error.problem
    assert str(error).startswith(f"phrases.toml: [{table}]")
