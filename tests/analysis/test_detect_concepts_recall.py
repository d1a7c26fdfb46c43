"""Detection by concept (#12), recall families: one test group per family, on synthetic requests.

Like `test_detect_concepts.py`: the requests are written from the concept with key names no SDK
fixture or corpus recording uses (another vendor's spelling); decoding is real (`decode_record`).
Each family also has a near miss that must stay silent.
"""

from __future__ import annotations

import json

from support.detect import detect_request, found_at, record_from_request

from phonehome.analysis.decode import decode_record
from phonehome.analysis.detect import Detector
from phonehome.analysis.model import Detection


def run(
    url: str, body: object | str | None = None, *, form: bool = False, content_type: str = ""
) -> list[Detection]:
    return detect_request(url, body, form=form, content_type=content_type)


at = found_at


# --- session telemetry: one-digit measurements are still a session measured ---------------------


def test_session_measures_with_one_digit_values_are_app_activity() -> None:
    dets = run(
        "https://collect.example-metrics.io/v2/hit",
        "visitSessionLength=7&sessionSecs=0&open_session=1",
        form=True,
    )
    assert "app_activity" in at(dets, "visitSessionLength")
    assert "app_activity" in at(dets, "sessionSecs")
    assert "app_activity" in at(dets, "open_session")


def test_one_digit_counts_and_other_values_stay_placeholders() -> None:
    dets = run(
        "https://collect.example-metrics.io/v2/hit",
        "sessionNumber=2&retry_count=1&queue_length=3&flag=1",
        form=True,
    )
    assert not [d for d in dets if d.category == "app_activity"]


# --- key/value pair arrays: `[name, value]` names its second element by the first ----------------


def test_two_element_name_value_arrays_name_the_value() -> None:
    body = {
        "attrs": [["hometown", "x"], ["city", "Leipzig"], ["email", "kim.probe@mailbox.org"]],
        "slots": {"4": ["postcode", "04109"]},
    }
    dets = run("https://ingest.example-insights.net/collect", body)
    assert "location_coarse" in at(dets, "attrs[1][1]")
    assert "location_coarse" in at(dets, "slots.4[1]")
    ev = [d.evidence for d in dets if d.location.endswith("attrs[1][1]")]
    assert ev and "'city'" in ev[0]


def test_arrays_that_are_not_pairs_stay_silent() -> None:
    body = {
        "langs": ["de", "Leipzig"],
        "triple": ["city", "Leipzig", "Saxony"],
        "short": ["en", "Leipzig"],
        "tags": ["premium", "Leipzig"],
    }
    dets = run("https://ingest.example-insights.net/collect", body)
    assert not [d for d in dets if d.category == "location_coarse"]


# --- a relative URL's query inside a body (bulk tracking requests) is read as form data ----------


def test_bulk_requests_of_relative_queries_are_decoded_and_read() -> None:
    body = {"batch": ["?cid=shopper-2291&ev=signup&town=Leipzig", "?cid=shopper-2291&ev=open"]}
    record = record_from_request(
        {
            "method": "POST",
            "url": "https://t.example-stats.org/bulk",
            "headers": [("Content-Type", "application/json")],
            "body_text": json.dumps(body),
        }
    )
    decoded = decode_record(record)
    locs = {str(leaf.location): leaf.value for leaf in decoded.leaves}
    assert locs.get("body.json:batch[0]>form:cid") == "shopper-2291"
    assert locs.get("body.json:batch[1]>form:ev") == "open"


def test_compact_protocol_names_count_inside_a_forwarded_query_only() -> None:
    # `_id` is a raw name of compact protocols (a visitor id in a query or form); in JSON it is a
    # document id. Inside a query forwarded in a JSON body it is the protocol's parameter again.
    fwd = run("https://t.example-stats.org/bulk", {"batch": ["?_id=9c0ffee15dd00d42&rec=1"]})
    assert "user_id" in at(fwd, ">form:_id")
    plain = run("https://t.example-stats.org/bulk", {"_id": "9c0ffee15dd00d42", "rec": 1})
    assert "user_id" not in at(plain, "body.json:_id")


