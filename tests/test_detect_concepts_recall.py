"""Detection by concept (#12), recall families: one test group per family, on synthetic requests.

Like `test_detect_concepts.py`: the requests are written from the concept with key names no SDK
fixture or corpus recording uses (another vendor's spelling); decoding is real (`decode_record`).
Each family also has a near miss that must stay silent.
"""

from __future__ import annotations

import json

from detect_support import record_from_request

from phonehome.analysis.decode import decode_record
from phonehome.analysis.detect import Detector
from phonehome.analysis.model import Detection


def run(url: str, body: object | str | None = None, *, form: bool = False, content_type: str = "") -> list[Detection]:
    req: dict = {"method": "POST" if body is not None else "GET", "url": url, "headers": []}
    if body is not None:
        if isinstance(body, bytes):
            req["body_b64"] = __import__("base64").b64encode(body).decode()
            req["headers"].append(("Content-Type", content_type or "application/x-protobuf"))
        elif form:
            req["body_text"] = body
            req["headers"].append(("Content-Type", "application/x-www-form-urlencoded"))
        else:
            req["body_text"] = body if isinstance(body, str) else json.dumps(body)
            req["headers"].append(("Content-Type", "application/json"))
    record = record_from_request(req)
    return Detector(None).detect(record, decode_record(record))


def at(dets: list[Detection], suffix: str) -> set[str]:
    """Categories found at locations ending with `suffix`."""
    return {d.category for d in dets if d.location.endswith(suffix)}


# --- session telemetry: one-digit measurements are still a session measured ---------------------


def test_session_measures_with_one_digit_values_are_app_activity() -> None:
    dets = run("https://collect.example-metrics.io/v2/hit", "visitSessionLength=7&sessionSecs=0&open_session=1", form=True)
    assert "app_activity" in at(dets, "visitSessionLength")
    assert "app_activity" in at(dets, "sessionSecs")
    assert "app_activity" in at(dets, "open_session")


def test_one_digit_counts_and_other_values_stay_placeholders() -> None:
    dets = run("https://collect.example-metrics.io/v2/hit", "sessionNumber=2&retry_count=1&queue_length=3&flag=1", form=True)
    assert not [d for d in dets if d.category == "app_activity"]
