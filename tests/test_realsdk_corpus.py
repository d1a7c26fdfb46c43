"""The real-SDK evaluation corpus (tests/corpus/realsdk) loads, and its labels fit its flows.

Every recorded request has exactly one hand label, every label names a recorded request, the
categories are phonehome's ids, and the recording carries nothing of the machine it was made on.
The figures themselves come from `benchmarks/realsdk.py`.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
import tomllib
from pathlib import Path

import pytest
from phonehome.analysis.categories import CATEGORY_IDS

REPO = Path(__file__).resolve().parent.parent
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
    raw = tomllib.loads((CORPUS / "labels.toml").read_text(encoding="utf-8"))["request"]
    keys = [item["key"] for item in raw]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates, f"labelled twice: {sorted(duplicates)}"
    recorded = {r.key for r in requests}
    assert len(recorded) == len(requests), "request keys are not unique"
    assert not recorded - set(keys), f"recorded but not labelled: {sorted(recorded - set(keys))}"
    assert not set(keys) - recorded, f"labels without a recorded request: {sorted(set(keys) - recorded)}"


def test_labels_are_well_formed(bench):
    for label in bench.load_labels(CORPUS).values():
        assert set(label.categories) <= set(CATEGORY_IDS), f"{label.key}: unknown {set(label.categories) - set(CATEGORY_IDS)}"
        assert label.hashed <= label.categories, f"{label.key}: hashed categories must also be labelled"
        assert label.orgs and all(o.strip() for o in label.orgs), f"{label.key}: no organisation"
        assert label.reason.strip(), f"{label.key}: no reason"


def test_corpus_size_and_negatives(requests, bench):
    labels = bench.load_labels(CORPUS)
    packages = {r.key.split("#")[0] for r in requests}
    assert len(packages) >= 10
    assert len(requests) >= 50
    assert any(not label.categories for label in labels.values()), "the corpus needs negatives"


def test_recording_holds_nothing_of_this_machine(requests):
    machine = {str(REPO), "/work/", "/root/", socket.gethostname(), os.uname().release}
    machine |= {v for k, v in os.environ.items() if len(v) >= 12 and k in ("HOME", "PATH", "VIRTUAL_ENV", "PWD")}
    for request in requests:
        for record in request.records:
            blob = record.path + " ".join(f"{k}: {v}" for k, v in record.request_headers)
            blob += record.body.decode("utf-8", "replace")
            for secret in machine:
                assert secret not in blob, f"{request.key} carries {secret!r}"
