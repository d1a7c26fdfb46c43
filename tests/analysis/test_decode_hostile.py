"""decode_record on hostile input: it never raises, stays within its limits, and costs bounded time
and memory on bombs, huge bodies and deep nesting."""

from __future__ import annotations

import base64
import gzip
import json
import re
import time
import tracemalloc
import urllib.parse

import brotli
import cbor2
import msgpack
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.decode import gzip_bomb, jwt, pb_bytes, pb_varint, record, triples

from phonehome.analysis.decode import DecodeLimits, decode_record
from phonehome.analysis.location import Location
from phonehome.analysis.model import Blob, Decoded, Leaf

GB = 1 << 30
DEFAULT = DecodeLimits()

# --------------------------------------------------------------------------------------------
# Invariants


def _nodes(loc: Location) -> list[tuple[int, str, int | None]]:
    return [(n.kind, n.name, n.idx) for n in loc.chain]


def check(decoded: Decoded, limits: DecodeLimits = DEFAULT) -> None:
    assert isinstance(decoded, Decoded)
    assert len(decoded.leaves) <= limits.max_leaves
    for leaf in decoded.leaves:
        assert type(leaf) is Leaf
        assert type(leaf.value) is str and len(leaf.value) <= limits.max_value_length
        assert type(leaf.location) is Location and str(leaf.location)
        assert _nodes(Location.parse(str(leaf.location))) == _nodes(leaf.location)  # notation round-trips
        assert leaf.key is None or type(leaf.key) is str
        assert type(leaf.decoding) is tuple and all(type(d) is str for d in leaf.decoding)
    for blob in decoded.blobs:
        assert type(blob) is Blob and type(blob.data) is bytes
    assert len(decoded.notes) <= limits.max_notes + 1
    assert all(type(n) is str for n in decoded.notes)
    # decode_record turns any exception into a note so a record is never lost; here such a note
    # means a decoder bug.
    assert not [
        n for n in decoded.notes if n.startswith(("decoder error", "recursion limit", "out of memory"))
    ]


# --------------------------------------------------------------------------------------------
# Property tests: >= 10,000 examples in total (4,500 + 4,700 + 800)

SAMPLES = [
    json.dumps(
        {
            "events": [{"adid": "38400000-8cf0-11bd-b23e-10b96e40000d", "n": 1, "ok": True}],
            "p": base64.b64encode(b'{"email":"a@b.example"}').decode(),
            "nested": json.dumps({"q": "a=1&b=2"}),
        }
    ).encode(),
    b"adid=38400000-8cf0&extinfo=%5B%22a2%22%2C3%5D&d=" + base64.b64encode(b'{"x":1}'),
    pb_varint(1, 150) + pb_bytes(2, "testing") + pb_bytes(3, pb_varint(1, 7) + pb_bytes(2, "x" * 40)),
    gzip.compress(b'{"a":"b","c":[1,2,3]}' * 5),
    msgpack.packb({"device_id": "abc", "list": [1, 2.5, b"\x00\x01", {"k": "v"}]}),
    cbor2.dumps({"id": "abc", "nested": {"a": [1, 2, 3]}}),
    b'{"a":1}\n{"b":"eyJ4IjoxfQ=="}\n',
    b'--B\r\nContent-Disposition: form-data; name="m"\r\nContent-Type: application/json\r\n\r\n'
    b'{"k":"v"}\r\n--B--\r\n',
    jwt({"alg": "HS256"}, {"sub": "u1"}).encode(),
    b"\x00\x00\x00\x00\x07\x08\x96\x01\x12\x02hi",
    zstandard.ZstdCompressor().compress(b'{"z":"zstd"}'),
    brotli.compress(b"a=1&b=2"),
    b'42["ev",{"uid":"u1"}]',
    b"bel.7;1,3,,6k,,,'popstate,'https://a.example/,0,,1,,!!'/,'/x,'i1,'2,44,44;5,'enduser.id,'u1;"
    b"2,,,1e,,,'GET,c8,'a.example,'/p,,,1,'3,!!!;b,!a,,5",
    # an OpenReplay batch: BatchMetadata, Timestamp, UserID, SetInputValue, Metadata
    b"Q\x02\x00\x00\x02\x05https\x00\x01\x00\x00\x05\x1c\x03\x00\x00\x02u1"
    b"\x12\x05\x00\x00\x05\x02hi\x00\x1e\x07\x00\x00\x04city\x01B",
    b"[" * 50 + b"]" * 50,
    b'[{"type":3,"data":{"source":5,"text":"hi","id":1},"timestamp":1},'
    b'{"type":2,"data":{"node":{"type":2,"tagName":"p","childNodes":[{"type":3,"textContent":"x"}]}},"timestamp":2}]',
]

