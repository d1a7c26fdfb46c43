"""Detection by concept (#12): app activity, diagnostics and user content.

Each family is written from the concept and the documented payloads of more than one SDK (the
wire format each request imitates is named in the test); every family has near misses that must
stay silent. Decoding is real (`decode_record`), so locations are the ones replay produces.
"""

from __future__ import annotations

from detect_support import detect_request, found_at

from phonehome.analysis.model import Detection


def run(url: str, body: object | str | None = None, *, form: bool = False) -> list[Detection]:
    return detect_request(url, body, form=form)


at = found_at


def activity(dets: list[Detection]) -> list[str]:
    return sorted(d.location for d in dets if d.category == "app_activity")


# --- typed event lists: which codes are something the user did ----------------------------------


def test_session_start_and_end_codes_of_typed_event_lists_are_app_activity() -> None:
    # Braze data API: `events[].name` is a type code; ss/se start and end a session
    body = {
        "events": [
            {"name": "ss", "time": 1796395283.5, "session_id": "a8bda845-9d19-483b-b7a5-2db51d4c2cb3"},
            {"name": "se", "time": 1796395290.1, "data": {"d": 6.6}},
        ],
        "device_id": "20285c74-5eff-4aad-a94e-5aec1f23f617",
    }
    dets = run("https://sdk.iad-01.braze.com/api/v3/data/", body)
    assert "app_activity" in at(dets, "events[0].name")
    assert "app_activity" in at(dets, "events[1].name")


def test_bookkeeping_codes_of_typed_event_lists_are_not_user_events() -> None:
    # Braze data API: location recorded, custom location attribute, subscription group update,
    # custom attribute array add, user alias: the SDK keeping its records, not something the user did
    body = {
        "events": [
            {"name": "lr", "data": {"latitude": 48.1374, "longitude": 11.5755}},
            {"name": "lcaa", "data": {"key": "home"}},
            {
                "name": "sgu",
                "data": {"group_id": "3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f", "status": "subscribed"},
            },
            {"name": "add", "data": {"key": "interests", "value": "Kfz"}},
            {"name": "uae", "data": {"a": "crm-4711", "l": "crm"}},
        ]
    }
    assert activity(run("https://sdk.fra-01.braze.eu/api/v3/data/", body)) == []
    # a custom event in the same list stays an event
    body = {"events": [{"name": "ce", "data": {"n": "course_booked", "p": {"course": "B2"}}}]}
    assert "app_activity" in at(run("https://sdk.fra-01.braze.eu/api/v3/data/", body), "events[0].name")


def test_a_repeated_letter_outside_the_session_codes_stays_a_placeholder() -> None:
    dets = run("https://events.vendor-q.example/v1/batch", {"events": [{"name": "xx"}, {"event_type": "aa"}]})
    assert activity(dets) == []


# --- route patterns: a template whose words name nothing is no screen -----------------------------


def test_route_patterns_without_a_named_screen_are_not_app_activity() -> None:
    # Elastic APM RUM names page loads by route (`/:id`); Next.js (`/[slug]`), ASP.NET (`/{id}`)
    # and Flask (`/<int:pk>`) routers write parameters differently
    for name in ("/:id", "/[slug]", "/{id}/", "/<int:pk>", "/*"):
        dets = run(
            "https://apm.vendor-r.example/intake/v2/rum/events",
            {"transaction": {"name": name, "type": "page-load", "duration": 282}},
        )
        assert "app_activity" not in at(dets, "transaction.name"), name


def test_route_patterns_that_name_a_screen_stay_app_activity() -> None:
    for name in ("/orders/:id", "/jobs/{jobId}", "/settings"):
        dets = run(
            "https://apm.vendor-r.example/intake/v2/rum/events",
            {"transaction": {"name": name, "type": "page-load", "duration": 282}},
        )
        assert "app_activity" in at(dets, "transaction.name"), name


# --- searches: a backend's field filter is not what the user searched for -------------------------


def test_field_qualified_filters_are_not_search_texts() -> None:
    # Mandrill messages/search (`email:…`), Elasticsearch/Lucene query strings (`status:sent`)
    for query in ("email:kim.probe@mailbox.org", "status:sent AND tag:welcome", "user.id:4711"):
        dets = run("https://mail.vendor-s.example/api/1.0/messages/search", {"query": query, "limit": 5})
        assert "app_activity" not in at(dets, "json:query"), query


def test_search_texts_stay_app_activity() -> None:
    for query in ("Ausbildung Mechatroniker Berlin", "C++ tutorial: basics", "12:30 train"):
        dets = run("https://api.shop-x.example/search", {"query": query})
        assert "app_activity" in at(dets, "json:query"), query
