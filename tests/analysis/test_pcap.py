"""Packet captures: real traffic on loopback recorded by tcpdump AND by mitmdump at the same time.

The clients (curl, Python's `http.client`/`h2`/`wsproto`) talk TLS 1.2 and 1.3, HTTP/1.1 and
HTTP/2 and a WebSocket to a real mitmdump, which forwards to a local server. tcpdump records the
client → mitmdump leg; the clients write their TLS keys (`SSLKEYLOGFILE`, which Python's
`ssl.create_default_context` turns into `keylog_filename`), so tshark decrypts exactly what
mitmdump saw and saved: the findings from the pcap must match those from the flow file.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.net import CURL, LocalServer, curl, http1_request, http2_request, run_mitmdump, websocket_session
from support.pcap import (
    Capture,
    Ipv6TlsServer,
    as_pcapdroid_pcapng,
    as_raw_ip,
    quic_exchange,
    tcp_ports,
    with_pcapdroid_trailers,
)

from phonehome.analysis.readers import read_records
from phonehome.analysis.sessions import SessionData, load_inputs
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
ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"
ANDROID_ID = "9774d56d682e549c"
EMAIL = "lena.beispiel@posteo.de"
DNS_SERVER, DNS_TARGET = "127.0.0.77", "127.0.0.78"
DNS_NAME = "api.mixpanel.com"


def _dns_server(stop: threading.Event) -> tuple[socket.socket, threading.Thread]:
    """Answers every A query with DNS_TARGET (on 127.0.0.77:53, loopback only)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((DNS_SERVER, 53))
    sock.settimeout(0.2)

    def serve() -> None:
        while not stop.is_set():
            try:
                query, addr = sock.recvfrom(512)
            except TimeoutError:
                continue
            except OSError:
                return
            question = query[12:]
            answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(DNS_TARGET)
            sock.sendto(query[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, 1, 0, 0) + question + answer, addr)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return sock, thread


