"""Sessions and a headless browser for the report tests.

`synthetic_session()` builds a small but realistic session (6 minutes, a consent marker,
first and third parties, cleartext, pinning, device reads); `hostile_session(port)` puts HTML/JS
injection payloads in every captured field. `SAMPLE` is the bundled sample session: switching
the summary tests to it is `SESSION_SOURCE = "sample"`.

`Chromium` runs `/usr/bin/chromium` headless with no network but loopback (its binary from the
`chromium_binary` fixture, or `support.tools.require_chromium()` outside a test).
"""

from __future__ import annotations

import http.server
import json
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mitmproxy import io
from mitmproxy.test import tflow

from phonehome.analysis.consent import label_consent
from phonehome.analysis.schema import Col, findings_frame
from phonehome.analysis.sessions import SessionData, load_inputs, load_session

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "captures" / "sample"
SESSION_SOURCE = "sample"
"""`"synthetic"` or `"sample"`: what `summary_session()` returns."""

START = 1_790_000_000.0  # 2026-09-21 14:13:20 UTC
CONSENT_AT = START + 150.0  # 2:30 into the session
END = START + 360.0  # 6 minutes

APP = "com.example.shortvideo"
FIRST = ("ByteDance", "api.shortvideo.example", "shortvideo.example", "CN")

# (org, host, country, purpose)
THIRD = {
    "Google": ("googleads.g.doubleclick.net", "US", "advertising"),
    "Meta": ("graph.facebook.com", "US", "advertising"),
    "AppsFlyer": ("t.appsflyer.com", "IL", "attribution"),
    "Adjust": ("app.adjust.com", "DE", "attribution"),
    "Unity": ("config.unityads.unity3d.com", "US", "advertising"),
    "AppLovin": ("ms.applovin.com", "US", "advertising"),
    "Braze": ("sdk.iad-01.braze.com", "US", "customer_engagement"),
    "Sentry": ("o1.ingest.sentry.io", "US", "crash_reporting"),
    "IronSource": ("outcome-ssp.supersonicads.com", "IL", "advertising"),
}

ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"
IMEI = "352916084017398"
ANDROID_ID = "9774d56d682e549c"
VALUES = {
    "advertising_id": ADID,
    "device_id": ANDROID_ID,
    "location_precise": "52.520008,13.404954",
    "contacts": "Erika Mustermann +4915112345678",
    "device_info": "Pixel 7",
    "app_activity": "video_view",
    "user_id": "7293847562384756",
    "network": "Telekom.de",
    "contact_info": "max.mustermann@example.com",
}


def _row(
    n: int,
    ts: float,
    org: str,
    host: str,
    category: str,
    *,
    party: str = "third",
    country: str = "US",
    purpose: str = "advertising",
    scheme: str = "https",
    path: str = "/v1/events",
    location: str | None = None,
    key: str | None = None,
    value: str | None = None,
    detector: str = "profile",
    rule: str | None = None,
    confidence: float = 0.95,
    decoding: str = "json",
    evidence: str = "",
    app: str = APP,
) -> dict[str, Any]:
    value = value if value is not None else VALUES.get(category, "x")
    key = key or {"advertising_id": "gaid", "device_id": "android_id", "location_precise": "lat_lng"}.get(
        category, category
    )
    return {
        Col.flow_id: f"f{n}",
        Col.ts: ts,
        Col.source: "flowfile",
        Col.app: app,
        Col.kind: "http",
        Col.method: "POST",
        Col.url: f"{scheme}://{host}{path}?{key}={value}",
        Col.host: host,
        Col.domain: ".".join(host.split(".")[-2:]),
        Col.category: category,
        Col.org: org,
        Col.parent: org,
        Col.purpose: purpose,
        Col.party: party,
        Col.country: country,
        Col.org_source: "bundled",
        Col.cleartext: scheme == "http",
        Col.location: location or f"body.json:{key}",
        Col.key: key,
        Col.decoding: decoding,
        Col.value: value,
        Col.detector: detector,
        Col.rule: rule or f"profile:device.{key}",
        Col.confidence: confidence,
        Col.consent: "unmarked",
        Col.device_read: None,
        Col.evidence: evidence,
        Col.notes: None,
    }


