"""Options of the live addon, resolved into one `LiveConfig`, and the session's `session.json`.

Pure helpers: `resolve_config` raises `ValueError` with a message that names the option (and,
for a bad profile, the file and key); the addon turns that into an `OptionsError`.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import mitmproxy.version

import phonehome
from phonehome.analysis.profile import Profile, ProfileError, load_profile
from phonehome.store import PROFILE_COPY, SessionStore, write_private_atomic
from phonehome.store import RESERVE as store_reserve
from phonehome.store.safefile import open_private

DEFAULT_BODY_CAP = 1_000_000
DEFAULT_QUEUE = 2_000
DEFAULT_QUEUE_MB = 64
DEFAULT_DRAIN_S = 30
DEFAULT_WORKER_SHARE = 0.5
MAX_QUEUE = 1_000_000

_DOMAIN = re.compile(
    r"^(?:\*\.)?[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$"
)


@dataclass(frozen=True)
class LiveConfig:
    session_dir: Path
    profile_path: Path | None
    """The profile file given (or the session's own `device.toml` when none was given)."""
    profile: Profile | None
    app: str | None
    first_party: tuple[str, ...]
    body_cap: int
    queue_size: int
    queue_mb: int
    drain_timeout: int
    worker_share: float = DEFAULT_WORKER_SHARE


def default_session_dir(cwd: Path, now: datetime) -> Path:
    """`captures/<UTC timestamp>` below `cwd`, made unique if that name is taken."""
    base = cwd / "captures" / now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def _check_session_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise ValueError(f"phonehome_session: {path} exists and is not a directory")
    ancestor = path
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ValueError(f"phonehome_session: cannot create or write {path} (no write access to {ancestor})")


def _domains(values: Sequence[str]) -> tuple[str, ...]:
    out = []
    for raw in values:
        for part in str(raw).split(","):
            d = part.strip().lower().strip(".")
            if not d:
                continue
            if not _DOMAIN.match(d):
                raise ValueError(
                    f"phonehome_first_party: {part.strip()!r} is not a domain name (example: azubiapp.de)"
                )
            out.append(d)
    return tuple(dict.fromkeys(out))


def resolve_config(
    *,
    session: str | None,
    profile: str | None,
    app: str | None,
    first_party: Sequence[str],
    body_cap: int,
    queue_size: int,
    drain_timeout: int,
    cwd: Path,
    now: datetime,
    queue_mb: int = DEFAULT_QUEUE_MB,
    worker_share: float = DEFAULT_WORKER_SHARE,
    default_dir: Path | None = None,
) -> LiveConfig:
    """Validate the `phonehome_*` options; `ValueError` names the option that is wrong."""
    if queue_size < 1 or queue_size > MAX_QUEUE:
        raise ValueError(f"phonehome_queue: must be between 1 and {MAX_QUEUE} flows, got {queue_size}")
    if queue_mb < 1 or queue_mb > 1 << 16:
        raise ValueError(f"phonehome_queue_mb: must be between 1 and {1 << 16} MB, got {queue_mb}")
    if body_cap < 1:
        raise ValueError(f"phonehome_body_cap: must be a positive number of bytes, got {body_cap}")
    if drain_timeout < 0:
        raise ValueError(f"phonehome_drain_timeout: must be >= 0 seconds, got {drain_timeout}")
    if not 0.05 <= worker_share <= 1.0:
        raise ValueError(
            f"phonehome_worker_share: must be between 0.05 and 1 (a share of one core), got {worker_share}"
        )
    session_dir = Path(session).expanduser() if session else (default_dir or default_session_dir(cwd, now))
    if not session_dir.is_absolute():
        session_dir = cwd / session_dir
    _check_session_dir(session_dir)

    profile_path: Path | None = None
    if profile:
        profile_path = Path(profile).expanduser()
        if not profile_path.is_absolute():
            profile_path = cwd / profile_path
    elif (session_dir / PROFILE_COPY).is_file():
        # A session prepared by `phonehome session` already holds the profile copy.
        profile_path = session_dir / PROFILE_COPY
    loaded: Profile | None = None
    if profile_path is not None:
        try:
            loaded = load_profile(profile_path)
        except ProfileError as e:  # names the file and the key
            raise ValueError(f"phonehome_profile: {e}") from e

    app_value = (app or "").strip() or None
    if app_value is not None and any(c.isspace() for c in app_value):
        raise ValueError(f"phonehome_app: {app_value!r} is not a package name (example: de.azubiapp.demo)")
    return LiveConfig(
        session_dir=session_dir,
        profile_path=profile_path,
        profile=loaded,
        app=app_value,
        first_party=_domains(first_party),
        body_cap=body_cap,
        queue_size=queue_size,
        queue_mb=queue_mb,
        drain_timeout=drain_timeout,
        worker_share=worker_share,
    )


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def versions() -> dict[str, str]:
    return {
        "phonehome": phonehome.__version__,
        "mitmproxy": mitmproxy.version.VERSION,
        "python": platform.python_version(),
    }


def start_session(store: SessionStore, config: LiveConfig, *, now: float, proxy_pid: int) -> dict[str, Any]:
    """Copy the profile into the session and write `session.json` (merging what a prepared
    session already holds). Replay reads `app`, `first_party` and `device.toml` from here."""
    if config.profile_path is not None and config.profile_path.resolve() != store.profile_copy.resolve():
        write_private_atomic(store.profile_copy, config.profile_path.read_bytes())
    meta = store.read_meta()
    app = config.app or meta.get("app") or (config.profile.app_under_test if config.profile else None)
    first_party = list(dict.fromkeys([*config.first_party, *(meta.get("first_party") or [])]))
    meta.update(
        {
            "start": meta.get("start") or _iso(now),
            "start_ts": meta.get("start_ts") or now,
            "end": None,
            "end_ts": None,
            "app": app,
            "first_party": first_party,
            "profile": str(config.profile_path) if config.profile_path else meta.get("profile"),
            "profile_copy": PROFILE_COPY if store.profile_copy.exists() else None,
            "body_cap": config.body_cap,
            "versions": versions(),
            "proxy": {
                "pid": proxy_pid,
                "start": _iso(now),
                "queue": config.queue_size,
                "worker_share": config.worker_share,
            },
            "markers": store.read_markers(),
        }
    )
    store.write_meta(meta)
    return meta


def end_session(store: SessionStore, *, now: float, stats: dict[str, Any]) -> dict[str, Any]:
    meta = store.read_meta()
    meta.update({"end": _iso(now), "end_ts": now, "markers": store.read_markers()})
    proxy = dict(meta.get("proxy") or {})
    proxy["end"] = _iso(now)
    proxy["stats"] = stats
    meta["proxy"] = proxy
    store.write_meta(meta)  # in place as a last resort on a full disk
    return meta


RESERVE = store_reserve
RESERVE_BYTES = 64 << 10
"""Room set aside when a live session starts and given back when the disk fills up, so that the
`proxy:saving-stopped` event, the final stats and the session's end can still be written."""


def make_reserve(store: SessionStore) -> None:
    with open_private(store.root / RESERVE, "wb") as f:
        f.write(bytes(RESERVE_BYTES))
        os.fsync(f.fileno())


def drop_reserve(store: SessionStore) -> None:
    with contextlib.suppress(OSError):
        (store.root / RESERVE).unlink()
