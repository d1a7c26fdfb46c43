"""The typed location (`analysis.location`): its notation round-trips for every shape the decoders
write, and the derived properties readers use instead of parsing the text."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import cbor2
import msgpack
import pytest
from support.decode import jwt, pb_bytes, pb_field, record
from support.detect import fixture_paths, load_fixture, record_from_request

from phonehome.analysis.decode import decode_record
from phonehome.analysis.location import INDEX, KEY, PARAM, ROOT, STEP, Location
from phonehome.analysis.readers import read_records


def nodes(loc: Location) -> list[tuple[int, str, int | None]]:
    return [(n.kind, n.name, n.idx) for n in loc.chain]


def test_builders_render_the_notation() -> None:
    body = Location.BODY
    assert str(body.step("json").key("events").index(0).key("adid")) == "body.json:events[0].adid"
    assert str(body.step("json").index(3)) == "body.json:[3]"
    assert str(body.step("json")) == "body.json"
    assert str(body.step("json").key("a.b").key("c")) == 'body.json:["a.b"].c'
    assert str(body.step("json").key("a").key("x y")) == 'body.json:a["x y"]'
    assert str(body.step("form").param("d").step("base64").step("json").key("adid")) == (
        "body.form:d>base64>json:adid"
    )
    assert str(Location.QUERY.param("user.id")) == "query:user.id"
    assert str(Location.QUERY.param("id").index(1)) == "query:id[1]"
    assert str(Location.QUERY.param("")) == 'query:[""]'
    assert str(Location.HEADER.param("User-Agent")) == "header:User-Agent"
    assert str(Location.COOKIE.param("_fbp")) == "cookie:_fbp"
    assert str(Location.url_segment(2)) == "path[2]"
    assert str(Location.url_segment(2).step("base64")) == "path[2]>base64"
    assert str(body.step("grpc", 0).step("protobuf").key("2")) == "body.grpc[0]>protobuf:2"
    assert (
        str(body.step("grpc", 1).step("trailer").param("grpc-status")) == "body.grpc[1]>trailer:grpc-status"
    )
    assert str(body.step("protobuf").key("1").key("3").index(0).key("2")) == "body.protobuf:1.3[0].2"
    assert str(body.step("multipart").param("log").step("filename")) == "body.multipart:log>filename"
    assert str(body.step("text").step("strings").index(4).index(1)) == "body.text>strings:[4][1]"
    assert str(Location.WS.step("socketio").step("json").index(1).key("uid")) == "ws.socketio>json:[1].uid"
    assert str(body) == "body" and str(Location.WS) == "ws"


def test_interned_and_equal_by_notation() -> None:
    a = Location.BODY.step("json").key("a")
    assert a is Location.BODY.step("json").key("a")
    assert Location.parse("body.json:a") is a
    assert a == "body.json:a" and "body.json:a" == a and hash(a) == hash("body.json:a")
    assert a != Location.BODY.step("json").key("b") and a != 3
    assert f"at {a}" == "at body.json:a"
    assert {a: 1}["body.json:a"] == 1
    # a key and an index of the same spelling are different nodes
    assert Location.BODY.step("json").key("0") is not Location.BODY.step("json").index(0)
    assert str(Location.BODY.step("json").key("0")) == "body.json:0"


def test_derived_properties() -> None:
    loc = Location.parse("body.form:d>base64>json:events[0].adid")
    assert loc.names == ("d", "events", "adid")
    assert loc.steps == ("form", "base64", "json")
    assert loc.part_name == "body" and loc.root is Location.BODY
    assert [str(a) for a in loc.ancestors] == ["body.form:d", "body.form:d>base64"]
    assert str(loc.innermost) == "body.form:d>base64>json"
    assert [str(f) for f in loc.fields] == [
        "body.form:d>base64>json:events",
        "body.form:d>base64>json:events[0]",
        "body.form:d>base64>json:events[0].adid",
    ]
    assert loc.last_index is None and loc.has_step("base64") and not loc.has_step("url")
    assert not loc.is_url_segment
    # params read their dots as nesting; quoted keys are one name (JSON escapes kept)
    assert Location.parse("query:user.id").names == ("user", "id")
    assert Location.parse('body.json:["a.b"].c').names == ("a.b", "c")
    assert Location.parse('body.json:["q\\"x"]').names == ('q\\"x',)
    pair = Location.parse("body.json:attrs[3][1]")
    assert pair.last_index == 1 and str(pair.with_last_index(0)) == "body.json:attrs[3][0]"
    seg = Location.url_segment(1)
    assert seg.is_url_segment and seg.last_index == 1 and seg.with_last_index(0) is Location.url_segment(0)
    assert not seg.step("base64").is_url_segment
    frame = Location.parse("body.grpc[1]")
    assert frame.last_index == 1 and str(frame.with_last_index(2)) == "body.grpc[2]"
    assert Location.parse("body.text").ancestors == () and Location.parse("body.text").names == ()
    assert [str(a) for a in Location.parse("path[2]>base64>json:uid").ancestors] == [
        "path[2]",
        "path[2]>base64",
    ]
    assert [n.kind for n in Location.parse('body.multipart:["a b"][1]>json:x').chain] == [
        ROOT,
        STEP,
        PARAM,
        INDEX,
        STEP,
        KEY,
    ]


@pytest.mark.parametrize(
    "text",
    ["", "bodyx", "body>json", "body.json:.a", "query:a>", "path[x]", "query:a:b>c d", "json:a"],
)
def test_parse_rejects_what_no_decoder_writes(text: str) -> None:
    with pytest.raises(ValueError):
        Location.parse(text)


def _every_shape() -> list:
    """Records that make every decoder write its locations."""
    payload = json.dumps({"events": [{"adid": "38400000-8cf0-11bd-b23e-10b96e40000d", "a b": 1}]})
    b64 = base64.b64encode(payload.encode()).decode()
    nested_gz = base64.b64encode(gzip.compress(payload.encode())).decode()
    token = jwt({"alg": "HS256"}, {"sub": "u-1", "iss": "https://issuer.example"})
    recs = [
        record(
            body=json.dumps(
                {
                    "d": b64,
                    "z": nested_gz,
                    "u": "https://x.example/p?gclid=abc123&q=1",
                    "p": "caf%C3%A9%20latte%20please",
                    "h": payload.encode().hex(),
                    "r": b64[::-1],
                    "t": token,
                    "list": [["city", "Berlin"], ["k", {"x": 1}]],
                    "q": "a=1&b=2",
                }
            ).encode(),
            content_type="application/json",
            path="/v1/users/abc/track?id=1&id=2&ref=https%3A%2F%2Fa.example%2F%3Futm%3Dx",
            headers=[
                ("User-Agent", "ua"),
                ("Authorization", f"Bearer {token}"),
                ("Cookie", "_fbp=fb.1; x=1"),
            ],
        ),
        record(body=b'{"a":1}\n{"b":[2,3]}\n', content_type="application/x-ndjson"),
        record(body=b"d=" + b64.encode() + b"&e=1&e=2", content_type="application/x-www-form-urlencoded"),
        record(
            body=msgpack.packb({"ctx": {"device_id": "abc", 3: b"\x00\x01"}}),
            content_type="application/msgpack",
        ),
        record(body=cbor2.dumps({"ctx": {"device_id": "abc"}}), content_type="application/cbor"),
        record(body=pb_field(1, pb_bytes(3, pb_field(2, "hello"))) + pb_field(2, 7) + pb_field(2, 8)),
        record(
            body=b"\x00\x00\x00\x00\x07" + pb_field(1, "hello"), content_type="application/grpc-web+proto"
        ),
        record(
            body=b'--B\r\nContent-Disposition: form-data; name="meta"\r\n\r\n{"os":"x"}\r\n'
            b'--B\r\nContent-Disposition: form-data; name="log"; filename="a.txt"\r\n\r\nhello\r\n--B--\r\n',
            content_type="multipart/form-data; boundary=B",
        ),
        record(body=b"\x01\x02\x04city\x06Berlin\x00\x09\x08platform\x07android\x00\xff\xfe"),
        record(body=base64.b64encode(payload.encode()), content_type="text/plain"),
        record(body=b'42["event",{"uid":"u-1"}]', kind="websocket"),
    ]
    for path in fixture_paths():
        recs.append(record_from_request(load_fixture(path)["request"], path.stem))
    return recs


def test_every_decoder_location_round_trips() -> None:
    steps: set[str] = set()
    kinds: set[int] = set()
    n = 0
    for rec in _every_shape():
        decoded = decode_record(rec)
        for loc in [leaf.location for leaf in decoded.leaves] + [b.location for b in decoded.blobs]:
            parsed = Location.parse(str(loc))
            assert nodes(parsed) == nodes(loc), str(loc)
            assert str(parsed) == str(loc)
            steps.update(loc.steps)
            kinds.update(n.kind for n in loc.chain)
            n += 1
    assert n > 500
    assert kinds == {ROOT, STEP, KEY, PARAM, INDEX}
    expected = {"json", "ndjson", "form", "url", "percent", "base64", "hex", "reversed", "jwt", "gzip"}
    expected |= {
        "msgpack",
        "cbor",
        "protobuf",
        "grpc",
        "multipart",
        "filename",
        "strings",
        "text",
        "socketio",
    }
    assert expected <= steps, expected - steps


def test_real_sdk_locations_round_trip() -> None:
    """Every location the decoders write for the real-SDK corpus (the open sets) reads back."""
    flows = sorted((Path(__file__).parents[1] / "corpus" / "realsdk" / "flows").glob("*.mitm"))
    steps: set[str] = set()
    n = 0
    for path in [p for p in flows if "-h4" not in p.name]:
        for rec in read_records(path):
            decoded = decode_record(rec)
            for loc in [leaf.location for leaf in decoded.leaves] + [b.location for b in decoded.blobs]:
                assert nodes(Location.parse(str(loc))) == nodes(loc), str(loc)
                steps.update(loc.steps)
                n += 1
    assert n > 5000
    assert {"bel", "openreplay", "protobuf", "json", "form"} <= steps, steps


def test_trim_keeps_handed_out_locations_valid() -> None:
    import phonehome.analysis.location as location

    loc = Location.BODY.step("json").key("kept")
    saved, location._count = location._count, location._MAX_NODES + 1
    try:
        Location.trim()
        again = Location.BODY.step("json").key("kept")
        assert again is not loc and again == loc and hash(again) == hash(loc)
        assert str(loc) == "body.json:kept" and loc.names == ("kept",)
    finally:
        location._count = max(saved, location._count)