def synthetic_rows() -> list[dict[str, Any]]:
    """Precise location to 3 companies, advertising ID to 9, contact list to 1 (ByteDance is
    first party, so the contact list goes to Meta), 40% of third-party sends before consent."""
    rows: list[dict[str, Any]] = []
    n = 0

    def add(ts: float, org: str, category: str, **kw: Any) -> None:
        nonlocal n
        n += 1
        if org == FIRST[0]:
            kw.setdefault("party", "first")
            kw.setdefault("purpose", "first_party")
            kw.setdefault("country", FIRST[3])
            host = FIRST[1]
        else:
            host, country, purpose = THIRD[org]
            kw.setdefault("country", country)
            kw.setdefault("purpose", purpose)
        rows.append(_row(n, ts, org, host, category, **kw))

    orgs = list(THIRD)
    # Before consent (first 150 s): 6 companies get the advertising ID, 2 get precise location.
    for i, org in enumerate(orgs[:6]):
        add(START + 10 + 20 * i, org, "advertising_id")
    add(START + 40, "Google", "location_precise", decoding="form")
    add(START + 60, "AppsFlyer", "location_precise")
    add(START + 5, FIRST[0], "device_info", detector="pattern", rule="pattern:user-agent-model")
    add(START + 6, FIRST[0], "advertising_id")
    # After consent: the rest.
    for i, org in enumerate(orgs[6:]):
        add(CONSENT_AT + 20 + 15 * i, org, "advertising_id")
    for i, org in enumerate(orgs[:4]):
        add(
            CONSENT_AT + 100 + 10 * i, org, "device_info", detector="pattern", rule="pattern:user-agent-model"
        )
    add(CONSENT_AT + 60, "Meta", "location_precise", decoding="form > base64 > json")
    add(CONSENT_AT + 70, "Meta", "contacts", detector="key", rule="key:contacts", confidence=0.7)
    add(CONSENT_AT + 80, "Adjust", "device_id")
    add(
        CONSENT_AT + 90,
        "Unity",
        "device_id",
        value=IMEI,
        key="imei",
        detector="pattern",
        rule="pattern:imei-luhn",
    )
    add(CONSENT_AT + 95, "AppLovin", "network", scheme="http", path="/ad")
    add(CONSENT_AT + 30, "Braze", "user_id", detector="key", rule="key:user_id")
    add(CONSENT_AT + 180, FIRST[0], "app_activity", detector="key", rule="key:event")
    add(CONSENT_AT + 190, FIRST[0], "location_coarse", value="Berlin", detector="key", rule="key:city")
    return rows


def _markers() -> list[dict[str, Any]]:
    return [
        {"ts": START + 120, "label": "note", "text": "consent dialog shown", "source": "cli"},
        {"ts": CONSENT_AT, "label": "consent-given", "text": "tapped Accept all", "source": "cli"},
    ]


def _events() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    proxy = [
        {
            "type": "proxy:pinning_suspected",
            "ts": START + 30 + i,
            "host": "api-pinned.shortvideo.example",
            "port": 443,
            "reason": "client rejected the certificate",
        }
        for i in range(3)
    ]
    hooks = [
        {
            "type": "hook:read",
            "id": 1,
            "ts": START + 3,
            "pid": 4242,
            "api": "android.provider.Settings$Secure.getString(android_id)",
            "category": "device_id",
            "value": ANDROID_ID,
            "thread": "main",
            "stack": [],
            "sdk": "com.adjust.sdk",
            "org": "Adjust",
        },
        {
            "type": "hook:read",
            "id": 2,
            "ts": START + 4,
            "pid": 4242,
            "api": "android.location.Location.getLatitude",
            "category": "location_precise",
            "value": "52.520008",
            "thread": "pool-3",
            "stack": [],
            "sdk": "com.appsflyer",
            "org": "AppsFlyer",
        },
    ]
    return proxy, hooks


def synthetic_session(rows: list[dict[str, Any]] | None = None, *, app: str = APP) -> SessionData:
    markers = _markers()
    proxy, hooks = _events()
    findings = label_consent(findings_frame(rows if rows is not None else synthetic_rows()), markers)
    return SessionData(
        root=Path("/tmp/sessions/2026-09-21-shortvideo"),
        meta={"start": START, "end": END, "app": app},
        findings=findings,
        markers=markers,
        proxy_events=proxy,
        hook_events=hooks,
        problems=[],
    )


def sample_session() -> SessionData:
    """The bundled sample session, replayed from its flow file when there is one."""
    if (SAMPLE / "flows.mitm").exists():
        return load_inputs([SAMPLE])

    return load_session(SAMPLE)


def summary_session() -> SessionData:
    return sample_session() if SESSION_SOURCE == "sample" else synthetic_session()


# ---------------------------------------------------------------------------------------------
# Hostile content


def payloads(port: int) -> list[str]:
    """Injection attempts; each that ran would fetch `http://127.0.0.1:<port>/pwned?<id>` and
    retitle the document."""
    hit = f"http://127.0.0.1:{port}/pwned"

    def js(tag: str) -> str:
        return f"fetch('{hit}?{tag}');document.title='PWNED'"

    return [
        f"<script>{js('script')}</script>",
        f'<img src=x onerror="{js("img")}">',
        f"<img src='{hit}?imgsrc'>",
        f"javascript:{js('jsurl')}",
        f'<a href="javascript:{js("href")}">click</a>',
        f"</style><script>{js('style')}</script><style>",
        f'<svg xmlns="http://www.w3.org/2000/svg" onload="{js("svgonload")}"><script>{js("svgscript")}</script></svg>',
        f"</textarea><script>{js('textarea')}</script>",
        f"</title><script>{js('title')}</script>",
        f'"><script>{js("attr")}</script>',
        f"'><img src=x onerror={js('attr2')}>",
        f"]]><script>{js('cdata')}</script>",
        f"<link rel=stylesheet href='{hit}?css'>",
        f"<style>@import url({hit}?import);</style>",
        f'<meta http-equiv="refresh" content="0;url={hit}?refresh">',
        f"<iframe src='{hit}?iframe'></iframe>",
        f"<base href='{hit}/'>",
        f"<object data='{hit}?object'></object>",
        f"[click](javascript:{js('md')}) | `tick` *em*",
        "\x1b[31mred\x1b[0m \u202eevil\u202c",
    ]


