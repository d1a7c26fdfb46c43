"""Consent labels against the last consent marker."""

from __future__ import annotations

from phonehome.analysis.consent import label_consent, last_consent_marker
from phonehome.analysis.schema import Col, findings_frame


def _frame(times: list[float]):
    return findings_frame([{Col.ts: t, Col.category: "advertising_id", Col.org: "Meta"} for t in times])


def test_unmarked_without_consent_markers() -> None:
    out = label_consent(_frame([1.0, 2.0]), [{"ts": 1.5, "label": "note", "text": "x"}])
    assert list(out[Col.consent]) == ["unmarked", "unmarked"]


def test_before_and_after_the_last_consent_marker() -> None:
    markers = [
        {"ts": 10.0, "label": "consent-refused"},
        {"ts": 20.0, "label": "consent-given"},
        {"ts": 25.0, "label": "note"},
    ]
    assert last_consent_marker(markers)["ts"] == 20.0
    frame = _frame([5.0, 15.0, 20.0, 30.0])
    out = label_consent(frame, markers)
    assert list(out[Col.consent]) == ["before", "before", "after", "after"]
    assert frame[Col.consent].isna().all()  # the caller's frame is not changed
    assert str(out[Col.consent].dtype) == "category"
