"""Regenerate the bundled TikTok-format session in captures/tiktok-format/.

    .venv/bin/python captures/make_tiktok_format.py [--out captures/tiktok-format] [--pace 2.0]

NOT a recording of TikTok. The requests are reconstructed from public documentation and public
reverse engineering of ByteDance's wire formats: the applog SDK's device registration
(`/service/2/device_register/`) and event upload (`/service/2/app_log/`, `magic_tag: ss_app_log`,
`header` + `event_v3`), the common query parameters every TikTok API call carries (`aid`,
`device_id`, `iid`, `openudid`, `cdid`, `device_type`, `mcc_mnc`, ...), ByteDance's APM monitor,
Pangle's ad request (`/api/ad/union/sdk/get_ads/`) and the TikTok for Business app events API
(`/open_api/v1.3/app/batch/`, public developer documentation). The real app encrypts several of
these bodies (`application/octet-stream;tt-data=a`); here they travel as the plaintext JSON that
goes into that encryption, the way the Frida hooks see it.

What the session sends follows what the app is publicly known to collect (TikTok's privacy policy
for the EEA, "Information we collect automatically" and "Information from other sources"; public
technical analyses): device model, OS, screen, language, time zone, carrier and network, the
advertising ID and device identifiers, installed apps, approximate location (region from SIM and
IP), app activity (videos watched, searches, time in app) and, after the user allows contact
syncing, hashed phone numbers of the address book.

The package name is TikTok's (`com.zhiliaoapp.musically`), so phonehome's organisation database
counts TikTok's and ByteDance's hosts as the app's own (first party); its parent is ByteDance.

Two steps show what a proxy alone does not see (docs/inappbrowser.md): one `app_log` upload is sent
the way the real app sends it, `ttEncrypt(gzip(JSON))` as `application/octet-stream;tt-data=a`
with `X-SS-STUB`, preceded by the crypto agent's `hook:crypto` event of `EncryptorUtil.ttEncrypt`
(here a real AES-CBC with a fixed key, the same shape); and after consent the user opens a job
link in the in-app browser, where the app injects a script (`hook:webview` events of
`addJavascriptInterface` and `evaluateJavascript`, the script shaped like the one published in
2022: every key and tap to the app's bridge).

Extend it by adding steps to `steps()` (one list of requests, consent markers and hook events, see
`captures/_recorder.py`), then re-run the script.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _recorder import REPO, Consent, HookEvent, Pause, Request, Step, main_for  # noqa: E402

from phonehome.analysis.profile import Profile  # noqa: E402

OUT = REPO / "captures" / "tiktok-format"
PROFILE = OUT / "device.toml"
APP = "com.zhiliaoapp.musically"
UA = (
    "com.zhiliaoapp.musically/2023402030 (Linux; U; Android 14; de_DE; SM-A546B; "
    "Build/UP1A.231005.007; Cronet/TTNetVersion:5f9540e5 2024-01-10 QuicVersion:47555d5a 2023-12-11)"
)
API = "https://api16-normal-c-useast1a.tiktokv.com"
LOG = "https://log22-normal-c-useast2a.tiktokv.com"
DEVICE_ID = "7298765432109876543"
"""ByteDance's own device id (`did`), assigned by device registration; the install id is `iid`."""
INSTALL_ID = "7312345678901234567"
CDID = str(uuid.UUID("0f6e1d2c-3b4a-4958-8776-a5b4c3d2e1f0"))
TS = 1795716000


def common_query(p: Profile) -> str:
    d = p.device
    return "&".join(
        [
            f"iid={INSTALL_ID}",
            f"device_id={DEVICE_ID}",
            "ac=wifi",
            "channel=googleplay",
            "aid=1233",
            "app_name=musical_ly",
            "version_code=340203",
            "version_name=34.2.3",
            "device_platform=android",
            "os=android",
            "ssmix=a",
            f"device_type={d['model']}",
            f"device_brand={d['manufacturer']}",
            "language=de",
            "os_api=34",
            f"os_version={d['os_version']}",
            f"openudid={d['android_id']}",
            "manifest_version_code=2023402030",
            "resolution=1080*2340",
            "dpi=450",
            "update_version_code=2023402030",
            "app_type=normal",
            "sys_region=DE",
            f"mcc_mnc={d['mcc_mnc']}",
            "timezone_name=Europe%2FBerlin",
            "carrier_region=DE",
            "app_language=de",
            "current_region=DE",
            "locale=de-DE",
            "op_region=DE",
            "ac2=wifi5g",
            "host_abi=arm64-v8a",
            "region=DE",
            f"ts={TS}",
            f"cdid={CDID}",
        ]
    )


