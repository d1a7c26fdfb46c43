"""The real-SDK evaluation corpus (tests/corpus/realsdk) loads, and its labels fit its flows.

Every recorded request has exactly one hand label, every label names a recorded request, the
categories are phonehome's ids, and the recording carries nothing of the machine it was made on.
The figures themselves come from `benchmarks/realsdk.py`.
"""

from __future__ import annotations

import base64
import gzip
import importlib.util
import os
import socket
import sys
import tomllib
import urllib.parse
from pathlib import Path

import pytest

from phonehome.analysis.categories import CATEGORY_IDS

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus" / "realsdk"


def _benchmark():
    spec = importlib.util.spec_from_file_location("realsdk_benchmark", REPO / "benchmarks" / "realsdk.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _benchmark()


@pytest.fixture(scope="module")
def requests(bench):
    return bench.load_corpus(CORPUS)


def test_every_request_has_exactly_one_label(bench, requests):
    keys = [item["key"] for item in bench.raw_labels(CORPUS)]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates, f"labelled twice: {sorted(duplicates)}"
    recorded = {r.key for r in requests}
    assert len(recorded) == len(requests), "request keys are not unique"
    assert not recorded - set(keys), f"recorded but not labelled: {sorted(recorded - set(keys))}"
    assert not set(keys) - recorded, f"labels without a recorded request: {sorted(set(keys) - recorded)}"


def test_labels_are_well_formed(bench):
    for label in bench.load_labels(CORPUS).values():
        assert set(label.categories) <= set(CATEGORY_IDS), (
            f"{label.key}: unknown {set(label.categories) - set(CATEGORY_IDS)}"
        )
        assert label.hashed <= label.categories, f"{label.key}: hashed categories must also be labelled"
        assert label.orgs and all(o.strip() for o in label.orgs), f"{label.key}: no organisation"
        assert label.reason.strip(), f"{label.key}: no reason"


def test_corpus_size_and_negatives(requests, bench):
    labels = bench.load_labels(CORPUS)
    packages = {r.key.split("#")[0] for r in requests}
    assert len(packages) >= 10
    assert len(requests) >= 50
    assert any(not label.categories for label in labels.values()), "the corpus needs negatives"


def test_held_out_h4_set_is_apart_and_big_enough(requests, bench):
    """The fourth session's held-out set: its own recordings (`*-h4`) and its own label file."""
    h4 = [r for r in requests if bench.set_of(bench.recording_of(r.key)) == "h4"]
    assert len(h4) >= 60
    vendors = {bench.recording_of(r.key).removesuffix("-h4") for r in h4}
    assert len(vendors) >= 15
    h4_labels = tomllib.loads((CORPUS / "labels-h4.toml").read_text(encoding="utf-8"))["request"]
    assert {item["key"] for item in h4_labels} == {r.key for r in h4}, "h4 labels belong in labels-h4.toml"
    assert any(not item["categories"] for item in h4_labels), "the h4 set needs negatives"


def test_recording_holds_nothing_of_this_machine(requests):
    machine = {str(REPO), "/work/", "/root/", socket.gethostname(), os.uname().release}
    machine |= {
        v for k, v in os.environ.items() if len(v) >= 12 and k in ("HOME", "PATH", "VIRTUAL_ENV", "PWD")
    }
    for request in requests:
        for record in request.records:
            blob = record.path + " ".join(f"{k}: {v}" for k, v in record.request_headers)
            blob += record.body.decode("utf-8", "replace")
            for secret in machine:
                assert secret not in blob, f"{request.key} carries {secret!r}"


# Raw values of the test person and phone, and the category a request carrying them gets unless
# its label says why not (`judged_not`). A check of the labels against the bytes, independent of
# phonehome's detectors.
RAW_VALUES = {
    "lena.beispiel@posteo.de": "contact_info",
    "+4915112345678": "contact_info",
    "Beispiel": "contact_info",
    "Invalidenstra": "contact_info",
    "38400000-8cf0-11bd-b23e-10b96e40000d": "advertising_id",
    "9774d56d682e549c": "device_id",
    "52.520008": "location_precise",
    "10115": "location_coarse",
    "Berlin": "location_coarse",
    "azubi-58213": "user_id",
    "SM-A546B": "device_info",
    "Telekom.de": "network",
    "192.168.178.42": "network",
    "Sommer2026!azubi": "credentials",
}


def _readable(record) -> str:
    body = record.body
    try:
        body = gzip.decompress(body)
    except (OSError, EOFError):
        pass
    text = body.decode("utf-8", "replace")
    try:  # Statsig's initialize body: base64, reversed
        text += base64.b64decode(text[::-1], validate=True).decode("utf-8", "replace")
    except ValueError:
        pass
    headers = " ".join(f"{k}: {v}" for k, v in record.request_headers)
    return urllib.parse.unquote(f"{record.path} {headers} {text}")


def test_labels_cover_the_raw_values_in_each_request(bench, requests):
    raw = {item["key"]: item for item in bench.raw_labels(CORPUS)}
    problems = []
    for request in requests:
        item = raw[request.key]
        judged_not = item.get("judged_not", {})
        blob = " ".join(_readable(r) for r in request.records)
        for value, category in RAW_VALUES.items():
            if value in blob and category not in item.get("categories", []) and category not in judged_not:
                problems.append(f"{request.key}: carries {value!r} but is not labelled {category}")
    assert not problems, "\n".join(problems)


def test_benchmark_replays_every_labelled_request_through_the_pipeline(bench):
    from phonehome.analysis.pipeline import Analyser
    from phonehome.analysis.profile import load_profile

    requests = bench.labelled_corpus(CORPUS)
    pairs = sum(len(r.label.categories) for r in requests)
    for analyser in (
        Analyser(profile=load_profile(CORPUS / "device.toml"), app=bench.APP, first_party=bench.FIRST_PARTY),
        Analyser(profile=None, app=bench.APP, first_party=bench.FIRST_PARTY),
    ):
        result = bench.run("check", requests, analyser)
        assert result.requests == len(requests)
        assert sum(result.tp.values()) + sum(result.fn.values()) == pairs
        assert 0.0 <= result.org_accuracy() <= 1.0 and 0.0 <= result.party_accuracy() <= 1.0
        assert sum(result.tp.values()) > 0, "the pipeline found nothing at all in the corpus"
