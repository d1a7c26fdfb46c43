"""`phonehome replay` on traffic recorded by a real mitmdump: flow file and HAR agree, outputs,
damaged inputs."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pandas as pd
import pytest
from support.net import LocalServer, curl, http1_request, http2_request, run_mitmdump, websocket_session

from phonehome.analysis.sessions import load_inputs
from phonehome.cli import main

PROFILE = """
[device]
android_id = "9774d56d682e549c"
advertising_id = "38400000-8cf0-11bd-b23e-10b96e40000d"
[person]
email = "lena.beispiel@posteo.de"
[location]
latitude = 52.520008
longitude = 13.404954
"""
ANDROID_ID = "9774d56d682e549c"
ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"
EMAIL_SHA256 = hashlib.sha256(b"lena.beispiel@posteo.de").hexdigest()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One real recording, saved both as a mitmproxy flow file and as HAR."""
    d = tmp_path_factory.mktemp("recorded")
    profile = d / "device.toml"
    profile.write_text(PROFILE)
    flows, har = d / "flows.mitm", d / "flows.har"
    with (
        LocalServer() as server,
        run_mitmdump("-w", str(flows), "--set", f"hardump={har}", upstream=server) as proxy,
    ):
        # HTTP/1.1 (Python), HTTP/2 (h2 and curl), a WebSocket; all over TLS through mitmproxy's CA.
        http1_request(
            proxy,
            f"https://launches.appsflyersdk.com/api/v6/androidevent?android_id={ANDROID_ID}",
            method="POST",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"advertiserId": ADID, "lat": 52.520008, "lng": 13.404954}).encode(),
        )
        http2_request(
            proxy,
            "https://graph.facebook.com/v17.0/123/activities",
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body=f"advertiser_id={ADID}&ud=%7B%22em%22%3A%22{EMAIL_SHA256}%22%7D".encode(),
        )
        r = curl(
            proxy,
            f"https://api.example-shop.com/v1/profile?device={ANDROID_ID}",
            http="2",
            headers={"User-Agent": "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/UQ1A.240105.004)"},
        )
        assert r.returncode == 0, r.stderr
        websocket_session(
            proxy, "wss://chat.example-shop.com/socket", [json.dumps({"adid": ADID, "text": "hi"})]
        )
        assert len(server.requests) >= 3
    assert flows.stat().st_size > 0 and har.stat().st_size > 0
    return {"flows": flows, "har": har, "profile": profile, "dir": d}


def _comparable(frame: pd.DataFrame) -> set[tuple[str, ...]]:
    return {
        (
            str(r.host),
            str(r.url).split("://", 1)[1],
            str(r.category),
            str(r.location),
            str(r.decoding),
            str(r.detector),
            str(r.rule),
            str(r.value),
        )
        for r in frame.itertuples()
    }


@pytest.mark.slow
def test_flow_file_and_har_give_the_same_findings(recorded: dict[str, Path]) -> None:
    from phonehome.analysis.profile import load_profile

    profile = load_profile(recorded["profile"])
    from_flows = load_inputs([recorded["flows"]], profile=profile)
    from_har = load_inputs([recorded["har"]], profile=profile)
    assert from_flows.problems == [] and from_har.problems == []
    assert len(from_flows.findings) > 0
    assert _comparable(from_flows.findings) == _comparable(from_har.findings)

    found = from_flows.findings
    by_category = set(found["category"].astype(str))
    assert {"device_id", "advertising_id", "contact_info", "location_precise"} <= by_category
    hashed = found[found["rule"].str.contains("person.email", na=False)]
    assert not hashed.empty and hashed["rule"].str.contains("sha256").any()
    ws = found[found["kind"].astype(str) == "websocket"]
    assert set(ws["category"].astype(str)) >= {"advertising_id"}
    assert set(found["source"].astype(str)) == {"flowfile"} and set(
        from_har.findings["source"].astype(str)
    ) == {"har"}


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_replay_cli_writes_findings(
    recorded: dict[str, Path], tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"findings{suffix}"
    status = main(
        [
            "replay",
            str(recorded["flows"]),
            "--profile",
            str(recorded["profile"]),
            "--findings",
            str(out),
            "--no-progress",
        ]
    )
    printed = capsys.readouterr().out
    assert status == 0
    assert "Who gets what" in printed and "Meta" in printed
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    if suffix == ".jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    elif suffix == ".csv":
        rows = pd.read_csv(out).to_dict("records")
    else:
        rows = pd.read_parquet(out).to_dict("records")
    assert rows and {"category", "org", "location", "decoding", "detector", "rule", "confidence"} <= set(
        rows[0]
    )
    assert any(r["category"] == "device_id" and r["detector"] == "profile" for r in rows)


@pytest.mark.slow
def test_truncated_recording_keeps_earlier_findings(
    recorded: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = recorded["flows"].read_bytes()
    damaged = tmp_path / "damaged.mitm"
    damaged.write_bytes(data[: len(data) - 40])
    out = tmp_path / "f.jsonl"
    status = main(
        [
            "replay",
            str(damaged),
            "--profile",
            str(recorded["profile"]),
            "--findings",
            str(out),
            "--no-progress",
        ]
    )
    captured = capsys.readouterr()
    assert status == 1
    errors = [line for line in captured.err.splitlines() if "error" in line]
    assert len(errors) == 1 and str(damaged) in errors[0] and "flow #" in errors[0] and "byte" in errors[0]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert any(r["host"] == "launches.appsflyersdk.com" for r in rows)


def test_replay_of_a_non_flow_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x1b]0;pwned\x07 not flows")
    assert main(["replay", str(junk), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "not a mitmproxy flow file or HAR file" in err and "\x1b" not in err


def test_replay_of_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(tmp_path / "nope.mitm"), "--no-progress"]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_replay_bad_findings_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(tmp_path), "--findings", str(tmp_path / "x.xlsx")]) == 2
    assert "unknown findings format" in capsys.readouterr().err


def test_limit_hit_without_findings_is_still_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A decompression bomb carrying nothing detectable must not vanish silently."""
    import gzip

    from mitmproxy import io as mitm_io
    from mitmproxy.test import tflow

    f = tflow.tflow(resp=True)
    f.request.host = "upload.example.com"
    f.request.method = "POST"
    f.request.headers["content-encoding"] = "gzip"
    f.request.raw_content = gzip.compress(b"\0" * 200_000_000)
    path = tmp_path / "bomb.mitm"
    with path.open("wb") as fh:
        mitm_io.FlowWriter(fh).add(f)
    assert main(["replay", str(path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "1 requests without findings hit a decoding limit" in out and "upload.example.com" in out
