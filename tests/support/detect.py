"""Helpers for the detection tests: fixture loading and building records from fixture requests."""

from __future__ import annotations

import base64
import json
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from phonehome.analysis.decode import decode_record
from phonehome.analysis.detect import Detector
from phonehome.analysis.location import Location
from phonehome.analysis.model import Decoded, Leaf, Record
from phonehome.analysis.profile import Profile, load_profile, parse_profile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sdk"
DEVICE_PROFILE = FIXTURES / "device.toml"


def fixture_paths() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def load_fixture(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def default_profile() -> Profile:
    return load_profile(DEVICE_PROFILE)


def fixture_profile(fx: dict[str, Any]) -> Profile | None:
    spec = fx.get("profile")
    if spec is None:
        return None
    if spec == "default":
        return default_profile()
    return parse_profile(spec)


def record_from_request(req: dict[str, Any], flow_id: str = "fx") -> Record:
    url = urlsplit(req["url"])
    path = url.path or "/"
    if url.query:
        path = f"{path}?{url.query}"
    if "body_b64" in req:
        body = base64.b64decode(req["body_b64"])
    else:
        body = req.get("body_text", "").encode("utf-8")
    port = url.port or (443 if url.scheme == "https" else 80)
    return Record(
        flow_id=flow_id,
        ts=1700000000.0,
        kind="http",
        direction="request",
        method=req["method"],
        scheme=url.scheme,
        host=url.hostname or "",
        port=port,
        path=path,
        http_version="HTTP/1.1",
        request_headers=tuple((k, v) for k, v in req.get("headers", [])),
        body=body,
        body_size=len(body),
    )


def decoded(*leaves: tuple, blobs: tuple = ()) -> Decoded:
    """`decoded(("query:adid", "adid", "3840…"), ("body.json:a.b", "b", "x", ("json",)))`."""
    out = Decoded()
    for item in leaves:
        loc, key, value, *rest = item
        out.leaves.append(Leaf(Location.parse(loc), key, value, tuple(rest[0]) if rest else ()))
    out.blobs.extend(blobs)
    return out


def record(path: str = "/", host: str = "collect.example.net", direction: str = "request") -> Record:
    return Record(
        "t",
        1700000000.0,
        "http" if direction == "request" else "websocket",
        direction,  # type: ignore[arg-type]
        "POST",
        "https",
        host,
        443,
        path,
        "HTTP/1.1",
        (),
        b"",
        0,
    )


def toml_profile(text: str) -> Profile:
    return parse_profile(tomllib.loads(text))


def detect_request(
    url: str,
    body: object | str | bytes | None = None,
    *,
    headers: tuple[tuple[str, str], ...] = (),
    profile: Profile | None = None,
    form: bool = False,
    content_type: str = "",
) -> list:
    """Detections of one synthetic request, decoded by the real decoder: a JSON body (dict or text),
    a form body (`form=True`) or bytes (`content_type`, default protobuf)."""
    req: dict[str, Any] = {
        "method": "POST" if body is not None else "GET",
        "url": url,
        "headers": list(headers),
    }
    if body is not None:
        if isinstance(body, bytes):
            req["body_b64"] = base64.b64encode(body).decode()
            req["headers"].append(("Content-Type", content_type or "application/x-protobuf"))
        elif form:
            req["body_text"] = body
            req["headers"].append(("Content-Type", "application/x-www-form-urlencoded"))
        else:
            req["body_text"] = body if isinstance(body, str) else json.dumps(body)
            req["headers"].append(("Content-Type", "application/json"))
    record = record_from_request(req)
    return Detector(profile).detect(record, decode_record(record))


def found_at(dets: list, suffix: str) -> set[str]:
    """Categories found at locations ending with `suffix`."""
    return {d.category for d in dets if d.location.endswith(suffix)}
