"""Detection by concept (#12), identifiers, places, device/network and the no-profile run.

Synthetic requests written from each concept and from the documented payload shapes of several
SDKs, with key names in other vendors' spellings; decoding is real (`decode_record`). Every family
also has near misses that must stay silent (precision).
"""

from __future__ import annotations

import base64
import json

from support.detect import detect_request, found_at

from phonehome.analysis.model import Detection
from phonehome.analysis.profile import Profile, parse_profile

PERSON = parse_profile(
    {
        "person": {"first_name": "Kim", "address": "Karl-Heine-Straße 12, 04229 Leipzig, DE"},
        "location": {"latitude": 51.3315, "longitude": 12.3381},
    }
)


def run(
    url: str,
    body: object | str | None = None,
    *,
    form: bool = False,
    headers: tuple[tuple[str, str], ...] = (),
    profile: Profile | None = None,
) -> list[Detection]:
    return detect_request(url, body, form=form, headers=headers, profile=profile)


def jwt(payload: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part(payload)}.c2lnbmF0dXJl"


at = found_at


# --- hardware ids: the OS's or the hardware's own id shape under a device-ish name --------------


def test_an_android_id_under_a_device_name_is_a_device_id() -> None:
    # key/value form of install trackers, a session attribute map of RUM agents, a nested
    # `device.identifier` of CDP contexts: 16 lower-case hex digits is ANDROID_ID's shape
    form = run("https://t.vendor-a.example/install", "ext_device_id=3fa1c0de92b4e871&x=1", form=True)
    assert "device_id" in at(form, "ext_device_id")
    nested = run(
        "https://rum.vendor-b.example/collect",
        {
            "meta": {"session": {"attrs": {"deviceId": "3fa1c0de92b4e871"}}},
            "ctx": {"hw": {"identifier": "5c1e0a9b7d2f4e61"}},
        },
    )
    assert "device_id" in at(nested, "attrs.deviceId")
    assert "device_id" in at(nested, "hw.identifier")


def test_the_shared_android_id_is_still_the_phones_device_id() -> None:
    # Android 2.2's and the emulators' ANDROID_ID is shared by many devices, but an app that sends
    # it sends the OS's device id all the same
    dets = run("https://flags.vendor-c.example/init", {"who": {"altIds": {"did": "9774d56d682e549c"}}})
    found = [d for d in dets if d.location.endswith("altIds.did")]
    assert {d.category for d in found} == {"device_id"}
    assert "well-known ANDROID_ID" in found[0].evidence
    hw = run("https://t.vendor-a.example/s", "hardwareId=9774d56d682e549c", form=True)
    assert "device_id" in at(hw, "hardwareId")


def test_an_imei_or_mac_under_a_device_id_name_is_a_device_id() -> None:
    dets = run(
        "https://push.vendor-d.example/register",
        {"device": {"id": "352916071187398"}, "device_uid": "a4:5e:60:d2:3b:71"},
    )
    assert at(dets, "device.id") == {"device_id"}
    assert "device_id" in at(dets, "device_uid")
    assert "user_id" not in at(dets, "device_uid")


def test_sdk_made_ids_under_device_names_stay_install_ids() -> None:
    dets = run(
        "https://t.vendor-a.example/install",
        {
            "device_id": "c0a8b1e2-1111-4a2b-9c3d-0123456789ab",  # a UUID the SDK made up
            "deviceKey": "F3A1C0DE92B4E871",  # upper case: not how Android renders it
            "install_id": "3fa1c0de92b4e871",  # no device word: an install id whatever its shape
        },
    )
    assert at(dets, "device_id") == {"user_id"}
    assert "device_id" not in at(dets, "deviceKey")
    assert "device_id" not in at(dets, "install_id")
    flagged = run(
        "https://t.vendor-a.example/install",
        {"hw": {"hardware_id": "3fa1c0de92b4e871", "is_random": True}},
    )
    assert "device_id" not in at(flagged, "hardware_id")