# --- messages: the URL path names the conversation; who wrote it; whose id a `type` says ---------


def test_a_text_sent_to_a_conversation_or_push_path_is_user_content() -> None:
    ticket = run(
        "https://help.vendor-z.example/api/tickets", {"body": "My parcel never arrived, can you check please"}
    )
    assert "user_content" in at(ticket, "json:body")
    push = run(
        "https://notify.vendor-z.example/v1/push",
        [{"heading": "New reply", "text": "Sam wrote: see you at nine", "extra": {"threadRef": "t-81"}}],
    )
    assert "user_content" in at(push, "[0].text")
    # the app's own reminder pushed to the user relays no conversation: not the user's content
    reminder = run(
        "https://notify.vendor-z.example/v1/push",
        [{"heading": "Reminder", "text": "Your appointment is tomorrow at nine"}],
    )
    assert "user_content" not in at(reminder, "[0].text")


def test_template_mails_and_other_paths_are_not_user_content() -> None:
    mail = run("https://mail.vendor-z.example/v3/messages/send", {"text": "Your order has shipped today"})
    assert "user_content" not in {d.category for d in mail}
    crm = run(
        "https://crm.vendor-z.example/v3/members/m-1/notes",
        {"note": "Called back, interested in the premium plan"},
    )
    assert "user_content" not in {d.category for d in crm}
    upload = run("https://api.vendor-z.example/v2/upload", {"message": "upload finished without errors"})
    assert "user_content" not in {d.category for d in upload}


def test_a_message_author_given_as_an_id_is_a_user_id() -> None:
    dets = run(
        "https://im.vendor-z.example/api/chats/c-9/replies",
        "sender=member-7781&text=see+you+at+nine",
        form=True,
    )
    assert "user_id" in at(dets, "form:sender")
    assert "user_content" in at(dets, "form:text")
    elsewhere = run("https://api.vendor-z.example/api/jobs", "sender=member-7781&text=batch+done", form=True)
    assert "user_id" not in at(elsewhere, "form:sender")


def test_an_id_beside_a_person_type_is_that_persons_id() -> None:
    dets = run(
        "https://api.vendor-z.example/threads", {"by": {"kind": "member", "id": "5f1e9a7c3b2d4e6f8a0b1c2d"}}
    )
    assert "user_id" in at(dets, "by.id")
    product = run(
        "https://api.vendor-z.example/cart", {"item": {"type": "product", "id": "5f1e9a7c3b2d4e6f8a0b1c2d"}}
    )
    assert "user_id" not in at(product, "item.id")


# --- performance: numbers inside timing objects, W3C timing entries named as values, diagnostic events


def test_numbers_inside_timing_objects_are_diagnostics() -> None:
    body = {"pageMetrics": {"timing": {"dnsMs": 12, "tlsMs": 31}}, "rpc": {"latency": {"p50": 41, "max": 88}}}
    dets = run("https://rum.vendor-w.example/ingest", body)
    assert "diagnostics" in at(dets, "timing.dnsMs")
    assert "diagnostics" in at(dets, "latency.p50")


def test_session_durations_and_other_numbers_are_not_timings() -> None:
    body = {"visit": {"duration": {"secs": 42}}, "cart": {"total": 42}}
    dets = run("https://rum.vendor-w.example/ingest", body)
    assert "diagnostics" not in {d.category for d in dets}


def test_a_value_naming_a_w3c_timing_entry_is_diagnostics() -> None:
    body = {"marks": [{"label": "domInteractive", "at": 85}, {"label": "responseStart", "at": 66}]}
    dets = run("https://rum.vendor-w.example/ingest", body)
    assert "diagnostics" in at(dets, "marks[0].label")
    other = run("https://rum.vendor-w.example/ingest", {"marks": [{"label": "checkoutButton", "at": 85}]})
    assert "diagnostics" not in {d.category for d in other}


def test_an_event_named_as_an_error_failure_or_diagnostics_is_diagnostics() -> None:
    dets = run("https://ev.vendor-w.example/batch", {"event_name": "sdk::client_exception"})
    assert at(dets, "event_name") == {"diagnostics"}
    failed = run("https://ev.vendor-w.example/batch", {"queue": [["upload_failed", {"size_kb": 312}]]})
    assert at(failed, "queue[0][0]") == {"diagnostics"}
    plain = run("https://ev.vendor-w.example/batch", {"event_name": "job_applied"})
    assert "diagnostics" not in at(plain, "event_name")