def _dns_query(name: str) -> bytes:
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    query = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + qname + struct.pack(">HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(query, (DNS_SERVER, 53))
        return s.recv(512)


def _dns_over_tcp(name: str) -> None:
    """One lookup over TCP to a responder on 127.0.0.77:53 (answers 127.0.0.80)."""
    server = socket.create_server((DNS_SERVER, 53))

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            size = struct.unpack(">H", conn.recv(2))[0]
            query = conn.recv(size)
            reply = (
                query[:2]
                + b"\x81\x80"
                + struct.pack(">HHHH", 1, 1, 0, 0)
                + query[12:]
                + b"\xc0\x0c"
                + struct.pack(">HHIH", 1, 1, 60, 4)
                + socket.inet_aton("127.0.0.80")
            )
            conn.sendall(struct.pack(">H", len(reply)) + reply)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    query = struct.pack(">HHHHHH", 0x2222, 0x0100, 1, 0, 0, 0) + qname + struct.pack(">HH", 1, 1)
    try:
        with socket.create_connection((DNS_SERVER, 53), timeout=5) as s:
            s.sendall(struct.pack(">H", len(query)) + query)
            s.recv(512)
        thread.join(5)
    finally:
        server.close()


def _dns_query_unanswered(name: str) -> None:
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(
            struct.pack(">HHHHHH", 0x4321, 0x0100, 1, 0, 0, 0) + qname + struct.pack(">HH", 1, 1),
            ("127.0.0.79", 53),
        )  # nobody listens: the query leaves, no answer comes


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _raw_tcp_exchange(port: int) -> None:
    with socket.create_connection((DNS_TARGET, port), timeout=5) as s:
        s.sendall(b"\x17\x03\x03\x00\x10" + os.urandom(16))  # looks like TLS data; no handshake, no key
        s.recv(100)


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory, tshark: str) -> Iterator[dict[str, Any]]:
    d = tmp_path_factory.mktemp("pcap")
    (d / "device.toml").write_text(PROFILE)
    keys, flows, pcap = d / "keys.txt", d / "flows.mitm", d / "capture.pcap"
    listener = socket.create_server((DNS_TARGET, 0))
    sink_port = listener.getsockname()[1]

    def sink() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(100)
            conn.sendall(b"ok")

    stop = threading.Event()
    dns_sock, dns_thread = _dns_server(stop)
    threading.Thread(target=sink, daemon=True).start()
    big = json.dumps({"padding": "x" * 200_000, "email": EMAIL}).encode()
    quic_port = free_udp_port()
    v6 = Ipv6TlsServer(d)
    with LocalServer() as server, run_mitmdump("-w", str(flows), upstream=server) as proxy:
        os.environ["SSLKEYLOGFILE"] = str(keys)
        cap = Capture(
            pcap,
            f"tcp port {proxy.port} or udp port 53 or udp port {quic_port} or host {DNS_TARGET}"
            f" or (ip6 and tcp port {v6.port}) or tcp port 53",
        )
        started = time.monotonic()
        try:
            # curl, TLS 1.2, HTTP/2
            r = curl(
                proxy,
                f"https://graph.facebook.com/v17.0/act?advertiser_id={ADID}",
                http="2",
                method="POST",
                data=json.dumps({"ud": {"em": EMAIL}, "lat": 52.520008, "lng": 13.404954}),
                headers={"Content-Type": "application/json"},
                extra=["--tls-max", "1.2"],
            )
            assert r.returncode == 0, r.stderr
            # curl, TLS 1.3, HTTP/1.1, gzip body
            r = curl(
                proxy,
                f"https://api.mixpanel.com/track?ip=1&distinct_id={ANDROID_ID}",
                http="1.1",
                method="POST",
                data=gzip.compress(json.dumps({"email": EMAIL}).encode()),
                headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
                extra=["--tlsv1.3"],
            )
            assert r.returncode == 0, r.stderr
            # curl, HTTP/1.1, headers and a small body in one TLS record: form and JSON bodies
            for url, ctype, data in (
                (
                    "https://www.facebook.com/tr",
                    "application/x-www-form-urlencoded",
                    f"advertiser_id={ADID}&ev=open",
                ),
                (
                    "https://api2.branch.io/v1/open",
                    "application/json",
                    json.dumps({"hardware_id": ANDROID_ID}),
                ),
            ):
                r = curl(proxy, url, http="1.1", method="POST", data=data, headers={"Content-Type": ctype})
                assert r.returncode == 0, r.stderr
            r = curl(
                proxy,
                "https://api2.amplitude.com/2/httpapi",
                http="1.1",
                method="POST",
                data=json.dumps({"events": [{"device_id": ANDROID_ID, "adid": ADID}]}),
                headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
            )
            assert r.returncode == 0, r.stderr
            # Python, TLS 1.3, HTTP/1.1: a body of 200 KB over many TLS records and TCP segments
            http1_request(
                proxy,
                f"https://app-measurement.com/a?gps_adid={ADID}",
                method="POST",
                body=big,
                headers={"Content-Type": "application/json"},
            )
            # Python h2, TLS 1.3, HTTP/2
            http2_request(
                proxy,
                "https://api.segment.io/v1/batch",
                method="POST",
                headers={"Content-Type": "application/json"},
                body=json.dumps(
                    {
                        "batch": [
                            {
                                "anonymousId": ANDROID_ID,
                                "context": {"device": {"advertisingId": ADID, "model": "Pixel 7"}},
                            }
                        ]
                    }
                ).encode(),
            )
            websocket_session(
                proxy,
                "wss://chat.example-shop.com/socket",
                [json.dumps({"adid": ADID, "text": "hi"}), json.dumps({"email": EMAIL})],
            )
            assert _dns_query(DNS_NAME)[3] & 0x0F == 0
            _dns_query_unanswered("settings.crashlytics.com")
            _dns_over_tcp("app.adjust.com")
            _raw_tcp_exchange(sink_port)
            # IPv6, straight to a server on [::1] (no proxy), with curl's key log
            subprocess.run(
                [
                    CURL,
                    "-sSk",
                    "--http1.1",
                    "--noproxy",
                    "*",
                    "-H",
                    "Host: sdk.iad-01.braze.com",
                    "-H",
                    "Content-Type: application/json",
                    "--data-binary",
                    json.dumps({"device_id": ANDROID_ID}),
                    f"https://[::1]:{v6.port}/api/v3/data",
                ],
                check=True,
                capture_output=True,
                timeout=20,
            )
            quic_exchange(
                d,
                "graph.instagram.com",
                quic_port,
                path=f"/logging_client_events?device_id={ANDROID_ID}",
                body=json.dumps({"advertiser_id": ADID, "email": EMAIL}).encode(),
                keylog=keys,
            )
            time.sleep(0.2)
        finally:
            os.environ.pop("SSLKEYLOGFILE", None)
            capture_log = cap.stop()
            stop.set()
            v6.close()
            dns_sock.close()
            listener.close()
        traffic_seconds = time.monotonic() - started
    dns_thread.join(2)
    assert keys.stat().st_size > 0 and pcap.stat().st_size > 24, capture_log
    yield {
        "dir": d,
        "keys": keys,
        "flows": flows,
        "pcap": pcap,
        "profile": d / "device.toml",
        "proxy_port": proxy.port,
        "seconds": traffic_seconds,
    }