# --- ids under generic names: account names, push tokens in a batch, a token's subject ----------


def test_a_user_name_is_an_account_id_and_under_a_person_object_contact_info() -> None:
    # Countly-style `user_details` JSON in a query, a CRM `customerInfo`, a forum `member_profile`
    query = run(
        "https://stats.vendor-e.example/i?user_details="
        + json.dumps({"username": "kim_p", "name": "Kim Probe", "byear": 2001})
    )
    assert at(query, "json:username") == {"user_id", "contact_info"}
    assert "contact_info" in at(query, "json:name")
    crm = run(
        "https://crm.vendor-f.example/v2/upsert",
        {"customerInfo": {"userName": "kimmy22", "birthday": "2001-04-03"}, "login": "kimmy22"},
    )
    assert at(crm, "customerInfo.userName") == {"user_id", "contact_info"}
    assert "contact_info" in at(crm, "customerInfo.birthday")
    # `login` outside a person's object is as often an event or a flag
    assert "user_id" not in at(crm, "login")
    profile = run("https://forum.vendor-g.example/api/sync", {"member_profile": {"login": "kimmy22"}})
    assert "user_id" in at(profile, "member_profile.login")


def test_what_is_not_an_account_name_stays_silent() -> None:
    dets = run(
        "https://t.vendor-h.example/e",
        {
            "event": "login",
            "user_name": "Kim Probe",  # a display name, not an id (and no person's object around)
            "username": "null",
            "product_info": {"name": "Laufschuh Pro", "data": "x"},
        },
    )
    assert not [d for d in dets if d.category in ("user_id", "contact_info")]


def test_push_tokens_in_a_batch_are_the_recipients_ids() -> None:
    # Expo's push service takes `to` as one token or an array of them
    dets = run(
        "https://push.vendor-i.example/api/send",
        {"to": ["ExponentPushToken[q1W2e3R4t5Y6u7I8o9P0aS]", "ExpoPushToken[Zx9Cv8Bn7Mm6Ll5Kk4Jj3H]"]},
    )
    assert at(dets, "to[0]") == {"user_id"}
    assert at(dets, "to[1]") == {"user_id"}
    short = run(
        "https://push.vendor-i.example/api/send",
        {"to": "ExpoPushToken[abc]", "x": "PushToken[q1W2e3R4t5Y6u7]"},
    )
    assert not [d for d in short if d.category == "user_id"]


def test_a_tokens_subject_is_an_account_id_also_on_the_apps_own_api() -> None:
    token = jwt({"sub": "acct-40913", "exp": 1900000000})
    dets = run(
        "https://api.shop-two.example/v1/orders",
        {"qty": 1},
        headers=(("Authorization", f"Bearer {token}"),),
    )
    assert at(dets, "jwt:payload.sub") == {"user_id"}
    assert "credentials" not in {d.category for d in dets}  # going back to its issuer: not handed on


# --- locations: coordinates inside query strings, profile places in custom slots ----------------


def test_coordinates_in_a_query_carried_as_a_value_are_a_location() -> None:
    # an OTLP span's `url.query` attribute, a RUM view's `url` with lat/lng parameters
    otlp = run(
        "https://otlp.vendor-j.example/v1/traces",
        {"attributes": [{"key": "url.query", "value": {"stringValue": "q=kfz&near=48.14,11.58"}}]},
    )
    assert "location_coarse" in {d.category for d in otlp}
    rum = run(
        "https://rum.vendor-k.example/v1/input",
        {"view": {"url": "https://app.shop-two.example/search?lat=48.1372&lng=11.5756&q=jobs"}},
    )
    assert {"location_precise"} <= at(rum, "url:lat") | at(rum, "url:lng")


def test_a_place_beside_a_query_is_not_the_users_location() -> None:
    dets = run(
        "https://rum.vendor-k.example/v1/input",
        {
            "view": {"url": "https://app.shop-two.example/search?near=Leipzig&q=jobs"},
            "store": {"near": "48.14,11.58"},
        },
    )
    assert not [d for d in dets if d.category.startswith("location")]


