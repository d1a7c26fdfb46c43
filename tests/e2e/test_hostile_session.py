"""Hostile session folders: a session file that is a symbolic link, a FIFO, a device or a hard
link never makes phonehome write to, truncate, append to or chmod another file, and never hangs
(issue #18 items 1 and 6)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phonehome.cli import main
from phonehome.store import JsonlWriter, SessionStore, read_jsonl
from phonehome.store import journal as _journal
from phonehome.store.safefile import UnsafeFile, open_fd, open_private, read_bytes

SAMPLE = Path(__file__).resolve().parents[2] / "captures" / "sample"
OUTSIDE_TEXT = b"precious data outside the session\n" * 20


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging) when the block takes longer than `seconds`: a blocked open() of
    a FIFO is interrupted by the alarm."""

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file the user can write, outside the session folder, with an unusual mode."""
    target = tmp_path / "elsewhere" / "precious.txt"
    target.parent.mkdir()
    target.write_bytes(OUTSIDE_TEXT)
    os.chmod(target, 0o644)
    return target


def _untouched(target: Path) -> None:
    assert target.read_bytes() == OUTSIDE_TEXT
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def _session(tmp_path: Path) -> Path:
    root = tmp_path / "session"
    shutil.copytree(SAMPLE, root)
    return root


def _left_journal(root: Path, flows_size: int = 0) -> None:
    """What a kill of proxy and worker leaves: a journal with a record the worker had not saved,
    and its position file saying flows.mitm had `flows_size` bytes."""
    writer = _journal.JournalWriter(root / _journal.JOURNAL)
    writer.raw(_journal.KIND_SAVE, [b"0:~"])
    writer.stop()
    writer.close()
    pos = _journal.Position(root / _journal.POSITION)
    pos.write(0, flows_size)
    pos.close()


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    code = "import sys; from phonehome.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


# --- the safe open itself ------------------------------------------------------------------


def test_open_refuses_a_symlink_for_writing_and_reading(tmp_path: Path, outside: Path) -> None:
    link = tmp_path / "flows.mitm"
    link.symlink_to(outside)
    for mode in ("ab", "wb"):
        with pytest.raises(UnsafeFile, match="symbolic link") as e:
            open_private(link, mode)
        assert str(link) in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(UnsafeFile):
        read_bytes(link)
    with pytest.raises(UnsafeFile):
        open_fd(link, os.O_RDWR | os.O_CREAT)
    _untouched(outside)


def test_open_refuses_a_dangling_symlink_instead_of_creating_its_target(tmp_path: Path) -> None:
    link = tmp_path / "markers.jsonl"
    link.symlink_to(tmp_path / "created-elsewhere")
    with pytest.raises(UnsafeFile):
        open_private(link)
    assert not (tmp_path / "created-elsewhere").exists()


def test_open_refuses_a_fifo_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "findings.jsonl"
    os.mkfifo(fifo)
    with deadline(1.0):
        for mode in ("ab", "wb"):
            with pytest.raises(UnsafeFile, match="FIFO"):
                open_private(fifo, mode)
        with pytest.raises(UnsafeFile, match="FIFO"):
            read_bytes(fifo)
        read = read_jsonl(fifo)
    assert read.objects == [] and len(read.problems) == 1 and "FIFO" in read.problems[0]


def test_open_refuses_a_device_and_a_hard_link_for_writing(tmp_path: Path, outside: Path) -> None:
    with pytest.raises(UnsafeFile, match="device"):
        read_bytes("/dev/zero")
    hard = tmp_path / "markers.jsonl"
    os.link(outside, hard)
    with pytest.raises(UnsafeFile, match="hard links"):
        open_private(hard)
    _untouched(outside)


def test_open_private_creates_owner_only_and_writes_whole(tmp_path: Path) -> None:
    path = tmp_path / "new.jsonl"
    old = os.umask(0)
    try:
        with open_private(path, "ab") as f:
            assert f.write(b"x" * 100_000) == 100_000
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_size == 100_000


# --- journal recovery (replay, report, the proxy's start) ----------------------------------


@pytest.mark.parametrize("linked", ["flows.mitm", "flows.journal.pos"])
def test_recovery_never_writes_through_a_link(tmp_path: Path, outside: Path, linked: str) -> None:
    root = _session(tmp_path)
    _left_journal(root, flows_size=3)
    (root / linked).unlink()
    (root / linked).symlink_to(outside)
    flows_before = (root / "flows.mitm").read_bytes() if linked != "flows.mitm" else None
    with pytest.raises(UnsafeFile, match=linked):
        _journal.recover(root)
    _untouched(outside)
    if flows_before is not None:
        assert (root / "flows.mitm").read_bytes() == flows_before


@pytest.mark.parametrize("command", ["replay", "report"])
def test_replay_and_report_leave_a_linked_flow_files_target_alone(
    tmp_path: Path, outside: Path, command: str
) -> None:
    root = _session(tmp_path)
    _left_journal(root, flows_size=0)  # recovery would truncate flows.mitm to 0 bytes
    (root / "flows.mitm").unlink()
    (root / "flows.mitm").symlink_to(outside)
    args = (
        [command, str(root), "--no-progress"]
        if command == "replay"
        else [command, str(root), "-o", str(tmp_path / "report.html")]
    )
    result = _cli(*args)
    _untouched(outside)
    if command == "replay":
        assert result.returncode != 0
    assert "flows.mitm: refused: it is a symbolic link" in result.stderr
    assert "Traceback" not in result.stderr


def test_recovery_refuses_a_fifo_journal_without_waiting(tmp_path: Path) -> None:
    root = _session(tmp_path)
    os.mkfifo(root / _journal.JOURNAL)
    with deadline(1.0), pytest.raises(UnsafeFile, match="FIFO"):
        _journal.recover(root)


# --- mark ----------------------------------------------------------------------------------


def test_mark_never_appends_to_or_chmods_a_linked_markers_file(
    tmp_path: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _session(tmp_path)
    (root / "markers.jsonl").unlink()
    (root / "markers.jsonl").symlink_to(outside)
    assert main(["mark", str(root), "note", "tapped accept"]) == 1
    _untouched(outside)
    err = capsys.readouterr().err
    assert "markers.jsonl: refused: it is a symbolic link" in err and err.count("\n") == 1


def test_mark_on_a_fifo_fails_within_a_second(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _session(tmp_path)
    (root / "markers.jsonl").unlink()
    os.mkfifo(root / "markers.jsonl")
    start = time.monotonic()
    with deadline(1.0):
        assert main(["mark", str(root), "note", "hello"]) == 1
    assert time.monotonic() - start < 1.0
    assert "FIFO" in capsys.readouterr().err


# --- the store's writers -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["findings.jsonl", "proxy-events.jsonl", "hook-events.jsonl"])
def test_jsonl_writer_refuses_a_link(tmp_path: Path, outside: Path, name: str) -> None:
    (tmp_path / name).symlink_to(outside)
    with pytest.raises(UnsafeFile):
        JsonlWriter(tmp_path / name)
    _untouched(outside)


def test_session_json_is_never_read_or_rewritten_through_a_link(tmp_path: Path, outside: Path) -> None:
    store = SessionStore.create(tmp_path / "s")
    # A link named like the old fixed temporary file is not written through either.
    (store.root / ".session.json.tmp").symlink_to(outside)
    store.write_meta({"app": "x"})
    assert store.read_meta() == {"app": "x"}
    assert stat.S_IMODE(store.session_json.stat().st_mode) == 0o600
    store.session_json.unlink()
    store.session_json.symlink_to(outside)
    problems: list[str] = []
    assert store.read_meta(problems) == {} and "symbolic link" in problems[0]
    with pytest.raises(UnsafeFile):
        store.write_meta({"app": "y"})
    _untouched(outside)
    assert [p.name for p in store.root.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()] == []


def test_deeply_nested_session_json_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    store = SessionStore.create(tmp_path / "s")
    store.session_json.write_text("[" * 100_000 + "]" * 100_000)
    problems: list[str] = []
    assert store.read_meta(problems) == {}
    assert problems and "session.json: not used: maximum recursion depth" in problems[0]


@pytest.mark.parametrize("name", ["session.json", "findings.jsonl", "markers.jsonl", "flows.mitm"])
def test_a_fifo_in_a_session_never_hangs_report(tmp_path: Path, name: str) -> None:
    root = _session(tmp_path)
    (root / name).unlink()
    os.mkfifo(root / name)
    start = time.monotonic()
    recorded = ["--recorded"] if name == "findings.jsonl" else []
    result = _cli("report", str(root), "-o", str(tmp_path / "r.html"), *recorded, timeout=60)
    assert time.monotonic() - start < 50
    assert "FIFO" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_mark_echoes_user_text_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _session(tmp_path)
    assert main(["mark", str(root), "note", "tapped \x1b]0;owned\x07 \x1b[2J"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b]0;owned\\x07" in out
    assert read_jsonl(root / "markers.jsonl").objects[-1]["text"] == "tapped \x1b]0;owned\x07 \x1b[2J"


# --- a hostile journal: marshal data is checked before marshal.loads sees it -------------------


def test_recovery_never_unmarshals_what_the_journal_does_not_carry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import marshal

    root = _session(tmp_path)
    import io

    from phonehome.analysis import tnet

    flow = (root / "flows.mitm").read_bytes()
    f = io.BytesIO(flow)
    tnet.load(f, len(flow))
    first = flow[: f.tell()]  # the sample's first flow
    first_len = len(first)
    (root / "flows.mitm").write_bytes(b"")
    writer = _journal.JournalWriter(root / _journal.JOURNAL)
    writer.raw(_journal.KIND_SAVE, [first])
    writer.raw(_journal.KIND_HTTP, [marshal.dumps(compile("open('/tmp/owned', 'w')", "x", "exec"))])
    writer.raw(_journal.KIND_SAVE, [first])
    writer.close()
    loaded: list[bytes] = []
    real_loads = marshal.loads
    monkeypatch.setattr(marshal, "loads", lambda data, *a: loaded.append(data) or real_loads(data, *a))
    got = _journal.recover(root)
    assert got is not None and got.flows == 1  # saved up to the record that is not journal data
    assert loaded == []
    assert (root / "flows.mitm").stat().st_size == first_len


def test_marshal_check_accepts_journal_values_only() -> None:
    import marshal

    from phonehome.store.marshal_check import check

    shared = [1, 2]
    for value in (
        None,
        True,
        2**100,
        1.5,
        b"x",
        "é",
        (),
        [shared, shared, {"k": shared}],
        {b"a": [{}]},
        ("id", 1.0, 0, 1, (b"HTTP/1.1", ((b"Host", b"x"),), b"", None), (200, b"OK")),
    ):
        for version in (2, 3, 4):
            check(marshal.dumps(value, version))
    for bad in (
        marshal.dumps(compile("1", "x", "eval")),
        marshal.dumps({1}),
        marshal.dumps(1j),
        marshal.dumps(...),
        marshal.dumps([1, 2])[:-1],
        marshal.dumps(1) + b"x",
        marshal.dumps(eval("[" * 100 + "]" * 100)),
        b"\xdb\x01\x00\x00\x00r\x00\x00\x00\x00",
        b"[\xff\xff\xff\x7f",
    ):
        with pytest.raises(ValueError):
            check(bad)


def test_a_position_past_the_journal_end_keeps_the_journal(tmp_path: Path) -> None:
    root = _session(tmp_path)
    _left_journal(root)
    pos = _journal.Position(root / _journal.POSITION)
    pos.write(10**12, 0)
    pos.close()
    flows_before = (root / "flows.mitm").read_bytes()
    with pytest.raises(_journal.JournalError, match="the journal is kept"):
        _journal.recover(root)
    assert (root / _journal.JOURNAL).exists() and (root / "flows.mitm").read_bytes() == flows_before