def hostile_rows(port: int) -> list[dict[str, Any]]:
    rows = synthetic_rows()[:6]
    bad = payloads(port)
    n = 100
    for i, p in enumerate(bad):
        n += 1
        rows.append(
            _row(
                n,
                START + 200 + i,
                org=f"Evil {p}",
                host=f"{p}.tracker.example",
                category="advertising_id",
                path=f"/{p}/collect",
                key=f"{p}-key",
                value=f"{p}VALUE-{i:04d}-{p}",
                location=f"header:{p}",
                rule=f"key:{p}",
                evidence=f"evidence {p}",
                decoding=f"json > {p}",
                country=p[:20],
                purpose="advertising",
            )
        )
        rows[-1][Col.notes] = p
        rows[-1][Col.device_read] = p
        rows[-1][Col.parent] = p
    return rows


def hostile_session(port: int) -> SessionData:
    bad = payloads(port)
    data = synthetic_session(hostile_rows(port), app=f"com.evil {bad[0]}")
    data.markers.append({"ts": START + 250, "label": "note", "text": " ".join(bad), "source": "dashboard"})
    data.markers.append({"ts": START + 251, "label": bad[1], "text": bad[2], "source": "dashboard"})
    data.proxy_events.extend(
        {"type": "proxy:pinning_suspected", "ts": START + 260, "host": p, "port": p, "reason": p} for p in bad
    )
    data.hook_events.extend(
        {
            "type": "hook:read",
            "id": 10 + i,
            "ts": START + 270,
            "api": p,
            "category": p,
            "value": p + p,
            "sdk": p,
            "org": p,
        }
        for i, p in enumerate(bad)
    )
    data.problems.extend(bad)
    return data


# ---------------------------------------------------------------------------------------------
# Browser


@dataclass
class Chromium:
    binary: str
    profile: Path

    def _run(self, *args: str, timeout: float = 45) -> subprocess.CompletedProcess[str]:
        cmd = [
            self.binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--mute-audio",
            f"--user-data-dir={self.profile}",
            *args,
        ]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)

    def dump_dom(self, url: str, *, budget_ms: int = 2000) -> str:
        result = self._run(f"--virtual-time-budget={budget_ms}", "--dump-dom", url)
        if result.returncode != 0 or "<html" not in result.stdout:
            raise AssertionError(f"chromium --dump-dom failed ({result.returncode}): {result.stderr[-2000:]}")
        return result.stdout

    def screenshot(self, url: str, out: Path, *, width: int = 1280, height: int = 2000) -> Path:
        result = self._run(
            f"--screenshot={out}", f"--window-size={width},{height}", "--virtual-time-budget=1000", url
        )
        if not out.exists():
            raise AssertionError(
                f"chromium --screenshot wrote nothing ({result.returncode}): {result.stderr[-2000:]}"
            )
        return out


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def _hit(self) -> None:
        self.server.hits.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST = do_HEAD = do_OPTIONS = _hit  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def listener() -> Iterator[tuple[int, list[str]]]:
    """A loopback HTTP server that records every request it gets: (port, hits)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.hits  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def png_info(path: Path) -> tuple[int, int, int]:
    """(width, height, distinct byte values in the first rows of pixels) of a PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    idat = b""
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompressobj().decompress(idat, 4_000_000)
    return width, height, len(set(raw))


def write_hostile_flows(path: Path, port: int) -> Path:
    """A mitmproxy flow file whose requests carry the payloads in the host, path, query keys,
    header names, JSON keys and values, next to values of the sample device profile."""
    bad = payloads(port)
    with path.open("wb") as fh:
        writer = io.FlowWriter(fh)
        for i, p in enumerate(bad[:12]):
            f = tflow.tflow(resp=True)
            f.request.scheme, f.request.port, f.request.method = "https", 443, "POST"
            f.request.host = f"t{i}.{p}.example"
            f.request.path = f"/{p}/collect?{p}={ADID}&gaid={ADID}"
            f.request.headers[f"X-{p}"] = ADID
            f.request.headers["content-type"] = "application/json"
            f.request.content = json.dumps(
                {
                    p: ADID,
                    "email": "lena.beispiel@posteo.de",
                    "user_email": p + " lena.beispiel@posteo.de",
                    "note": p,
                }
            ).encode()
            f.request.timestamp_start = START + 10 * i
            writer.add(f)
    return path