def test_the_profile_city_or_postcode_in_a_custom_dimension_is_the_users_place() -> None:
    dets = run(
        "https://analytics.vendor-l.example/track?dimension5=Leipzig&cd2=04229&headline=Leipzig&e_c=x",
        profile=PERSON,
    )
    assert "location_coarse" in at(dets, "dimension5")
    assert "location_coarse" in at(dets, "cd2")
    assert "location_coarse" not in at(dets, "headline")  # a word of a text, no slot of the app's


def test_a_city_as_a_dimension_of_an_aggregate_metric_is_no_ones_place() -> None:
    body = [
        {"metrics": [{"name": "orders.open", "type": "gauge", "value": 4, "attributes": {"city": "Leipzig"}}]}
    ]
    for profile in (PERSON, None):
        dets = run("https://metrics.vendor-m.example/metric/v1", body, profile=profile)
        assert not [d for d in dets if d.category.startswith("location")]


def test_coordinates_beside_an_employer_or_office_are_not_the_users_location() -> None:
    # an employer's or an office's place in a push payload or a listing, even within the profile's
    # tolerance: only the user's own position at the value's precision would be the user's
    job = {"data": {"kind": "reminder", "employer": "Bäckerei Krume", "lat": "51.3401", "lng": "12.3511"}}
    listing = {"offices": [{"title": "Filiale Plagwitz", "geo": {"lat": 51.3321, "lon": 12.3379}}]}
    for body in (job, listing):
        for profile in (PERSON, None):
            dets = run("https://push.vendor-n.example/v2/send", body, profile=profile)
            assert not [d for d in dets if d.category.startswith("location")], (body, profile)
    own = run(
        "https://push.vendor-n.example/v2/register",
        {"geo": {"lat": "51.3315", "lng": "12.3381"}},
        profile=PERSON,
    )
    assert "location_precise" in at(own, "geo.lat")


# --- network: the connection type by its value, under network names or compact ones ------------


def test_a_connection_type_value_under_a_network_or_compact_name_is_network() -> None:
    compact = run("https://t.vendor-o.example/p?ct=wifi&nt=4g&conn_etype=3g&v=2")
    assert "network" in at(compact, "query:ct")
    assert "network" in at(compact, "query:nt")
    assert "network" in at(compact, "query:conn_etype")
    nested = run(
        "https://rum.vendor-p.example/i",
        {"env": {"bearer": "cell", "cellular_generation": "5G", "reachability": "ReachableViaWWAN"}},
    )
    assert "network" in at(nested, "env.bearer")
    assert "network" in at(nested, "env.cellular_generation")
    assert "network" in at(nested, "env.reachability")


def test_connection_words_elsewhere_are_not_the_phones_connection() -> None:
    dets = run(
        "https://t.vendor-o.example/p?ct=Leipzig&nt=none&x=cell",
        {"plan": "5g", "tag": "wifi", "product": {"name": "lte"}, "category_name": "wlan"},
    )
    assert not [d for d in dets if d.category == "network"]


def test_a_device_contexts_key_of_the_os_id_shape_is_a_device_id() -> None:
    # feature-flag SDKs key a context of kind `device` by whatever the app passes: the OS's id here
    dets = run(
        "https://flags.vendor-q.example/events/bulk",
        [
            {
                "kind": "identify",
                "context": {"kind": "multi", "device": {"key": "5c1e0a9b7d2f4e61", "os": "Android 14"}},
            }
        ],
    )
    assert "device_id" in at(dets, "context.device.key")
    crypto = run(
        "https://kms.vendor-r.example/v1/wrap", {"device": {"key": "q8Zk3mP9qR2tY7vZ1aB4cD6eF8gH0jK2"}}
    )
    assert "device_id" not in at(crypto, "device.key")