# --- form bodies with a bare name or a percent-encoded `=` are still forms ----------------------


def _leaves(body: str, content_type: str = "text/plain;charset=UTF-8") -> dict[str, str]:
    record = record_from_request(
        {
            "method": "POST",
            "url": "https://in.vendor-w.example/hit",
            "headers": [("Content-Type", content_type)],
            "body_text": body,
        }
    )
    return {str(leaf.location): leaf.value for leaf in decode_record(record).leaves}


def test_a_form_body_with_a_bare_name_or_an_encoded_pair_is_decoded() -> None:
    leaves = _leaves("member_id=m-5521&tz=60&visit_secs=5&consent_opts%3D%7B%22ads%22%3A%221%22%7D")
    assert leaves.get("body.form:member_id") == "m-5521"
    assert leaves.get("body.form:consent_opts>json:ads") == "1"
    flag = _leaves("member_id=m-5521&tz=60&visit_secs=5&debug")
    assert flag.get("body.form:member_id") == "m-5521"


def test_text_that_is_mostly_not_pairs_stays_text() -> None:
    leaves = _leaves("hello&world&a=b")
    assert not any(loc.startswith("body.form:") for loc in leaves)


# --- app activity: the screen in a crash report, a single event in a form, transaction routes ----


def test_the_screen_inside_a_crash_or_error_report_is_app_activity() -> None:
    body = {
        "failure": {"exception": {"kind": "TypeError", "view": "CheckoutStep2"}},
        "crash": {"extra": {"screen": "Basket"}},
    }
    dets = run("https://errors.vendor-v.example/report", body)
    assert "app_activity" in at(dets, "exception.view")
    assert "app_activity" in at(dets, "extra.screen")
    alone = run("https://cfg.vendor-v.example/layout", {"layout": {"screen": "Basket"}})
    assert "app_activity" not in at(alone, "layout.screen")


def test_a_top_level_name_beside_a_payload_sent_as_json_in_a_form_is_the_event() -> None:
    dets = run(
        "https://ev.vendor-v.example/v1/track",
        "name=wishlist_added&properties=%7B%22sku_ref%22%3A%22x1%22%7D",
        form=True,
    )
    assert "app_activity" in at(dets, "form:name")
    plain = run("https://ev.vendor-v.example/v1/track", "name=wishlist_added&mode=fast", form=True)
    assert "app_activity" not in at(plain, "form:name")


def test_a_transaction_named_by_method_and_route_is_app_activity() -> None:
    dets = run("https://apm.vendor-v.example/spans", {"txn": [{"label": "PUT /v2/profile/avatar", "ms": 41}]})
    assert "app_activity" in at(dets, "txn[0].label")
    dep = run(
        "https://apm.vendor-v.example/spans", {"item_type": "RemoteDependencyData", "name": "GET /api/feed"}
    )
    assert "app_activity" not in at(dep, "json:name")
    prose = run("https://apm.vendor-v.example/spans", {"label": "GET the / page later"})
    assert "app_activity" not in at(prose, "json:label")


# --- a person's name in a message without a profile: greeted or signing -------------------------


def test_greetings_and_sign_offs_name_a_person() -> None:
    from phonehome.analysis.patterns import addressed_name

    assert addressed_name("Hey Jonte, your parcel is at the door") == "Jonte"
    assert addressed_name("Bonjour Maëlle, votre commande est prête") == "Maëlle"
    assert addressed_name("Can we move it to Tuesday? Cheers, Priya") == "Priya"
    assert addressed_name("Hallo Team, der Build ist grün") is None
    assert addressed_name("Dear Customer, your order shipped") is None
    assert addressed_name("hi there, welcome back") is None
    assert addressed_name("Hey Max-Power mode enabled") is None


