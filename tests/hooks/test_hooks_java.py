"""Java end to end under real Frida: the test-double "app" (tests/java) reads identifiers,
location, contacts and the clipboard through classes named like the Android APIs, encrypts and
hashes, and sends over HTTPS through a real `mitmdump -s addons/phonehome.py`. The hooks must
report the reads with the right SDK, the plaintext before encryption, and findings that tie the
sent values back to the reads (also through the digest and the cipher)."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import time
from pathlib import Path

import pytest
from support.hooks import events, findings, java_argv, of_type, run_hooked, stdout_of
from support.net import LocalServer, addon_args, run_mitmdump

pytestmark = pytest.mark.slow

ANDROID_ID = "9774d56d682e549c"
ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"
EMAIL = "bob@example.org"
REPO = Path(__file__).resolve().parents[2]


def _one(rows: list[dict], **match) -> dict:
    hits = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert len(hits) == 1, f"expected one row with {match}, got {len(hits)}: {hits}"
    return hits[0]


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> tuple[Path, str, list[dict]]:
    session = tmp_path_factory.mktemp("java-session")
    with (
        LocalServer() as server,
        run_mitmdump(
            *addon_args(session),
            upstream=server,
        ) as proxy,
    ):
        argv = java_argv(
            str(proxy.ca_cert),
            "https://graph.facebook.com/v17.0/1234/activities",
            "https://t.appsflyer.com/api/v6.0/androidevent?app_id=com.example.app",
            props=["-Dhttps.proxyHost=127.0.0.1", f"-Dhttps.proxyPort={proxy.port}"],
        )
        host = run_hooked(argv, session, agents=("api", "crypto", "tls"), timeout=60)
        out = stdout_of(host)
        # the addon's worker analyses flows asynchronously: wait (bounded) for both flows' findings
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and {r["host"] for r in findings(session, "findings.jsonl")} != {
            "graph.facebook.com",
            "t.appsflyer.com",
        }:
            time.sleep(0.1)
        proxy_rows = findings(session, "findings.jsonl")
        assert len(server.requests) == 2
    return session, out, proxy_rows


def test_app_ran_and_sent(session):
    _, out, _ = session
    assert "facebook 200" in out and "appsflyer 200" in out


def test_reads_with_sdk_attribution(session):
    evs = events(session[0])
    reads = of_type(evs, "hook:read")
    fb_id = _one(reads, api="Settings.Secure.getString", sdk="com.facebook.appevents")
    assert fb_id["value"] == ANDROID_ID and fb_id["category"] == "device_id" and fb_id["org"] == "Meta"
    assert fb_id["thread"] == "main" and fb_id["stack"][1].startswith(
        "com.facebook.appevents.AppEventsLogger.collect("
    )
    af_id = _one(reads, api="Settings.Secure.getString", sdk="com.appsflyer")
    assert af_id["org"] == "AppsFlyer" and af_id["value"] == ANDROID_ID
    adid = _one(reads, api="AdvertisingIdClient.Info.getId")
    assert (adid["value"], adid["category"], adid["org"]) == (ADID, "advertising_id", "Meta")
    lat = _one(reads, api="Location.getLatitude")
    assert (lat["value"], lat["category"], lat["org"]) == ("52.520008", "location_precise", "AppsFlyer")
    assert _one(reads, api="LocationManager.getLastKnownLocation")["values"] == ["52.520008", "13.404954"]
    # the app's own reads: no SDK in the stack
    contacts = of_type(evs, "hook:read", api="Cursor.getString")
    assert [(c["value"], c["column"], c["category"]) for c in contacts] == [
        (EMAIL, "data1", "contacts"),
        ("+4915112345678", "data1", "contacts"),
    ]
    assert all("sdk" not in c for c in contacts)
    assert _one(reads, api="ContentResolver.query")["uri"] == "content://com.android.contacts/data"
    clip = _one(reads, api="ClipboardManager.getPrimaryClip")
    assert (clip["value"], clip["category"]) == ("otp: 493817 for alice", "clipboard")
    # classes that do not exist here are reported once each, not per call
    missing = [e["target"] for e in of_type(evs, "hook:missing-class")]
    assert "android.telephony.TelephonyManager" in missing and len(missing) == len(set(missing))


def test_plaintext_before_encryption_and_hashing(session):
    evs = events(session[0])
    (enc,) = of_type(evs, "hook:crypto", api="Cipher.doFinal")
    assert (enc["op"], enc["algorithm"], enc["sdk"]) == ("encrypt", "AES/CBC/PKCS5Padding", "com.appsflyer")
    assert enc["input_text"] == f'{{"af_android_id":"{ANDROID_ID}","lat":52.520008,"lon":13.404954}}'
    (key,) = of_type(evs, "hook:crypto", op="key")
    assert key["key_text"] == "0123456789abcdef"
    # the recorded key and ciphertext really decrypt to the recorded plaintext
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    dec = Cipher(algorithms.AES(base64.b64decode(key["key_b64"])), modes.CBC(b"fedcba9876543210")).decryptor()
    padded = dec.update(base64.b64decode(enc["output_b64"])) + dec.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    assert (unpadder.update(padded) + unpadder.finalize()).decode() == enc["input_text"]
    (dig,) = of_type(evs, "hook:digest", algorithm="SHA-256")
    assert dig["input_text"] == EMAIL and dig["digest_hex"] == hashlib.sha256(EMAIL.encode()).hexdigest()
    assert dig["sdk"] == "com.facebook.appevents"
    # the JDK's own hashing during TLS and jar handling is not reported
    assert all(e.get("sdk") or e["stack"][1].startswith("com.") for e in of_type(evs, "hook:digest"))
    (b64,) = of_type(evs, "hook:encode", api="java.util.Base64.Encoder.encodeToString")
    assert b64["input_b64"] == enc["output_b64"]


@pytest.mark.parametrize("which", ["hook-findings.jsonl", "findings.jsonl"])
def test_findings_tie_traffic_to_reads(session, which):
    """hook-findings come from the JSSE plaintext via the host's own analyser; findings.jsonl
    from the proxy addon, which tails hook-events.jsonl for runtime values."""
    rows = findings(session[0], which) if which == "hook-findings.jsonl" else session[2]
    runtime = [r for r in rows if r["detector"] == "runtime"]
    em = _one(runtime, location="body.json:ud.em")
    assert em["host"] == "graph.facebook.com" and em["org"] == "Meta" and em["category"] == "contacts"
    assert em["value"] == hashlib.sha256(EMAIL.encode()).hexdigest()
    assert "MessageDigest.digest by com.facebook.appevents (Meta)" in em["rule"]
    assert "Cursor.getString" in em["rule"]
    adid = _one(runtime, location="body.json:advertiser_id")
    assert "AdvertisingIdClient.Info.getId by com.facebook.appevents (Meta)" in adid["rule"]
    sealed = [r for r in runtime if r["host"] == "t.appsflyer.com" and r["location"] == "body.json:data"]
    assert {r["category"] for r in sealed} == {"device_id", "location_precise"}
    assert all("Cipher.doFinal by com.appsflyer (AppsFlyer)" in r["rule"] for r in sealed)
    if which == "hook-findings.jsonl":
        assert {r["source"] for r in rows} == {"tls-hook"}


def test_agent_error_inside_a_hook_does_not_break_the_call(tmp_path: Path):
    apis = ["Settings.Secure.getString", "AdvertisingIdClient.Info.getId", "Location.getLatitude"]
    started = time.monotonic()
    host = run_hooked(
        java_argv("--selftest"),
        tmp_path,
        agents=("api",),
        timeout=30,
        agent_settings={"faultInjection": apis},
    )
    assert time.monotonic() - started < 25
    assert f"SELFTEST android_id={ANDROID_ID} adid={ADID} lat=52.520008" in stdout_of(host)
    evs = events(tmp_path)
    errors = of_type(evs, "hook:agent-error")
    assert {e["where"].split(" (")[0] for e in errors} == set(apis)
    assert all("injected fault" in e["error"] for e in errors)
    assert not of_type(evs, "hook:read", api="Settings.Secure.getString")
    assert of_type(evs, "hook:read", api="LocationManager.getLastKnownLocation")  # other hooks still record
    assert of_type(evs, "hook:detached", reason="process-terminated")


def test_unpin_lets_a_pinning_client_through_the_proxy(tmp_path: Path, server: LocalServer):
    """The client trusts only its own CA (here: the upstream's self-signed certificate), so it
    rejects mitmproxy; with the unpin agent its trust manager's check is bypassed."""
    with run_mitmdump(upstream=server) as proxy:
        props = ["-Dhttps.proxyHost=127.0.0.1", f"-Dhttps.proxyPort={proxy.port}"]
        urls = ["https://graph.facebook.com/v17.0/1/activities", "https://t.appsflyer.com/e"]
        # control, without Frida: the client rejects mitmproxy's certificate
        pinned = subprocess.run(
            java_argv(str(server.cert_path), *urls, props=props), capture_output=True, text=True, timeout=60
        )
        assert "facebook 200" not in pinned.stdout and "SSLHandshakeException" in pinned.stderr
        assert not server.requests
        unpinned = run_hooked(
            java_argv(str(server.cert_path), *urls, props=props),
            tmp_path / "unpinned",
            agents=("unpin",),
            timeout=40,
        )
        assert "facebook 200" in stdout_of(unpinned) and "appsflyer 200" in stdout_of(unpinned)
    evs = of_type(events(tmp_path / "unpinned"), "hook:unpin")
    status = {(e["target"], e["status"]) for e in evs}
    assert ("sun.security.ssl.X509TrustManagerImpl.checkServerTrusted", "applied") in status
    assert ("sun.security.ssl.X509TrustManagerImpl.checkServerTrusted", "bypassed") in status
    assert ("javax.net.ssl.SSLContext.init", "unsupported") in status  # needs ART's registerClass
    assert ("okhttp3.CertificatePinner.check", "missing") in status
    assert ("SecTrustEvaluateWithError", "missing") in status
    (bypass,) = [e for e in evs if e["status"] == "bypassed"]
    assert any(f.startswith("com.example.app.Net.post(") for f in bypass["stack"])
