"""App-encrypted payloads (analysis/appcrypto.py): the plaintext an SDK encrypted before TLS,
recorded by the crypto agent's table of app-level encryption entry points, lands on the request
that carried the ciphertext; without hooks such a body is labelled as encrypted by the app.

End to end: the JVM test double of `EncryptorUtil.ttEncrypt` (a real AES-CBC of gzip'd JSON) is
called by an AppLog-like SDK double that posts the ciphertext over Java's own TLS through a real
`mitmdump -s addons/phonehome.py`."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from support.net import LocalServer, addon_args, run_mitmdump

from phonehome.analysis.appcrypto import AppCiphertexts, app_ciphertexts_from_events, opaque_reason
from phonehome.analysis.model import Record
from phonehome.analysis.pipeline import Analyser
from phonehome.store import read_jsonl

REPO = Path(__file__).resolve().parents[2]
ANDROID_ID = "9774d56d682e549c"
ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"
URL = "https://log.snssdk.com/service/2/device_register/?tt_data=a&aid=1233"


def _record(
    body: bytes,
    *headers: tuple[str, str],
    ctype: str = "application/octet-stream;tt-data=a",
    path: str = "/service/2/device_register/?tt_data=a",
) -> Record:
    return Record(
        flow_id="f",
        ts=1.0,
        kind="http",
        direction="request",
        method="POST",
        scheme="https",
        host="log.snssdk.com",
        port=443,
        path=path,
        http_version="HTTP/1.1",
        request_headers=(("Content-Type", ctype), *headers),
        body=body,
        body_size=len(body),
    )


def _event(plain: bytes, cipher: bytes, **kw) -> dict:
    return {
        "type": "hook:crypto",
        "id": 9,
        "app_level": True,
        "api": "EncryptorUtil.ttEncrypt",
        "sdk": "com.bytedance.applog",
        "org": "ByteDance",
        "input_b64": base64.b64encode(plain).decode(),
        "output_b64": base64.b64encode(cipher).decode(),
        **kw,
    }


PLAIN = gzip.compress(json.dumps({"header": {"google_aid": ADID, "device_model": "Pixel 7"}}).encode())
CIPHER = os.urandom(16) + os.urandom(len(PLAIN) + 16 - len(PLAIN) % 16)


@pytest.mark.parametrize(
    ("body", "headers", "how"),
    [
        pytest.param(CIPHER, (), "same bytes", id="same-bytes"),
        pytest.param(base64.b64encode(CIPHER), (), "Base64 of the same bytes", id="base64"),
        pytest.param(
            b"x" * 10 + CIPHER[10:],
            (("X-SS-STUB", hashlib.md5(CIPHER).hexdigest().upper()),),
            "x-ss-stub = MD5 of the body",
            id="x-ss-stub",
        ),
    ],
)
def test_ciphertext_tied_to_its_request(body: bytes, headers: tuple, how: str) -> None:
    index = AppCiphertexts()
    index.add(app_ciphertexts_from_events([_event(PLAIN, CIPHER)]))
    match = index.match(_record(body, *headers))
    assert match is not None and match.how == how and match.item.plaintext == PLAIN


def test_plaintext_findings_on_the_request_with_their_chain() -> None:
    a = Analyser()
    rec = _record(CIPHER)
    assert a.analyse_record(rec) == []
    (label,) = a.take_app_encrypted()
    assert label["org"] == "ByteDance" and "encrypted by the app before sending" in label["reason"]
    a.add_hook_events([_event(PLAIN, CIPHER)])
    rows = a.analyse_record(rec)
    adid = next(r for r in rows if r["category"] == "advertising_id")
    assert adid["decoding"] == "plaintext from hook > gzip > json" and adid["value"] == ADID
    assert adid["flow_id"] == "f" and adid["org"] == "ByteDance"
    assert "hook#9 EncryptorUtil.ttEncrypt by com.bytedance.applog (ByteDance)" in adid["notes"]
    assert a.take_app_encrypted() == []


@pytest.mark.parametrize(
    ("body", "ctype", "opaque"),
    [
        pytest.param(os.urandom(512), "application/json", True, id="random-as-json"),
        pytest.param(os.urandom(512), "application/x-www-form-urlencoded", True, id="random-as-form"),
        pytest.param(os.urandom(512), "application/octet-stream", False, id="octet-stream-promises-nothing"),
        pytest.param(os.urandom(512), "application/octet-stream;tt-data=a", True, id="tt-data"),
        pytest.param(json.dumps({"k": list(range(200))}).encode(), "application/json", False, id="real-json"),
        pytest.param(gzip.compress(os.urandom(400)), "application/json", False, id="gzip-unsaid"),
        pytest.param(os.urandom(40), "application/json", False, id="too-short"),
    ],
)
def test_opaque_bodies_labelled_without_hooks(body: bytes, ctype: str, opaque: bool) -> None:
    assert (opaque_reason(_record(body, ctype=ctype, path="/upload")) is not None) is opaque


def test_tt_data_query_with_octet_stream_is_app_encrypted() -> None:
    assert opaque_reason(_record(os.urandom(64), ctype="application/octet-stream")) is not None


def test_hostile_hook_events_are_skipped() -> None:
    bad = [
        {"type": "hook:crypto", "app_level": True, "input_b64": "!!", "output_b64": 5},
        {"type": "hook:crypto", "app_level": True, "input_b64": "", "output_b64": "AAAA"},
        {
            "type": "hook:crypto",
            "app_level": "yes",
            "input_b64": "QUJD",
            "output_b64": base64.b64encode(b"x" * 32).decode(),
            "ts": "x",
            "sdk": 3,
        },
    ]
    items = app_ciphertexts_from_events(bad)
    assert len(items) == 1 and items[0].sdk is None and items[0].ts is None


# --- end to end: JVM test double through a real mitmdump ---------------------------------------


def _wait_rows(path: Path, predicate, timeout: float = 12.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    rows: list[dict] = []
    while time.monotonic() < deadline:
        rows = read_jsonl(path).objects if path.exists() else []
        if predicate(rows):
            break
        time.sleep(0.1)
    return rows


@pytest.mark.slow
def test_jvm_ttencrypt_plaintext_lands_on_the_request(tmp_path: Path, server: LocalServer) -> None:
    from support.hooks import events, java_argv, of_type, run_hooked, stdout_of

    session = tmp_path / "hooked"
    with (
        run_mitmdump(
            *addon_args(session),
            upstream=server,
        ) as proxy,
    ):
        argv = java_argv(
            "--applog",
            str(proxy.ca_cert),
            URL,
            props=["-Dhttps.proxyHost=127.0.0.1", f"-Dhttps.proxyPort={proxy.port}"],
        )
        host = run_hooked(argv, session, agents=("api", "crypto", "tls"), timeout=60)
        assert "applog 200" in stdout_of(host)
        rows = _wait_rows(
            session / "findings.jsonl",
            lambda rs: any(r["decoding"].startswith("plaintext from hook") for r in rs),
        )
        sent = server.requests[-1]
    (enc,) = of_type(events(session), "hook:crypto", api="EncryptorUtil.ttEncrypt")
    assert enc["app_level"] and enc["sdk"].startswith("com.bytedance") and enc["org"] == "ByteDance"
    assert base64.b64decode(enc["output_b64"]) == sent.body  # the hooked ciphertext is what left
    assert json.loads(gzip.decompress(base64.b64decode(enc["input_b64"])))["header"]["openudid"] == ANDROID_ID
    plain = [r for r in rows if r["decoding"].startswith("plaintext from hook")]
    assert {r["host"] for r in plain} == {"log.snssdk.com"} and {r["org"] for r in plain} == {"ByteDance"}
    assert len({r["flow_id"] for r in plain}) == 1
    by_location = {r["location"]: r for r in plain}
    adid = by_location["body.gzip>json:header.google_aid"]
    assert adid["category"] == "advertising_id" and adid["value"] == ADID
    assert adid["decoding"] == "plaintext from hook > gzip > json"
    assert "EncryptorUtil.ttEncrypt by com.bytedance" in adid["notes"] and "(ByteDance)" in adid["notes"]
    assert "X-SS-STUB" in adid["notes"] or "same bytes" in adid["notes"]
    openudid = by_location["body.gzip>json:header.openudid"]
    assert (
        openudid["detector"] == "runtime"
        and "Settings.Secure.getString by com.bytedance.applog" in openudid["rule"]
    )
    # the hook host's own analyser (JSSE plaintext of the same request) ties it too
    hooked = [
        r
        for r in read_jsonl(session / "hook-findings.jsonl").objects
        if r["decoding"].startswith("plaintext from hook")
    ]
    assert {r["location"] for r in hooked} == set(by_location) and {r["source"] for r in hooked} == {
        "tls-hook"
    }
    # replay reads the same session and finds the same plaintext findings
    from phonehome.analysis.sessions import load_inputs

    replayed = load_inputs([session]).findings
    assert set(replayed[replayed["decoding"].str.startswith("plaintext from hook")]["location"]) == set(
        by_location
    )


@pytest.mark.slow
def test_jvm_ttencrypt_without_hooks_is_labelled(tmp_path: Path, server: LocalServer) -> None:
    from support.hooks import java_argv

    session = tmp_path / "plain"
    with (
        run_mitmdump(
            *addon_args(session),
            upstream=server,
        ) as proxy,
    ):
        argv = java_argv(
            "--applog",
            str(proxy.ca_cert),
            URL,
            props=["-Dhttps.proxyHost=127.0.0.1", f"-Dhttps.proxyPort={proxy.port}"],
        )
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert "applog 200" in out.stdout, out.stderr
        evs = _wait_rows(
            session / "proxy-events.jsonl", lambda es: any(e.get("type") == "proxy:app-encrypted" for e in es)
        )
        assert len(server.requests) == 1
    (label,) = [e for e in evs if e.get("type") == "proxy:app-encrypted"]
    assert label["host"] == "log.snssdk.com" and label["org"] == "ByteDance"
    assert "encrypted by the app before sending" in label["reason"] and "tt-data=a" in label["reason"]
    findings = read_jsonl(session / "findings.jsonl").objects if (session / "findings.jsonl").exists() else []
    assert not [r for r in findings if r["host"] == "log.snssdk.com"]


def test_bundled_tiktok_format_session_carries_both() -> None:
    """captures/tiktok-format: one app_log upload encrypted by the app (with its hook event) and an
    in-app browser injection; replay reads both."""
    from phonehome.analysis.inappbrowser import injections_from_events
    from phonehome.analysis.sessions import load_inputs

    data = load_inputs([REPO / "captures" / "tiktok-format"])
    f = data.findings
    plain = f[f["decoding"].str.startswith("plaintext from hook")]
    assert len(plain["flow_id"].unique()) == 1 and set(plain["host"]) == {
        "log22-normal-c-useast2a.tiktokv.com"
    }
    assert "tt_data=a" in plain["url"].iloc[0]
    assert {"advertising_id", "device_id"} <= set(plain["category"])
    assert plain["notes"].str.contains("EncryptorUtil.ttEncrypt by com.bytedance \\(ByteDance\\)").all()
    (inj,) = injections_from_events(data.hook_events)
    assert set(inj.capabilities) >= {"keyboard", "pointer", "native_bridge"} and inj.org == "ByteDance"


def test_app_encrypted_requests_in_the_report(tmp_path: Path) -> None:
    """A flow file with an app-encrypted request and no hooks: replay labels it, the report says so
    in plain words with the request, escaped."""
    from mitmproxy import io as mio
    from mitmproxy.test import tflow

    from phonehome.analysis.sessions import load_inputs
    from phonehome.views.report import build_report, render_html, render_markdown

    f = tflow.tflow(req=None)
    f.request.host, f.request.port, f.request.scheme = "log.snssdk.com", 443, "https"
    f.request.path, f.request.method = "/service/2/app_log/?tt_data=a&x=<b>", "POST"
    f.request.headers["content-type"] = "application/octet-stream;tt-data=a"
    f.request.content = os.urandom(300)
    path = tmp_path / "flows.mitm"
    with open(path, "wb") as fh:
        mio.FlowWriter(fh).add(f)
    data = load_inputs([path])
    (label,) = [e for e in data.proxy_events if e["type"] == "proxy:app-encrypted"]
    assert label["org"] == "ByteDance"
    model = build_report(data)
    assert model.app_encrypted_summary.startswith(
        "The app encrypted one request (to ByteDance) itself before sending it"
    )
    html = render_html(model)
    section = html[html.index('<section id="app-encrypted">') :]
    assert "tt_data=a&amp;x=&lt;b&gt;" in section and "encrypted by the app before sending" in section
    assert "## Encrypted by the app before sending" in render_markdown(model)
    assert build_report(data, lang="de").app_encrypted_summary.startswith(
        "Die App hat eine Anfrage (an ByteDance)"
    )


def test_dashboard_status_counts_app_encrypted_requests() -> None:
    from phonehome.views.dashboard.state import Batch, DashboardState
    from phonehome.views.dashboard.status import status_text

    state = DashboardState()
    state.ingest(
        Batch(
            proxy_events=[
                {"type": "proxy:app-encrypted", "host": "log.snssdk.com\x1b[2J", "flow_id": str(i), "ts": 1.0}
                for i in range(3)
            ]
        )
    )
    text = status_text(state, now=2.0, paused=False, applied_findings=0).plain
    assert "app-encrypted 3 (log.snssdk.com" in text and "\x1b" not in text