def applog_header(p: Profile) -> dict[str, object]:
    d = p.device
    return {
        "display_name": "TikTok",
        "aid": 1233,
        "channel": "googleplay",
        "package": APP,
        "app_version": "34.2.3",
        "version_code": 340203,
        "update_version_code": 2023402030,
        "manifest_version_code": 2023402030,
        "os": "Android",
        "os_version": d["os_version"],
        "os_api": 34,
        "device_model": d["model"],
        "device_brand": d["manufacturer"],
        "device_manufacturer": d["manufacturer"],
        "cpu_abi": "arm64-v8a",
        "build_serial": "unknown",
        "openudid": d["android_id"],
        "clientudid": CDID,
        "google_aid": d["advertising_id"],
        "density_dpi": 450,
        "display_density": "xxhdpi",
        "resolution": "2340x1080",
        "carrier": d["carrier"],
        "mcc_mnc": d["mcc_mnc"],
        "sim_region": "de",
        "timezone": 1,
        "tz_name": d["timezone"],
        "tz_offset": 3600,
        "language": "de",
        "region": "DE",
        "access": "wifi",
        "not_request_sender": 0,
        "rom": "UP1A.231005.007",
        "rom_version": "UP1A.231005.007",
        "sig_hash": "194326e82c84a639a52e5c023116f12a",
        "device_id": DEVICE_ID,
        "install_id": INSTALL_ID,
        "apk_first_install_time": 1795715400000,
        "is_system_app": 0,
        "sdk_version": "3.9.5-bugfix.5-tiktok",
        "sdk_target_version": 29,
        "git_hash": "5d1e0a3",
        "custom": {"is_kids_mode": 0, "filter_warn": 0, "web_ua": UA, "user_period": 0},
    }


TT_KEY = b"phonehome-sample!"[:16]
TT_IV = bytes(range(16))
ENCRYPTOR_STACK = [
    "com.bytedance.frameworks.encryptor.EncryptorUtil.ttEncrypt(Native Method)",
    "com.bytedance.applog.network.AppLogNetworkClient.post(SourceFile:212)",
    "com.bytedance.applog.engine.Sender.doWork(SourceFile:97)",
    "java.lang.Thread.run(Thread.java:1012)",
]
WEBVIEW_STACK = [
    "android.webkit.WebView.evaluateJavascript(WebView.java:1296)",
    "com.bytedance.ies.bullet.kit.web.WebKitView.evaluateJs(SourceFile:88)",
    "com.ss.android.ugc.aweme.crossplatform.InAppBrowserActivity.onPageFinished(SourceFile:301)",
    "android.webkit.WebViewClient.onPageFinished(WebViewClient.java:95)",
]
JOB_PAGE = "https://www.azubi-stellen.example/mechatroniker-berlin/bewerben"
INJECTED = (
    "!function(){var d=document,w=window,b=w['TT'+'WebBridge'];function s(e){try{b.postMessage(JSON.stringify("
    "{type:e.type,key:e.key,target:e.target&&e.target.tagName,value:e.target&&e.target.value,"
    "x:e.touches?e.touches[0].clientX:e.clientX,y:e.touches?e.touches[0].clientY:e.clientY,t:Date.now()}))}"
    "catch(r){}}d['add'+'EventListener']('keypress',s,!0);d.addEventListener('touchstart',s,{passive:!0});"
    "d.addEventListener('click',s,!0)}();"
)