CONTENT_TYPES = [
    None,
    "application/json",
    "text/plain",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=B",
    "multipart/form-data",
    "application/x-protobuf",
    "application/grpc",
    "application/msgpack",
    "application/cbor",
    "application/x-ndjson",
    "image/jpeg",
]
ENCODINGS = ["", "", "", "gzip", "deflate", "br", "zstd", "gzip, br", "identity", "x-unknown"]

limits_st = st.one_of(
    st.just(DEFAULT),
    st.builds(
        DecodeLimits,
        max_depth=st.integers(0, 8),
        max_leaves=st.integers(0, 40),
        max_decoded_bytes=st.integers(0, 4096),
        max_decompressed_size=st.integers(0, 4096),
        max_decompression_ratio=st.integers(1, 50),
        max_value_length=st.integers(0, 64),
        max_parse_size=st.integers(0, 2048),
        max_notes=st.integers(0, 5),
    ),
)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.integers(0, 4))
        pos = draw(st.integers(0, len(data)))
        if op == 0 and data:  # flip a byte
            i = min(pos, len(data) - 1)
            data[i] = draw(st.integers(0, 255))
        elif op == 1:  # truncate
            del data[pos:]
        elif op == 2:  # insert
            data[pos:pos] = draw(st.binary(max_size=16))
        elif op == 3:  # duplicate a slice
            end = draw(st.integers(pos, len(data)))
            data[pos:pos] = data[pos:end]
        else:  # wrap in base64 / JSON string / gzip
            how = draw(st.integers(0, 2))
            if how == 0:
                data = bytearray(base64.b64encode(data))
            elif how == 1:
                data = bytearray(json.dumps({"v": data.decode("latin-1")}).encode())
            else:
                data = bytearray(gzip.compress(bytes(data), mtime=0))
    return bytes(data)


SETTINGS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}


@settings(max_examples=4500, **SETTINGS)
@given(
    body=st.binary(max_size=600),
    ctype=st.one_of(st.sampled_from(CONTENT_TYPES), st.text(max_size=40)),
    encoding=st.sampled_from(ENCODINGS),
    kind=st.sampled_from(["http", "websocket"]),
    limits=limits_st,
)
def test_random_bytes(body, ctype, encoding, kind, limits):
    rec = record(body, content_type=ctype, content_encoding=encoding, kind=kind)
    check(decode_record(rec, limits), limits)


@settings(max_examples=4700, **SETTINGS)
@given(
    body=mutated(),
    ctype=st.sampled_from(CONTENT_TYPES),
    encoding=st.sampled_from(ENCODINGS),
    kind=st.sampled_from(["http", "http", "websocket"]),
    limits=limits_st,
)
def test_mutated_samples(body, ctype, encoding, kind, limits):
    rec = record(body, content_type=ctype, content_encoding=encoding, kind=kind)
    check(decode_record(rec, limits), limits)


