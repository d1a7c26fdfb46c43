"""Regenerate the bundled sample session in captures/sample/.

    .venv/bin/python captures/make_sample.py [--out captures/sample]

A fictional apprenticeship app ("AzubiApp", package de.azubiapp.demo, first party azubiapp.de)
talks to its own API and to the SDKs such an app typically embeds: Google (Firebase Analytics,
Firebase Installations, Google Mobile Ads), Meta app events, AppsFlyer, Adjust, Mixpanel, Sentry,
ironSource, InMobi (over cleartext HTTP), Branch and TikTok's business SDK. The requests follow
those SDKs' public wire formats (field names from their open-source SDKs and API docs; the
Firebase measurement batch is a hand-encoded protobuf in the shape of its measurement bundle).

Recorded for real: clients (Python's http.client for HTTP/1.1, the `h2` library for HTTP/2, curl,
and a WebSocket client) send every request through a real `mitmdump` on 127.0.0.1 with the
phonehome addon, which writes the session store. Upstream connections are routed to a local HTTPS
server, so no host name is ever resolved and nothing leaves the machine. The consent marker is
set in the middle of the session, the way a researcher taps "accept" on the consent banner.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import json
import shutil
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from support.decode import pb_field  # noqa: E402  (test support: protobuf encoded by hand)
from support.net import (  # noqa: E402  (test support module, shared with the e2e tests)
    Http1Client,
    Http2Client,
    LocalServer,
    curl,
    run_mitmdump,
    websocket_session,
)

from phonehome.analysis.profile import load_profile  # noqa: E402
from phonehome.store import SessionStore  # noqa: E402

PROFILE = REPO / "captures" / "sample" / "device.toml"
APP = "de.azubiapp.demo"
UA = "Dalvik/2.1.0 (Linux; U; Android 14; SM-A546B Build/UP1A.231005.007)"
PACE = 2.0  # seconds between requests: about a minute of use, watchable in the demo


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def firebase_batch(p: dict, now_ms: int) -> bytes:
    def event(name: str, params: dict[str, str | int]) -> bytes:
        body = b"".join(
            pb_field(1, pb_field(1, k) + pb_field(2 if isinstance(v, str) else 3, v))
            for k, v in params.items()
        )
        return body + pb_field(2, name) + pb_field(3, now_ms) + pb_field(4, now_ms - 5000)

    bundle = b"".join(
        [
            pb_field(1, 1),
            pb_field(2, event("_s", {"_o": "auto", "_sid": 1764150000})),
            pb_field(2, event("screen_view", {"_sc": "JobSearchActivity", "_o": "auto"})),
            pb_field(2, event("search", {"search_term": "Ausbildung Mechatroniker Berlin"})),
            pb_field(8, "android"),
            pb_field(9, "14"),
            pb_field(10, p["device"]["model"]),
            pb_field(11, "de-de"),
            pb_field(12, 60),
            pb_field(13, "manual_install"),
            pb_field(14, APP),
            pb_field(16, "3.4.1"),
            pb_field(17, 240304),
            pb_field(19, p["device"]["advertising_id"]),
            pb_field(20, 0),
            pb_field(21, "f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6"),
            pb_field(26, "1:123456789012:android:abcdef0123456789"),
        ]
    )
    return pb_field(1, bundle)


def session(out: Path) -> None:
    profile = load_profile(PROFILE)
    raw = {
        "device": profile.device,
        "person": profile.person,
    }
    d, person = profile.device, profile.person
    lat, lng = profile.latitude, profile.longitude
    if out.exists():
        shutil.rmtree(out / "tmp", ignore_errors=True)
        for name in (
            "flows.mitm",
            "findings.jsonl",
            "proxy-events.jsonl",
            "markers.jsonl",
            "session.json",
            "hook-events.jsonl",
            "hook-findings.jsonl",
        ):
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    profile_copy = out / "device.toml"
    if PROFILE.resolve() != profile_copy.resolve():
        shutil.copyfile(PROFILE, profile_copy)

    with (
        LocalServer() as server,
        run_mitmdump(
            "-s",
            str(REPO / "addons" / "phonehome.py"),
            "--set",
            f"phonehome_session={out}",
            "--set",
            f"phonehome_profile={PROFILE}",
            "--set",
            f"phonehome_app={APP}",
            upstream=server,
        ) as proxy,
    ):

        def api(
            client: Http1Client | Http2Client,
            target: str,
            *,
            method: str = "GET",
            body: bytes | None = None,
            headers: dict[str, str] | None = None,
        ) -> None:
            client.request(target, method=method, body=body, headers={"User-Agent": UA, **(headers or {})})
            time.sleep(PACE)

        now_ms = int(time.time() * 1000)
        install_id = str(uuid.UUID("6f9619ff-8b86-d011-b42d-00c04fc964ff"))

        # --- app start, before the consent banner is answered --------------------------------
        with Http2Client(proxy, "https://api.azubiapp.de") as app:
            api(
                app,
                "/v2/config?platform=android&app_version=3.4.1&os_version=14&locale=de_DE",
                headers={"X-Install-Id": install_id},
            )
        with Http1Client(proxy, "https://firebaseinstallations.googleapis.com") as c:
            api(
                c,
                "/v1/projects/azubiapp-demo/installations",
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "X-Android-Package": APP,
                    "x-goog-api-key": "AIzaSyD-fictional-key-0123456789abcdefg",
                },
                body=json.dumps(
                    {
                        "fid": "cJ0z4bZfRTmX1bN2dA7Q9k",
                        "appId": "1:123456789012:android:abcdef0123456789",
                        "authVersion": "FIS_v2",
                        "sdkVersion": "a:17.2.0",
                    }
                ).encode(),
            )
        with Http1Client(proxy, "https://launches.appsflyersdk.com") as c:
            api(
                c,
                f"/api/v6.13/androidevent?app_id={APP}&buildnumber=6.13.0",
                method="POST",
                headers={"Content-Type": "application/json"},
                body=json.dumps(
                    {
                        "advertiserId": d["advertising_id"],
                        "advertiserIdEnabled": "true",
                        "af_timestamp": str(now_ms),
                        "appsflyerKey": "aBcDeFgHiJkLmNoPqRsTuV",
                        "uid": f"{now_ms}-5712309871234567890",
                        "installDate": "2026-11-26_101532+0100",
                        "firstLaunchDate": "2026-11-26_101532+0100",
                        "deviceType": "user",
                        "model": d["model"],
                        "brand": d["manufacturer"],
                        "sdk": "34",
                        "lang": "Deutsch",
                        "lang_code": "de",
                        "country": "DE",
                        "operator": d["carrier"],
                        "carrier": d["carrier"],
                        "network": "WIFI",
                        "android_id": d["android_id"],
                        "deviceData": {
                            "arch": "",
                            "build_display_id": "UP1A.231005.007",
                            "btch": "no",
                            "btl": "87.0",
                            "cpu_abi": "arm64-v8a",
                            "dim": {
                                "size": "2",
                                "xdp": "403.411",
                                "ydp": "403.411",
                                "x_px": "1080",
                                "y_px": "2340",
                                "d_dpi": "450",
                            },
                        },
                        "installer_package": "com.android.vending",
                        "counter": "1",
                        "iaecounter": "0",
                    }
                ).encode(),
            )
        with Http1Client(proxy, "https://app.adjust.com") as c:
            form = {
                "app_token": "2fm9gkqubvpc",
                "gps_adid": d["advertising_id"],
                "android_uuid": install_id,
                "tracking_enabled": "1",
                "created_at": "2026-11-26T10:15:33.120Z+0100",
                "device_name": d["model"],
                "device_manufacturer": d["manufacturer"],
                "os_name": "android",
                "os_version": "14",
                "api_level": "34",
                "language": "de",
                "country": "DE",
                "mcc": d["mcc_mnc"][:3],
                "mnc": d["mcc_mnc"][3:],
                "connectivity_type": "1",
                "screen_size": "normal",
                "screen_density": "high",
                "display_width": "1080",
                "display_height": "2340",
                "hardware_name": "UP1A.231005.007",
                "environment": "production",
                "session_count": "1",
                "needs_response_details": "1",
                "event_buffering_enabled": "0",
            }
            api(
                c,
                "/session",
                method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded", "Client-SDK": "android4.38.0"},
                body="&".join(f"{k}={v}" for k, v in form.items()).encode(),
            )
        with Http1Client(proxy, "https://graph.facebook.com") as c:
            extinfo = json.dumps(
                [
                    "a2",
                    APP,
                    "341",
                    "3.4.1",
                    "14",
                    d["model"],
                    "de_DE",
                    "CET",
                    d["carrier"],
                    1080,
                    2340,
                    "2.75",
                    8,
                    118,
                    92,
                    "Europe/Berlin",
                ]
            )
            form = {
                "event": "MOBILE_APP_INSTALL",
                "advertiser_id": d["advertising_id"],
                "advertiser_tracking_enabled": "1",
                "application_tracking_enabled": "1",
                "anon_id": "XZ8a7b9c0d-1e2f-3a4b-5c6d-7e8f9a0b1c2d",
                "extinfo": extinfo,
                "ud": json.dumps(
                    {"em": sha256(person["email"].lower()), "ph": sha256(person["phone"].lstrip("+"))}
                ),
                "installer_package": "com.android.vending",
                "format": "json",
                "sdk": "android",
                "app_user_id": "u-88213",
            }
            from urllib.parse import urlencode

            api(
                c,
                "/v17.0/987654321098765/activities",
                method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                body=urlencode(form).encode(),
            )
        with Http1Client(proxy, "https://o450123.ingest.sentry.io") as c:
            envelope = "\n".join(
                [
                    json.dumps(
                        {
                            "event_id": "9ec79c33ec9942ab8353589fcb2e04dc",
                            "sent_at": "2026-11-26T09:15:34.000Z",
                            "dsn": "https://public@o450123.ingest.sentry.io/4504567",
                        }
                    ),
                    json.dumps({"type": "event"}),
                    json.dumps(
                        {
                            "event_id": "9ec79c33ec9942ab8353589fcb2e04dc",
                            "platform": "java",
                            "level": "error",
                            "release": "de.azubiapp.demo@3.4.1+341",
                            "exception": {
                                "values": [
                                    {
                                        "type": "IllegalStateException",
                                        "value": "profile not loaded",
                                        "stacktrace": {
                                            "frames": [
                                                {
                                                    "function": "onCreate",
                                                    "module": "de.azubiapp.demo.ProfileActivity",
                                                    "lineno": 88,
                                                }
                                            ]
                                        },
                                    }
                                ]
                            },
                            "contexts": {
                                "device": {
                                    "model": d["model"],
                                    "manufacturer": d["manufacturer"],
                                    "battery_level": 87.0,
                                    "free_memory": 1948571648,
                                    "timezone": "Europe/Berlin",
                                    "language": "de",
                                },
                                "os": {"name": "Android", "version": "14", "build": "UP1A.231005.007"},
                            },
                            "user": {"id": "u-88213", "ip_address": "{{auto}}"},
                        }
                    ),
                ]
            ).encode()
            api(
                c,
                "/api/4504567/envelope/",
                method="POST",
                headers={"Content-Type": "application/x-sentry-envelope", "Content-Encoding": "gzip"},
                body=gzip.compress(envelope),
            )
        # InMobi still answers over plain HTTP in this fictional build: visible to anyone on the Wi-Fi.
        with Http1Client(proxy, "http://i.w.inmobi.com") as c:
            api(
                c,
                "/showad.asm",
                method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                body=(
                    f"mk-site=4028cb8b2c3a0b45012c406824e800ba&u-id-map=%7B%22GPID%22%3A%22{d['advertising_id']}%22%7D"
                    f"&lat={lat:.6f}&lng={lng:.6f}&loc-acc=12&d-localization=de_DE&ua={UA}"
                ).encode(),
            )
        with Http2Client(proxy, "https://googleads.g.doubleclick.net") as c:
            api(
                c,
                f"/mads/gma?app_name={APP}&rdid={d['advertising_id']}&is_lat=0&u_w=411&u_h=891&u_so=p"
                f"&u_tz=60&os=android&os_version=14&hl=de&net=wi&format=320x50_mb&ms=XYZ"
                f"&correlator=4381903456712&dt={now_ms}",
            )

        # --- the user accepts the consent banner ---------------------------------------------
        time.sleep(PACE)
        SessionStore(out).mark(
            "consent-given", "tapped 'Alle akzeptieren' on the consent banner", source="sample"
        )
        time.sleep(PACE)

        with Http2Client(proxy, "https://api.azubiapp.de") as app:
            api(
                app,
                "/v2/login",
                method="POST",
                headers={"Content-Type": "application/json"},
                body=json.dumps(
                    {
                        "email": person["email"],
                        "password": person["password"],
                        "device": {
                            "install_id": install_id,
                            "push_token": "fcm:eY7xR2pLq0k:APA91bH-fictional",
                        },
                    }
                ).encode(),
            )
            api(app, f"/v2/jobs/nearby?lat={lat:.5f}&lng={lng:.5f}&radius_km=25&q=Mechatroniker")
            api(
                app,
                "/v2/contacts/match",
                method="POST",
                headers={"Content-Type": "application/json"},
                body=json.dumps(
                    {"hashes": [sha256(c["phone"]) for c in profile.contacts], "algorithm": "sha256(e164)"}
                ).encode(),
            )
        with Http1Client(proxy, "https://app-measurement.com") as c:
            api(
                c,
                "/a",
                method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                body=firebase_batch(raw, now_ms),
            )
        with Http1Client(proxy, "https://api-js.mixpanel.com") as c:
            event = [
                {
                    "event": "Job Viewed",
                    "properties": {
                        "token": "3f2d1c0b9a8e7f6d5c4b3a2f1e0d9c8b",
                        "distinct_id": "u-88213",
                        "$os": "Android",
                        "$os_version": "14",
                        "$model": d["model"],
                        "$manufacturer": d["manufacturer"],
                        "$carrier": d["carrier"],
                        "$wifi": True,
                        "$screen_width": 1080,
                        "$screen_height": 2340,
                        "job_id": "J-77812",
                        "$email": person["email"],
                    },
                }
            ]
            data = base64.b64encode(json.dumps(event).encode()).decode()
            api(
                c,
                "/track",
                method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                body=f"data={data}&ip=1".encode(),
            )
        with Http1Client(proxy, "https://outcome-ssp.supersonicads.com") as c:
            api(
                c,
                "/mediation?adUnit=rewarded",
                method="POST",
                headers={"Content-Type": "application/json"},
                body=json.dumps(
                    {
                        "applicationKey": "1a2b3c4d5",
                        "advId": d["advertising_id"],
                        "advIdType": "GAID",
                        "deviceOS": "android",
                        "deviceModel": d["model"],
                        "connectionType": "wifi",
                        "installed_apps": list(profile.installed_apps),
                    }
                ).encode(),
            )
        with Http1Client(proxy, "https://api2.branch.io") as c:
            api(
                c,
                "/v1/open",
                method="POST",
                headers={"Content-Type": "application/json"},
                body=json.dumps(
                    {
                        "hardware_id": d["android_id"],
                        "is_hardware_id_real": True,
                        "brand": d["manufacturer"],
                        "model": d["model"],
                        "os": "Android",
                        "os_version": 34,
                        "google_advertising_id": d["advertising_id"],
                        "lat_val": 0,
                        "wifi": True,
                        "local_ip": d["local_ip"],
                        "clipboard": profile.clipboard,
                        "branch_key": "key_live_fictional0123456789",
                    }
                ).encode(),
            )
        curl(
            proxy,
            "https://business-api.tiktok.com/open_api/v1.3/app/batch/",
            http="2",
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": UA},
            data=json.dumps(
                {
                    "batch": [
                        {
                            "type": "track",
                            "event": "LaunchAPP",
                            "timestamp": "2026-11-26T09:15:40Z",
                            "context": {
                                "app": {"id": APP, "tiktok_app_id": "7012345678901234567"},
                                "device": {
                                    "platform": "Android",
                                    "gaid": d["advertising_id"],
                                    "id": d["android_id"],
                                },
                                "locale": "de-DE",
                                "ip": d["local_ip"],
                                "user_agent": UA,
                                "network": {"carrier": d["carrier"]},
                            },
                        }
                    ]
                }
            ),
            check=True,
        )
        time.sleep(PACE)
        websocket_session(
            proxy,
            "wss://chat.azubiapp.de/socket?v=2",
            [
                json.dumps({"type": "hello", "install_id": install_id, "user": "u-88213"}),
                json.dumps(
                    {
                        "type": "message",
                        "to": "betrieb-4411",
                        "text": "Hallo, ich würde gern ein Praktikum machen. Meine Nummer: "
                        + person["phone"],
                    }
                ),
            ],
        )
        time.sleep(PACE)
    print(f"sample session written to {out}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO / "captures" / "sample")
    args = parser.parse_args()
    session(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
