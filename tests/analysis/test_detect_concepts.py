"""Detection by concept (#12): one test group per family, on synthetic requests.

The requests are written from the concept, with key names no SDK fixture here uses (a different
vendor would spell them this way): what must be found is the concept, not one wire format.
Decoding is real (`decode_record`), so locations and chains are the ones replay produces.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from support.decode import pb_field
from support.detect import default_profile, detect_request, found_at, record_from_request, toml_profile

from phonehome.analysis.decode import decode_record
from phonehome.analysis.detect import Detector
from phonehome.analysis.model import Detection
from phonehome.analysis.profile import Profile


def run(
    url: str,
    body: object | str | None = None,
    *,
    headers: tuple[tuple[str, str], ...] = (),
    profile: Profile | None = None,
    form: bool = False,
) -> list[Detection]:
    return detect_request(url, body, headers=headers, profile=profile, form=form)


at = found_at


def cats(dets: list[Detection]) -> set[str]:
    return {d.category for d in dets}


def jwt(payload: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


# --- identifiers -------------------------------------------------------------------------------


def test_jwt_subject_forwarded_to_a_third_party_is_an_account_id_and_a_credential():
    token = jwt({"iss": "https://auth.shop-backend.example", "sub": "acct-829301", "exp": 1700003600})
    dets = run("https://ingest.metrics-vendor.example/v2/identify", {"session_jwt": token})
    assert "user_id" in at(dets, "jwt:payload.sub")
    assert "credentials" in at(dets, "jwt:payload.iss")


def test_jwt_going_back_to_its_issuer_carries_the_account_id_but_is_no_credential_handed_on():
    # first-party requests count too: the app's own API learns the account id from the token
    token = jwt({"sub": "acct-829301", "exp": 1700003600})
    dets = run("https://api.shop-backend.example/v1/cart", headers=(("Authorization", f"Bearer {token}"),))
    assert cats(dets) == {"user_id"}


@pytest.mark.parametrize(
    "body,suffix",
    [
        ({"shopper": {"identifier": "c81e728d9d4c2f636f067f89cc14862c"}}, "shopper.identifier"),
        ({"person": {"id": "P-7731-2291"}}, "person.id"),
        ({"ctx": {"kind": "user", "key": "member-55102"}}, "ctx.key"),
        ({"endUserId": "88213311"}, "endUserId"),
        ({"installation_token": "dGhpcy1pcy1hbi1pbnN0YWxsLXRva2Vu"}, "installation_token"),
        ({"subscriberUuid": "0f8fad5b-d9cb-469f-a165-70867728950e"}, "subscriberUuid"),
        ({"context_keys": {"user": "u-99120"}}, "context_keys.user"),
        ({"did": "e5b1c0d2-4c1a-4c5e-9f0e-1a2b3c4d5e6f"}, "did"),
    ],
)
def test_ids_under_generic_names_joined_with_their_parent(body, suffix):
    assert "user_id" in {
        c
        for d in run("https://flags.vendor-b.example/eval", body)
        if suffix in d.location
        for c in [d.category]
    }


def test_arrays_of_ids():
    dets = run(
        "https://crm.vendor-c.example/v1/merge",
        {"visitorIds": ["1b4e28ba-2fa1-11d2-883f-0016d3cca427", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"]},
    )
    assert "user_id" in cats(dets)


def test_id_as_url_path_segment_after_a_collection():
    dets = run("https://crm.vendor-c.example/api/v3/contacts/8812930044/notes")
    assert at(dets, "path[3]") == {"user_id"}
    # words after a collection and collection-less ids are not
    assert run("https://crm.vendor-c.example/api/v3/contacts/search") == []
    assert run("https://cdn.vendor-c.example/assets/8812930044/logo.png") == []


def test_attribute_map_value_takes_its_name_from_the_parent_key():
    dets = run(
        "https://push.vendor-d.example/attrs",
        {"custom_attributes": {"email_address": {"value": "kim.dolan@posteo.net", "type": "string"}}},
    )
    assert "contact_info" in at(dets, "email_address.value")


def test_key_value_pair_arrays_read_as_key_to_value():
    dets = run(
        "https://otel.vendor-e.example/v1/logs",
        {
            "resource": {
                "attributes": [
                    {"key": "host.name", "value": {"stringValue": "kims-thinkpad"}},
                    {"key": "enduser.id", "value": {"stringValue": "user-55102-x"}},
                ]
            },
            "fields": [{"name": "phone_number", "val": "+4915209876543"}],
        },
    )
    assert "device_info" in at(dets, "attributes[0].value.stringValue")
    assert "user_id" in at(dets, "attributes[1].value.stringValue")
    assert "contact_info" in at(dets, "fields[0].val")


# --- events ------------------------------------------------------------------------------------


def test_event_name_depends_on_the_calls_type():
    dets = run(
        "https://events.vendor-f.example/batch",
        {
            "items": [
                {"type": "screen", "name": "CheckoutSummary"},
                {"kind": "custom", "key": "coupon-applied"},
                {"type": "identify", "name": "ignored"},
            ]
        },
    )
    assert "app_activity" in at(dets, "items[0].name")
    assert "app_activity" in at(dets, "items[1].key")
    assert at(dets, "items[2].name") == set()


def test_top_level_name_of_a_single_event_api():
    dets = run("https://events.vendor-f.example/track", {"name": "wishlist_add", "properties": {"count": 2}})
    assert "app_activity" in at(dets, "json:name")


def test_sdk_control_calls_are_not_user_events():
    dets = run("https://events.vendor-f.example/e", {"event": "$identify", "distinct_id": "u-1"})
    assert "app_activity" not in cats(dets)


def test_self_describing_event_schema_uri():
    dets = run(
        "https://collector.vendor-g.example/com.acme/tp2",
        {"schema": "iglu:com.bakery/recipe_saved/jsonschema/1-0-2", "data": {"recipe": "rye"}},
    )
    assert "app_activity" in at(dets, "json:schema")
    ctx = run(
        "https://collector.vendor-g.example/com.acme/tp2",
        {"schema": "iglu:com.vendor/mobile_context/jsonschema/1-0-0", "data": {}},
    )
    assert "app_activity" not in cats(ctx)


def test_compact_protocol_event_parameters():
    dets = run("https://stats.vendor-h.example/collect?e_c=Video&e_a=Play&e_n=Trailer&idsite=4")
    assert {"app_activity"} == at(dets, "e_a")
    assert at(run("https://c.vendor-g.example/i?e=se&se_ca=video&tv=js-3"), "query:e") == {"app_activity"}
    assert run("https://c.vendor-g.example/i?e=gzip&tv=js-3") == []


def test_apm_transaction_name_and_current_screen_of_a_crash_reporter():
    dets = run(
        "https://apm.vendor-i.example/intake",
        {"transaction": {"name": "/orders/:id", "duration": 412.5}, "app": {"currentScreen": "OrderDetail"}},
    )
    assert "app_activity" in at(dets, "transaction.name")
    assert "diagnostics" in at(dets, "transaction.duration")
    assert "app_activity" in at(dets, "currentScreen")


def test_commerce_fields_of_an_event_or_an_order_are_app_activity_but_not_alone():
    dets = run(
        "https://events.vendor-f.example/track",
        {"event": "checkout", "props": {"orderId": "ORD-99812", "revenue": 41.9, "sku": "TEA-GRN-250"}},
    )
    assert {"app_activity"} <= at(dets, "props.orderId") | at(dets, "props.sku")
    # the body is the order (written to an order collection): what the user bought
    dets = run("https://shop.example/api/orders", {"orderId": "ORD-99812", "sku": "TEA-GRN-250"})
    assert {"app_activity"} <= at(dets, "orderId") | at(dets, "sku")
    # a catalogue entry or an order lookup is not something the user did
    assert run("https://shop.example/api/products/lookup", {"sku": "TEA-GRN-250", "price": 4.9}) == []
    assert run("https://shop.example/api/orders/lookup", {"orderId": "ORD-99812", "sku": "TEA-GRN-250"}) == []


def test_session_telemetry():
    dets = run(
        "https://sessions.vendor-j.example/s",
        {
            "sessionCount": 17,
            "timeSpentSeconds": 311,
            "sessions": [{"started": "2024-01-01T10:00:00Z", "status": "exited"}],
        },
    )
    assert at(dets, "sessionCount") == {"app_activity"}
    assert at(dets, "timeSpentSeconds") == {"app_activity"}
    assert "app_activity" in at(dets, "sessions[0].status")


def test_current_screen_beside_an_event():
    dets = run("https://events.vendor-f.example/t", {"event": "tap", "view": "SettingsPane"})
    assert "app_activity" in at(dets, "json:view")
    assert run("https://cdn.vendor-f.example/cfg", {"view": "SettingsPane"}) == []


# --- crash reports -----------------------------------------------------------------------------


def test_crash_report_inner_values_get_every_rule():
    dets = run(
        "https://crash.vendor-k.example/api/report",
        {
            "crash": {
                "threads": [{"frames": [{"fn": "submit", "locals": {"user_mail": "kim.dolan@posteo.net"}}]}],
                "trail": [{"msg": "opened Settings"}],
            }
        },
    )
    assert "diagnostics" in cats(dets)
    assert "contact_info" in cats(dets)


def test_exception_class_in_a_message_is_diagnostics():
    dets = run(
        "https://logs.vendor-l.example/in",
        {"level": "error", "msg": "org.acme.sync.SyncFailedException: upstream closed"},
    )
    assert "diagnostics" in cats(dets)
    assert "diagnostics" in cats(
        run("https://logs.vendor-l.example/in", {"msg": "TypeError: x is undefined"})
    )
    assert run("https://logs.vendor-l.example/in", {"msg": "ErrorBoundary rendered"}) == []


def test_performance_spans_are_diagnostics():
    dets = run(
        "https://apm.vendor-i.example/v1/traces",
        {"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "GET /feed", "startTimeUnixNano": "1"}]}]}]},
    )
    assert "diagnostics" in cats(dets)


# --- device and network ------------------------------------------------------------------------


def test_device_and_network_concepts():
    dets = run(
        "https://rum.vendor-m.example/v1/input",
        {
            "machine": {"hostname": "kims-thinkpad"},
            "os": {"name": "Linux", "version": "6.8.0-45-generic"},
            "device": {"memoryTotalBytes": 8242343936, "version": "SM-A546B"},
            "conn": {"onWifi": True},
            "page_host": {"hostname": "www.bakery.example"},
        },
    )
    assert "device_info" in at(dets, "machine.hostname")
    assert at(dets, "page_host.hostname") == set()  # a web page's host, not the machine
    assert "device_info" in at(dets, "os.version")
    assert "device_info" in at(dets, "memoryTotalBytes")
    assert "network" in at(dets, "onWifi")


def test_os_string_alone_and_connection_words():
    assert "device_info" in cats(
        run("https://t.vendor-n.example/p", {"sys": "Linux 6.8.0-45-generic x86_64"})
    )
    dets = run("https://t.vendor-n.example/p?net=wi&connection=cellular")
    assert at(dets, "query:net") == {"network"} and at(dets, "query:connection") == {"network"}
    assert run("https://t.vendor-n.example/p?net=gross&connection=keep-alive") == []


# --- personal data without a profile ------------------------------------------------------------


def test_person_fields_under_a_person_object():
    dets = run(
        "https://cdp.vendor-o.example/v1/upsert",
        {
            "customer": {"name": "Kim Dolan", "gender": "female", "birthday": "1990-02-03"},
            "traits": {"address": {"line1": "Hafenweg 3"}},
            "product": {"name": "Rye Bread"},
        },
    )
    assert "contact_info" in at(dets, "customer.name")
    assert "contact_info" in at(dets, "customer.gender")
    assert "contact_info" in at(dets, "customer.birthday")
    assert "contact_info" in at(dets, "address.line1")
    assert at(dets, "product.name") == set()


def test_free_text_messages_are_user_content():
    dets = run(
        "https://chat.vendor-p.example/v2/conversations/reply",
        {"conversation": {"body": "Can you move my delivery to Friday please?"}},
    )
    assert "user_content" in cats(dets)
    chat = run("https://im.vendor-q.example/send", "message_type=comment&body=See+you+at+eight", form=True)
    assert "user_content" in at(chat, "form:body")
    # a mail or SMS an app sends (its template text) is not something the user made
    mail = run(
        "https://mail.vendor-q.example/send",
        {"message": {"subject": "Your order shipped", "text": "Hello, it is on its way"}},
    )
    assert "user_content" not in cats(mail)
    # an error's message is diagnostics, not the user's content
    err = run("https://logs.vendor-l.example/in", {"error": {"message": "request timed out after retry"}})
    assert "user_content" not in cats(err)


# --- profile values ------------------------------------------------------------------------------


ADDRESS_PROFILE = """
[person]
first_name = "Kimberly"
last_name = "Dolan"
street = "Hafenweg 3"
postcode = "20457"
city = "Hamburg"
region = "Hamburg"
country = "DE"
"""


def sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def test_address_parts_matched_alone_and_hashed():
    profile = toml_profile(ADDRESS_PROFILE)
    dets = run(
        "https://conversions.vendor-r.example/events",
        {"data": [{"user_data": {"ct": [sha("hamburg")], "zp": [sha("20457")], "country": [sha("de")]}}]},
        profile=profile,
    )
    assert at(dets, "user_data.ct[0]") == {"location_coarse"}
    assert {d.detector for d in dets if d.location.endswith("zp[0]")} == {"profile"}
    assert "location_coarse" in at(dets, "country[0]")
    plain = run(
        "https://api.vendor-s.example/u", {"addr": {"str": "Hafenweg 3", "plz": "20457"}}, profile=profile
    )
    assert "contact_info" in at(plain, "addr.str") and "location_coarse" in at(plain, "addr.plz")


def test_names_inside_free_text():
    profile = toml_profile(ADDRESS_PROFILE)
    dets = run("https://push.vendor-d.example/send", {"device_label": "Kimberlys Pixel"}, profile=profile)
    assert "contact_info" in cats(dets)
    assert run("https://cdn.vendor-d.example/x", {"font": "Kimberlystraße"}, profile=profile) == []


def test_a_profile_match_does_not_hide_a_second_category():
    dets = run(
        "https://search.vendor-t.example/q?query=IBAN+DE89+3704+0044+0532+0130+00",
        profile=default_profile(),
    )
    assert {"clipboard", "app_activity"} <= at(dets, "query:query")


# --- precision ------------------------------------------------------------------------------------


def test_permission_list_is_not_contacts():
    assert (
        run("https://cfg.vendor-u.example/p", {"perms": {"READ_CONTACTS": "denied", "CAMERA": "granted"}})
        == []
    )
    assert run("https://cfg.vendor-u.example/p", {"permissions": ["android.permission.READ_CONTACTS"]}) == []


def test_store_coordinates_near_the_profile_are_not_the_users_location():
    profile = default_profile()  # 52.5163, 13.3777
    dets = run(
        "https://maps.vendor-v.example/nearby",
        {
            "pins": [{"lat": 52.5171, "lng": 13.3790, "label": "Bakery"}],
            "me": {"lat": 52.5163, "lng": 13.3777},
        },
        profile=profile,
    )
    assert at(dets, "pins[0].lat") == set() and at(dets, "pins[0].lng") == set()
    assert "location_precise" in at(dets, "me.lat")
    beside = run(
        "https://maps.vendor-v.example/nearby",
        {"lat": 52.5171, "lng": 13.3790, "store_id": "s-4"},
        profile=profile,
    )
    assert "location_precise" not in cats(beside)


def test_random_flagged_hardware_id_is_not_a_device_id():
    dets = run(
        "https://attr.vendor-w.example/open",
        {"hardware_id": "8d2a1c55e0f3b9a7", "is_hardware_id_random": True, "randomized": True},
    )
    assert at(dets, "hardware_id") == {"user_id"}


def test_errors_and_log_records_are_diagnostics_not_user_content():
    dets = run(
        "https://logs.vendor-l.example/v1/input",
        [
            {"msg": "checkout button rendered twice", "severity": "warn"},
            {"fault": {"reason": "socket closed early"}},
        ],
    )
    assert at(dets, "[0].msg") == {"diagnostics"}
    assert at(dets, "fault.reason") == {"diagnostics"}


def test_call_type_naming_diagnostics_and_event_data():
    dets = run(
        "https://telemetry.vendor-x.example/track",
        {
            "items": [
                {"item_type": "RemoteDependencyData", "name": "GET /api/feed"},
                {"item_type": "ViewEventData", "name": "OrderHistory"},
            ]
        },
    )
    assert at(dets, "items[0].name") == {"diagnostics"}
    assert "app_activity" in at(dets, "items[1].name")


def test_w3c_timings_and_javascript_stacks_are_diagnostics():
    dets = run(
        "https://rum.vendor-m.example/t",
        {
            "nav": {"fetchStart": 12.5, "domComplete": 812.0},
            "err": {"trace": "at render (https://app.example/main.js:10:22)\n"},
        },
    )
    assert at(dets, "nav.fetchStart") == {"diagnostics"}
    assert "diagnostics" in at(dets, "err.trace")


def test_event_parts_and_session_boundaries():
    dets = run(
        "https://a.vendor-y.example/i?event_category=video&session_seconds=41&visitor_fingerprint=7f3a9c2e11d04b8a"
    )
    assert at(dets, "event_category") == {"app_activity"}
    assert at(dets, "session_seconds") == {"app_activity"}
    assert at(dets, "visitor_fingerprint") == {"user_id"}


def test_place_fields_of_a_person_are_where_they_live():
    dets = run("https://flags.vendor-b.example/init", {"user": {"city": "Lübeck", "country": "DE"}})
    assert at(dets, "user.city") == {"location_coarse"}


def test_forwarded_authorization_and_fault_names():
    dets = run(
        "https://rum.vendor-m.example/v1/resource",
        {
            "req": {"hdrs": {"auth": "Bearer 4f9a1c2e8b7d6e5f4a3b2c1d0e9f8a7b"}},
            "exceptionClass": "IOError",
            "stackHash": "91ab",
        },
    )
    assert "credentials" in at(dets, "hdrs.auth")
    assert at(dets, "exceptionClass") == {"diagnostics"} and at(dets, "stackHash") == {"diagnostics"}


def test_raw_compact_names_only_in_query_and_form():
    assert at(run("https://stats.vendor-h.example/m?_id=1a2b3c4d5e6f7a8b&rec=1"), "query:_id") == {"user_id"}
    assert run("https://api.vendor-h.example/doc", {"_id": "1a2b3c4d5e6f7a8b"}) == []


def test_span_events_are_not_user_events():
    dets = run(
        "https://otel.vendor-e.example/v1/traces",
        {"resourceSpans": [{"scopeSpans": [{"spans": [{"events": [{"name": "fetchStart"}]}]}]}]},
    )
    assert "app_activity" not in cats(dets)


def test_type_of_the_enclosing_object():
    dets = run(
        "https://telemetry.vendor-x.example/track",
        {"data": {"base_type": "PageviewData", "base_data": {"name": "Home", "ver": 2}}},
    )
    assert "app_activity" in at(dets, "base_data.name")


def test_a_text_beside_a_message_type_is_user_content():
    dets = run(
        "https://im.vendor-q.example/ws",
        {"type": "chat_message", "peer": "p-17", "text": "running late, sorry"},
    )
    assert "user_content" in at(dets, "json:text")


def test_protobuf_key_value_pairs_and_otlp_exports():
    """OpenTelemetry's protobuf `KeyValue` (1: key, 2: AnyValue{1: string}) without a schema."""

    def attribute(key: str, value: str) -> bytes:
        return pb_field(1, pb_field(1, key) + pb_field(2, pb_field(1, value)))

    resource = attribute("enduser.id", "member-55102") + attribute("host.name", "kims-thinkpad")
    record = pb_field(3, "ERROR") + pb_field(5, pb_field(1, "payment form failed to load"))
    body = pb_field(1, pb_field(1, resource) + pb_field(2, pb_field(2, record)))
    req = {
        "method": "POST",
        "url": "https://otlp.vendor-z.example/v1/logs",
        "headers": [["Content-Type", "application/x-protobuf"]],
        "body_b64": base64.b64encode(body).decode(),
    }
    rec = record_from_request(req)
    dets = Detector(None).detect(rec, decode_record(rec))
    assert at(dets, "1.1.1[0].2.1") == {"user_id"}
    assert at(dets, "1.1.1[1].2.1") == {"device_info"}
    assert at(dets, "body") == {"diagnostics"}


def test_network_information_of_a_browser():
    dets = run(
        "https://rum.vendor-m.example/v1/input",
        {"connection": {"type": "cellular", "effectiveType": "4g", "downlink": 1.45, "rtt": 150}},
    )
    assert at(dets, "connection.type") == {"network"}
    assert at(dets, "connection.downlink") == {"network"}
    assert at(dets, "connection.effectiveType") == {"network"}