def test_the_users_coordinates_in_an_event_about_a_job_are_the_users_location() -> None:
    # an event that names a job (its id) beside the user's own position: not a job's place
    body = {
        "event": "Application Sent",
        "properties": {"job_id": "job_88", "$latitude": "51.331512", "$longitude": "12.338104"},
    }
    dets = run("https://track.vendor-s.example/import", body)
    assert "location_precise" in at(dets, "properties.$latitude")


# --- personal fields without a profile: a group's traits are not a person's -------------------


def test_the_traits_of_a_group_call_are_not_a_persons() -> None:
    batch = {
        "batch": [
            {
                "type": "group",
                "groupId": "g-77",
                "traits": {"name": "Bäckerinnung Leipzig", "city": "Leipzig"},
            },
            {"type": "identify", "userId": "u-77", "traits": {"name": "Kim Probe", "gender": "female"}},
        ]
    }
    dets = run("https://cdp.vendor-t.example/v1/batch", batch)
    assert not at(dets, "batch[0].traits.name")
    assert "location_coarse" not in at(dets, "batch[0].traits.city")
    assert "contact_info" in at(dets, "batch[1].traits.name")
    org = run(
        "https://crm.vendor-f.example/v2/upsert", {"profile": {"kind": "organization", "name": "Krume GmbH"}}
    )
    assert not at(org, "profile.name")


def test_a_short_handle_under_a_terse_id_name_is_an_id() -> None:
    # a session record's distinct id (`did`), an install id (`iid`) of compact protocols
    dets = run(
        "https://errors.vendor-u.example/api/9/envelope/",
        {"sid": "0ef0f40448ef4081", "init": True, "status": "ok", "did": "kim-40913", "iid": "inst_7a2"},
    )
    assert "user_id" in at(dets, "did")
    assert "user_id" in at(dets, "iid")
    quiet = run(
        "https://errors.vendor-u.example/api/9/envelope/",
        {"uid": "10234", "did": "v2.3.1", "client_id": "android-app2", "account_id": "acct-9", "cuid": "abc"},
    )
    assert not [d for d in quiet if d.category == "user_id"]


# --- places by the value's shape: geohashes, GeoJSON positions, cell towers ---------------------


def test_geohashes_geojson_positions_and_cell_towers_are_locations() -> None:
    dets = run(
        "https://geo.vendor-v.example/v1/ping",
        {
            "ctx": {"geohash": "u281z7j5", "area": {"ghash": "u281z"}},
            "geo": {"type": "Point", "coordinates": [12.338104, 51.331512]},
            "radio": {"cell_info": {"cid": "5678901", "tac": "41002", "pci": "2147483647"}, "lac": "12345"},
        },
    )
    assert "location_precise" in at(dets, "ctx.geohash")
    assert "location_coarse" in at(dets, "area.ghash")
    assert "location_precise" in at(dets, "geo.coordinates[1]")
    assert "location_coarse" in at(dets, "cell_info.cid")
    assert "location_coarse" in at(dets, "cell_info.tac")
    assert "location_coarse" in at(dets, "radio.lac")
    assert not at(dets, "cell_info.pci")  # Integer.MAX_VALUE: Android's "unknown"


def test_shapes_that_only_look_like_places_are_not_locations() -> None:
    dets = run(
        "https://geo.vendor-v.example/v1/ping",
        {
            "ga": {"cid": "123456789", "tac": "35291607"},  # a client id, an IMEI's type code
            "store": {"geohash": "u281z7j5"},
            "venue": {"geometry": {"type": "Point", "coordinates": [12.338104, 51.331512]}},
            "chart": {"coordinates": [3.5, 7.25]},  # a plot's point, no geo object, no type Point
            "hash": {"geohash": "12345"},
        },
    )
    assert not [d for d in dets if d.category.startswith("location")]