@settings(max_examples=800, **SETTINGS)
@given(
    path=st.text(max_size=200).map(lambda s: "/" + s),
    headers=st.lists(st.tuples(st.text(max_size=20), st.text(max_size=200)), max_size=6),
    cookie=st.text(max_size=200),
    value=st.one_of(st.sampled_from(SAMPLES), st.binary(max_size=100)),
    limits=limits_st,
)
def test_random_url_headers_cookies(path, headers, cookie, value, limits):
    b64 = urllib.parse.quote(base64.b64encode(value).decode())
    rec = record(
        path=f"{path}?d={b64}&h={value.hex()}&{urllib.parse.quote_from_bytes(value)}",
        headers=[*headers, ("Cookie", cookie), ("X-Data", base64.urlsafe_b64encode(value).decode())],
    )
    check(decode_record(rec, limits), limits)


# --------------------------------------------------------------------------------------------
# Bombs


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    """1 GB of zeros, compressed with each codec (gzip ~1 MB, brotli ~200 KB, zstd ~30 KB)."""
    out = {"gzip": gzip_bomb(GB)}
    zeros = bytes(1 << 20)
    br = brotli.Compressor(quality=1)
    out["br"] = b"".join(br.process(zeros) for _ in range(GB >> 20)) + br.finish()
    zs = zstandard.ZstdCompressor(level=1).compressobj()
    out["zstd"] = b"".join(zs.compress(zeros) for _ in range(GB >> 20)) + zs.flush()
    return out


def measured(rec, limits=DEFAULT) -> tuple[Decoded, float, int]:
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        decoded = decode_record(rec, limits)
        elapsed = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    check(decoded, limits)
    return decoded, elapsed, peak


@pytest.mark.parametrize("codec", ["gzip", "br", "zstd"])
def test_bomb_as_content_encoding(bombs, codec):
    decoded, elapsed, peak = measured(record(bombs[codec], content_encoding=codec))
    assert elapsed < 3
    assert peak < 64 << 20
    assert decoded.leaves == []
    assert [b.location for b in decoded.blobs] == ["body"]  # the compressed body only
    assert len(decoded.notes) == 1
    # zstd packs 1 GB into ~30 KB: its ratio limit (200) trips before the size limit (8 MB).
    assert re.fullmatch(
        rf"(max_decompressed_size {8 << 20}|max_decompression_ratio 200) at body: {codec} content-encoding"
        rf" of {len(bombs[codec])} bytes inflates past \d+ bytes \(decompression bomb\?\); not decoded",
        decoded.notes[0],
    )


def test_gzip_bomb_in_base64_json_field(bombs):
    body = json.dumps({"event": "x", "payload": base64.b64encode(bombs["gzip"]).decode()}).encode()
    decoded, elapsed, peak = measured(record(body, content_type="application/json"))
    assert elapsed < 3
    assert peak < 64 << 20
    assert ("body.json:event", "x", ("json",)) in triples(decoded)
    assert any(
        n.startswith("max_decompressed_size") and "at body.json:payload>base64>gzip" in n
        for n in decoded.notes
    )


def test_decompression_ratio_limit():
    small = gzip.compress(b"\0" * (1 << 20))  # ~1 KB inflating to 1 MB: ratio ~1000
    decoded = decode_record(record(small, content_encoding="gzip"))
    assert decoded.notes == [
        f"max_decompression_ratio 200 at body: gzip content-encoding of {len(small)} bytes inflates past "
        f"{len(small) * 200} bytes (decompression bomb?); not decoded"
    ]


def test_decoded_bytes_budget():
    fields = {f"f{i}": base64.b64encode(b"some readable text, " * 10).decode() for i in range(5)}
    limits = DecodeLimits(max_decoded_bytes=500)
    decoded = decode_record(record(json.dumps(fields).encode()), limits)
    check(decoded, limits)
    decoded_fields = {leaf.location for leaf in decoded.leaves if leaf.decoding == ("json", "base64")}
    assert decoded_fields == {"body.json:f0>base64", "body.json:f1>base64"}
    assert decoded.notes == [
        f"max_decoded_bytes 500 at body.json:f{i}>base64: base64 output of 200 bytes not decoded"
        for i in (2, 3, 4)
    ]


