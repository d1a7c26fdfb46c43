"""Record a bundled sample session from one list of steps, through a real mitmdump.

A script describes an app's session as a list of steps and calls `record(...)`:

    STEPS = [
        Request("https://api.example.de/v1/config?os=android"),
        Request("https://log.example.com/batch", method="POST", json={"adid": "..."}, client="h2"),
        Consent("tapped 'Accept' on the consent banner"),
        HookEvent({"type": "hook:read", "api": "Settings.Secure.getString", "category": "device_id", ...}),
        Pause(2.0),
    ]
    record(out_dir, profile=PROFILE, app="com.example", steps=STEPS)

Every `Request` is sent by a real client (Python's http.client for HTTP/1.1, the `h2` library for
HTTP/2, or curl) through a real `mitmdump` on 127.0.0.1 running the phonehome addon, which writes
the session store; upstream connections are routed to a local HTTPS/HTTP server, so no host name
is resolved and nothing leaves the machine. `Consent` sets a marker the way a researcher taps the
consent banner; `HookEvent` appends one event to the session's `hook-events.jsonl` as the Frida
hook host would (the analysis reads it when the session is replayed).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from support.net import Http1Client, Http2Client, LocalServer, curl, run_mitmdump  # noqa: E402

from phonehome.store import JsonlWriter, SessionStore  # noqa: E402

Client = Literal["h1", "h2", "curl"]
DEFAULT_PACE = 2.0

SESSION_FILES = (
    "flows.mitm",
    "findings.jsonl",
    "proxy-events.jsonl",
    "markers.jsonl",
    "session.json",
    "hook-events.jsonl",
    "hook-findings.jsonl",
    "flows.journal",
    "flows.journal.pos",
)


@dataclass(frozen=True)
class Request:
    """One request the app sends. `json` (serialised compactly) or `body` (bytes) is the body."""

    url: str
    method: str = ""
    """Default: POST with a body, else GET."""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    json: Any = None
    client: Client = "h1"

    def payload(self) -> tuple[bytes | None, dict[str, str]]:
        headers = dict(self.headers)
        if self.json is not None:
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
            return json.dumps(self.json, separators=(",", ":")).encode(), headers
        return self.body, headers


@dataclass(frozen=True)
class Consent:
    """The researcher answers the consent banner (a `consent-*` marker in the session)."""

    text: str
    label: str = "consent-given"


@dataclass(frozen=True)
class HookEvent:
    """One event as the Frida hook host writes it; `ts`, `id`, `pid` and `agent` are filled in."""

    event: Mapping[str, Any]


@dataclass(frozen=True)
class Pause:
    """The user reads or watches: `seconds` at the default pace, scaled with `pace` (none at pace
    0) unless `fixed`."""

    seconds: float
    fixed: bool = False


Step = Request | Consent | HookEvent | Pause


def _send(proxy: Any, request: Request, user_agent: str) -> None:
    body, headers = request.payload()
    headers.setdefault("User-Agent", user_agent)
    method = request.method or ("POST" if body is not None else "GET")
    if request.client == "curl":
        curl(proxy, request.url, http="2", method=method, headers=headers, data=body, check=True)
        return
    scheme, rest = request.url.split("://", 1)
    host, _, path = rest.partition("/")
    client_type = Http2Client if request.client == "h2" else Http1Client
    with client_type(proxy, f"{scheme}://{host}") as client:
        client.request("/" + path, method=method, body=body, headers=headers)


def clean_session_dir(out: Path) -> None:
    """Remove what an earlier recording left (never anything else in the directory)."""
    if out.exists():
        shutil.rmtree(out / "tmp", ignore_errors=True)
        for name in SESSION_FILES:
            (out / name).unlink(missing_ok=True)


def record(
    out: Path,
    *,
    profile: Path,
    app: str,
    steps: Sequence[Step],
    user_agent: str,
    pace: float = DEFAULT_PACE,
    first_party: Sequence[str] = (),
) -> Path:
    """Record `steps` into the session directory `out` (created owner-only; a previous recording
    there is replaced). `pace` seconds pass after every request (0 in tests)."""
    clean_session_dir(out)
    store = SessionStore.create(out)
    profile_copy = out / "device.toml"
    if profile.resolve() != profile_copy.resolve():
        shutil.copyfile(profile, profile_copy)
        os.chmod(profile_copy, 0o600)
    options = [
        "--set",
        f"phonehome_session={out}",
        "--set",
        f"phonehome_profile={profile}",
        "--set",
        f"phonehome_app={app}",
    ]
    for domain in first_party:
        options += ["--set", f"phonehome_first_party={domain}"]
    hook_id = 0
    with (
        LocalServer() as server,
        run_mitmdump("-s", str(REPO / "addons" / "phonehome.py"), *options, upstream=server) as proxy,
    ):
        for step in steps:
            if isinstance(step, Request):
                _send(proxy, step, user_agent)
                time.sleep(pace)
            elif isinstance(step, Consent):
                time.sleep(pace)
                store.mark(step.label, step.text, source="sample")
                time.sleep(pace)
            elif isinstance(step, HookEvent):
                hook_id += 1
                event = {"ts": time.time(), "id": hook_id, "pid": os.getpid(), "agent": "api", **step.event}
                with JsonlWriter(store.hook_events) as w:
                    w.write(event)
            elif isinstance(step, Pause):
                time.sleep(step.seconds if step.fixed else step.seconds * pace / DEFAULT_PACE)
    return out


def main_for(
    what: str,
    *,
    out: Path,
    profile: Path,
    app: str,
    user_agent: str,
    steps: Callable[[Any], Sequence[Step]],
    description: str | None = None,
) -> int:
    """The command line of a bundled-session script: `--out DIR`, `--pace SECONDS`."""
    import argparse

    from phonehome.analysis.profile import load_profile

    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--pace", type=float, default=2.0, help="seconds after every request (0 in tests)")
    args = parser.parse_args()
    record(
        args.out,
        profile=profile,
        app=app,
        steps=steps(load_profile(profile)),
        user_agent=user_agent,
        pace=args.pace,
    )
    print(f"{what} session written to {args.out}")
    return 0
