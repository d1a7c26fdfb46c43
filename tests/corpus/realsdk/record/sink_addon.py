"""mitmdump addon for the recorder (not part of phonehome): every upstream connection goes to the
local sink on 127.0.0.1 whatever the SDK asked for; browser preflights are answered here (they are
not saved, see record.py); and answers get what an SDK needs to go on to its next call (an OAuth
token, a Firebase installation, a feature-flag payload) instead of the sink's generic JSON.

Configured by environment: SINK_HTTPS_PORT, SINK_HTTP_PORT.
"""

from __future__ import annotations

import json
import os
import time

from mitmproxy import http

HTTPS_PORT = int(os.environ["SINK_HTTPS_PORT"])
HTTP_PORT = int(os.environ["SINK_HTTP_PORT"])


def _cors(request: http.Request) -> dict[str, str]:
    return {
        "access-control-allow-origin": request.headers.get("origin", "*"),
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
        "access-control-allow-headers": request.headers.get("access-control-request-headers", "*"),
        "access-control-expose-headers": "*",
        "access-control-max-age": "600",
    }


def _body_for(host: str, path: str) -> object | None:
    now = int(time.time())
    if path.startswith("/token") or path.endswith("/oauth2/token") or path.endswith("/oauth/token"):
        return {"access_token": "ya29.sink-access-token", "expires_in": 3599, "token_type": "Bearer"}
    if host.startswith("firebaseinstallations.") and path.endswith("/installations"):
        return {
            "name": "projects/azubiapp-demo/installations/cJb7Yp0pTpCgGmQ1vR4sZk",
            "fid": "cJb7Yp0pTpCgGmQ1vR4sZk",
            "refreshToken": "3_AS3qfwIyd2c0Yl5mX7w9",
            "authToken": {"token": "eyJhbGciOiJFUzI1NiJ9.sink.sig", "expiresIn": "604800s"},
        }
    if host.startswith("firebaseinstallations.") and path.endswith("authTokens:generate"):
        return {"token": "eyJhbGciOiJFUzI1NiJ9.sink.sig", "expiresIn": "604800s"}
    if host.startswith("firebaseremoteconfig.") and path.endswith(":fetch"):
        return {"entries": {"welcome_text": "Hallo"}, "state": "UPDATE", "templateVersion": "7"}
    if "statsig" in host and "initialize" in path:
        return {
            "feature_gates": {},
            "dynamic_configs": {},
            "layer_configs": {},
            "has_updates": True,
            "time": now * 1000,
            "hash_used": "djb2",
            "sdkParams": {},
        }
    if host == "exp.host":
        return {"data": [{"status": "ok", "id": "0b6b9a7c-3f2e-4c1d-9e8f-7a6b5c4d3e2f"}]}
    if host.startswith("fcm.googleapis.com"):
        return {"name": "projects/azubiapp-demo/messages/0:1733312345678901%abcdef"}
    if "branch.io" in host and path.startswith("/v1/open"):
        return {
            "session_id": "1337133713371337133",
            "identity_id": "1337133713371337134",
            "link": "https://azubiapp.app.link?%24identity_id=1337133713371337134",
            "data": "{}",
            "browser_fingerprint_id": "1337133713371337135",
        }
    if host.endswith("app.link") and path == "/_r":
        return None  # answered as JavaScript in `response`
    if host.startswith("bam.") and "nr-data.net" in host and path.startswith("/1/"):
        return {
            "st": 1,
            "sts": 1,
            "err": 1,
            "ins": 1,
            "spa": 1,
            "sr": 0,
            "srs": 0,
            "loaded": 1,
            "log": 3,
            "logapi": 3,
            "app": {
                "agents": [{"entityGuid": "MzQ1Njc4OXxCUk9XU0VSfEFQUExJQ0FUSU9OfDYwMTIzNDU2Nw"}],
                "nrServerTime": now * 1000,
            },
        }
    if host.endswith("count.ly") or host.startswith("countly."):
        return {"result": "Success"}
    if "openreplay" in host and path.endswith("/v1/web/start"):
        return {
            "token": "eyJzaW5rIjoib3BlbnJlcGxheSJ9.c2luaw",
            "userUUID": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
            "projectID": "4711",
            "sessionID": "7391846502918374650",
            "delay": 0,
            "startTimestamp": now * 1000,
            "beaconSizeLimit": 3000000,
            "compressionThreshold": 24000,
            "protocolVersion": 2,
        }
    if "braze" in host or "appboy" in host:
        return {"auth_error": None, "config": {"time": now}}
    return None


class Sink:
    def server_connect(self, data) -> None:
        port = data.server.address[1] if data.server.address else 443
        data.server.address = ("127.0.0.1", HTTP_PORT if port == 80 else HTTPS_PORT)

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.request.method == "OPTIONS":
            flow.response = http.Response.make(204, b"", _cors(flow.request))

    def response(self, flow: http.HTTPFlow) -> None:
        if flow.request.method == "OPTIONS" or flow.response is None:
            return
        callback = flow.request.query.get("callback")
        if flow.request.pretty_host.endswith("app.link") and callback and callback.replace("_", "").isalnum():
            # Branch's JSONP lookup of the browser fingerprint id.
            flow.response.content = f'{callback}("1337133713371337135");'.encode()
            flow.response.headers["content-type"] = "application/javascript"
            return
        body = _body_for(flow.request.pretty_host, flow.request.path.split("?")[0])
        if body is not None:
            flow.response.content = json.dumps(body).encode()
            flow.response.headers["content-type"] = "application/json"
        flow.response.headers.update(_cors(flow.request))


addons = [Sink()]
