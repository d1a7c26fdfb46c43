"""mitmdump addon for the other-vendor recorder: the real-SDK recorder's sink addon
(`tests/corpus/realsdk/record/sink_addon.py`) plus the answers these vendors' SDKs need to go on
(a Segment source's settings, a PostHog flags answer, Mixpanel's "1"). Not part of phonehome.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "realsdk_sink_addon", Path(__file__).resolve().parents[2] / "realsdk" / "record" / "sink_addon.py"
)
assert _spec and _spec.loader
base = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = base
_spec.loader.exec_module(base)
_base_body_for = base._body_for


def _body_for(host: str, path: str) -> object | None:
    if host == "cdn.segment.com" and path.endswith("/settings"):
        return {
            "integrations": {
                "Segment.io": {"apiKey": "Xk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2lM", "apiHost": "api.segment.io/v1"}
            },
            "plan": {"track": {"__default": {"enabled": True}}},
            "metrics": {"sampleRate": 0},
        }
    if "posthog.com" in host and (
        path.startswith("/flags") or path.startswith("/decide") or path.endswith("/config")
    ):
        # Remote config and flags: session recording on, to the default /s/ endpoint.
        return {
            "featureFlags": {"new-onboarding": True},
            "flags": {"new-onboarding": {"key": "new-onboarding", "enabled": True, "variant": None}},
            "featureFlagPayloads": {},
            "errorsWhileComputingFlags": False,
            "hasFeatureFlags": True,
            "sessionRecording": {
                "endpoint": "/s/",
                "consoleLogRecordingEnabled": True,
                "recorderVersion": "v2",
            },
            "supportedCompression": ["gzip", "gzip-js"],
            "autocaptureExceptions": True,
        }
    if "amplitude.com" in host and path.startswith("/2/httpapi"):
        return {
            "code": 200,
            "events_ingested": 1,
            "payload_size_bytes": 512,
            "server_upload_time": 1796400000000,
        }
    if host.endswith("growthbook.io") and path.startswith("/api/features/"):
        return {
            "status": 200,
            "features": {
                "new-onboarding": {"defaultValue": True},
                "apply-button-color": {"defaultValue": "green"},
            },
            "dateUpdated": "2026-12-01T08:00:00Z",
        }
    if "unleash" in host and path.endswith("/api/frontend"):
        return {
            "toggles": [
                {
                    "name": "new-onboarding",
                    "enabled": True,
                    "variant": {"name": "disabled", "enabled": False},
                    "impressionData": True,
                },
                {
                    "name": "apply-button-color",
                    "enabled": True,
                    "variant": {"name": "green", "enabled": True},
                    "impressionData": False,
                },
            ]
        }
    if "mixpanel.com" in host:
        return 1
    return _base_body_for(host, path)


base._body_for = _body_for
addons = base.addons
