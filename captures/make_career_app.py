"""Regenerate the bundled career-app session in captures/career-app/.

    .venv/bin/python captures/make_career_app.py [--out captures/career-app] [--pace 2.0]

A fictional, privacy-friendly career app ("KarriereKompass", package de.karrierekompass.demo,
first party karrierekompass.de): it talks only to its own API, asks before it sends anything
else, and after the user allows crash reports sends them to one crash reporter hosted in the EU
(Sentry's EU data region, `*.ingest.de.sentry.io`, Frankfurt; the company itself is in the US).
No advertising ID, no device IDs, no analytics or ad SDKs. Recorded the same way as the sample
(`captures/_recorder.py`: real clients through a real mitmdump with the phonehome addon, upstream
on loopback).

Extend it by adding steps to `steps()` and re-run the script.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _recorder import REPO, Consent, Pause, Request, Step, main_for  # noqa: E402

from phonehome.analysis.profile import Profile  # noqa: E402

OUT = REPO / "captures" / "career-app"
PROFILE = OUT / "device.toml"
APP = "de.karrierekompass.demo"
UA = "KarriereKompass/2.1.0 (Android 14)"
API = "https://api.karrierekompass.de"
SESSION = "a41c6f0e-2b7d-4c85-9e13-7f20d8b5c6a9"
"""A per-launch id the app's own API uses; it is regenerated at every start."""


def crash_envelope(p: Profile) -> bytes:
    event_id = "4c2a9e0b7d1f4e38a6b5c0d9e8f7a6b5"
    return gzip.compress(
        "\n".join(
            [
                json.dumps(
                    {
                        "event_id": event_id,
                        "sent_at": "2026-11-26T18:10:21.000Z",
                        "dsn": "https://public@o4506112233.ingest.de.sentry.io/4506112299",
                    }
                ),
                json.dumps({"type": "event"}),
                json.dumps(
                    {
                        "event_id": event_id,
                        "platform": "java",
                        "level": "error",
                        "release": "de.karrierekompass.demo@2.1.0+210",
                        "environment": "production",
                        "exception": {
                            "values": [
                                {
                                    "type": "NullPointerException",
                                    "value": "job detail without employer",
                                    "stacktrace": {
                                        "frames": [
                                            {
                                                "function": "bind",
                                                "module": "de.karrierekompass.ui.JobDetailFragment",
                                                "lineno": 142,
                                            }
                                        ]
                                    },
                                }
                            ]
                        },
                        "contexts": {
                            "os": {"name": "Android", "version": p.device["os_version"]},
                            "app": {"app_version": "2.1.0"},
                        },
                        "user": {"ip_address": None},
                    }
                ),
            ]
        ).encode()
    )


def steps(p: Profile) -> list[Step]:
    return [
        Request(f"{API}/v1/config?platform=android&app_version=2.1.0", client="h2"),
        Request(f"{API}/v1/jobs?q=Mechatroniker&region=Berlin&type=ausbildung", client="h2"),
        Pause(5.0),  # reads the list of apprenticeships
        Request(f"{API}/v1/jobs/J-20931", client="h2"),
        Pause(6.0),  # reads the job advert
        Consent("allowed crash reports on the first-start privacy screen (nothing else is optional)"),
        Request(
            f"{API}/v1/login",
            client="h2",
            json={"email": p.person["email"], "password": p.person["password"], "session": SESSION},
        ),
        Pause(5.0),  # writes the application
        Request(
            f"{API}/v1/applications",
            client="h2",
            json={
                "job_id": "J-20931",
                "first_name": p.person["first_name"],
                "last_name": p.person["last_name"],
                "email": p.person["email"],
                "message": "Ich interessiere mich für die Ausbildung.",
            },
        ),
        Request(
            "https://o4506112233.ingest.de.sentry.io/api/4506112299/envelope/",
            body=crash_envelope(p),
            headers={"Content-Type": "application/x-sentry-envelope", "Content-Encoding": "gzip"},
        ),
        Request(f"{API}/v1/jobs/saved", client="h2"),
    ]


def main() -> int:
    return main_for(
        "career-app", out=OUT, profile=PROFILE, app=APP, user_agent=UA, steps=steps, description=__doc__
    )


if __name__ == "__main__":
    sys.exit(main())
