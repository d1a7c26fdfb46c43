"""The `envelope` decoder: newline-framed items, some binary (Sentry envelopes, NDJSON with a
compressed line). Bodies are built from the format's description, not copied from a capture."""

from __future__ import annotations

import json
import zlib

from support.decode import by_location, gzip_bomb, record

from phonehome.analysis.decode import DecodeLimits, decode_record
from phonehome.analysis.detect import Detector

ENVELOPE = "application/x-sentry-envelope"


def line(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def replay_envelope(events: list[dict], user: dict) -> bytes:
    """Sentry's replay envelope: header, replay_event item, replay_recording item whose payload is
    a `{"segment_id":N}` line and the zlib-compressed rrweb events."""
    payload = line({"segment_id": 0}) + b"\n" + zlib.compress(line(events))
    return b"\n".join(
        [
            line({"event_id": "9ec79c33ec9942ab8353589fcb2e04dc", "sent_at": "2026-12-04T10:00:00Z"}),
            line({"type": "replay_event"}),
            line({"type": "replay_event", "replay_id": "r1", "user": user}),
            line({"type": "replay_recording", "length": len(payload)}),
            payload,
        ]
    )


RRWEB = [
    {"type": 4, "data": {"href": "https://jobs.example/search?q=mechatroniker"}, "timestamp": 1},
    {
        "type": 3,
        "data": {"source": 5, "id": 41, "text": "Ich habe Interesse an der Ausbildung"},
        "timestamp": 2,
    },
]


def test_items_are_walked_and_the_compressed_recording_is_inflated():
    body = replay_envelope(RRWEB, {"id": "u-4711", "email": "lena@example.org"})
    got = by_location(decode_record(record(body, content_type=ENVELOPE), DecodeLimits()))
    assert got["body.envelope:[2].user.id"] == ["u-4711"]
    assert got["body.envelope:[0].event_id"] == ["9ec79c33ec9942ab8353589fcb2e04dc"]
    rec = "body.envelope:[4]>envelope:[1]>deflate>json:"
    # the inflated events are rrweb events (analysis/decode/_rrweb.py), read by their kind
    assert got[rec + "[1]>rrweb:Input.text"] == ["Ich habe Interesse an der Ausbildung"]
    assert got[rec + "[0]>rrweb:Meta.href"] == ["https://jobs.example/search?q=mechatroniker"]


def test_decoding_steps_are_kept():
    body = replay_envelope(RRWEB, {"id": "u-4711"})
    decoded = decode_record(record(body), DecodeLimits())  # no Content-Type: sniffed
    text = [leaf for leaf in decoded.leaves if leaf.value.startswith("Ich habe")]
    assert [leaf.decoding for leaf in text] == [("envelope", "envelope", "deflate", "json", "rrweb")]
    assert any(blob.location == "body" for blob in decoded.blobs)


def test_a_declared_length_may_hold_newlines_and_the_items_after_it_are_read():
    attachment = b"\x00\x01binary\nwith\nnewlines\xff\xfe"
    body = b"\n".join(
        [
            line({"event_id": "e1"}),
            line({"type": "attachment", "length": len(attachment), "filename": "log.bin"}),
            attachment,
            line({"type": "event"}),
            line({"user": {"id": "after-the-attachment"}}),
        ]
    )
    got = by_location(decode_record(record(body), DecodeLimits()))
    assert got["body.envelope:[4].user.id"] == ["after-the-attachment"]
    assert got["body.envelope:[1].filename"] == ["log.bin"]


def test_text_ndjson_is_still_ndjson():
    body = line({"a": "one"}) + b"\n" + line({"b": "two"})
    got = by_location(decode_record(record(body), DecodeLimits()))
    assert got == {"body.ndjson:[0].a": ["one"], "body.ndjson:[1].b": ["two"]}


def test_binary_without_a_json_first_line_is_no_envelope():
    body = b"\x00\x01{" + zlib.compress(b'{"user":"x"}')
    decoded = decode_record(record(body), DecodeLimits())
    assert not any("envelope" in leaf.location.steps for leaf in decoded.leaves)


def test_hostile_envelopes_never_raise():
    limits = DecodeLimits()
    cases = [
        line({"type": "x", "length": 10**12}) + b"\n\xff\xfe",  # length past the end
        line({"type": "x", "length": -5}) + b"\n\xff\xfe{",
        b"\n".join([line({"i": i}) for i in range(5000)]) + b"\n\xff",  # many items
        line({"type": "x"}) + b"\n" + gzip_bomb(1 << 28),  # a bomb as an item
        b"{" * 5000 + b"\n\xff",  # not JSON at all
    ]
    nested = b"\xff"
    for _ in range(40):  # envelopes inside envelopes, past the depth limit
        nested = line({"length": len(nested)}) + b"\n" + nested
    cases.append(nested)
    for body in cases:
        decoded = decode_record(record(body), limits)
        assert decoded is not None
    bomb = decode_record(record(cases[3]), limits)
    assert any("gzip" in note or "max_" in note for note in bomb.notes)
    deep = decode_record(record(nested), limits)
    assert any("max_depth" in note for note in deep.notes)


def test_the_user_id_and_the_typed_text_of_a_replay_are_found():
    body = replay_envelope(RRWEB, {"id": "u-4711"})
    rec = record(body, content_type=ENVELOPE)
    dets = Detector(None).detect(rec, decode_record(rec))
    by_category = {d.category: d for d in dets}
    assert "user_id" in by_category
    assert by_category["user_id"].location == "body.envelope:[2].user.id"