def test_the_recipient_of_a_push_is_a_device_push_token() -> None:
    apns_like = "5b7e1c2d9f0a4b3c8d6e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c"
    dets = run(
        "https://api.vendor-w.example/v2/notifications",
        {"to": [apns_like, "0f8fad5b-d9cb-469f-a165-70867728950e-2c1b"], "title": "Neue Nachricht"},
    )
    assert at(dets, "to[0]") == {"user_id"}
    assert at(dets, "to[1]") == {"user_id"}
    send = run("https://api.vendor-w.example/v1/messages/send", {"message": {"target": apns_like}})
    assert "user_id" in at(send, "message.target")


def test_push_topics_and_other_targets_are_not_recipients() -> None:
    topics = run(
        "https://api.vendor-w.example/v2/notifications",
        {"to": "/topics/breaking_news_2024_de_all_users", "target": "segment_active_users_2024_q4_de"},
    )
    assert not [d for d in topics if d.category == "user_id"]
    elsewhere = run(
        "https://api.vendor-x.example/v1/links",
        {"target": "5b7e1c2d9f0a4b3c8d6e2f1a0b9c8d7e6f5a4b3c2d1e0f9a"},
    )
    assert not [d for d in elsewhere if d.category == "user_id"]


# --- profile values: address parts hashed as conversion APIs normalise them ---------------------


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def test_address_parts_hashed_under_conversion_api_short_keys_are_the_users() -> None:
    # Meta CAPI / TikTok Events API `user_data`: ct, zp, country as SHA-256 of lower-case values
    meta = {
        "data": [
            {"user_data": {"ct": [_sha256("leipzig")], "zp": [_sha256("04229")], "country": [_sha256("de")]}}
        ]
    }
    dets = run("https://graph.vendor-y.example/v18.0/1234/events", meta, profile=PERSON)
    for key in ("ct[0]", "zp[0]", "country[0]"):
        assert "location_coarse" in at(dets, key), key
    # Google-style enhanced conversions: the street hashed, city and postcode in clear
    google = {
        "address_info": {"hashed_street_address": _sha256("karl-heine-straße 12"), "postal_code": "04229"}
    }
    found = run("https://ads.vendor-z.example/v1/conversions", google, profile=PERSON)
    assert "contact_info" in at(found, "hashed_street_address")
    assert "location_coarse" in at(found, "postal_code")
    # a digest of something else under `ct` is no one's city
    other = run(
        "https://graph.vendor-y.example/v18.0/1234/events",
        {"user_data": {"ct": _sha256("hamburg")}},
        profile=PERSON,
    )
    assert not [d for d in other if d.detector == "profile"]


def test_an_e_mail_md5_as_a_subscriber_hash_in_the_path_is_the_users() -> None:
    import hashlib

    email = parse_profile({"person": {"email": "Kim.Probe@mailbox.org"}})
    digest = hashlib.md5(b"kim.probe@mailbox.org").hexdigest()
    dets = run(
        f"https://us9.api.vendor-mc.example/3.0/lists/ab12/members/{digest}/tags", {"tags": []}, profile=email
    )
    assert {"contact_info", "user_id"} <= at(dets, "path[4]")


# --- OpenTelemetry semantic conventions: the attribute names any vendor's exporter may carry ----


def _otlp(attrs: dict[str, str]) -> dict:
    pairs = [{"key": k, "value": {"stringValue": v}} for k, v in attrs.items()]
    return {"resourceSpans": [{"resource": {"attributes": pairs}}]}


def test_open_telemetry_user_geo_and_network_attributes() -> None:
    attrs = {
        "user.name": "kimp",
        "enduser.pseudo.id": "p-77aa12",
        "device.model.identifier": "SM-A546B",
        "geo.locality.name": "Leipzig",
        "geo.region.iso_code": "DE-SN",
        "client.geo.city_name": "Leipzig",
        "network.connection.subtype": "lte",
        "network.carrier.mcc": "262",
        "network.carrier.mnc": "01",
    }
    dets = run("https://otlp.vendor-o1.example/v1/traces", _otlp(attrs))
    want = ["user_id", "user_id", "device_info", *["location_coarse"] * 3, *["network"] * 3]
    for i, category in enumerate(want):
        assert category in at(dets, f"attributes[{i}].value.stringValue"), list(attrs)[i]


