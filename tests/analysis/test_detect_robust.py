"""The detector never raises and stays within its contract on arbitrary decoded input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.detect import default_profile, record

from phonehome.analysis.categories import CATEGORY_IDS
from phonehome.analysis.detect import Detector
from phonehome.analysis.location import Location
from phonehome.analysis.model import Blob, Decoded, Leaf

DETECTOR = Detector(default_profile())

keys = st.one_of(
    st.none(),
    st.sampled_from(["adid", "lat", "email", "imei", "zip", "q", "x", "id", "$model"]),
    st.text(max_size=12),
)
names = st.text(max_size=12)
locations = st.one_of(
    st.sampled_from(
        ["query:adid", "body.json:a.b[0].c", "body.form:d>base64>json:[1]", "header:User-Agent", "path[1]"]
    ).map(Location.parse),
    # any key and param names, at any depth, under any step
    st.builds(lambda k, v: Location.QUERY.param(k).step("base64").step("json").key(v), names, names),
    st.builds(
        lambda k, i, v: Location.BODY.step("json").key(k).index(i).key(v), names, st.integers(0, 3), names
    ),
    st.builds(
        lambda i, k: Location.BODY.step("protobuf").key(str(i)).index(0).key(k), st.integers(1, 9), names
    ),
    st.builds(
        lambda s, k: Location.WS.step(s).param(k).step("url").param(k), st.sampled_from(["form", "x"]), names
    ),
    st.builds(Location.url_segment, st.integers(0, 5)),
)
values = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        ["52.5163", "13.3777", "+49 171 2345678", "352099001761481", "a4:5e:60:d2:3b:71", "null", ""]
    ),
    st.from_regex(r"[0-9a-f]{32,64}", fullmatch=True),
)
leaves = st.builds(Leaf, locations, keys, values, st.just(("json",)))
blobs = st.builds(Blob, st.just(Location.BODY), st.binary(max_size=200))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(leaves, max_size=12), st.lists(blobs, max_size=2))
def test_detect_is_total_and_well_formed(leaf_list, blob_list):
    out = DETECTOR.detect(record(), Decoded(leaves=leaf_list, blobs=blob_list))
    seen = set()
    for d in out:
        assert d.category in CATEGORY_IDS
        assert 0.0 <= d.confidence <= 1.0
        assert d.detector in ("key", "pattern", "profile", "runtime")
        assert d.evidence and d.rule
        assert (d.location, d.category) not in seen  # one detection per (location, category)
        seen.add((d.location, d.category))
