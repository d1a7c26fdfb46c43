"""Hostile flow files and HAR files (issue #18 item 5): deep nesting, absurd length prefixes, huge
strings, wrong types and syntax errors end the file's stream with one line naming where, after
every flow before the damage was read; never a traceback, never reading on past a syntax error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.readers import _entry, _har, write_flows

from phonehome.analysis import readers
from phonehome.analysis.readers import ReadError, ReadStats, read_records
from phonehome.cli import main

DEPTH = 100_000


def _nested_tnetstring(depth: int) -> bytes:
    """A list nested `depth` deep around a None, built without quadratic copying."""
    lengths = [3]  # len("0:~")
    for _ in range(depth - 1):
        n = lengths[-1]
        lengths.append(len(str(n)) + 1 + n + 1)
    return b"".join(f"{n}:".encode() for n in reversed(lengths)) + b"0:~" + b"]" * depth


def _read_all(path: Path) -> tuple[list[object], ReadError | None]:
    records: list[object] = []
    try:
        for r in read_records(path):
            records.append(r)
    except ReadError as e:
        return records, e
    return records, None


def test_flow_nested_100000_deep_is_damage_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.mitm"
    offsets = write_flows(path, 2)
    with path.open("ab") as f:
        f.write(_nested_tnetstring(DEPTH))
    records, error = _read_all(path)
    assert len(records) == 2
    assert error is not None and f"at byte {offsets[-1]}" in str(error) and "nested" in str(error)
    assert "\n" not in str(error)


def test_absurd_length_prefix_is_refused_before_allocating(tmp_path: Path) -> None:
    path = tmp_path / "huge.mitm"
    write_flows(path, 3)
    with path.open("ab") as f:
        f.write(b"999999999999:" + b"x" * 100)
    records, error = _read_all(path)  # before: MemoryError (a 1 TB read was tried)
    assert len(records) == 3
    assert error is not None and "declares 999,999,999,999 bytes" in str(error)


def test_har_nested_100000_deep(tmp_path: Path) -> None:
    path = tmp_path / "deep.har"
    text = json.dumps(_har([_entry(0)]))
    deep = "[" * DEPTH + "]" * DEPTH
    path.write_text(text.replace("]}}", ", " + deep + "]}}"))  # a second entry, nested 100,000 deep
    records, error = _read_all(path)
    assert len(records) == 1
    assert error is not None and "nested too deep" in str(error)


def test_har_response_of_the_wrong_type_is_read(tmp_path: Path) -> None:
    entries = [_entry(0), {**_entry(1), "response": [1]}, {**_entry(2), "request": [1]}, _entry(3)]
    path = tmp_path / "types.har"
    path.write_text(json.dumps(_har(entries)))
    stats = ReadStats()
    records = list(read_records(path, stats=stats))
    # the entry with a list for its response is read; the one with a list for its request is
    # skipped with a note, and reading goes on
    assert len(records) == 3
    assert (
        len(stats.skipped) == 1
        and "entry #3" in str(stats.skipped[0])
        and "request is a list" in str(stats.skipped[0])
    )


def test_har_syntax_error_stops_reading_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers._JsonStream, "CHUNK", 64 << 10)
    fills = 0
    original = readers._JsonStream._fill

    def counting_fill(self: readers._JsonStream) -> bool:
        nonlocal fills
        fills += 1
        return original(self)

    monkeypatch.setattr(readers._JsonStream, "_fill", counting_fill)
    good = json.dumps(_har([_entry(0), _entry(1)]))
    broken = good.replace(
        "]}}", ', {"request": {"url": "https://x.example/",, "method": "GET"}}' + " " * (8 << 20) + "]}}"
    )
    path = tmp_path / "syntax.har"
    path.write_text(broken)
    records, error = _read_all(path)
    assert len(records) == 2
    assert error is not None and "HAR damaged after entry #2" in str(error)
    assert fills <= 3  # not the 8 MB of padding after the error (128 chunks)


def test_har_huge_string_is_refused_without_holding_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "MAX_HAR_VALUE", 1 << 20)
    monkeypatch.setattr(readers._JsonStream, "CHUNK", 64 << 10)
    entries = [_entry(0), {**_entry(1), "comment": "x" * (3 << 20)}, _entry(2)]
    path = tmp_path / "huge.har"
    path.write_text(json.dumps(_har(entries)))
    records, error = _read_all(path)
    assert len(records) == 1
    assert error is not None and "more than 1 MiB" in str(error)


@pytest.mark.parametrize(
    "content",
    [
        b"999999999999:" + b"x" * 10,
        _nested_tnetstring(2000),
        json.dumps({"log": {"entries": [{"request": {"url": 5}, "response": [1]}]}}).encode(),
        b'{"log": {"entries": [' + b"[" * 50_000,
        b'{"log": {}}',
        b'{"log": {"entries": "nope"}}',
        b"\xff\xfe garbage",
    ],
    ids=[
        "huge-prefix",
        "tnet-deep",
        "har-types",
        "har-deep-cut",
        "har-no-entries",
        "har-entries-string",
        "garbage",
    ],
)
def test_replay_of_a_hostile_file_is_one_line_never_a_traceback(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.har"
    path.write_bytes(content)
    status = main(["replay", str(path), "--no-progress"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert status == 1 and "hostile.har" in err


def test_an_unreadable_flow_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "odd.mitm"
    write_flows(path, 2)
    with path.open("ab") as f:
        f.write(b"0:}")  # framed like a flow, but no flow state
        f.write(b"4:1:x,]")  # a list, not a flow
    write_more = tmp_path / "more.mitm"
    write_flows(write_more, 3)
    with path.open("ab") as f:
        f.write(write_more.read_bytes())
    stats = ReadStats()
    records = list(read_records(path, stats=stats))
    assert len(records) == 5
    assert [("flow #3" in str(p), "flow #4" in str(p)) for p in stats.skipped] == [
        (True, False),
        (False, True),
    ]


def test_replay_names_a_skipped_flow_and_keeps_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "odd.mitm"
    write_flows(path, 2)
    with path.open("ab") as f:
        f.write(b"4:1:x,]")
    more = tmp_path / "more.mitm"
    write_flows(more, 3)
    with path.open("ab") as f:
        f.write(more.read_bytes())
    assert main(["replay", str(path), "--no-progress"]) == 1
    captured = capsys.readouterr()
    assert "unreadable flow #3" in captured.err and "5 flows" in captured.out


def test_an_empty_file_named_on_the_command_line_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.mitm"
    path.write_bytes(b"")
    assert main(["replay", str(path), "--no-progress"]) == 2
    assert "empty file (0 bytes)" in capsys.readouterr().err