def test_cloud_regions_and_service_names_are_not_the_users() -> None:
    attrs = {
        "cloud.region": "eu-west-1",
        "service.name": "checkout",
        "region_code": "EU",
        "service.namespace": "kimp",
    }
    dets = run("https://otlp.vendor-o1.example/v1/traces", _otlp(attrs))
    assert not [d for d in dets if d.category in ("location_coarse", "user_id")]


def test_a_hardware_id_flagged_not_real_is_not_a_device_id() -> None:
    # Branch-style opens send `hardware_id` with `is_hardware_id_real: false` when it is random
    fake = run(
        "https://api.vendor-b2.example/v1/open",
        {"hardware_id": "3fa1c0de92b4e871", "is_hardware_id_real": False},
    )
    assert "device_id" not in at(fake, "hardware_id")
    real = run(
        "https://api.vendor-b2.example/v1/open",
        {"hardware_id": "3fa1c0de92b4e871", "is_hardware_id_real": True},
    )
    assert "device_id" in at(real, "hardware_id")


def test_region_codes_and_an_ip_override_are_the_users() -> None:
    dets = run(
        "https://mp.vendor-g4.example/mp/collect",
        {
            "user_location": {"region_id": "DE-SN", "city": "Leipzig"},
            "ip_override": "84.12.3.4",
            "shard": {"region_id": "7"},
        },
    )
    assert "location_coarse" in at(dets, "user_location.region_id")
    assert "network" in at(dets, "ip_override")
    assert not at(dets, "shard.region_id")


# --- identity maps, the call's subject type, membership paths -----------------------------------


def test_every_value_of_an_identity_map_is_an_id_of_the_person() -> None:
    dets = run(
        "https://identity.vendor-m2.example/v1/identify",
        {
            "known_identities": {
                "customerid": "kim-40913",
                "install_stamp": "eae1fd9b-c49e-4ee3-7ee0-00ef47c3f551",
            },
            "user": {"customIDs": {"employeeNo": "E-4471"}},
            "identifiers": {"crm": "CRM-77812"},
        },
    )
    assert "user_id" in at(dets, "known_identities.customerid")
    assert "user_id" in at(dets, "known_identities.install_stamp")
    assert "user_id" in at(dets, "customIDs.employeeNo")
    assert "user_id" in at(dets, "identifiers.crm")
    trace = run(
        "https://apm.vendor-m2.example/v1/t",
        {"ids": {"request": "r-123456", "trace": "0af7651916cd43dd8448eb211c80319c"}},
    )
    assert not [d for d in trace if d.category == "user_id"]


def test_a_key_beside_the_calls_subject_type_and_a_membership_path_are_ids() -> None:
    events = run(
        "https://events.vendor-s2.example/api/events/bulk",
        [{"eventTypeId": "purchase", "trafficTypeName": "user", "key": "kim-40913", "value": 4.99}],
    )
    assert "user_id" in at(events, "[0].key")
    entity = run("https://crm.vendor-f.example/v2/upsert", {"entity_type": "customer", "id": "c-99812"})
    assert "user_id" in at(entity, "id")
    path = run("https://sdk.vendor-s2.example/api/memberships/kim-40913")
    assert "user_id" in at(path, "path[2]")
    # a flag's key beside its variation is the flag's, not a person's
    flag = run(
        "https://events.vendor-l2.example/bulk",
        [{"kind": "feature", "key": "new-onboarding", "variation": 1}],
    )
    assert not [d for d in flag if d.category == "user_id"]


def test_plural_acronyms_in_camel_case_are_one_word() -> None:
    from phonehome.analysis import keys

    assert keys.normalise("customIDs") == "custom_ids"
    assert keys.normalise("deviceIDs") == "device_ids"
    assert keys.normalise("AdvertisingID") == "advertising_id"


