"""Label findings before/after the last consent marker of a session.

Data sent to trackers before the user agreed to anything is the central question of EU law
(GDPR, ePrivacy/TDDDG) and of consent research, so every finding carries which side it is on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .schema import DTYPES, Col

CONSENT_MARKERS = ("consent-given", "consent-refused", "consent-withdrawn")


def last_consent_marker(markers: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The latest marker that records a consent decision (free-text notes do not count)."""
    consent = [m for m in markers if m.get("label") in CONSENT_MARKERS and isinstance(m.get("ts"), (int, float))]
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
