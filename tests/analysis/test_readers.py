"""Streamed readers: flow files, HAR, folders, and every kind of damage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mitmproxy import io as mitm_io
from mitmproxy.test import tflow
from support.readers import _entry, _flow, _har, write_flows

from phonehome.analysis.readers import ReadError, ReadStats, expand_inputs, har_entry_records, read_records


def test_flow_file_gives_one_record_per_request(tmp_path: Path) -> None:
    path = tmp_path / "s.mitm"
    write_flows(path, 5)
    stats = ReadStats()
    records = list(read_records(path, stats=stats))
    assert [r.host for r in records] == [f"api{i}.example.com" for i in range(5)]
    assert stats.flows == 5 and stats.records == 5
    assert records[0].body == b'{"n": 0}' and records[0].method == "POST"
    assert records[0].source == "flowfile" and not records[0].cleartext


def test_cleartext_flows_are_marked(tmp_path: Path) -> None:
    path = tmp_path / "c.mitm"
    with path.open("wb") as fh:
        mitm_io.FlowWriter(fh).add(_flow(1, scheme="http"))
    (record,) = read_records(path)
    assert record.cleartext and record.url.startswith("http://api1.example.com/")


def test_websocket_flow_gives_handshake_and_one_record_per_message(tmp_path: Path) -> None:
    f = tflow.twebsocketflow()
    path = tmp_path / "ws.mitm"
    with path.open("wb") as fh:
        mitm_io.FlowWriter(fh).add(f)
    records = list(read_records(path))
    assert records[0].kind == "http"
    messages = records[1:]
    assert len(messages) == len(f.websocket.messages)
    assert [m.direction for m in messages] == [
        "client" if m.from_client else "server" for m in f.websocket.messages
    ]
    assert all(m.kind == "websocket" and m.message_index == i for i, m in enumerate(messages))


@pytest.mark.parametrize("cut", [1, 17, 200], ids=["cut-1-byte", "cut-17-bytes", "cut-200-bytes"])
def test_truncated_flow_file_keeps_every_complete_flow(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "t.mitm"
    offsets = write_flows(path, 4)
    data = path.read_bytes()
    path.write_bytes(data[: offsets[-1] - cut])  # the last flow is incomplete
    seen = []
    with pytest.raises(ReadError) as e:
        for record in read_records(path):
            seen.append(record.host)
    assert seen == ["api0.example.com", "api1.example.com", "api2.example.com"]
    message = str(e.value)
    assert str(path) in message and f"byte {offsets[2]}" in message and "flow #4" in message
    assert "\n" not in message


def test_garbage_after_good_flows(tmp_path: Path) -> None:
    path = tmp_path / "g.mitm"
    offsets = write_flows(path, 2)
    with path.open("ab") as fh:
        fh.write(b"\x00\xffthis is not a tnetstring" * 10)
    with pytest.raises(ReadError, match=rf"byte {offsets[1]} \(flow #3\)"):
        assert len(list(read_records(path))) == 2


def test_empty_file_is_zero_flows(tmp_path: Path) -> None:
    path = tmp_path / "empty.mitm"
    path.write_bytes(b"")
    assert list(read_records(path)) == []


def test_non_flow_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is a shopping list\n")
    with pytest.raises(ReadError, match="not a mitmproxy flow file or HAR file at byte 0"):
        list(read_records(path))


def test_har_is_streamed_entry_by_entry(tmp_path: Path) -> None:
    path = tmp_path / "s.har"
    path.write_text(json.dumps(_har([_entry(i) for i in range(300)])))
    records = list(read_records(path))
    assert len(records) == 300
    r = records[7]
    assert r.host == "h7.example.com" and r.path == "/p?q=7" and r.body == b'{"i": 7}'
    assert r.http_version == "HTTP/2" and r.source == "har"
    # HAR keeps bodies decoded, so the Content-Encoding header must not survive.
    assert r.header("content-encoding") is None and r.header("content-type") == "application/json"


def test_har_streaming_across_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from phonehome.analysis import readers

    monkeypatch.setattr(readers._JsonStream, "CHUNK", 7)
    path = tmp_path / "small-chunks.har"
    path.write_text(json.dumps(_har([_entry(i) for i in range(20)]), indent=1))
    assert [r.host for r in read_records(path)] == [f"h{i}.example.com" for i in range(20)]


def test_truncated_har_keeps_complete_entries(tmp_path: Path) -> None:
    path = tmp_path / "t.har"
    text = json.dumps(_har([_entry(i) for i in range(5)]))
    path.write_text(text[: text.index("h4.example.com")])
    seen = []
    with pytest.raises(ReadError, match=r"HAR damaged after entry #4 \(4 entries read\)"):
        for r in read_records(path):
            seen.append(r.host)
    assert seen == [f"h{i}.example.com" for i in range(4)]


def test_har_websocket_messages(tmp_path: Path) -> None:
    entry = _entry(1, method="GET", url="wss://chat.example.com/s")
    entry["request"]["url"] = "https://chat.example.com/s"
    entry["_webSocketMessages"] = [
        {"type": "send", "time": 1764151200.5, "opcode": 1, "data": '{"hi": 1}'},
        {"type": "receive", "time": 1764151201.0, "opcode": 2, "data": "AAEC"},
    ]
    records = har_entry_records(entry, 0)
    assert [r.kind for r in records] == ["http", "websocket", "websocket"]
    assert records[1].body == b'{"hi": 1}' and records[1].direction == "client" and records[1].scheme == "wss"
    assert records[2].body == b"\x00\x01\x02" and records[2].direction == "server"


def test_har_entry_missing_request_is_clear(tmp_path: Path) -> None:
    path = tmp_path / "bad.har"
    path.write_text(json.dumps(_har([_entry(0), {"startedDateTime": "x"}])))
    stats = ReadStats()
    assert len(list(read_records(path, stats=stats))) == 1  # the entry is skipped, reading goes on
    assert [str(p) for p in stats.skipped] == [
        f"{path}: HAR entry #2 is not a valid HAR 1.2 entry, skipped (KeyError: 'request')"
    ]


def test_expand_inputs_folders_and_sessions(tmp_path: Path) -> None:
    (tmp_path / "session").mkdir()
    write_flows(tmp_path / "session" / "flows.mitm", 1)
    (tmp_path / "folder" / "deeper").mkdir(parents=True)
    write_flows(tmp_path / "folder" / "b.mitm", 1)
    (tmp_path / "folder" / "deeper" / "a.har").write_text(json.dumps(_har([])))
    (tmp_path / "folder" / "readme.txt").write_text("x")
    (tmp_path / "nothing").mkdir()
    files, problems = expand_inputs(
        [tmp_path / "session", tmp_path / "folder", tmp_path / "nothing", tmp_path / "nope"]
    )
    assert files == [
        tmp_path / "session" / "flows.mitm",
        tmp_path / "folder" / "b.mitm",
        tmp_path / "folder" / "deeper" / "a.har",
    ]
    assert [p.message for p in problems] == [
        "folder holds no flow (.mitm, .flows), HAR or packet capture (.pcap, .pcapng) files",
        "no such file or folder",
    ]


def test_reader_memory_does_not_grow_with_flows(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "many.mitm"
    write_flows(path, 3000)
    tracemalloc.start()
    count = 0
    for _ in read_records(path):
        count += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 3000
    assert peak < 5_000_000, f"peak {peak} bytes: the reader is holding flows"


def test_content_encoding_is_left_to_the_bounded_decoder(tmp_path: Path) -> None:
    import gzip

    bomb = gzip.compress(b"\0" * 50_000_000)
    f = _flow(1)
    f.request.headers["content-encoding"] = "gzip"
    f.request.raw_content = bomb  # a 50 MB inflation must not happen while reading
    path = tmp_path / "bomb.mitm"
    with path.open("wb") as fh:
        mitm_io.FlowWriter(fh).add(f)
    (record,) = read_records(path)
    assert record.content_encoding == "gzip" and record.body == bomb and record.body_size == len(bomb)


def test_records_from_state_match_flow_objects() -> None:
    from phonehome.analysis.records import records_from_flow, records_from_state

    flows = [_flow(1, body=b'{"a": 1}'), tflow.twebsocketflow()]
    h2 = _flow(2)
    h2.request.http_version = "HTTP/2.0"
    h2.request.authority = "h2.example.com:8443"
    flows.append(h2)
    for f in flows:
        assert records_from_flow(f, source="flowfile") == records_from_state(f.get_state())
    (h2_record,) = records_from_state(h2.get_state())
    assert (h2_record.host, h2_record.port, h2_record.http_version) == ("h2.example.com", 8443, "HTTP/2")
