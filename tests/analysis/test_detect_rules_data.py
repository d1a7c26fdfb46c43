"""Rules as data (#17): analysis/data/keys.toml and words.toml load, validate and cover the categories."""

from __future__ import annotations

import tomllib

import pytest

from phonehome.analysis import _rulesdb, detect, keys
from phonehome.analysis._rulesdb import RulesError, Shape, parse_key_rules, parse_words
from phonehome.analysis.categories import CATEGORY_IDS

KEYS = _rulesdb.DATA / "keys.toml"
WORDS = _rulesdb.DATA / "words.toml"


def keys_data() -> dict:
    return tomllib.loads(KEYS.read_text(encoding="utf-8"))


def words_data() -> dict:
    return tomllib.loads(WORDS.read_text(encoding="utf-8"))


def test_the_shipped_rules_load_and_fill_the_key_table():
    rules = _rulesdb.key_rules()
    assert rules.version and len(rules.rules) >= 70
    assert sum(len(r.names) for r in rules.rules) == len(keys.TABLE)
    assert keys.lookup("gpsAdid").shape is Shape.ADID
    assert keys.proto_schema("region1.app-measurement.com") is not None


def test_every_category_has_a_rule_so_a_new_category_needs_one_data_file():
    """A category defined in analysis/categories.py with no key rule in keys.toml fails here."""
    assert {r.category for r in _rulesdb.key_rules().rules} == set(CATEGORY_IDS)


def test_every_shape_has_a_checker():
    assert set(Shape) == set(detect._CHECKERS) | detect.PRECHECKED


@pytest.mark.parametrize(
    "edit,message",
    [
        (
            lambda d: d["rule"][3].update(shape="uuid"),
            "keys.toml: [[rule]] #4 (names 'serial', …): shape 'uuid' is not one of",
        ),
        (
            lambda d: d["rule"][0].update(category="adverts"),
            "[[rule]] #1 (names 'gps_adid', …): category 'adverts'",
        ),
        (lambda d: d["rule"][1]["names"].append("gps_adid"), "name 'gps_adid' is already in [[rule]] #1"),
        (lambda d: d["rule"][1]["names"].append("Ad-Id"), "name 'Ad-Id' is not normalised"),
        (
            lambda d: d["rule"][2].update(colour="red"),
            "[[rule]] #3 (names 'android_id', …): unknown key(s) colour",
        ),
        (lambda d: d["meta"].update(schema=2), "keys.toml: [meta] schema 2 is not 1"),
        (
            lambda d: d["proto"]["app-measurement.com"]["fields"].update({"1.99": "no_such_rule"}),
            "field 1.99 names 'no_such_rule'",
        ),
    ],
)
def test_key_rule_errors_name_file_table_and_key(edit, message):
    data = keys_data()
    edit(data)
    with pytest.raises(RulesError) as e:
        parse_key_rules(data)
    assert message in str(e.value)


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda d: d["words"].pop("subjects"), "words.toml: [words] lacks subjects"),
        (lambda d: d["words"].update(colours=["red"]), "[words] has unknown list(s) colours"),
        (
            lambda d: d["words"]["collections"].append("Users"),
            "[words] collections: 'Users' is not a lower-case word",
        ),
        (lambda d: d["words"]["collections"].append("users"), "[words] collections: listed twice: users"),
        (lambda d: d["person_fields"].update(name=["nameish", "x"]), "[person_fields] name: shape 'nameish'"),
    ],
)
def test_word_list_errors_name_file_table_and_key(edit, message):
    data = words_data()
    edit(data)
    with pytest.raises(RulesError) as e:
        parse_words(data)
    assert message in str(e.value)
