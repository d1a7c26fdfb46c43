"""The label check: observed categories against a declared Play/Apple privacy label."""

from __future__ import annotations

import json

import pytest
from support import report as rs

from phonehome.analysis.categories import CATEGORIES
from phonehome.analysis.labels import check_labels, load_labels, parse_labels, store_types
from phonehome.views.report import build_report, render_html, render_markdown

DOCS = rs.REPO / "docs"


UNDER = {
    # Declares neither location nor any device identifier, though the app sent both.
    "store": "play",
    "source": "under-declaring test label",
    "collected": [
        "Personal info: User IDs",
        "App activity: App interactions",
        "App info and performance: Other app performance data",
        "Contacts: Contacts",
    ],
    "shared": ["Contacts: Contacts"],
}

OVER = {
    # Declares everything observed, plus data the session never showed.
    "store": "play",
    "collected": [
        "Location: Precise location",
        "Location: Approximate location",
        "Device or other IDs: Device or other IDs",
        "Personal info: User IDs",
        "Contacts: Contacts",
        "App activity: App interactions",
        "App info and performance: Other app performance data",
        "Photos and videos: Photos",
        "Messages: Other in-app messages",
        "Personal info: Email address",
    ],
    "shared": [
        "Location: Precise location",
        "Device or other IDs: Device or other IDs",
        "Contacts: Contacts",
        "App info and performance: Other app performance data",
        "Personal info: User IDs",
    ],
}


def test_under_declaring_label_lists_location_and_device_ids(synthetic_session):
    model = build_report(synthetic_session, labels=parse_labels(UNDER))
    check = model.label_check
    undeclared = {u.category for u in check.undeclared}
    assert {"location_precise", "location_coarse", "advertising_id", "device_id", "network"} <= undeclared
    assert not undeclared & {"user_id", "contacts", "app_activity", "device_info"}
    precise = next(u for u in check.undeclared if u.category == "location_precise")
    assert set(precise.orgs) == {"Google", "AppsFlyer", "Meta"}
    assert precise.expected == ("Location: Precise location",)
    assert not check.ok
    # Summary names it; HTML and Markdown list it.
    assert any("does not declare" in b and "precise location" in b for b in model.summary.bullets)
    html = render_html(model)
    assert 'id="labels-undeclared"' in html and "Location: Precise location" in html
    md = render_markdown(model)
    assert "Sent, but not declared on the label" in md


def test_under_declared_in_german(synthetic_session):
    model = build_report(synthetic_session, lang="de", labels=parse_labels(UNDER))
    assert any("nennt" in b and "genauer Standort" in b for b in model.summary.bullets)
    assert "Gesendet, aber nicht im Label angegeben" in render_html(model)


def test_over_declaring_label_lists_what_was_not_observed(synthetic_session):
    check = build_report(synthetic_session, labels=parse_labels(OVER)).label_check
    assert check.undeclared == ()
    assert check.not_declared_shared == ()
    not_observed = {n.type_name for n in check.not_observed}
    assert not_observed == {
        "Photos and videos: Photos",
        "Messages: Other in-app messages",
        "Personal info: Email address",
    }
    assert check.ok


def test_play_shared_check_names_third_parties(synthetic_session):
    label = dict(OVER, shared=[])
    check = build_report(synthetic_session, labels=parse_labels(label)).label_check
    not_shared = {u.category: u.orgs for u in check.not_declared_shared}
    assert "location_precise" in not_shared and "ByteDance" not in not_shared["location_precise"]
    assert "location_coarse" not in not_shared  # only the first party received it


def test_apple_label(synthetic_session):
    label = parse_labels(
        {"store": "apple", "collected": ["Identifiers: Device ID", "Location: Precise Location"]}
    )
    check = build_report(synthetic_session, labels=label).label_check
    undeclared = {u.category for u in check.undeclared}
    assert "location_precise" not in undeclared and "advertising_id" not in undeclared
    assert "contacts" in undeclared and check.not_declared_shared == ()


def test_every_category_maps_to_types_of_both_stores():
    play, apple = store_types("play"), store_types("apple")
    for c in CATEGORIES:
        assert all(t in play for t in c.play) and all(t in apple for t in c.apple)
        assert c.play and c.apple, c.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"collected": []}, "'store' must be", id="no-store"),
        pytest.param({"store": "play", "collected": ["Location: Exact location"]}, "did you mean", id="typo"),
        pytest.param(
            {"store": "play", "collected": "Location: Precise location"}, "must be a list", id="not-list"
        ),
        pytest.param(
            {"store": "apple", "shared": ["Identifiers: Device ID"]}, "only on Google Play", id="apple-shared"
        ),
        pytest.param({"store": "play", "collect": []}, "unknown key", id="unknown-key"),
        pytest.param(["Location: Precise location"], "expected a mapping", id="list"),
    ],
)
def test_bad_labels_are_explicit_errors(data, message):
    with pytest.raises(ValueError, match=message):
        parse_labels(data)


def test_names_match_ignoring_case_and_spaces():
    label = parse_labels({"store": "play", "collected": ["location:   precise LOCATION"]})
    assert label.collected == ("Location: Precise location",)


def test_json_and_yaml_files(tmp_path):
    (tmp_path / "label.json").write_text(json.dumps(UNDER))
    assert load_labels(tmp_path / "label.json").collected[0] == "Personal info: User IDs"
    (tmp_path / "bad.yaml").write_text("store: play\ncollected: [unclosed\n")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_labels(tmp_path / "bad.yaml")


def test_documented_example_loads():
    label = load_labels(DOCS / "labels-example.yaml")
    assert label.store == "play" and "Location: Approximate location" in label.collected
    check = check_labels(label, {"location_precise": ("Google",)}, {"location_precise": ("Google",)})
    assert [u.category for u in check.undeclared] == ["location_precise"]