def tt_encrypt(plain: bytes) -> bytes:
    """The shape of ttEncrypt's output for the sample: AES-128-CBC, IV in front (not ByteDance's format)."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(TT_KEY), modes.CBC(TT_IV)).encryptor()
    return TT_IV + enc.update(padder.update(plain) + padder.finalize()) + enc.finalize()


def encrypted_app_log(p: Profile, q: str, header: dict[str, object]) -> list[Step]:
    plain = gzip.compress(
        json.dumps(
            {
                "magic_tag": "ss_app_log",
                "header": header,
                "_gen_time": TS * 1000 + 5000,
                "event_v3": [
                    {
                        "event": "enter_homepage_hot",
                        "params": {"enter_method": "launch", "network_type": "wifi"},
                    }
                ],
            },
            separators=(",", ":"),
        ).encode(),
        mtime=0,
    )
    body = tt_encrypt(plain)
    return [
        HookEvent(
            {
                "type": "hook:crypto",
                "agent": "crypto",
                "api": "EncryptorUtil.ttEncrypt",
                "class": "com.bytedance.frameworks.encryptor.EncryptorUtil",
                "method": "ttEncrypt",
                "algorithm": "tt-encrypt",
                "op": "encrypt",
                "phase": "final",
                "app_level": True,
                "input_b64": base64.b64encode(plain).decode(),
                "input_size": len(plain),
                "output_b64": base64.b64encode(body).decode(),
                "output_size": len(body),
                "thread": "applog_sender",
                "stack": ENCRYPTOR_STACK,
                "sdk": "com.bytedance",
                "org": "ByteDance",
                "sdk_frame": ENCRYPTOR_STACK[0],
            }
        ),
        Request(
            f"{LOG}/service/2/app_log/?tt_data=a&{q}",
            body=body,
            headers={
                "Content-Type": "application/octet-stream;tt-data=a",
                "X-SS-STUB": hashlib.md5(body).hexdigest().upper(),
            },
        ),
    ]


def in_app_browser() -> list[Step]:
    common = {
        "agent": "api",
        "class": "android.webkit.WebView",
        "thread": "main",
        "sdk": "com.bytedance",
        "org": "ByteDance",
    }
    return [
        HookEvent(
            {
                **common,
                "type": "hook:webview",
                "api": "WebView.addJavascriptInterface",
                "method": "addJavascriptInterface",
                "name": "TTWebBridge",
                "object_class": "com.bytedance.ies.web.jsbridge2.JsBridge2$WebBridge",
                "stack": [
                    "android.webkit.WebView.addJavascriptInterface(WebView.java:1801)",
                    *WEBVIEW_STACK[1:],
                ],
            }
        ),
        HookEvent(
            {
                **common,
                "type": "hook:webview",
                "api": "WebView.evaluateJavascript",
                "method": "evaluateJavascript",
                "script": INJECTED,
                "page_url": JOB_PAGE,
                "stack": WEBVIEW_STACK,
                "sdk_frame": WEBVIEW_STACK[1],
            }
        ),
    ]


def steps(p: Profile) -> list[Step]:
    d = p.device
    q = common_query(p)
    header = applog_header(p)
    hashed_contacts = [hashlib.sha256(c["phone"].encode()).hexdigest() for c in p.contacts]
    return [
        # --- first start: before the consent banner is answered ---------------------------------
        Request(
            f"{LOG}/service/2/device_register/?{q}",
            json={"magic_tag": "ss_app_log", "header": header, "_gen_time": TS * 1000},
        ),
        Request(f"{API}/service/settings/v3/?{q}", client="h2"),
        Request(
            f"{LOG}/service/2/app_log/?{q}",
            json={
                "magic_tag": "ss_app_log",
                "header": header,
                "_gen_time": TS * 1000 + 900,
                "launch": [
                    {
                        "datetime": "2026-11-26 18:00:01",
                        "session_id": "5C3E0A1B-7D9F-4E2A-9B8C-1D2E3F4A5B6C",
                        "local_time_ms": TS * 1000 + 850,
                        "tea_event_index": 1,
                    }
                ],
                "event_v3": [
                    {
                        "event": "launch_log",
                        "params": {
                            "launch_method": "enter_launch",
                            "cold_launch": 1,
                            "network_type": "wifi",
                            "battery": 87,
                        },
                    },
                    {"event": "app_alert_check", "params": {"installed_apps": list(p.installed_apps)}},
                ],
            },
        ),
        *encrypted_app_log(p, q, header),
        Request(
            "https://mon.tiktokv.com/monitor/collect/c/session?" + q,
            json={
                "header": {
                    "device_id": DEVICE_ID,
                    "install_id": INSTALL_ID,
                    "device_model": d["model"],
                    "os_version": d["os_version"],
                    "carrier": d["carrier"],
                    "access": "wifi",
                    "local_ip": d["local_ip"],
                    "wifi_bssid": d["wifi_bssid"],
                },
                "data": [
                    {
                        "log_type": "performance_monitor",
                        "service": "cold_start",
                        "value": 1834,
                        "battery_temperature": 31.5,
                        "memory": 1948571648,
                    }
                ],
            },
        ),
        # --- the EEA consent banner: "Allow all" -------------------------------------------------
        Consent("tapped 'Alle erlauben' on the cookie/ads consent banner"),
        Request(f"{API}/aweme/v1/feed/?type=0&max_cursor=0&min_cursor=0&count=6&{q}", client="h2"),
        Pause(8.0),  # watches videos
        Request(
            f"{LOG}/service/2/app_log/?{q}",
            json={
                "magic_tag": "ss_app_log",
                "header": header,
                "_gen_time": TS * 1000 + 30000,
                "event_v3": [
                    {
                        "event": "video_play",
                        "params": {
                            "group_id": "7301122334455667788",
                            "author_id": "6812345678",
                            "enter_from": "homepage_hot",
                            "duration": 14200,
                        },
                    },
                    {
                        "event": "search",
                        "params": {
                            "search_keyword": "ausbildung mechatroniker berlin",
                            "enter_from": "discover",
                        },
                    },
                    {"event": "stay_time", "params": {"stay_time": 61200, "enter_from": "homepage_hot"}},
                ],
            },
        ),
        Request(
            f"{API}/aweme/v1/upload/hashcontacts/?{q}",
            json={"contact": [{"phone_hash": h, "scene": 1} for h in hashed_contacts], "sync_type": "full"},
        ),
        Request(
            "https://api16-access-sg.pangle.io/api/ad/union/sdk/get_ads/",
            json={
                "ad_sdk_version": "5.8.0.7",
                "app": {
                    "appid": "8025677",
                    "name": "TikTok",
                    "package_name": APP,
                    "version": "34.2.3",
                    "is_paid_app": False,
                },
                "device": {
                    "did": DEVICE_ID,
                    "android_id": d["android_id"],
                    "gaid": d["advertising_id"],
                    "uuid": CDID,
                    "os": 1,
                    "os_version": d["os_version"],
                    "model": d["model"],
                    "vendor": d["manufacturer"],
                    "conn_type": 1,
                    "carrier_name": d["carrier"],
                    "mcc_mnc": d["mcc_mnc"],
                    "screen_width": 1080,
                    "screen_height": 2340,
                    "language": "de",
                    "timezone": 1,
                    "is_limit_ad_track": 0,
                    "boot_time": 1795650000,
                },
                "user": {"gender": 0, "age": 17, "keywords": "ausbildung,mechatroniker"},
                "adslots": [
                    {"id": "980088192", "adtype": 5, "accepted_size": [{"width": 1080, "height": 1920}]}
                ],
                "source_type": "app",
                "req_id": "8f3b2c1d-0e9a-4b7c-8d6e-5f4a3b2c1d0e",
            },
        ),
        Request(
            "https://business-api.tiktok.com/open_api/v1.3/app/batch/",
            client="curl",
            json={
                "batch": [
                    {
                        "type": "track",
                        "event": "LaunchAPP",
                        "timestamp": "2026-11-26T18:00:40Z",
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
            },
        ),
        *in_app_browser(),  # opens a job link from a video in the in-app browser
        Pause(4.0),  # watches more videos
        Request(
            f"{API}/aweme/v1/commit/follow/user/?user_id=6812345678&type=1&{q}",
            method="POST",
            body=b"user_id=6812345678&type=1&channel_id=0&from=19",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            client="h2",
        ),
    ]


def main() -> int:
    return main_for(
        "TikTok-format", out=OUT, profile=PROFILE, app=APP, user_agent=UA, steps=steps, description=__doc__
    )


if __name__ == "__main__":
    sys.exit(main())
