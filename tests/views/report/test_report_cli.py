"""`phonehome report` end to end on a session directory written in the store's layout."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from support import report as rs

from phonehome.analysis.schema import to_json_row
from phonehome.cli import main
from phonehome.store import SessionStore


@pytest.fixture
def session_dir(tmp_path):
    data = rs.synthetic_session()
    store = SessionStore.create(tmp_path / "session")
    store.write_meta(dict(data.meta))
    for path, objects in (
        (store.findings, [to_json_row(r) for r in rs.synthetic_rows()]),
        (store.markers, data.markers),
        (store.proxy_events, data.proxy_events),
        (store.hook_events, data.hook_events),
    ):
        path.write_text("".join(json.dumps(o) + "\n" for o in objects))
    return store.root


def test_html_report(session_dir, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(session_dir), "-o", str(out)]) == 0
    html = out.read_text()
    assert "During 6 minutes of use, the app sent your precise location to 3 companies" in html
    assert out.stat().st_mode & 0o777 == 0o600
    assert rs.ADID not in html
    assert "9 third-party companies" in capsys.readouterr().err


def test_german_markdown_with_labels_and_reveal(session_dir, tmp_path):
    out = tmp_path / "bericht.md"
    assert (
        main(
            [
                "report",
                str(session_dir),
                "--lang",
                "de",
                "--reveal",
                "--labels",
                str(rs.REPO / "docs" / "labels-example.yaml"),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_text()
    assert text.startswith("# Was com.example.shortvideo vom Handy gesendet hat")
    assert "Während 6 Minuten Nutzung" in text
    assert "Gesendet, aber nicht im Label angegeben" in text
    assert rs.ADID.replace("-", "-") in text.replace("\\", "")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables(session_dir, tmp_path, fmt):
    out = tmp_path / f"findings.{fmt}"
    assert main(["report", str(session_dir), "-o", str(out)]) == 0
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    assert len(read(out)) == len(rs.synthetic_rows())
    summary = read(tmp_path / f"findings-summary.{fmt}")
    assert "Meta" in set(summary["org"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["-o", "report.pdf"], "cannot tell the format", id="suffix"),
        pytest.param(["-o", "r.html", "--labels", "missing.yaml"], "cannot read label file", id="labels"),
    ],
)
def test_usage_errors(session_dir, tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(session_dir), *args]) == 2
    assert message in capsys.readouterr().err


def test_missing_input(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_report_from_a_flow_file_with_hostile_traffic(tmp_path):
    flows = rs.write_hostile_flows(tmp_path / "hostile.mitm", 9)
    out = tmp_path / "report.md"
    profile = str(rs.SAMPLE / "device.toml")
    assert main(["report", str(flows), "--profile", profile, "--app", "com.evil", "-o", str(out)]) == 0
    text = out.read_text()
    assert "## Details for experts" in text
    assert "<script" not in text and "](javascript" not in text
    assert "&lt;script&gt;fetch" in text
