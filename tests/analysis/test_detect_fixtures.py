"""End to end on the SDK fixtures: request → decode_record → Detector → exactly the expected categories.

Every fixture in tests/fixtures/sdk/*.json must yield all categories in `must`, none in `must_not`,
and nothing outside `must` + `may`.
"""

from __future__ import annotations

import pytest
from support.detect import default_profile, fixture_paths, fixture_profile, load_fixture, record_from_request

from phonehome.analysis.categories import CATEGORY_IDS
from phonehome.analysis.decode import decode_record
from phonehome.analysis.detect import Detector
from phonehome.analysis.profile import KnownValue

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


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem) for p in PATHS])
def test_fixture_without_profile_adds_nothing(path):
    """Keys and patterns alone (no device profile) may find less, never something else."""
    fx = load_fixture(path)
    record = record_from_request(fx["request"], flow_id=fx["name"])
    detections = Detector(None).detect(record, decode_record(record))
    found = {d.category for d in detections}
    allowed = set(fx["must"]) | set(fx.get("may", ()))
    report = "\n".join(f"  {d.category:16} {d.location} [{d.rule}] {d.evidence}" for d in detections)
    assert found <= allowed, f"without the profile: unexpected {sorted(found - allowed)}:\n{report}"


def test_runtime_values_only_change_the_detector():
    """The profile's values given as runtime values (hook reads) are found the same way, as `runtime`."""
    fx = load_fixture(next(p for p in PATHS if p.stem == "meta_app_events_activities"))
    record = record_from_request(fx["request"])
    decoded = decode_record(record)
    runtime = [
        KnownValue(f"hook:{kv.name}", kv.value, kv.category, kv.kind, provenance=f"hook#{i} read {kv.name}")
        for i, kv in enumerate(default_profile().known_values())
    ]
    by_profile = Detector(default_profile()).detect(record, decoded)
    by_runtime = Detector(None, known=runtime).detect(record, decoded)
    assert {(d.location, d.category) for d in by_profile} == {(d.location, d.category) for d in by_runtime}
    assert {d.detector for d in by_runtime} >= {"runtime"}
    em = next(d for d in by_runtime if d.location.endswith("ud>json:em"))
    assert (
        em.rule
        == f"runtime:{next(r.provenance for r in runtime if r.name == 'hook:person.email')} sha256(lower)"
    )