def test_names_of_an_ads_id_are_advertising_ids_and_ad_units_are_not() -> None:
    gaid = "38400000-8cf0-11bd-b23e-10b96e40000d"
    body = {
        "advertisingIdentifier": gaid,  # iOS ASIdentifierManager's name, as SDKs echo it
        "android_ad_id": gaid,
        "madid": gaid,  # Meta app events' mobile advertiser id
        "adUnitId": "ca-app-pub-3940256099942544/6300978111",
        "ad_unit_id": "0f8fad5b-d9cb-469f-a165-70867728950e",  # a UUID, but of an ad slot
    }
    dets = run("https://ads.vendor-ad.example/v1/req", body)
    for key in ("advertisingIdentifier", "android_ad_id", "madid"):
        assert at(dets, key) == {"advertising_id"}, key
    assert "advertising_id" not in at(dets, "adUnitId") | at(dets, "ad_unit_id")


def test_ids_and_numbers_of_crm_contacts_leads_recipients_and_logins() -> None:
    body = {
        "contactId": "c-77120",
        "lead_id": "L-4471",
        "customerNumber": "K-100234",
        "recipient_id": "u-88213",
        "loginId": "kimp-2001",
        "browser_id": "b7c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e",
    }
    dets = run("https://crm.vendor-c2.example/v3/activities", body)
    for key in body:
        assert "user_id" in at(dets, key), key
    others = run(
        "https://crm.vendor-c2.example/v3/activities",
        {
            "sender_id": "1234567890",
            "order_number": "ORD-4471",
            "account_number": "DE-4471-22",
            "ad_unit_id": "x-4471",
        },
    )
    assert not [d for d in others if d.category == "user_id"]


def test_more_names_of_a_place_and_what_they_must_hold() -> None:
    body = {
        "home": {"town": "Markkleeberg", "county": "Leipzig", "suburb": "Plagwitz", "post_code": "04229"},
        "geo": {"region_name": "Sachsen", "municipality": "Leipzig"},
    }
    dets = run("https://t.vendor-p2.example/v1/identify", body)
    for key in ("town", "county", "suburb", "post_code", "region_name", "municipality"):
        assert "location_coarse" in at(dets, key), key
    odd = run(
        "https://t.vendor-p2.example/v1/identify",
        {"locality": "de_DE", "town": "de-DE", "store": {"town": "Leipzig"}, "county_count": 3},
    )
    assert not [d for d in odd if d.category == "location_coarse"]


def test_more_names_of_a_persons_name_birth_sex_and_address_lines() -> None:
    body = {
        "realName": "Kim Probe",
        "middle_name": "Maria",
        "birthYear": "2001",
        "sex": "female",
        "addressLine1": "Karl-Heine-Straße 12",
        "streetName": "Karl-Heine-Straße",
    }
    dets = run("https://crm.vendor-c2.example/v3/people", body)
    for key in body:
        assert "contact_info" in at(dets, key), key
    quiet = run(
        "https://crm.vendor-c2.example/v3/people", {"sex": "1", "birthYear": "true", "street_name": "null"}
    )
    assert not [d for d in quiet if d.category == "contact_info"]


def test_a_value_the_request_names_an_ad_or_device_id_is_that_id_elsewhere_too() -> None:
    gaid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    dets = run(
        "https://t.vendor-q2.example/v1/session",
        {
            "device": {"advertising_id": gaid, "android_id": "3fa1c0de92b4e871"},
            "uid": gaid.upper(),
            "user": {"id": "3fa1c0de92b4e871"},
        },
    )
    assert at(dets, "body.json:uid") == {"advertising_id"}
    assert at(dets, "user.id") == {"device_id"}
    other = run(
        "https://t.vendor-q2.example/v1/session",
        {"device": {"advertising_id": gaid}, "uid": "c81e728d-9d4c-4f63-8067-f89cc14862c0"},
    )
    assert at(other, "body.json:uid") == {"user_id"}