def test_a_push_text_greeting_the_user_is_contact_info_without_a_profile() -> None:
    dets = run(
        "https://push.vendor-u.example/v1/send",
        {"note": {"heading": "Reminder", "txt": "Hey Jonte, your parcel is at the door"}},
    )
    found = [d for d in dets if d.category == "contact_info" and d.location.endswith("note.txt")]
    assert found and found[0].value == "Jonte"
    ua = run(
        "https://push.vendor-u.example/v1/send", {"agent": "Mozilla/5.0 (Linux; Android 14) Hello World/1.0"}
    )
    assert "contact_info" not in {d.category for d in ua}


# --- device ids with the OS's shape; tokens of another site handed on in a URL -----------------


def test_a_device_id_shaped_like_an_android_id_is_a_device_id() -> None:
    dets = run("https://flags.vendor-t.example/init", {"who": {"altIds": {"deviceID": "3fa1c0de92b4e871"}}})
    assert "device_id" in at(dets, "altIds.deviceID")
    sdk_made = run(
        "https://flags.vendor-t.example/init",
        {"who": {"altIds": {"deviceID": "c0a8b1e2-1111-4a2b-9c3d-0123456789ab"}}},
    )
    assert at(sdk_made, "altIds.deviceID") == {"user_id"}
    # the emulator's well-known ANDROID_ID is shared by many devices, but it is still the OS's
    # device id that the app sends (tests/analysis/test_detect_concepts_ids_places.py)
    shared = run("https://flags.vendor-t.example/init", {"who": {"altIds": {"deviceID": "9774d56d682e549c"}}})
    assert "device_id" in at(shared, "altIds.deviceID")


def _jwt(payload: dict) -> str:
    import base64

    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part(payload)}.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


def test_a_token_in_another_sites_url_sent_to_a_third_party_is_a_credential() -> None:
    token = _jwt({"sub": "m-5521", "exp": 1900000000})
    body = {"hits": [{"href": f"https://api.shop-one.example/v1/me?auth_token={token}&lang=de"}]}
    dets = run("https://logs.vendor-k.example/i", body)
    found = [d for d in dets if d.category == "credentials"]
    assert found and found[0].location.endswith(">url:auth_token") and found[0].value == token
    opaque = run(
        "https://logs.vendor-k.example/i",
        {"hits": [{"href": "https://api.shop-one.example/x?token=Zk9xQ2wP8rT4vY6bN1mA3sD5"}]},
    )
    assert "credentials" in {d.category for d in opaque}


def test_a_token_in_the_receivers_own_url_or_a_plain_parameter_is_not_handed_on() -> None:
    token = _jwt({"sub": "m-5521"})
    own = run(
        "https://logs.vendor-k.example/i",
        {"hits": [{"href": f"https://app.vendor-k.example/cb?auth_token={token}"}]},
    )
    assert "credentials" not in {d.category for d in own}
    page = run(
        "https://logs.vendor-k.example/i",
        {"hits": [{"href": "https://api.shop-one.example/x?page=Zk9xQ2wP8rT4vY6bN1mA3sD5"}]},
    )
    assert "credentials" not in {d.category for d in page}


# --- obfuscation: base64 written backwards ------------------------------------------------------


def test_base64_written_backwards_is_decoded_and_read() -> None:
    import base64

    payload = json.dumps({"person": {"userRef": "m-5521", "mail": "kim.probe@mailbox.org"}})
    while not base64.b64encode(payload.encode()).decode().endswith("="):
        payload += " "  # the rule reads backwards base64 by its leading padding
    body = base64.b64encode(payload.encode()).decode()[::-1]
    leaves = _leaves(body)
    assert leaves.get("body.text>reversed>base64>json:person.mail") == "kim.probe@mailbox.org"
    record = record_from_request(
        {
            "method": "POST",
            "url": "https://flags.vendor-t.example/v1/init",
            "headers": [("Content-Type", "text/plain")],
            "body_text": body,
        }
    )
    dets = Detector(None).detect(record, decode_record(record))
    assert "contact_info" in at(dets, "person.mail")
    # without padding to show (a length divisible by 4): tried backwards when forwards gives nothing
    while len(base64.b64encode(payload.encode())) % 4 or base64.b64encode(payload.encode()).decode().endswith(
        "="
    ):
        payload += " "
    unpadded = base64.b64encode(payload.encode()).decode()[::-1]
    assert _leaves(unpadded).get("body.text>reversed>base64>json:person.mail") == "kim.probe@mailbox.org"
    # text that merely starts with `=` is not decoded
    assert not any(">reversed" in loc for loc in _leaves("=== heading ===, and then some text"))


