"""File names and user text reach the terminal only through the sanitiser (issue #18 item 7): a
captured file whose name carries OSC/CSI sequences is named with the escapes visible."""

from __future__ import annotations

from pathlib import Path

import pytest

from phonehome.cli import main

EVIL = "evil\x1b]0;owned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u202e.mitm"


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "captures"
    folder.mkdir()
    (folder / EVIL).write_bytes(b"this is no flow file")
    return folder


def _clean(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "evil\\x1b]0;owned\\x07" in text


@pytest.mark.parametrize("command", ["report", "replay"])
def test_captured_file_names_are_printed_inert(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    folder = _folder(tmp_path)
    args = ["-o", str(tmp_path / "r.html")] if command == "report" else ["--no-progress"]
    main([command, str(folder), *args])
    out = capsys.readouterr()
    _clean(out.err + out.out + caplog.text)  # report warns through logging (stderr)


def test_report_output_name_is_printed_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = Path(__file__).resolve().parents[2] / "captures" / "sample"
    out = tmp_path / (EVIL[:-5] + ".html")
    assert main(["report", str(sample), "-o", str(out)]) == 0
    _clean(capsys.readouterr().err)
