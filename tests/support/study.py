"""A study generator for tests and benchmarks: N synthetic app sessions built from the SDK fixtures.

Each session is a real session directory (the store layout: `flows.mitm` in mitmproxy's own
format, `session.json`, a consent marker in some, the device profile copy in some) of an app with
its own set of SDKs, its own identifiers and its own duration. Some captures are damaged
(truncated or garbage), as an archive of real captures would be.
"""

from __future__ import annotations

import base64
import io
import json
import random
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mitmproxy import http
from mitmproxy import io as mitm_io

from phonehome.store import SessionStore, write_private_atomic

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sdk"
SAMPLE_FLOWS = Path(__file__).resolve().parents[2] / "captures" / "sample" / "flows.mitm"
FIXTURE_AD_ID = "38400000-8cf0-11bd-b23e-10b96e40000d"


@dataclass(frozen=True)
class GeneratedSession:
    path: Path
    app: str
    flows: int
    damaged: str | None  # None, "truncated" or "garbage"


def _fixture_requests() -> list[dict[str, Any]]:
    out = []
    for p in sorted(FIXTURES.glob("*.json")):
        fx = json.loads(p.read_text(encoding="utf-8"))
        if fx.get("request"):
            out.append(fx["request"])
    return out


def _template() -> http.HTTPFlow:
    with SAMPLE_FLOWS.open("rb") as f:
        for flow in mitm_io.FlowReader(f).stream():
            if isinstance(flow, http.HTTPFlow):
                return flow
    raise RuntimeError(f"no HTTP flow in {SAMPLE_FLOWS}")


def _body(req: dict[str, Any]) -> bytes:
    if "body_b64" in req:
        return base64.b64decode(req["body_b64"])
    return str(req.get("body_text", "")).encode("utf-8")


def generate_study(
    root: Path,
    sessions: int,
    *,
    flows_per_session: int = 40,
    seed: int = 1,
    damaged_every: int = 10,
    distinct: int | None = None,
) -> list[GeneratedSession]:
    """Write `sessions` session directories under `root`; every `damaged_every`-th is damaged.

    `distinct`: build only that many different flows per session and repeat them (same flow ids)
    up to `flows_per_session` — for benchmarks, where building 200,000 flows would take minutes."""
    rng = random.Random(seed)
    requests = _fixture_requests()
    template = _template()
    out: list[GeneratedSession] = []
    for i in range(sessions):
        app = f"com.example.app{i:04d}"
        sdks = rng.sample(requests, k=rng.randint(3, min(12, len(requests))))
        ad_id = str(uuid.UUID(int=rng.getrandbits(128)))
        duration = rng.uniform(30, 900)
        start = 1_790_000_000.0 + i * 3600
        store = SessionStore.create(root / f"session-{i:04d}")
        meta: dict[str, Any] = {"app": app, "start_ts": start, "end_ts": start + duration, "first_party": []}
        if rng.random() < 0.5:
            profile = (FIXTURES / "device.toml").read_text(encoding="utf-8")
            write_private_atomic(store.profile_copy, profile.encode())
            meta["profile_copy"] = "device.toml"
        store.write_meta(meta)
        if rng.random() < 0.6:
            store.mark(
                rng.choice(["consent-given", "consent-refused"]),
                source="generator",
                ts=start + rng.uniform(0.1, 0.9) * duration,
            )
        built: list[bytes] = []
        for n in range(min(flows_per_session, distinct or flows_per_session)):
            req = rng.choice(sdks)
            flow = http.HTTPFlow.from_state(template.get_state())
            flow.id = str(uuid.UUID(int=rng.getrandbits(128)))
            flow.request = http.Request.make(
                req["method"],
                req["url"].replace(FIXTURE_AD_ID, ad_id),
                _body(req).replace(FIXTURE_AD_ID.encode(), ad_id.encode()),
                [(k.encode(), v.encode()) for k, v in req.get("headers", [])],
            )
            flow.request.timestamp_start = start + duration * n / max(1, flows_per_session)
            flow.request.timestamp_end = flow.request.timestamp_start + 0.01
            flow.request.query["ph_seq"] = str(n)
            one = io.BytesIO()
            mitm_io.FlowWriter(one).add(flow)
            built.append(one.getvalue())
        with open(store.flows, "wb") as f:
            for n in range(flows_per_session):
                f.write(built[n % len(built)])
        damaged = None
        if damaged_every and i % damaged_every == damaged_every - 1:
            size = store.flows.stat().st_size
            if (i // damaged_every) % 2 == 0:
                with open(store.flows, "r+b") as f:
                    f.truncate(size * 2 // 3)
                damaged = "truncated"
            else:
                with open(store.flows, "ab") as f:
                    f.write(b"\x00garbage that is no tnetstring\xff" * 3)
                damaged = "garbage"
        out.append(GeneratedSession(store.root, app, flows_per_session, damaged))
    return out
