"""mitmdump addon for the other-vendor recorder: the real-SDK recorder's sink addon
(`tests/corpus/realsdk/record/sink_addon.py`) plus the answers these vendors' SDKs need to go on
(a Segment source's settings, a PostHog flags answer, Mixpanel's "1"). Not part of phonehome.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from mitmproxy import http

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
    if host == "sdk.split.io" and path.startswith("/api/splitChanges"):
        flag = {
            "name": "new_onboarding",
            "trafficTypeName": "user",
            "killed": False,
            "defaultTreatment": "off",
            "changeNumber": 1,
            "status": "ACTIVE",
            "seed": 1,
            "trafficAllocation": 100,
            "trafficAllocationSeed": 1,
            "algo": 2,
            "configurations": {},
            "sets": [],
            "conditions": [
                {
                    "conditionType": "ROLLOUT",
                    "label": "default rule",
                    "matcherGroup": {
                        "combiner": "AND",
                        "matchers": [
                            {
                                "keySelector": {"trafficType": "user", "attribute": None},
                                "matcherType": "ALL_KEYS",
                                "negate": False,
                            }
                        ],
                    },
                    "partitions": [{"treatment": "on", "size": 100}, {"treatment": "off", "size": 0}],
                }
            ],
        }
        return {
            "splits": [flag],
            "since": -1,
            "till": 1,
            "ff": {"d": [flag], "s": -1, "t": 1},
            "rbs": {"d": [], "s": -1, "t": -1},
        }
    if host == "sdk.split.io" and path.startswith("/api/memberships"):
        return {"ms": {"k": []}, "ls": {"k": []}}
    if host.startswith("identity.") and "mparticle.com" in host:
        return {
            "context": None,
            "matched_identities": {},
            "is_ephemeral": False,
            "mpid": "6504849186712093542",
            "is_logged_in": False,
        }
    if host.endswith("singular.net"):
        return {"status": "ok"}
    if "mixpanel.com" in host:
        return 1
    return _base_body_for(host, path)


class ScriptAnswers:
    """Answers loaded as <script> (JSONP): CleverTap's web SDK sends each request as a script and
    goes on only after the answer calls back into it with a session."""

    def response(self, flow: http.HTTPFlow) -> None:
        if flow.response is None or not flow.request.pretty_host.endswith("clevertap-prod.com"):
            return
        rn = flow.request.query.get("rn", "1")
        rn = rn if rn.isdigit() else "1"
        flow.response.content = (
            f'window.$WZRK_WR && window.$WZRK_WR.s("6f1c2d3e4a5b4c6d8e7f9a0b1c2d3e4f", 1796403046, false, {rn});'
        ).encode()
        flow.response.headers["content-type"] = "application/javascript"


base._body_for = _body_for
addons = [*base.addons, ScriptAnswers()]
