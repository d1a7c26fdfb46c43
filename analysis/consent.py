"""Label findings before/after the last consent marker of a session.

Data sent to trackers before the user agreed to anything is the central question of EU law
(GDPR, ePrivacy/TDDDG) and of consent research, so every finding carries which side it is on.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from .schema import DTYPES, Col

CONSENT_MARKERS = ("consent-given", "consent-refused", "consent-withdrawn")


def marker_at(when: str, label: str = "consent-given") -> dict[str, Any]:
    """A consent marker given on the command line (`--consent-at`), for inputs that carry no
    markers of their own (packet captures, flow files, HAR): `when` is an ISO 8601 time with a
    timezone (`2026-12-04T16:41:30+01:00`, `…Z`) or seconds since the epoch. Raises `ValueError`."""
    text = when.strip()
    try:
        ts = float(text)
    except ValueError:
        ts = _iso_seconds(when)
    if not math.isfinite(ts):
        raise ValueError(f"--consent-at {when!r}: not a time")
    if label not in CONSENT_MARKERS:
        raise ValueError(f"consent label must be one of {', '.join(CONSENT_MARKERS)}")
    return {"ts": ts, "label": label, "text": f"given on the command line: {when}", "source": "cli"}


def _iso_seconds(when: str) -> float:
    try:
        moment = datetime.fromisoformat(when.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--consent-at {when!r}: not an ISO 8601 time or epoch seconds") from None
    if moment.tzinfo is None:
        raise ValueError(
            f"--consent-at {when!r}: give the timezone (e.g. +01:00 or Z): a capture's clock is UTC"
        )
    return moment.timestamp()


def last_consent_marker(markers: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The latest marker that records a consent decision (free-text notes do not count)."""
    consent = [
        m for m in markers if m.get("label") in CONSENT_MARKERS and isinstance(m.get("ts"), (int, float))
    ]
    return max(consent, key=lambda m: m["ts"]) if consent else None


def consent_state(ts: float, marker: Mapping[str, Any] | None) -> str:
    if marker is None:
        return "unmarked"
    return "before" if ts < marker["ts"] else "after"


def label_consent(findings: pd.DataFrame, markers: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A copy of `findings` with `consent` set against the last consent marker."""
    out = findings.copy()
    marker = last_consent_marker(markers)
    if marker is None:
        labels = np.full(len(out), "unmarked", dtype=object)
    else:
        cut = pd.Timestamp(marker["ts"], unit="s", tz="UTC")
        labels = np.where(out[Col.ts] < cut, "before", "after")
    out[Col.consent] = pd.Series(labels, index=out.index).astype(DTYPES[Col.consent])
    return out