def _cells(data: SessionData) -> set[tuple[str, str, str]]:
    return {(str(r.category), str(r.host), str(r.location)) for r in data.findings.itertuples()}


def _load(paths: list[Path], captured: dict[str, Any], **kw: Any) -> SessionData:
    from phonehome.analysis.profile import load_profile

    return load_inputs(paths, profile=load_profile(captured["profile"]), **kw)


def test_pcap_with_keys_gives_the_flow_files_findings(captured: dict[str, Any]) -> None:
    from_flows = _load([captured["flows"]], captured)
    from_pcap = _load([captured["pcap"]], captured, keylog=captured["keys"])
    assert not from_pcap.problems and not from_flows.problems
    # HTTP/3 (aioquic) and IPv6 (a server on [::1]) went around mitmdump: compare what both saw.
    a, b = (
        _cells(from_flows),
        {c for c in _cells(from_pcap) if c[1] not in ("graph.instagram.com", "sdk.iad-01.braze.com")},
    )
    agreement = len(a & b) / len(a | b)
    assert len(a) >= 10 and agreement >= 0.95, (sorted(a - b), sorted(b - a))
    hosts = set(from_pcap.findings["host"])
    # TLS 1.2 + HTTP/2 (curl), gzip over HTTP/1.1 (curl), 200 KB body (Python), h2 (Python), WebSocket
    assert {
        "graph.facebook.com",
        "api.mixpanel.com",
        "app-measurement.com",
        "api.segment.io",
        "chat.example-shop.com",
    } <= hosts
    assert ("contact_info", "app-measurement.com", "body.json:email") in b
    assert ("advertising_id", "www.facebook.com", "body.form:advertiser_id") in b
    assert ("device_id", "api2.branch.io", "body.json:hardware_id") in b
    assert ("advertising_id", "api2.amplitude.com", "body.json:events[0].adid") in b  # chunked
    assert ("advertising_id", "graph.instagram.com", "body.json:advertiser_id") in _cells(from_pcap)  # HTTP/3
    assert set(from_pcap.findings["source"]) == {"pcap"}


def test_records_carry_versions_addresses_and_websocket_messages(captured: dict[str, Any]) -> None:
    records = list(read_records(captured["pcap"], keylog=captured["keys"]))
    http = [r for r in records if r.kind == "http"]
    assert {r.http_version for r in http} == {"HTTP/1.1", "HTTP/2", "HTTP/3"}
    assert all(
        r.scheme == "https" and r.server_address.endswith(f":{captured['proxy_port']}")
        for r in http
        if r.http_version != "HTTP/3" and r.host != "sdk.iad-01.braze.com"
    )
    assert all(r.client_address.startswith(("127.0.0.1:", "[::1]:")) for r in http)
    big = next(r for r in http if r.host == "app-measurement.com")
    assert big.body_size > 200_000 and big.body.endswith(f'"{EMAIL}"}}'.encode())
    gz = next(r for r in http if r.host == "api.mixpanel.com")
    assert gz.content_encoding == "gzip" and gzip.decompress(gz.body).startswith(b'{"email"')
    v6 = next(r for r in http if r.host == "sdk.iad-01.braze.com")
    assert v6.client_address.startswith("[::1]:") and v6.server_address.startswith("[::1]:")
    assert json.loads(v6.body) == {"device_id": ANDROID_ID}
    h3 = next(r for r in http if r.host == "graph.instagram.com")
    assert (
        h3.http_version == "HTTP/3" and h3.method == "POST" and json.loads(h3.body)["advertiser_id"] == ADID
    )
    assert (
        h3.path == f"/logging_client_events?device_id={ANDROID_ID}"
        and h3.header("content-type") == "application/json"
    )
    ws = [r for r in records if r.kind == "websocket"]
    assert [r.direction for r in ws] == ["client", "server", "client", "server"]
    assert json.loads(ws[0].body)["adid"] == ADID and [r.message_index for r in ws] == [0, 1, 2, 3]


