"""Bytes that are not UTF-8 in a request's host, path or headers (issue #18 item 4): records keep
them losslessly, JSON Lines round-trip them, and every output (HTML, Markdown, CSV, Parquet,
findings exports) is written with them shown as `\\xff` escapes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from mitmproxy import http, io
from mitmproxy.test import tflow

from phonehome.analysis.readers import read_records
from phonehome.cli import main
from phonehome.store import JsonlWriter, read_jsonl

SAMPLE = Path(__file__).resolve().parents[2] / "captures" / "sample"
ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"


@pytest.fixture
def session(tmp_path: Path) -> Path:
    """The sample session plus one flow, saved by mitmproxy's own FlowWriter, whose Host header,
    path, a header value and the JSON body hold bytes that are not UTF-8."""
    root = tmp_path / "session"
    shutil.copytree(SAMPLE, root)
    f = tflow.tflow(resp=True)
    f.request.data.method = b"POST"
    f.request.data.host = "api.example.com"
    f.request.data.path = f"/v1/p\xfeth?adid={ADID}&x=\xff".encode("latin-1")
    f.request.headers = http.Headers(
        [
            (b"Host", b"api.ex\xffample.com"),
            (b"X-Bad", b"caf\xe9 \xff"),
            (b"Content-Type", b"application/json"),
        ]
    )
    f.request.content = b'{"email":"lena.beispiel@posteo.de","x":"\xff\xfe\xed\xa0\x80"}'
    with (root / "flows.mitm").open("ab") as fh:
        io.FlowWriter(fh).add(f)
    return root


def test_records_keep_the_bytes(session: Path) -> None:
    record = list(read_records(session / "flows.mitm"))[-1]
    assert record.host.encode("utf-8", "surrogateescape") == b"api.ex\xffample.com"
    assert record.path.encode("utf-8", "surrogateescape").startswith(b"/v1/p\xfeth")


@pytest.mark.parametrize("suffix", [".html", ".md", ".csv", ".parquet"])
def test_report_is_written_in_every_format(session: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"report{suffix}"
    assert main(["report", str(session), "-o", str(out)]) == 0
    if suffix == ".parquet":
        frame = pd.read_parquet(out)
        hosts = set(frame["host"].astype(str))
        assert "api.ex\\xffample.com" in hosts
        assert len(frame) > 100  # the sample's findings are all there too
        assert pd.read_parquet(tmp_path / "report-summary.parquet").shape[0] > 0
    else:
        text = out.read_text("utf-8")  # valid UTF-8
        # shown as the escape \xff (Markdown escapes its backslash)
        assert ("api.ex\\\\xffample.com" if suffix == ".md" else "api.ex\\xffample.com") in text


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_replay_exports_are_written(session: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"findings{suffix}"
    assert main(["replay", str(session), "--no-progress", "--findings", str(out)]) == 0
    if suffix == ".jsonl":
        hosts = {json.loads(line)["host"] for line in out.read_bytes().splitlines()}
        # JSON escapes keep the byte losslessly
        assert "api.ex\udcffample.com" in hosts
    elif suffix == ".csv":
        assert "api.ex\\xffample.com" in out.read_text("utf-8")
    else:
        assert "api.ex\\xffample.com" in set(pd.read_parquet(out)["host"].astype(str))


def test_jsonl_round_trips_lone_surrogates(tmp_path: Path) -> None:
    path = tmp_path / "findings.jsonl"
    value = "api.ex\udcffample.com \ud800 caf\xe9"
    with JsonlWriter(path) as w:
        w.write({"host": value})
    path.read_bytes().decode("utf-8")  # the file itself is valid UTF-8
    assert read_jsonl(path).objects == [{"host": value}]


def test_an_older_raw_byte_line_is_read_not_skipped(tmp_path: Path) -> None:
    path = tmp_path / "findings.jsonl"
    path.write_bytes(b'{"host":"api.ex\xffample.com"}\n')
    read = read_jsonl(path)
    assert read.problems == [] and read.objects == [{"host": "api.ex\udcffample.com"}]


def test_recorded_findings_with_raw_bytes_make_a_report(session: Path, tmp_path: Path) -> None:
    row = json.loads((session / "findings.jsonl").read_bytes().splitlines()[0])
    row["host"] = "api.ex\udcffample.com"
    row["value"] = "\udcff\udcfe"
    with JsonlWriter(session / "findings.jsonl") as w:
        w.write(row)
    out = tmp_path / "recorded.csv"
    assert main(["report", str(session), "--recorded", "-o", str(out)]) == 0
    assert "api.ex\\xffample.com" in out.read_text("utf-8")


@pytest.mark.slow
def test_live_session_with_undecodable_bytes_makes_every_output(tmp_path: Path, server) -> None:
    """The same bytes through a real mitmdump with the addon: recorded, and every output written
    from the live findings (`--recorded`) and from the replayed flows."""
    from support.net import _proxy_ca, addon_args, client_ssl_context, open_tunnel, run_mitmdump, wait_for

    session = tmp_path / "session"
    body = f'{{"advertising_id":"{ADID}","x":"'.encode() + b'\xff\xfe"}'
    request = (
        b"POST /v1/p\xfeth?adid=" + ADID.encode() + b" HTTP/1.1\r\nHost: api.ex\xffample.com\r\n"
        b"X-Bad: caf\xe9 \xff\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    with (
        run_mitmdump("-q", *addon_args(session), upstream=server) as proxy,
    ):
        tls = client_ssl_context(_proxy_ca(proxy, None)).wrap_socket(
            open_tunnel(proxy, "api.example.com", 443), server_hostname="api.example.com"
        )
        with tls:
            tls.sendall(request)
            tls.settimeout(20)
            assert tls.recv(12).startswith(b"HTTP/1.1 ")  # answered (the upstream refuses the path: 502)
        wait_for(
            lambda: (session / "findings.jsonl").exists() and (session / "findings.jsonl").stat().st_size > 0,
            timeout=30,
            what="the live findings",
        )
    read = read_jsonl(session / "findings.jsonl")
    assert read.problems == [] and any(r["host"] == "api.ex\udcffample.com" for r in read.objects)
    for recorded in ([], ["--recorded"]):
        for suffix in (".html", ".csv", ".parquet"):
            out = tmp_path / f"live{len(recorded)}{suffix}"
            assert main(["report", str(session), "-o", str(out), *recorded]) == 0
            if suffix == ".parquet":
                assert "api.ex\\xffample.com" in set(pd.read_parquet(out)["host"].astype(str))
            else:
                assert "api.ex\\xffample.com" in out.read_text("utf-8")
