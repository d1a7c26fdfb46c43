"""Outputs are written completely or not at all (issue #18 items 3 and 6): on a full or read-only
file system the previous report/export stays as it was, the command exits non-zero and says why;
an output name that is a link or FIFO is refused, never written through."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from support.fs import fill, remount_readonly, small_tmpfs

from phonehome.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "captures" / "sample"
OLD = b"the previous report, which must survive\n"


def _old(path: Path) -> Path:
    path.write_bytes(OLD)
    os.chmod(path, 0o600)
    return path


def _no_temporary_files(folder: Path) -> None:
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_full_disk_keeps_the_old_report_and_fails(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_tmpfs(tmp_path / "fs") as fs:
        target = _old(fs / name)
        fill(fs, leave=12 << 10)  # room for the check, not for the report (~50 KB)
        assert main(["report", str(SAMPLE), "-o", str(target)]) == 1
        assert target.read_bytes() == OLD
        err = capsys.readouterr().err
        assert "the disk is full" in err and str(target) in err and "Traceback" not in err
        _no_temporary_files(fs)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_full_disk_keeps_both_old_tables(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_tmpfs(tmp_path / "fs") as fs:
        target = _old(fs / f"findings{suffix}")
        summary = _old(fs / f"findings-summary{suffix}")
        fill(fs, leave=12 << 10)
        assert main(["report", str(SAMPLE), "-o", str(target)]) == 1
        assert target.read_bytes() == OLD and summary.read_bytes() == OLD
        assert "the disk is full" in capsys.readouterr().err
        _no_temporary_files(fs)


def test_full_disk_keeps_the_old_findings_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with small_tmpfs(tmp_path / "fs") as fs:
        target = _old(fs / "findings.jsonl")
        fill(fs, leave=12 << 10)  # 110 findings are ~60 KB of JSON lines
        assert main(["replay", str(SAMPLE), "--no-progress", "--findings", str(target)]) == 1
        assert target.read_bytes() == OLD
        assert "the disk is full" in capsys.readouterr().err
        _no_temporary_files(fs)


def test_the_same_output_is_written_whole_when_there_is_room(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "fs") as fs:
        target = _old(fs / "report.html")
        assert main(["report", str(SAMPLE), "-o", str(target)]) == 0
        assert target.read_bytes().rstrip().endswith(b"</html>")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        _no_temporary_files(fs)


def test_read_only_output_fails_before_the_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_tmpfs(tmp_path / "fs") as fs:
        target = _old(fs / "report.html")
        remount_readonly(fs)
        start = time.monotonic()
        assert main(["report", str(SAMPLE), "-o", str(target)]) == 1
        err = capsys.readouterr().err
        assert "read-only" in err and "findings" not in err  # nothing was analysed
        assert time.monotonic() - start < 5
        assert main(["replay", str(SAMPLE), "--findings", str(fs / "f.jsonl")]) == 1
        assert "read-only" in capsys.readouterr().err
        assert target.read_bytes() == OLD


# --- output names that are links or FIFOs (item 6) ------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(OLD)
    os.chmod(target, 0o644)
    return target


@pytest.mark.parametrize("args", [["-o", "{out}/r.html"], ["-o", "{out}/r.csv"], ["-o", "{out}/r.md"]])
def test_report_never_writes_through_a_linked_output(
    tmp_path: Path, outside: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    argv = [a.format(out=out) for a in args]
    Path(argv[1]).symlink_to(outside)
    assert main(["report", str(SAMPLE), *argv]) == 1
    assert outside.read_bytes() == OLD and stat.S_IMODE(outside.stat().st_mode) == 0o644
    assert "symbolic link" in capsys.readouterr().err


def test_report_never_writes_through_the_implicit_summary_link(
    tmp_path: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "r-summary.csv").symlink_to(outside)
    assert main(["report", str(SAMPLE), "-o", str(tmp_path / "r.csv")]) == 1
    assert outside.read_bytes() == OLD
    assert "r-summary.csv: refused: it is a symbolic link" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


def test_replay_findings_to_a_link_or_fifo_is_refused(
    tmp_path: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "f.jsonl").symlink_to(outside)
    assert main(["replay", str(SAMPLE), "--no-progress", "--findings", str(tmp_path / "f.jsonl")]) == 1
    assert outside.read_bytes() == OLD
    os.mkfifo(tmp_path / "g.csv")
    start = time.monotonic()
    assert main(["replay", str(SAMPLE), "--no-progress", "--findings", str(tmp_path / "g.csv")]) == 1
    assert time.monotonic() - start < 5
    assert "FIFO" in capsys.readouterr().err


def test_session_end_is_written_in_place_on_a_full_disk(tmp_path: Path) -> None:
    import json

    from phonehome.store import SessionStore
    from phonehome.store.safefile import OutputError

    with small_tmpfs(tmp_path / "fs") as fs:
        store = SessionStore.create(fs / "s")
        store.write_meta({"app": "x", "start": "2026-12-04T10:00:00+00:00"})
        fill(fs, leave=0)
        # the atomic rewrite needs a new file; the old one's block still has room for the end
        store.write_meta(
            {"app": "x", "start": "2026-12-04T10:00:00+00:00", "end": "2026-12-04T11:00:00+00:00"}
        )
        assert json.loads(store.session_json.read_text())["end"] == "2026-12-04T11:00:00+00:00"
        with pytest.raises(OutputError, match="the disk is full"):
            store.write_meta({"app": "x", "pad": "y" * 10_000})  # more than its block: not written at all
        assert json.loads(store.session_json.read_text())["end"] == "2026-12-04T11:00:00+00:00"
        _no_temporary_files(store.root)
