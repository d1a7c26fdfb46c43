"""decode_record on one example per format: exact locations, values and decoding chains."""

from __future__ import annotations

import base64
import gzip
import json
import struct
import urllib.parse
import zlib

import brotli
import cbor2
import msgpack
import pytest
import zstandard
from support.decode import (
    b64url,
    by_location,
    jwt,
    pb_bytes,
    pb_fixed32,
    pb_fixed64,
    pb_varint,
    record,
    triples,
)

from phonehome.analysis.decode import DecodeLimits, decode_record

ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"
FORM = "application/x-www-form-urlencoded"


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def jdump(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


PROTO = (
    pb_varint(1, 150)
    + pb_bytes(2, "testing")
    + pb_bytes(3, pb_varint(1, 7) + pb_bytes(2, ADID))
    + pb_bytes(3, pb_varint(1, 8) + pb_bytes(2, "second"))
    + pb_fixed64(4, struct.pack("<d", 52.520008))
    + pb_fixed32(5, struct.pack("<f", 13.25))
    + pb_varint(6, -2)
    + pb_fixed64(7, (1_700_000_000_123).to_bytes(8, "little"))
)
PROTO_LEAVES = {
    ("body.protobuf:1", "150", ("protobuf",)),
    ("body.protobuf:2", "testing", ("protobuf",)),
    ("body.protobuf:3[0].1", "7", ("protobuf",)),
    ("body.protobuf:3[0].2", ADID, ("protobuf",)),
    ("body.protobuf:3[1].1", "8", ("protobuf",)),
    ("body.protobuf:3[1].2", "second", ("protobuf",)),
    ("body.protobuf:4", "52.520008", ("protobuf",)),
    ("body.protobuf:5", "13.25", ("protobuf",)),
    ("body.protobuf:6", "-2", ("protobuf",)),
    ("body.protobuf:7", "1700000000123", ("protobuf",)),
}

# Each case: a record and the exact set of (location, value, decoding) expected among its leaves.
# `exact=True` cases must produce exactly these leaves and nothing else.
CASES = [
    pytest.param(
        record(path="/v1/track?adid=" + ADID + "&id=1&id=2&empty=&flag"),
        {
            ("path[0]", "v1", ()),
            ("path[1]", "track", ()),
            ("query:adid", ADID, ()),
            ("query:id[0]", "1", ()),
            ("query:id[1]", "2", ()),
            ("query:empty", "", ()),
            ("query:flag", "", ()),
        },
        True,
        id="query-and-path",
    ),
    pytest.param(
        record(path="/users/u%20123/events"),
        {("path[0]", "users", ()), ("path[1]", "u 123", ()), ("path[2]", "events", ())},
        True,
        id="path-segments-percent-decoded",
    ),
    pytest.param(
        record(
            headers=[
                ("Host", "sdk.example.com"),
                ("Content-Length", "0"),
                ("Accept-Encoding", "gzip"),
                ("Connection", "keep-alive"),
                ("User-Agent", "Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7)"),
                ("X-Device-Id", "a1b2c3d4e5f60718"),
                ("X-Tag", "one"),
                ("X-Tag", "two"),
            ]
        ),
        {
            ("header:User-Agent", "Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7)", ()),
            ("header:X-Device-Id", "a1b2c3d4e5f60718", ()),
            ("header:X-Tag[0]", "one", ()),
            ("header:X-Tag[1]", "two", ()),
        },
        True,
        id="headers-transport-skipped",
    ),
    pytest.param(
        record(headers=[("Cookie", '_fbp=fb.1.1700000000.123456789; sid="abc"; pref=en%2FUS')]),
        {
            ("cookie:_fbp", "fb.1.1700000000.123456789", ()),
            ("cookie:sid", "abc", ()),
            ("cookie:pref", "en%2FUS", ()),
            ("cookie:pref>percent", "en/US", ("percent",)),
        },
        True,
        id="cookies",
    ),
    pytest.param(
        record(
            urllib.parse.urlencode(
                {"adid": ADID, "lat": "52.52", "extinfo": '["a2","com.app",3,{"k":"v"}]'}
            ).encode(),
            content_type=FORM,
        ),
        {
            ("body.form:adid", ADID, ("form",)),
            ("body.form:lat", "52.52", ("form",)),
            ("body.form:extinfo>json:[0]", "a2", ("form", "json")),
            ("body.form:extinfo>json:[1]", "com.app", ("form", "json")),
            ("body.form:extinfo>json:[2]", "3", ("form", "json")),
            ("body.form:extinfo>json:[3].k", "v", ("form", "json")),
        },
        True,
        id="form-with-json-field",
    ),
    pytest.param(
        record(b"a=1&a=2&b=x", content_type="text/plain"),
        {
            ("body.form:a[0]", "1", ("form",)),
            ("body.form:a[1]", "2", ("form",)),
            ("body.form:b", "x", ("form",)),
        },
        True,
        id="form-sniffed-repeated",
    ),
    pytest.param(
        record(
            b"--XyZ\r\n"
            b'Content-Disposition: form-data; name="user"\r\n\r\n'
            b"alice\r\n"
            b"--XyZ\r\n"
            b'Content-Disposition: form-data; name="meta"\r\n'
            b"Content-Type: application/json\r\n\r\n"
            b'{"os":"Android","ifa":"' + ADID.encode() + b'"}\r\n'
            b"--XyZ\r\n"
            b'Content-Disposition: form-data; name="log"; filename="crash.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n"
            b"\x00\x01\x02\xff\xfe\r\n"
            b"--XyZ--\r\n",
            content_type='multipart/form-data; boundary="XyZ"',
        ),
        {
            ("body.multipart:user", "alice", ("multipart",)),
            ("body.multipart:meta>json:os", "Android", ("multipart", "json")),
            ("body.multipart:meta>json:ifa", ADID, ("multipart", "json")),
            ("body.multipart:log>filename", "crash.bin", ("multipart",)),
        },
        True,
        id="multipart",
    ),
    pytest.param(
        record(
            jdump({"events": [{"adid": ADID, "n": 3, "ok": True, "x": None, "f": 1.50}]}),
            content_type="application/json",
        ),
        {
            ("body.json:events[0].adid", ADID, ("json",)),
            ("body.json:events[0].n", "3", ("json",)),
            ("body.json:events[0].ok", "true", ("json",)),
            ("body.json:events[0].f", "1.5", ("json",)),
        },
        True,
        id="json",
    ),
    pytest.param(
        record(b'{"big":12345678901234567890123,"e":1e400,"s":"a.b"}', content_type="text/plain"),
        {
            ("body.json:big", "12345678901234567890123", ("json",)),
            ("body.json:e", "1e400", ("json",)),
            ("body.json:s", "a.b", ("json",)),
        },
        True,
        id="json-as-text-plain-numbers-verbatim",
    ),
    pytest.param(
        record(jdump({"a.b": {"": 1, "x y": 2}}), content_type="application/octet-stream"),
        {('body.json:["a.b"][""]', "1", ("json",)), ('body.json:["a.b"]["x y"]', "2", ("json",))},
        True,
        id="json-octet-stream-quoted-keys",
    ),
    pytest.param(
        record(jdump([{"event": "open", "uid": "u1"}, {"event": "close", "uid": "u1"}])),
        {
            ("body.json:[0].event", "open", ("json",)),
            ("body.json:[0].uid", "u1", ("json",)),
            ("body.json:[1].event", "close", ("json",)),
            ("body.json:[1].uid", "u1", ("json",)),
        },
        True,
        id="json-batch-array-no-content-type",
    ),
    pytest.param(
        record(
            b'{"event":"open","uid":"u1"}\n{"event":"close","n":2}\n', content_type="application/x-ndjson"
        ),
        {
            ("body.ndjson:[0].event", "open", ("ndjson",)),
            ("body.ndjson:[0].uid", "u1", ("ndjson",)),
            ("body.ndjson:[1].event", "close", ("ndjson",)),
            ("body.ndjson:[1].n", "2", ("ndjson",)),
        },
        True,
        id="ndjson",
    ),
    pytest.param(
        record(jdump({"a": json.dumps({"b": json.dumps({"c": ADID}), "q": "x=1&y=2"})})),
        {
            ("body.json:a>json:b>json:c", ADID, ("json", "json", "json")),
            ("body.json:a>json:q>form:x", "1", ("json", "json", "form")),
            ("body.json:a>json:q>form:y", "2", ("json", "json", "form")),
        },
        True,
        id="json-in-json-in-json-and-form-in-json",
    ),
    pytest.param(
        record(
            b"d=" + urllib.parse.quote(b64(jdump({"user": {"email": "a@b.example"}}))).encode(),
            content_type=FORM,
        ),
        {
            ("body.form:d", b64(jdump({"user": {"email": "a@b.example"}})), ("form",)),
            ("body.form:d>base64>json:user.email", "a@b.example", ("form", "base64", "json")),
        },
        True,
        id="form-base64-json",
    ),
    pytest.param(
        record(jdump({"p": b64url(jdump({"ifa": ADID, "k": "~~~??"})), "t": b64url(b"hello world, text")})),
        {
            ("body.json:p>base64url>json:ifa", ADID, ("json", "base64url", "json")),
            ("body.json:p>base64url>json:k", "~~~??", ("json", "base64url", "json")),
            # No "-" or "_": indistinguishable from unpadded standard base64, named so.
            ("body.json:t>base64", "hello world, text", ("json", "base64")),
        },
        False,
        id="base64url-unpadded",
    ),
    pytest.param(
        record(jdump({"s": b64("Pixel 7 / Android 13")})),
        {
            ("body.json:s", "UGl4ZWwgNyAvIEFuZHJvaWQgMTM=", ("json",)),
            ("body.json:s>base64", "Pixel 7 / Android 13", ("json", "base64")),
        },
        True,
        id="base64-text",
    ),
    pytest.param(
        record(
            jdump(
                {
                    "word": "internationalization",
                    "camel": "getAdvertisingIdInfo",
                    "hexid": "deadbeefcafebabe0123456789abcdef",
                    "uuid": ADID,
                    "digits": "12345678901234",
                    "snake": "screen_view_event",
                    "token": b64url(bytes(range(200, 232))),
                }
            )
        ),
        {
            ("body.json:word", "internationalization", ("json",)),
            ("body.json:camel", "getAdvertisingIdInfo", ("json",)),
            ("body.json:hexid", "deadbeefcafebabe0123456789abcdef", ("json",)),
            ("body.json:uuid", ADID, ("json",)),
            ("body.json:digits", "12345678901234", ("json",)),
            ("body.json:snake", "screen_view_event", ("json",)),
            ("body.json:token", b64url(bytes(range(200, 232))), ("json",)),
        },
        True,
        id="not-base64-words-hex-ids-uuid-random-token",
    ),
    pytest.param(
        record(jdump({"h": b"Pixel 7 Android".hex(), "j": jdump({"a": 1}).hex()})),
        {
            ("body.json:h", b"Pixel 7 Android".hex(), ("json",)),
            ("body.json:h>hex", "Pixel 7 Android", ("json", "hex")),
            ("body.json:j>hex>json:a", "1", ("json", "hex", "json")),
        },
        False,
        id="hex-text-and-json",
    ),
    pytest.param(
        record(
            gzip.compress(jdump({"adid": ADID})), content_type="application/json", content_encoding="gzip"
        ),
        {("body.json:adid", ADID, ("gzip", "json"))},
        True,
        id="content-encoding-gzip",
    ),
    pytest.param(
        record(zlib.compress(jdump({"adid": ADID})), content_encoding="deflate"),
        {("body.json:adid", ADID, ("deflate", "json"))},
        True,
        id="content-encoding-deflate-zlib",
    ),
    pytest.param(
        record(zlib.compress(jdump({"adid": ADID}))[2:-4], content_encoding="deflate"),
        {("body.json:adid", ADID, ("deflate", "json"))},
        True,
        id="content-encoding-deflate-raw",
    ),
    pytest.param(
        record(brotli.compress(jdump({"adid": ADID})), content_encoding="br"),
        {("body.json:adid", ADID, ("br", "json"))},
        True,
        id="content-encoding-br",
    ),
    pytest.param(
        record(zstandard.ZstdCompressor().compress(jdump({"adid": ADID})), content_encoding="zstd"),
        {("body.json:adid", ADID, ("zstd", "json"))},
        True,
        id="content-encoding-zstd",
    ),
    pytest.param(
        record(
            brotli.compress(gzip.compress(b"adid=" + ADID.encode())),
            content_encoding="gzip, br",
            content_type=FORM,
        ),
        {("body.form:adid", ADID, ("br", "gzip", "form"))},
        True,
        id="content-encoding-stacked",
    ),
    pytest.param(
        record(
            jdump(
                {
                    "z": b64(gzip.compress(jdump({"ifa": ADID}))),
                    "s": b64(zstandard.ZstdCompressor().compress(b"plain text here")),
                }
            )
        ),
        {
            ("body.json:z>base64>gzip>json:ifa", ADID, ("json", "base64", "gzip", "json")),
            ("body.json:s>base64>zstd", "plain text here", ("json", "base64", "zstd")),
        },
        False,
        id="compressed-inside-field",
    ),
    pytest.param(
        record(PROTO, content_type="application/x-protobuf"),
        PROTO_LEAVES,
        True,
        id="protobuf-declared",
    ),
    pytest.param(
        record(PROTO, content_type="application/octet-stream"),
        PROTO_LEAVES,
        True,
        id="protobuf-sniffed",
    ),
    pytest.param(
        record(
            pb_bytes(1, pb_bytes(1, pb_bytes(3, jdump({"email": "a@b.example"}))) + pb_varint(2, 1)),
            content_type="application/protobuf",
        ),
        {
            ("body.protobuf:1.1.3>json:email", "a@b.example", ("protobuf", "json")),
            ("body.protobuf:1.2", "1", ("protobuf",)),
        },
        True,
        id="protobuf-nested-json-string",
    ),
    pytest.param(
        record(
            pb_bytes(1, "8080")
            + pb_bytes(2, "HIHI")
            + pb_bytes(4, b'"$' + ADID.encode())
            + pb_bytes(5, b"\x9f\x00\xff\x10")
        ),
        {
            ("body.protobuf:1", "8080", ("protobuf",)),
            ("body.protobuf:2", "HIHI", ("protobuf",)),
            ("body.protobuf:4.4", ADID, ("protobuf",)),
            ("body.protobuf:5", "9f00ff10", ("protobuf", "bytes")),
        },
        True,
        id="protobuf-text-vs-message-vs-bytes",
    ),
    pytest.param(
        record(jdump({"pb": b64(pb_varint(1, 42) + pb_bytes(2, "device-name"))})),
        {
            ("body.json:pb>base64>protobuf:1", "42", ("json", "base64", "protobuf")),
            ("body.json:pb>base64>protobuf:2", "device-name", ("json", "base64", "protobuf")),
        },
        False,
        id="protobuf-in-base64",
    ),
    pytest.param(
        record(b"\x00" + len(PROTO).to_bytes(4, "big") + PROTO, content_type="application/grpc"),
        {
            (loc.replace("body.protobuf", "body.grpc[0]>protobuf"), v, ("grpc", "protobuf"))
            for loc, v, _ in PROTO_LEAVES
        },
        True,
        id="grpc-frame",
    ),
    pytest.param(
        record(
            msgpack.packb({"ctx": {"device_id": ADID, "n": 5, "b": False, "raw": b"\x01\x02"}}),
            content_type="application/msgpack",
        ),
        {
            ("body.msgpack:ctx.device_id", ADID, ("msgpack",)),
            ("body.msgpack:ctx.n", "5", ("msgpack",)),
            ("body.msgpack:ctx.b", "false", ("msgpack",)),
            ("body.msgpack:ctx.raw", "0102", ("msgpack", "bytes")),
        },
        True,
        id="msgpack-declared",
    ),
    pytest.param(
        record(msgpack.packb({"device_id": ADID, 7: [1.5, "x"]})),
        {
            ("body.msgpack:device_id", ADID, ("msgpack",)),
            ("body.msgpack:7[0]", "1.5", ("msgpack",)),
            ("body.msgpack:7[1]", "x", ("msgpack",)),
        },
        True,
        id="msgpack-sniffed",
    ),
    pytest.param(
        record(cbor2.dumps({"device": {"id": ADID, "tags": ["a", 2]}}), content_type="application/cbor"),
        {
            ("body.cbor:device.id", ADID, ("cbor",)),
            ("body.cbor:device.tags[0]", "a", ("cbor",)),
            ("body.cbor:device.tags[1]", "2", ("cbor",)),
        },
        True,
        id="cbor-declared",
    ),
    pytest.param(
        record(cbor2.dumps({"id": ADID, "lat": 52.5})),
        {("body.cbor:id", ADID, ("cbor",)), ("body.cbor:lat", "52.5", ("cbor",))},
        True,
        id="cbor-sniffed",
    ),
    pytest.param(
        record(
            headers=[
                ("Authorization", "Bearer " + jwt({"alg": "HS256"}, {"sub": "u-42", "email": "a@b.example"}))
            ]
        ),
        {
            (
                "header:Authorization",
                "Bearer " + jwt({"alg": "HS256"}, {"sub": "u-42", "email": "a@b.example"}),
                (),
            ),
            ("header:Authorization>jwt:header.alg", "HS256", ("jwt",)),
            ("header:Authorization>jwt:payload.sub", "u-42", ("jwt",)),
            ("header:Authorization>jwt:payload.email", "a@b.example", ("jwt",)),
        },
        True,
        id="jwt-bearer-header",
    ),
    pytest.param(
        record(jdump({"token": jwt({"alg": "none"}, {"uid": 7})})),
        {
            ("body.json:token>jwt:header.alg", "none", ("json", "jwt")),
            ("body.json:token>jwt:payload.uid", "7", ("json", "jwt")),
        },
        True,
        id="jwt-in-json",
    ),
    pytest.param(
        record(headers=[("Authorization", "Basic " + b64("alice:s3cret"))]),
        {
            ("header:Authorization", "Basic " + b64("alice:s3cret"), ()),
            ("header:Authorization>base64", "alice:s3cret", ("base64",)),
        },
        True,
        id="basic-auth",
    ),
    pytest.param(
        record(path="/i?ref=" + urllib.parse.quote("https://shop.example/p?gclid=abc123&utm_source=ads")),
        {
            ("path[0]", "i", ()),
            ("query:ref", "https://shop.example/p?gclid=abc123&utm_source=ads", ()),
            ("query:ref>url:gclid", "abc123", ("url",)),
            ("query:ref>url:utm_source", "ads", ("url",)),
        },
        True,
        id="url-in-query",
    ),
    pytest.param(
        record(jdump({"type": "identify", "traits": {"email": "a@b.example"}}), kind="websocket"),
        {("ws.json:type", "identify", ("json",)), ("ws.json:traits.email", "a@b.example", ("json",))},
        True,
        id="websocket-json",
    ),
    pytest.param(
        record(b'42["track",{"uid":"u1"}]', kind="websocket"),
        {
            ("ws.socketio>json:[0]", "track", ("socketio", "json")),
            ("ws.socketio>json:[1].uid", "u1", ("socketio", "json")),
        },
        True,
        id="websocket-socketio",
    ),
    pytest.param(
        record(msgpack.packb({"device_id": ADID}), kind="websocket"),
        {("ws.msgpack:device_id", ADID, ("msgpack",))},
        True,
        id="websocket-binary-msgpack",
    ),
    pytest.param(
        record(b"hello from the app", content_type="text/plain"),
        {("body.text", "hello from the app", ("text",))},
        True,
        id="plain-text-body",
    ),
    pytest.param(
        record(b64(jdump({"adid": ADID})).encode(), content_type="text/plain"),
        {
            ("body.text", b64(jdump({"adid": ADID})), ("text",)),
            ("body.text>base64>json:adid", ADID, ("text", "base64", "json")),
        },
        True,
        id="base64-body",
    ),
]


@pytest.mark.parametrize(("rec", "expected", "exact"), CASES)
def test_format(rec, expected, exact):
    decoded = decode_record(rec)
    got = triples(decoded)
    if exact:
        assert got == expected
    else:
        assert expected <= got, sorted(got)
    assert decoded.notes == []


def test_key_is_innermost_field_name():
    decoded = decode_record(record(jdump({"user": {"ids": ["a", "b"], "email": "a@b.example"}})))
    keys = {leaf.location: leaf.key for leaf in decoded.leaves}
    assert keys == {
        "body.json:user.ids[0]": "ids",
        "body.json:user.ids[1]": "ids",
        "body.json:user.email": "email",
    }


def test_blobs_hold_body_and_every_decoded_byte_string():
    inner = gzip.compress(jdump({"ifa": ADID}))
    rec = record(jdump({"z": b64(inner)}), content_type="application/json")
    blobs = {(b.location, b.data, b.decoding) for b in decode_record(rec).blobs}
    assert blobs == {
        ("body", rec.body, ()),
        ("body.json:z>base64", inner, ("json", "base64")),
        ("body.json:z>base64>gzip", jdump({"ifa": ADID}), ("json", "base64", "gzip")),
    }


def test_content_encoding_blob_is_decompressed_body():
    raw = jdump({"a": "b"})
    rec = record(gzip.compress(raw), content_encoding="gzip")
    blobs = {(b.location, b.data, b.decoding) for b in decode_record(rec).blobs}
    assert blobs == {("body", rec.body, ()), ("body", raw, ("gzip",))}


def test_multipart_file_part_is_a_blob():
    rec = CASES[6].values[0]
    blobs = {(b.location, b.data) for b in decode_record(rec).blobs}
    assert ("body.multipart:log", b"\x00\x01\x02\xff\xfe") in blobs


def test_declared_type_wrong_falls_back_to_sniffing_with_note():
    decoded = decode_record(record(b"adid=" + ADID.encode(), content_type="application/json"))
    assert triples(decoded) == {("body.form:adid", ADID, ("form",))}
    assert any("declared JSON" in n for n in decoded.notes)


def test_depth_limit_noted():
    deep = {"a": {"b": {"c": {"d": "x"}}}}
    decoded = decode_record(record(jdump(deep)), DecodeLimits(max_depth=3))
    assert by_location(decoded) == {}
    assert decoded.notes == ["max_depth 3 at body.json:a.b.c: object not decoded"]


def test_leaf_limit_noted():
    decoded = decode_record(
        record(jdump({f"k{i}": f"v{i:06d}" for i in range(50)})), DecodeLimits(max_leaves=10)
    )
    assert len(decoded.leaves) == 10
    assert decoded.notes == ["max_leaves 10 reached at body.json:k10: remaining values not decoded"]


def test_value_length_limit_truncates_but_still_decodes():
    long = b64(jdump({"ifa": ADID, "pad": "x" * 100}))
    decoded = decode_record(record(jdump({"p": long})), DecodeLimits(max_value_length=20))
    values = by_location(decoded)
    assert values["body.json:p"] == [long[:20]]
    assert values["body.json:p>base64>json:ifa"] == [ADID[:20]]
    assert f"max_value_length 20 at body.json:p: value of {len(long)} characters truncated" in decoded.notes


def test_body_capped_noted():
    decoded = decode_record(record(b'{"a":"b"}', body_size=10_000))
    assert ("body.json:a", "b", ("json",)) in triples(decoded)
    assert decoded.notes == ["body capped at body: 9 of 10000 bytes decoded"]


def test_unsupported_content_encoding_noted():
    decoded = decode_record(record(b"\x1f\x9d\x90garbage", content_encoding="compress"))
    assert decoded.notes[0] == "content-encoding 'compress' at body: not supported; body analysed as sent"


def test_random_tokens_and_ids_are_not_decoded():
    """Conservative guessing: random base64/base64url tokens, hex ids and UUIDs stay opaque."""
    import random
    import uuid

    rng = random.Random(20261126)
    values = []
    for n in (6, 9, 12, 16, 20, 24, 32, 48):
        for _ in range(250):
            raw = rng.randbytes(n)
            values += [base64.b64encode(raw).decode(), b64url(raw), raw.hex()]
    values += [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(500)]
    body = jdump({f"v{i}": v for i, v in enumerate(values)})
    decoded = decode_record(record(body), DecodeLimits(max_leaves=100_000, max_nodes=100_000))
    extra = [leaf for leaf in decoded.leaves if leaf.decoding != ("json",)]
    # Measured: 0 of these 6,500; about 1 in 5,000 short (6-9 byte) tokens decodes to "wordy" ASCII.
    assert len(extra) <= 3, extra


def test_ndjson_with_a_non_json_line():
    """A Sentry-style envelope: JSON headers around an attachment line that is not JSON."""
    body = b'{"event_id":"e1"}\n{"type":"attachment","length":11}\nhello world\n{"type":"event"}\n'
    decoded = decode_record(record(body, content_type="application/x-sentry-envelope"))
    assert triples(decoded) == {
        ("body.ndjson:[0].event_id", "e1", ("ndjson",)),
        ("body.ndjson:[1].type", "attachment", ("ndjson",)),
        ("body.ndjson:[1].length", "11", ("ndjson",)),
        ("body.ndjson:[2]", "hello world", ("ndjson",)),
        ("body.ndjson:[3].type", "event", ("ndjson",)),
    }


def test_base64_with_unescaped_plus_in_query():
    value = next(v for pad in range(3) if "+" in (v := b64(jdump({"ifa": ADID, "k": "x" * pad + ">>>>"}))))
    decoded = decode_record(record(path="/t?d=" + value))
    assert ("query:d>base64>json:ifa", ADID, ("base64", "json")) in triples(decoded)