# --- binary bodies no decoder opens: strings written after their length ------------------------


def _lp(text: str) -> bytes:
    raw = text.encode()
    return bytes([len(raw)]) + raw


def _binary_run(body: bytes) -> list[Detection]:
    import base64

    record = record_from_request(
        {
            "method": "POST",
            "url": "https://rec.vendor-s.example/ingest/batch",
            "headers": [],
            "body_b64": base64.b64encode(body).decode(),
        }
    )
    return Detector(None).detect(record, decode_record(record))


def test_length_prefixed_strings_in_an_unknown_binary_body_are_read() -> None:
    body = (
        b"\x51\x05\x00\x02\xb6\x9e\xf0"
        + _lp("kim.probe@mailbox.org")
        + b"\x1e\x0c\x00\x00"
        + _lp("hometown")
        + _lp("Leipzig")
        + b"\x00\x07"
        + _lp("postcode")
        + _lp("04109")
        + b"\xfe\x01"
    )
    dets = _binary_run(body)
    assert "contact_info" in {d.category for d in dets}
    assert "location_coarse" in {d.category for d in dets if d.location.endswith("][1]")}


def test_media_and_random_bytes_give_no_strings() -> None:
    import random

    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(20000))
    assert _binary_run(noise) == []
    png = b"\x89PNG\r\n\x1a\n" + _lp("postcode") + _lp("04109")
    record = record_from_request(
        {
            "method": "POST",
            "url": "https://up.vendor-s.example/img",
            "headers": [],
            "body_b64": __import__("base64").b64encode(png).decode(),
        }
    )
    assert not any("strings" in leaf.location.steps for leaf in decode_record(record).leaves)


def test_an_event_named_as_a_performance_measurement_is_diagnostics_not_activity() -> None:
    dets = run(
        "https://rum.vendor-w.example/collect", {"events": [{"name": "rum.timing.first_paint", "value": 312}]}
    )
    assert at(dets, "events[0].name") == {"diagnostics"}
    user = run("https://rum.vendor-w.example/collect", {"events": [{"name": "wishlist_added", "value": 1}]})
    assert at(user, "events[0].name") == {"app_activity"}


# --- a private IPv4 address inside free text (a log line) ---------------------------------------


def test_a_private_address_inside_a_log_line_is_network() -> None:
    dets = run(
        "https://logs.vendor-k.example/bulk",
        {"lines": [{"msg": "sync finished for device at 172.20.4.17 in 3s"}]},
    )
    found = [d for d in dets if d.category == "network"]
    assert found and found[0].value == "172.20.4.17"
    agent = run(
        "https://logs.vendor-k.example/bulk",
        {"lines": [{"msg": "Mozilla/5.0 Chrome/120.0.6099.172 Safari/537.36 x"}]},
    )
    assert "network" not in {d.category for d in agent}
    public = run(
        "https://logs.vendor-k.example/bulk", {"lines": [{"msg": "upstream 93.184.216.34 answered slowly"}]}
    )
    assert "network" not in {d.category for d in public}


def test_a_printable_byte_before_a_length_prefix_does_not_cut_the_string() -> None:
    # `\n` (10) right before the real prefix: read as a length it would cut "Hey Jonte, …" short
    text = "Hey Jonte, your parcel is at the door"
    frame = b"\x51\x02\x00\x2a\xe6\xa0\xf0\x96\xc8\x01\x9d\x97\x84\x01\x00\x06\x00\x00\xd2\x90\xb8\x8b\xa4"
    body = frame + b"\x00\x0a" + _lp(text) + frame + _lp('{"mail":"kim.probe@mailbox.org"}') + frame * 3
    dets = _binary_run(body)
    names = [d for d in dets if d.rule == "pattern:addressed-name"]
    assert names and names[0].value == "Jonte"
    assert any(d.location.endswith(">json:mail") for d in dets if d.category == "contact_info")