# --------------------------------------------------------------------------------------------
# Huge and deep


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"a":"' + b"x" * (50 << 20) + b'"}', id="json"),
        pytest.param(bytes(range(256)) * (50 << 12), id="binary"),
    ],
)
def test_50mb_body(body):
    decoded, elapsed, peak = measured(record(body, content_type="application/json"))
    assert elapsed < 2
    assert peak < 64 << 20
    assert decoded.blobs[0].location == "body" and decoded.blobs[0].data is body
    assert (
        decoded.notes[0]
        == f"max_parse_size {DEFAULT.max_parse_size} at body: {len(body)} bytes kept as a blob, not parsed"
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="arrays"),
        pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, id="objects"),
        pytest.param(b"[" * 100_000, id="unclosed"),
    ],
)
def test_100k_nested_json_body(body):
    decoded, elapsed, _ = measured(record(body, content_type="application/json"))
    assert elapsed < 2
    assert decoded.notes[0] == "json at body: nested too deep to parse; kept as text" or "unclosed" in str(
        decoded.notes
    )
    assert decoded.leaves[0].location == "body.text"


def test_100k_nested_json_inside_a_field():
    inner = "[" * 100_000 + "]" * 100_000
    body = json.dumps({"a": inner, "b": "ok"}).encode()
    decoded, elapsed, _ = measured(record(body))
    assert elapsed < 2
    assert ("body.json:b", "ok", ("json",)) in triples(decoded)
    assert "json at body.json:a>json: nested too deep to parse; kept as text" in decoded.notes


def test_moderately_deep_json_stops_at_depth_limit():
    body = b'{"a":' * 500 + b'"x"' + b"}" * 500
    decoded, _, _ = measured(record(body))
    assert decoded.leaves == []
    assert decoded.notes == ["max_depth 32 at body.json:" + ".".join(["a"] * 32) + ": object not decoded"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"\x91" * 100_000 + b"\x01", id="msgpack"),
        pytest.param(b"\x81" * 100_000 + b"\x01", id="cbor"),
    ],
)
def test_deep_binary_structures(body):
    decoded, elapsed, _ = measured(record(body))
    assert elapsed < 2


def test_deep_protobuf():
    msg = pb_varint(1, 1)
    for _ in range(2000):
        msg = pb_bytes(1, msg)
    decoded, elapsed, _ = measured(record(msg, content_type="application/x-protobuf"))
    assert elapsed < 5
    assert decoded.leaves == []
    assert any(n.startswith("max_depth 32 at body.protobuf:1.1.1") for n in decoded.notes)


def test_deep_base64_onion():
    value = b'{"id":"x"}'
    for _ in range(40):  # ~1 MB
        value = base64.b64encode(value)
    decoded, elapsed, _ = measured(record(b"d=" + value, content_type="application/x-www-form-urlencoded"))
    assert elapsed < 2
    assert any(n.startswith("max_depth 32 at body.form:d>base64>base64") for n in decoded.notes)


def test_many_leaves():
    body = json.dumps(list(range(100_000))).encode()
    t0 = time.perf_counter()
    decoded = decode_record(record(body))
    assert time.perf_counter() - t0 < 2
    check(decoded)
    # 9,000 values, then only values that can carry an identifier: none of these short numbers
    assert len(decoded.leaves) == 9_000
    assert decoded.notes == [
        "max_nodes 50000 reached at body.json:[49999]: remaining values not decoded",
        "max_leaves 10000: under leaf pressure, 40999 short values (under 6 characters) not searched",
    ]


BIG = DEFAULT.max_parse_size - 16  # just small enough to be parsed