def test_tag_browser_ids_in_cookies_and_forwarded_are_user_ids() -> None:
    dets = run(
        "https://shop.app-one.example/api/cart",
        {"user_data": {"fbp": "fb.1.1700000000123.1098765432"}, "cid": "GA1.1.1234567890.1700000000"},
        headers=(("Cookie", "_ga=GA1.2.987654321.1699999999; _fbp=fb.1.1700000000999.123456789"),),
    )
    assert "user_id" in at(dets, "user_data.fbp")
    assert "user_id" in at(dets, "cookie:_ga")
    assert "user_id" in at(dets, "cookie:_fbp")
    quiet = run(
        "https://shop.app-one.example/api/cart",
        {"ver": "GA1.2.3.4", "fb": "fb.1.2.3", "fbclid_note": "fb.me/abc"},
    )
    assert not [d for d in quiet if d.category == "user_id"]


def test_an_id_beside_a_type_naming_a_payload_beside_it_is_not_the_persons() -> None:
    typed = run(
        "https://crm.vendor-k2.example/api/profiles",
        {"data": {"type": "profile", "id": "01HZX4K9QWE8R7T6Y5U4I3O2P1"}},
    )
    assert "user_id" in at(typed, "data.id")
    envelope = run(
        "https://t.vendor-k2.example/a",
        {"type": "profile", "profile": {"Name": "Kim Probe"}, "id": "ACC-6Z4-8R9-W57Z"},
    )
    assert "user_id" not in at(envelope, "body.json:id")


def test_ids_after_collections_of_people_in_a_path() -> None:
    for path, i in (
        ("/v2/leads/L-88213/notes", 2),
        ("/api/recipients/r_4471aa", 2),
        ("/hr/employees/E-1021", 2),
    ):
        dets = run(f"https://api.vendor-r2.example{path}")
        assert "user_id" in at(dets, f"path[{i}]"), path
    quiet = run("https://api.vendor-r2.example/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls")
    assert not [d for d in quiet if d.category == "user_id"]


def test_a_path_segment_named_by_the_segment_before_it() -> None:
    dets = run("https://api.vendor-o2.example/apps/a1/users/by/external_id/kim-40913")
    assert "user_id" in at(dets, "path[5]")
    mail = run("https://api.vendor-o2.example/v1/lookup/email/kim.probe%40mailbox.org")
    assert "contact_info" in {d.category for d in mail}
    quiet = run("https://api.vendor-o2.example/v1/lookup/status/active2")
    assert not [d for d in quiet if d.category in ("user_id", "contact_info")]


def test_an_identity_lists_entry_is_what_its_type_names() -> None:
    body = {
        "identities": [
            {"type": "email", "value": "kim.probe@mailbox.org"},
            {"identity_type": "customer_id", "id": "K-100234"},
            {"type": "android_id", "value": "3fa1c0de92b4e871"},
        ],
        "fields": [
            {"type": "uuid", "value": "0f8fad5b-d9cb-469f-a165-70867728950e"},
            {"type": "track", "value": "Home"},
        ],
    }
    dets = run("https://identity.vendor-i2.example/v1/merge", body)
    assert "contact_info" in at(dets, "identities[0].value")
    assert "user_id" in at(dets, "identities[1].id")
    assert "device_id" in at(dets, "identities[2].value")
    assert not at(dets, "fields[0].value") and not at(dets, "fields[1].value")


def test_snowplow_style_user_ids_in_a_tracker_payload() -> None:
    body = {
        "data": [
            {
                "e": "pv",
                "duid": "c81e728d-9d4c-4f63-8067-f89cc14862c0",
                "nuid": "0f8fad5b-d9cb-469f-a165-70867728950e",
                "sid": "4f1c9d2e-7a3b-4c8d-9e0f-1a2b3c4d5e6f",
            }
        ]
    }
    dets = run("https://collector.vendor-sp.example/com.snowplowanalytics.snowplow/tp2", body)
    assert "user_id" in at(dets, "duid")
    assert "user_id" in at(dets, "nuid")
    assert "user_id" not in at(dets, "sid")  # a session id