# --- ids of the object a request writes; `[event, {properties}]` arrays ------------------------


def test_the_top_level_id_of_a_request_to_a_collection_is_that_subjects_id() -> None:
    dets = run("https://crm.vendor-r.example/v2/shops/s1/shoppers", {"id": "shopper-2291", "locale": "de"})
    assert "user_id" in at(dets, "json:id")
    other = run("https://crm.vendor-r.example/v2/shops/s1/coupons", {"id": "spring-sale-2291"})
    assert "user_id" not in at(other, "json:id")


def test_an_array_of_an_event_name_and_its_properties_is_an_event() -> None:
    dets = run(
        "https://q.vendor-r.example/flush",
        {"queue": [["wishlist_added", {"sku_ref": "x1"}], ["cart-opened", {"n": 2}]]},
    )
    assert "app_activity" in at(dets, "queue[0][0]")
    assert "app_activity" in at(dets, "queue[1][0]")
    pairs = run(
        "https://q.vendor-r.example/flush", {"queue": [["wishlist_added", "yes"], ["Error", {"n": 2}]]}
    )
    assert "app_activity" not in {d.category for d in pairs}


# --- memory objects, `postal`, APM transaction names -------------------------------------------


def test_a_measure_under_a_memory_object_is_the_memory_size() -> None:
    dets = run(
        "https://in.vendor-zz.example/v1/collect",
        {"hw": {"ram": {"total": 8000000000}}, "queue": {"total": 12}},
    )
    assert at(dets, "ram.total") == {"device_info"}
    assert at(dets, "queue.total") == set()


def test_postal_is_a_postal_code() -> None:
    dets = run(
        "https://in.vendor-zz.example/v1/collect", {"geo": {"postal": "04109"}, "opts": {"postal": "yes"}}
    )
    assert "location_coarse" in at(dets, "geo.postal")
    assert at(dets, "opts.postal") == set()


def test_the_name_of_an_apm_transaction_is_app_activity() -> None:
    dets = run(
        "https://apm.vendor-zz.example/envelope",
        {"kind": "transaction", "transaction": "OrderHistoryScreen", "ms": 41},
    )
    assert "app_activity" in at(dets, "json:transaction")
    other = run("https://apm.vendor-zz.example/envelope", {"kind": "payment", "transaction": "tx-99812"})
    assert "app_activity" not in at(other, "json:transaction")


# --- the profile's postcode and city as an address line writes them, inside free text -----------


def test_postcode_and_city_inside_a_text_are_the_persons_place() -> None:
    from support.detect import toml_profile

    profile = toml_profile('[person]\naddress = "Lindenallee 4, 04109 Leipzig, DE"\n')
    record = record_from_request(
        {
            "method": "POST",
            "url": "https://mail.vendor-zz.example/send",
            "headers": [("Content-Type", "application/json")],
            "body_text": json.dumps({"note": "Lieferung an Lindenallee 4, 04109 Leipzig bitte"}),
        }
    )
    dets = Detector(profile).detect(record, decode_record(record))
    assert "location_coarse" in at(dets, "json:note")
    elsewhere = record_from_request(
        {
            "method": "POST",
            "url": "https://mail.vendor-zz.example/send",
            "headers": [("Content-Type", "application/json")],
            "body_text": json.dumps({"note": "Filiale 04110 Leipzig"}),
        }
    )
    assert "location_coarse" not in at(
        Detector(profile).detect(elsewhere, decode_record(elsewhere)), "json:note"
    )


def test_a_phone_number_behind_a_channel_scheme_is_contact_info() -> None:
    dets = run(
        "https://msg.vendor-q2.example/v1/send",
        "Dest=viber%3A%2B4917612345678&Via=tel%3A%2B4930123456",
        form=True,
    )
    assert "contact_info" in at(dets, "form:Dest")
    assert "contact_info" in at(dets, "form:Via")
    other = run("https://msg.vendor-q2.example/v1/send", "Dest=room%3A%2B1234&Note=ratio+1%3A%2B2", form=True)
    assert "contact_info" not in {d.category for d in other}
