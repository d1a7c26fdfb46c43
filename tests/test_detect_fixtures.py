"""End to end on the SDK fixtures: request → decode_record → Detector → exactly the expected categories.

Every fixture in tests/fixtures/sdk/*.json must yield all categories in `must`, none in `must_not`,
and nothing outside `must` + `may`.
"""

from __future__ import annotations

import pytest
from detect_support import fixture_paths, fixture_profile, load_fixture, record_from_request
from phonehome.analysis.categories import CATEGORY_IDS
from phonehome.analysis.decode import decode_record
from phonehome.analysis.detect import Detector

PATHS = fixture_paths()


def test_fixture_set_is_complete():
    names = {p.stem for p in PATHS}
    assert len(names) >= 30
    assert sum(1 for n in names if n.startswith("neg_")) >= 10


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in PATHS])
def test_fixture(path):
    fx = load_fixture(path)
    assert fx["name"] == path.stem
    assert fx.get("source"), "every fixture records where its wire format comes from"
    for key in ("must", "must_not", "may"):
        unknown = set(fx.get(key, ())) - set(CATEGORY_IDS)
        assert not unknown, f"{key}: unknown categories {unknown}"
    record = record_from_request(fx["request"], flow_id=fx["name"])
    decoded = decode_record(record)
    detections = Detector(fixture_profile(fx)).detect(record, decoded)
    found = {d.category for d in detections}
    report = "\n".join(
        f"  {d.category:16} {d.location} [{d.rule} {d.confidence}] {d.evidence}" for d in detections
    )
    missing = set(fx["must"]) - found
    assert not missing, f"missing {sorted(missing)}; found:\n{report}"
    forbidden = found & set(fx.get("must_not", ()))
    assert not forbidden, f"forbidden {sorted(forbidden)}; found:\n{report}"
    extra = found - set(fx["must"]) - set(fx.get("may", ()))
    assert not extra, f"unexpected {sorted(extra)}; found:\n{report}"
    for d in detections:
        assert 0.0 <= d.confidence <= 1.0
        assert d.evidence
        assert d.detector in ("key", "pattern", "profile", "runtime")