@pytest.mark.parametrize(
    ("body", "content_type", "note"),
    [
        pytest.param(
            b"[" + b"{}," * (BIG // 3) + b"{}]",
            None,
            "max_nodes 50000 reached at body.json:[49999]",
            id="json-empty-objects",
        ),
        pytest.param(
            b"[" + b"0," * (BIG // 2) + b"0]",
            None,
            "max_nodes 50000 reached at body.json:[49999]",  # identical values are folded
            id="json-numbers",
        ),
        pytest.param(
            b"a=1&" * (BIG // 4),
            "application/x-www-form-urlencoded",
            "max_nodes 50000 reached at body.form:a[50000]",
            id="form-pairs",
        ),
        pytest.param(
            b"\xdd" + (BIG // 4 - 8).to_bytes(4, "big") + b"\x90" * (BIG // 4 - 8),
            "application/msgpack",
            "max_nodes 50000 reached at body.msgpack:[49999]",
            id="msgpack-empty-arrays",
        ),
        pytest.param(
            b"\x08\x01" * (BIG // 2),
            "application/x-protobuf",
            "max_nodes 50000 reached at body.protobuf:1[50000]",
            id="protobuf-fields",
        ),
        pytest.param(
            b"\x08\x01" * (BIG // 2),
            None,
            "max_nodes 50000 reached at body.protobuf:1[50000]",
            id="protobuf-guessed",
        ),
        pytest.param(
            b"{}\n" * (BIG // 3),
            None,
            "max_nodes 50000 reached at body.ndjson:[49999]",
            id="ndjson-empty-objects",
        ),
        pytest.param(
            b"a=%7B%7D&" * (BIG // 9),
            "application/x-www-form-urlencoded",
            "max_nodes 50000 reached at body.form:a[25000]",  # 2 nodes per pair: the pair and its {}
            id="form-of-empty-json",
        ),
    ],
)
def test_pathological_bodies_just_under_parse_size(body, content_type, note):
    """Bodies that parse into a million tiny objects: bounded by max_leaves / max_nodes (time)."""
    t0 = time.perf_counter()
    decoded = decode_record(record(body, content_type=content_type))
    assert time.perf_counter() - t0 < 2
    check(decoded)
    assert decoded.notes[0] == note + ": remaining values not decoded"
    # padding of repeated values is folded (and said), so a limit it would have spent is kept
    assert all(n.startswith("max_leaves 10000: under leaf pressure") for n in decoded.notes[1:])


def test_pathological_json_memory():
    """The worst case for memory among the above: every 3 bytes become a Python dict. Bounded by
    max_parse_size."""
    _, _, peak = measured(record(b"[" + b"{}," * (BIG // 3) + b"{}]"))
    assert peak < 64 << 20


def test_large_msgpack_not_parsed():
    body = msgpack.packb({"k": "v" * (DEFAULT.max_parse_size // 2)})
    decoded = decode_record(record(body, content_type="application/msgpack"))
    assert decoded.leaves == []
    assert decoded.notes == [
        f"max_parse_size {DEFAULT.max_parse_size} at body: msgpack of {len(body)} bytes is over a quarter of it;"
        " kept as a blob, not parsed"
    ]


def test_notes_are_capped():
    limits = DecodeLimits(max_value_length=1, max_notes=3)
    decoded = decode_record(record(json.dumps({f"k{i}": "long value" for i in range(10)}).encode()), limits)
    assert len(decoded.leaves) == 10
    assert decoded.notes[3:] == ["max_notes 3: 7 more notes not kept"]


# --------------------------------------------------------------------------------------------
# Text fidelity


def test_invalid_utf8_form_body():
    decoded = decode_record(record(b"name=caf\xe9&id=42", content_type="application/x-www-form-urlencoded"))
    assert triples(decoded) == {("body.form:name", "caf\ufffd", ("form",)), ("body.form:id", "42", ("form",))}
    assert decoded.notes == ["invalid UTF-8 at body: undecodable bytes replaced with U+FFFD"]


def test_invalid_utf8_in_percent_encoding():
    decoded = decode_record(record(path="/x?name=caf%E9"))
    assert triples(decoded) == {("path[0]", "x", ()), ("query:name", "caf\ufffd", ())}


ESC = "\x1b[2J\x1b]0;owned\x07\x1b[31mred\x1b[0m\r\x08\x9b"


def test_terminal_escapes_survive_in_json():
    decoded = decode_record(record(json.dumps({"name": ESC}).encode()))
    assert triples(decoded) == {("body.json:name", ESC, ("json",))}


def test_terminal_escapes_survive_in_form_header_and_query():
    raw = "\x1b[31mred\x1b[0m"
    rec = record(
        b"n=" + raw.encode(),
        path="/p?q=" + urllib.parse.quote(raw),
        headers=[("X-Name", raw)],
        content_type="application/x-www-form-urlencoded",
    )
    assert triples(decode_record(rec)) == {
        ("path[0]", "p", ()),
        ("query:q", raw, ()),
        ("header:X-Name", raw, ()),
        ("body.form:n", raw, ("form",)),
    }


def test_escapes_in_keys_are_quoted_in_locations_but_kept_in_keys():
    decoded = decode_record(record(json.dumps({"a\x1b[2Jb": "v"}).encode()))
    (leaf,) = decoded.leaves
    assert leaf.location == 'body.json:["a\\u001b[2Jb"]'
    assert leaf.key == "a\x1b[2Jb"


# --------------------------------------------------------------------------------------------
# Compact vendor formats (analysis/decode/_bel.py, ...)


@pytest.mark.parametrize(
    "body",
    [
        b"bel.7;" + b"1,zzzzzz;" * 20_000,  # every node claims a huge number of attached records
        b"bel.6;" + b";" * 200_000,  # empty records
        b"bel.6;e," + b"z" * 100_000 + b",1,1;5,'k,zzzzzzzzzzzzzzzzzzzzzzzz",  # huge numbers
        b"bel.6;" + b"5,'k,'" + b"\\" * 50_000,  # escapes only
        b"bel.6;" + b"!" * 300_000,  # nulls need no separator
        b"bel.6;e,'a,1,2;5,99999,7777;6,'d,x'y;7;8,;9,!,!;e",  # references past the table, junk
        b"bel.6;" + b"'" + "\u00e9\x00;".encode() * 1000,
    ],
    ids=["attached-counts", "empty-records", "huge-numbers", "escapes", "nulls", "junk", "odd-text"],
)
def test_bel_hostile_payloads(body):
    decoded = decode_record(record(body, content_type="text/plain"))
    check(decoded)
    assert len(decoded.leaves) <= DEFAULT.max_leaves


def test_bel_nesting_is_bounded():
    body = b"bel.7;" + b"1,1;" * 5000 + b"5,'enduser.id,'u-1"
    decoded = decode_record(record(body, content_type="text/plain"))
    check(decoded)
    assert max(leaf.location.names.count("children") for leaf in decoded.leaves) <= 8


def _or_msg(t: int, body: bytes) -> bytes:
    return bytes([t]) + len(body).to_bytes(3, "little") + body


_OR_HEAD = b"Q\x02\x00\x00\x02\x05https"


@pytest.mark.parametrize(
    "body",
    [
        _OR_HEAD + _or_msg(0, b"\x01") * 200_000,  # more messages than max_nodes
        _OR_HEAD + b"\x1c\xff\xff\xff" + b"\x05" * 64,  # a size past the end
        _OR_HEAD + _or_msg(28, b"\xff" * 40),  # a varint that never ends
        _OR_HEAD + _or_msg(27, b"\x01a" + b"\xfe\xff\x7f" + b"[" * 100),  # a string past its message
        _OR_HEAD + _or_msg(27, b"\x01a\x90\x4e" + b"[" * 10_000),  # deep JSON payload
        _OR_HEAD + _or_msg(200, b"x") * 50 + _or_msg(28, b"\x02u1"),  # mostly unknown types
        _OR_HEAD + _or_msg(14, b"\x01\x04\xff\xfe\x00\x1b"),  # invalid UTF-8, control bytes
        b"Q\x02" + b"\x80" * 100_000,
    ],
    ids=["many", "size", "varint", "string", "deep-json", "unknown", "bad-utf8", "junk"],
)
def test_openreplay_hostile_batches(body):
    for encoding in ("", "gzip"):
        data = gzip.compress(body, mtime=0) if encoding else body
        decoded = decode_record(record(data, content_encoding=encoding))
        check(decoded)


def _rr_chain(depth: int) -> dict:
    node: dict = {"type": 3, "textContent": "deep text"}
    for i in range(depth):
        node = {"type": 2, "tagName": "div", "attributes": {"title": f"t{i}"}, "childNodes": [node], "id": i}
    return node


@pytest.mark.parametrize(
    "event",
    [
        {"type": 2, "data": {"node": _rr_chain(400)}, "timestamp": 1},  # 800 JSON levels, past max_depth
        {
            "type": 2,
            "data": {"node": {"type": 2, "childNodes": [{"type": 3, "textContent": "w"}] * 100_000}},
            "timestamp": 1,
        },
        {"type": 3, "data": {"source": 0, "adds": 5, "texts": "x", "attributes": [1, None]}, "timestamp": 1},
        {"type": 3, "data": {"source": 2, "type": 99, "x": [], "y": {}}, "timestamp": {"x": 1}},
        {"type": 6, "data": {"plugin": 7, "payload": [[[[[]]]]]}, "timestamp": 1},
        {
            "type": 2,
            "data": {"node": {"type": 2, "tagName": 5, "attributes": [1], "childNodes": "x"}},
            "timestamp": 1,
        },
        {"type": 2, "data": {"wireframes": "x"}, "timestamp": 1},
        {
            "type": 2,
            "data": {"wireframes": [{"text": "t", "childWireframes": [{"label": "l"}] * 50_000}, 5, None]},
            "timestamp": 1,
        },
        {"type": 3, "data": {"source": 0, "updates": [{"wireframe": [[]]}, 7]}, "timestamp": 1},
    ],
    ids=[
        "deep-tree",
        "wide-tree",
        "bad-mutation",
        "bad-fields",
        "bad-plugin",
        "bad-node",
        "bad-wireframes",
        "wide-wireframes",
        "bad-update",
    ],  # fmt: skip
)
def test_rrweb_hostile_events(event):
    for wrap in (lambda e: e, lambda e: {"events": [e] * 3}):
        decoded = decode_record(record(json.dumps(wrap(event)).encode(), content_type="application/json"))
        check(decoded)


@pytest.mark.parametrize(
    "node",
    [
        {"n": "x" * 100_000, "s": 1, "e": 2, "o": ["a"] * 1000, "t": "event"},
        {"n": "x", "s": [1], "e": 2, "o": "y", "t": "event"},
        {"n": "x", "s": 1e308, "e": -1, "o": {"deep": [[[[]]]]}, "t": ""},
    ],
    ids=["big", "list-time", "odd"],
)
def test_session_trace_hostile_nodes(node):
    decoded = decode_record(record(json.dumps([node] * 200).encode(), content_type="text/plain"))
    check(decoded)


@pytest.mark.parametrize(
    "body",
    [
        b"k\xf4\xa1\xc8\x9a\xe6\x33\x01\x28" * 30_000,  # many batch-meta messages
        b"k\xf4\xa1\xc8\x9a\xe6\x33\xff\xff\xff\x0f",  # a body length past the end
        b"k\xf4\xa1\xc8\x9a\xe6\x33\x01\x28^\xf4\xa1\xc8\x9a\xe6\x33\x05\x04\xff\xfe\x00\x01",
        b"k" + b"\xff" * 100,
    ],
    ids=["many", "length", "bad-utf8", "varint"],
)
def test_openreplay_mobile_hostile_batches(body):
    check(decode_record(record(body, content_type="application/octet-stream")))