def test_keys_embedded_in_pcapng_need_no_keylog(
    captured: dict[str, Any], tmp_path: Path, editcap: str
) -> None:
    # Named .pcap on purpose: the format is told by the magic bytes, not the suffix.
    embedded = tmp_path / "with-keys.pcap"
    subprocess.run(
        [editcap, "--inject-secrets", f"tls,{captured['keys']}", str(captured["pcap"]), str(embedded)],
        check=True,
        capture_output=True,
    )
    assert embedded.read_bytes()[:4] == b"\x0a\x0d\x0d\x0a"
    with_keylog = _load([captured["pcap"]], captured, keylog=captured["keys"])
    embedded_only = _load([embedded], captured)
    assert _cells(embedded_only) == _cells(with_keylog) and len(_cells(embedded_only)) >= 10


def test_without_keys_connections_are_contacted_not_readable(
    captured: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    data = _load([captured["pcap"]], captured)
    assert data.findings.empty
    unreadable = {e["host"]: e for e in data.capture_events if e["type"] == "capture:unreadable"}
    fb = unreadable["graph.facebook.com"]
    assert fb["host_source"] == "sni" and fb["org"] == "Meta" and fb["transport"] == "TLS"
    assert fb["bytes_up"] > 300 and fb["bytes_down"] > 300
    assert unreadable["app-measurement.com"]["bytes_up"] > 200_000
    quic = unreadable["graph.instagram.com"]
    assert quic["transport"] == "QUIC" and quic["host_source"] == "sni" and quic["org"] == "Meta"
    by_dns = unreadable[DNS_NAME]
    assert by_dns["host_source"] == "dns" and by_dns["server"] == DNS_TARGET and by_dns["org"] == "Mixpanel"
    assert {"type": "capture:dns", "name": DNS_NAME}.items() <= next(
        e for e in data.capture_events if e["type"] == "capture:dns"
    ).items()
    assert main(["replay", str(captured["pcap"])]) == 0
    out = capsys.readouterr().out
    assert "contacted, content not readable" in out and "graph.facebook.com (Meta)" in out
    assert f"hosts looked up by plain DNS (3): {DNS_NAME}, app.adjust.com, settings.crashlytics.com" in out
    unanswered = [e for e in data.capture_events if e["type"] == "capture:dns" and not e["answered"]]
    assert [e["name"] for e in unanswered] == ["settings.crashlytics.com"] and unanswered[0]["org"]


def test_pcapdroid_trailer_keeps_only_the_apps_connections(captured: dict[str, Any], tmp_path: Path) -> None:
    fb_client_port = next(
        int(r.client_address.rsplit(":", 1)[1])
        for r in read_records(captured["pcap"], keylog=captured["keys"])
        if r.host == "graph.facebook.com"
    )

    def app_of(frame: bytes) -> tuple[int, str]:
        ports = tcp_ports(frame)
        return (10150, "Demo App") if ports and fb_client_port in ports else (10151, "Other App")

    tagged = tmp_path / "pcapdroid.pcap"
    with_pcapdroid_trailers(captured["pcap"], tagged, app_of)
    everything = _load([tagged], captured, keylog=captured["keys"])
    assert _cells(everything) == _cells(_load([captured["pcap"]], captured, keylog=captured["keys"]))
    assert set(everything.findings["app"]) == {"Demo App", "Other App"}
    for app in ("Demo App", "10150"):
        only = _load([tagged], captured, keylog=captured["keys"], app=app)
        assert set(only.findings["host"]) == {"graph.facebook.com"}
        assert len(only.findings) >= 3


def test_pcapdroid_pcapng_uid_blocks_select_the_app_by_package(
    captured: dict[str, Any], tmp_path: Path
) -> None:
    fb_client_port = next(
        int(r.client_address.rsplit(":", 1)[1])
        for r in read_records(captured["pcap"], keylog=captured["keys"])
        if r.host == "graph.facebook.com"
    )

    def app_of(frame: bytes) -> tuple[int, str, str]:
        ports = tcp_ports(frame)
        if ports and fb_client_port in ports:
            return 10150, "de.azubiapp.demo", "Azubi Demo"
        return 10151, "com.other.app", "Other App"

    tagged = tmp_path / "PCAPdroid_04_Dez.pcapng"
    as_pcapdroid_pcapng(captured["pcap"], tagged, app_of)
    everything = _load([tagged], captured, keylog=captured["keys"])
    assert _cells(everything) == _cells(_load([captured["pcap"]], captured, keylog=captured["keys"]))
    assert set(everything.findings["app"]) == {"de.azubiapp.demo", "com.other.app"}
    for app in ("de.azubiapp.demo", "Azubi Demo", "10150"):
        only = _load([tagged], captured, keylog=captured["keys"], app=app)
        assert set(only.findings["host"]) == {"graph.facebook.com"}, app


def test_truncated_capture_keeps_earlier_requests(
    captured: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = captured["pcap"].read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    out = tmp_path / "f.jsonl"
    status = main(
        ["replay", str(cut), "--keylog", str(captured["keys"]), "--findings", str(out), "--no-progress"]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert len(err) == 1 and str(cut) in err[0] and "cut short at byte" in err[0], err
    hosts = {json.loads(line)["host"] for line in out.read_text().splitlines()}
    assert {"graph.facebook.com", "api.mixpanel.com"} <= hosts


def test_corrupt_capture_and_missing_tshark_are_one_line_errors(
    captured: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corrupt = tmp_path / "corrupt.pcapng"
    corrupt.write_bytes(b"\x0a\x0d\x0d\x0a" + random.Random(15).randbytes(3000))
    assert main(["replay", str(corrupt), "--no-progress"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(corrupt) in err[0], err
    monkeypatch.setenv("PHONEHOME_TSHARK", str(tmp_path / "no-tshark"))
    assert main(["replay", str(captured["pcap"]), "--no-progress"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "tshark" in err[0] and "apt-get install tshark" in err[0], err


def test_report_of_a_capture(captured: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    assert (
        main(
            [
                "report",
                str(captured["pcap"]),
                "--keylog",
                str(captured["keys"]),
                "--profile",
                str(captured["profile"]),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_text()
    assert "Meta" in text and "Mixpanel" in text
    # The raw TCP exchange to the address DNS gave for api.mixpanel.com is contacted, not readable.
    unreadable = text.split("## Contacted, content not readable", 1)[1].split("\n## ", 1)[0]
    assert "| api.mixpanel.com | Mixpanel | 1 TLS |" in unreadable
    assert f"## Servers looked up (plain DNS)\n\n{DNS_NAME}, app.adjust.com, settings.crashlytics.com" in text
    html = tmp_path / "report.html"
    assert main(["report", str(captured["pcap"]), "-o", str(html)]) == 0
    page = html.read_text()
    assert '<section id="unreadable">' in page and "graph.facebook.com" in page


def test_pcapdroid_har_export_reads_like_any_har(tmp_path: Path) -> None:
    """A HAR in the shape PCAPdroid's `HarWriter.java` writes (creator PCAPdroid, serverIPAddress,
    connection id, postData text or base64 with `encoding`, empty response when none was seen);
    synthesised to that format here: no PCAPdroid ran."""
    import base64

    def entry(url: str, body: bytes, binary: bool) -> dict[str, Any]:
        post = (
            {
                "mimeType": "application/octet-stream",
                "text": base64.b64encode(body).decode(),
                "encoding": "base64",
            }
            if binary
            else {"mimeType": "application/json", "text": body.decode()}
        )
        return {
            "startedDateTime": "2026-12-04T16:40:12.345+01:00",
            "time": 42,
            "serverIPAddress": "157.240.0.35",
            "connection": "17",
            "request": {
                "method": "POST",
                "url": url,
                "httpVersion": "HTTP/2",
                "cookies": [],
                "headers": [{"name": "content-type", "value": post["mimeType"]}],
                "queryString": [],
                "postData": post,
                "headersSize": -1,
                "bodySize": len(body),
            },
            "response": {
                "status": 0,
                "statusText": "",
                "httpVersion": "",
                "cookies": [],
                "headers": [],
                "content": {"size": 0, "mimeType": "application/octet-stream"},
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            },
            "cache": {},
            "timings": {"send": 0, "wait": 42, "receive": 0},
        }

    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "PCAPdroid", "version": "1.8.2"},
            "entries": [
                entry(
                    f"https://graph.facebook.com/v17.0/act?advertiser_id={ADID}",
                    json.dumps({"em": EMAIL}).encode(),
                    False,
                ),
                entry("https://app-measurement.com/a", b"\x00\x01" + EMAIL.encode(), True),
            ],
        }
    }
    path = tmp_path / "PCAPdroid_04_Dec.har"
    path.write_text(json.dumps(har))
    records = list(read_records(path))
    assert [r.host for r in records] == ["graph.facebook.com", "app-measurement.com"]
    assert records[1].body == b"\x00\x01" + EMAIL.encode() and records[0].http_version == "HTTP/2"
    data = load_inputs([path])
    assert {("advertising_id", "graph.facebook.com"), ("contact_info", "graph.facebook.com")} <= {
        (str(r.category), str(r.host)) for r in data.findings.itertuples()
    }


async def test_watch_a_capture_shows_what_was_not_readable(captured: dict[str, Any]) -> None:
    from support.dashboard import screen_text, wait_for

    from phonehome.views.dashboard import Dashboard
    from phonehome.views.dashboard.replay import replay_file

    events: list[dict[str, Any]] = []
    list(read_records(captured["pcap"], on_event=events.append))
    hosts = list(dict.fromkeys(e["host"] for e in events if e["type"] == "capture:unreadable"))
    assert len(hosts) >= 9
    with replay_file(captured["pcap"], pace=0.0) as replay:
        app = Dashboard(replay.target, interval=0.05)
        async with app.run_test(size=(160, 40)) as pilot:
            await wait_for(
                pilot, lambda: replay.done.is_set() and len(app.state.unreadable) >= len(hosts), timeout=30
            )
            await pilot.pause(0.1)
            status = screen_text(app).splitlines()[-2]
            assert f"not readable {len(hosts)} ({', '.join(hosts[:3])} +{len(hosts) - 3})" in status, status
    assert app.state.unreadable["graph.facebook.com"] == "Meta"


async def test_watch_a_capture_with_keys_fills_the_matrix(captured: dict[str, Any], tmp_path: Path) -> None:
    from support.dashboard import wait_for

    from phonehome.views.dashboard import Dashboard
    from phonehome.views.dashboard.replay import replay_file

    with replay_file(captured["pcap"], keylog=captured["keys"], pace=0.0) as replay:
        app = Dashboard(replay.target, interval=0.05)
        async with app.run_test(size=(160, 40)) as pilot:
            await wait_for(pilot, lambda: replay.done.is_set() and app.applied_findings > 0, timeout=30)
            await pilot.pause(0.2)
            orgs = {row.org for row in app.state.ordered_orgs()}
    assert {"Meta", "Segment"} <= orgs, orgs


def test_ended_connections_are_reported_and_forgotten_while_reading(
    captured: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from phonehome.analysis import pcap

    def unreadable_hosts() -> list[str]:
        events: list[dict[str, Any]] = []
        list(read_records(captured["pcap"], on_event=events.append))
        return sorted(e["host"] for e in events if e["type"] == "capture:unreadable")

    at_the_end = unreadable_hosts()
    monkeypatch.setattr(pcap, "SWEEP_EVERY", 5)
    monkeypatch.setattr(pcap, "CLOSED_GRACE_S", 0.0)
    assert unreadable_hosts() == at_the_end and len(at_the_end) >= 6
    swept = [(r.url, r.kind, r.body) for r in read_records(captured["pcap"], keylog=captured["keys"])]
    monkeypatch.undo()
    assert swept == [(r.url, r.kind, r.body) for r in read_records(captured["pcap"], keylog=captured["keys"])]


@pytest.mark.parametrize(
    "parse",
    ["http1_request", "h2_frames", "dns_message", "client_hello_sni", "pcapdroid_trailer", "h3_frames"],
)
def test_byte_parsers_only_raise_value_errors_on_garbage(parse: str) -> None:
    import random

    from phonehome.analysis import _capture_parse as cp

    rng = random.Random(15)
    seeds = [
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffff\r\nab",
        b"\x00\x00\x10\x00\x08\x00\x00\x00\x01\xff",
        b"\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\xc0\x0c\xc0\x0c",
        b"\x16\x03\x01\x00\x10\x01\x00\x00\x0c",
    ]
    for _ in range(400):
        data = bytearray(rng.choice(seeds) + bytes(rng.randrange(256) for _ in range(rng.randrange(64))))
        for _ in range(rng.randrange(4)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            getattr(cp, parse)(data if parse == "h3_frames" else bytes(data))
        except ValueError:
            pass


def test_a_key_log_beside_the_capture_is_used_like_pcapdroid_saves_it(
    captured: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    capture = tmp_path / "PCAPdroid_04_Dec_16_40_12.pcap"
    shutil.copyfile(captured["pcap"], capture)
    shutil.copyfile(captured["keys"], tmp_path / "PCAPdroid_04_Dec_16_40_12.keylog")
    beside = _load([capture], captured)
    assert _cells(beside) == _cells(_load([captured["pcap"]], captured, keylog=captured["keys"]))
    assert main(["replay", str(capture), "--no-progress"]) == 0
    assert "(the key log beside it)" in capsys.readouterr().out


def test_hostile_names_from_a_capture_stay_text(capsys: pytest.CaptureFixture[str]) -> None:
    """Server names and DNS names come from the capture: markup and terminal escapes stay inert."""
    from rich.console import Console

    from phonehome.analysis.schema import empty_findings
    from phonehome.commands.replay import print_capture_events
    from phonehome.views.report import build_report, render_html, render_markdown

    evil = "<script>alert(1)</script>\x1b[2J|x"
    events = [
        {
            "type": "capture:unreadable",
            "ts": 1796392501.0,
            "host": evil,
            "host_source": "sni",
            "server": "10.0.0.1",
            "port": 443,
            "client": "10.0.0.2:5000",
            "transport": "TLS",
            "bytes_up": 10,
            "bytes_down": 20,
            "reason": evil,
            "app": None,
            "org": evil,
        },
        {"type": "capture:dns", "ts": 1796392501.0, "name": evil, "answered": True, "addresses": []},
    ]
    data = SessionData(root=None, meta={}, findings=empty_findings(), capture_events=events)
    model = build_report(data)
    page = render_html(model)
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "\x1b" not in page
    assert "<script>alert" not in render_markdown(model).replace("\\<script\\>", "")
    print_capture_events(events, Console(force_terminal=True, width=200))
    assert "\x1b[2J" not in capsys.readouterr().out


def test_raw_ip_link_type_reads_the_same(captured: dict[str, Any], tmp_path: Path) -> None:
    raw = tmp_path / "raw-ip.pcap"
    as_raw_ip(captured["pcap"], raw)
    assert _cells(_load([raw], captured, keylog=captured["keys"])) == _cells(
        _load([captured["pcap"]], captured, keylog=captured["keys"])
    )


def test_consent_time_given_for_a_capture_splits_its_findings(
    captured: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    from phonehome.analysis.consent import marker_at

    records = list(read_records(captured["pcap"], keylog=captured["keys"]))
    second = next(r for r in records if r.host == "api.mixpanel.com")
    when = datetime.fromtimestamp(second.ts - 0.0005, UTC).isoformat()
    data = _load([captured["pcap"]], captured, keylog=captured["keys"], markers=[marker_at(when)])
    by_host = {h: set(g["consent"].astype(str)) for h, g in data.findings.groupby("host", observed=True)}
    assert by_host["graph.facebook.com"] == {"before"} and by_host["api.mixpanel.com"] == {"after"}
    assert (
        main(
            [
                "replay",
                str(captured["pcap"]),
                "--keylog",
                str(captured["keys"]),
                "--profile",
                str(captured["profile"]),
                "--consent-at",
                when,
                "--no-progress",
            ]
        )
        == 0
    )
    assert "findings happened before the consent marker" in capsys.readouterr().out
    assert main(["replay", str(captured["pcap"]), "--consent-at", "2026-12-04 16:41", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "give the timezone" in err[0], err
