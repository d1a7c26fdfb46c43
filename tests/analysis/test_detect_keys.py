"""Key semantics (analysis.keys) and the key detector's value checks (analysis.detect)."""

from __future__ import annotations

import hashlib

import pytest
from support.detect import decoded, record

from phonehome.analysis import keys
from phonehome.analysis.detect import Detector
from phonehome.analysis.location import Location


@pytest.mark.parametrize(
    "raw,norm",
    [
        ("gpsAdid", "gps_adid"),
        ("GPS-ADID", "gps_adid"),
        ("X-Device-Id", "device_id"),
        ("$os_version", "os_version"),
        ("AdvertisingID", "advertising_id"),
        ("imei2", "imei"),
        ("OS Version", "os_version"),
        ("_eventName", "event_name"),
        ("mac_md5", "mac_md5"),
        ("deviceModel", "device_model"),
        ("screen.width", "screen_width"),
    ],
)
def test_normalise(raw, norm):
    assert keys.normalise(raw) == norm


@pytest.mark.parametrize(
    "raw,name,category",
    [
        ("gps_adid", "gps_adid", "advertising_id"),
        ("adid", "adid", "advertising_id"),
        ("idfa", "idfa", "advertising_id"),
        ("advertisingTrackingId", "advertising_tracking_id", "advertising_id"),
        ("aaid", "aaid", "advertising_id"),
        ("android_id", "android_id", "device_id"),
        ("imei", "imei", "device_id"),
        ("meid", "meid", "device_id"),
        ("serial", "serial", "device_id"),
        ("wifi_mac", "wifi_mac", "device_id"),
        ("openudid", "openudid", "device_id"),
        ("bssid", "bssid", "network"),
        ("ssid", "ssid", "network"),
        ("carrier", "carrier", "network"),
        ("mcc_mnc", "mcc_mnc", "network"),
        ("carrier_region", "carrier_region", "network"),
        ("lat", "lat", "location_precise"),
        ("lng", "lng", "location_precise"),
        ("latitude", "latitude", "location_precise"),
        ("city", "city", "location_coarse"),
        ("zip", "zip", "location_coarse"),
        ("email", "email", "contact_info"),
        ("user_email", "email", "contact_info"),
        ("phone", "phone", "contact_info"),
        ("installed_apps", "installed_apps", "installed_apps"),
        ("contacts", "contacts", "contacts"),
        ("clipboard", "clipboard", "clipboard"),
        ("screen_width", "screen_width", "device_info"),
        ("os_version", "os_version", "device_info"),
        ("model", "model", "device_info"),
        ("timezone", "timezone", "device_info"),
        ("locale", "locale", "device_info"),
        ("sys_region", "sys_region", "device_info"),
        ("event_name", "event_name", "app_activity"),
        ("crash", "crash", "diagnostics"),
        ("stacktrace", "stacktrace", "diagnostics"),
        ("password", "password", "credentials"),
        ("device_id", "device_id", "user_id"),
        ("install_id", "install_id", "user_id"),
        ("iid", "iid", "user_id"),
        ("user_id", "user_id", "user_id"),
        ("anonymous_id", "anonymous_id", "user_id"),
        ("push_token", "push_token", "user_id"),
        ("kochava_device_id", "device_id", "user_id"),
        ("device_advertising_id", "advertising_id", "advertising_id"),
    ],
)
def test_lookup(raw, name, category):
    rule = keys.lookup(raw)
    assert rule is not None and rule.name == name and rule.category == category


@pytest.mark.parametrize(
    "raw",
    [
        "data_model",
        "view_model",
        "app_version",
        "request_id",
        "request_uuid",
        "app_id",
        "x-request-id",
        "content_hash",
        "sdk_version",
        "id",
        "name",
        "aid",
        "account",
        "X-CleverTap-Account-ID",
        "action",
        "image_resolution",
    ],
)
def test_lookup_none(raw):
    assert keys.lookup(raw) is None


def test_hashed_keys():
    rule = keys.lookup("email_sha256")
    assert rule is not None and rule.hashed and rule.category == "contact_info" and rule.shape == "digest"
    assert keys.lookup("hashedEmail").hashed
    assert keys.lookup("mac_md5").category == "device_id"


def cats(*leaves, profile=None, path="/"):
    return {(d.location, d.category): d for d in Detector(profile).detect(record(path), decoded(*leaves))}


def test_adid_uuid_high_confidence_with_evidence():
    out = cats(("query:gps_adid", "gps_adid", "38400000-8cf0-11bd-b23e-10b96e40000d"))
    d = out[("query:gps_adid", "advertising_id")]
    assert d.detector == "key" and d.rule == "key:gps_adid" and d.confidence >= 0.9
    assert "value is a UUID" in d.evidence and "'gps_adid' names an advertising id" in d.evidence


@pytest.mark.parametrize("value", ["", "00000000-0000-0000-0000-000000000000", "null", "true", "false", "0"])
def test_identifier_keys_ignore_placeholders(value):
    assert (
        cats(
            ("query:adid", "adid", value),
            ("query:android_id", "android_id", value),
            ("query:user_id", "user_id", value),
        )
        == {}
    )


def test_lat_lon_precision_and_range():
    out = cats(
        ("query:lat", "lat", "52.516274"),
        ("query:lng", "lng", "13.37"),
        ("query:lon", "lon", "200.5"),
        ("query:latitude", "latitude", "14"),
    )
    assert out[("query:lat", "location_precise")].confidence >= 0.9
    assert ("query:lng", "location_coarse") in out
    assert not any(loc in ("query:lon", "query:latitude") for loc, _ in out)


def test_store_coordinates_are_not_the_user():
    out = cats(
        ("query:store_lat", "store_lat", "48.137154"),
        ("query:store_lng", "store_lng", "11.576124"),
        ("body.json:stores[0].lat", "lat", "48.137154", ("json",)),
        ("body.json:venue.location.lng", "lng", "11.57", ("json",)),
        ("body.json:stores[0].city", "city", "München", ("json",)),
        ("body.json:destination.lat", "lat", "48.35", ("json",)),
    )
    assert out == {}


def test_user_lat_far_from_profile_is_reported_lower(tmp_path):
    from support.detect import default_profile

    out = cats(
        ("query:lat", "lat", "48.137154"), ("query:lon", "lon", "11.576124"), profile=default_profile()
    )
    d = out[("query:lat", "location_precise")]
    assert d.confidence == 0.6 and "from the profile location" in d.evidence


def test_model_and_ua():
    out = cats(
        ("body.json:device.model", "model", "SM-G991B", ("json",)),
        ("header:User-Agent", "User-Agent", "Dalvik/2.1.0 (Linux; U; Android 13; SM-G991B Build/TP1A)"),
    )
    assert out[("body.json:device.model", "device_info")].rule == "key:model"
    ua = out[("header:User-Agent", "device_info")]
    assert "SM-G991B" in ua.evidence


def test_parent_context_for_generic_children():
    out = cats(
        ("body.json:device.id", "id", "5f0e8c3a-7b21-4d6e-9a4f-1c2b3d4e5f60", ("json",)),
        ("body.json:events[0].name", "name", "add_to_cart", ("json",)),
        ("body.json:product.id", "id", "A-1001", ("json",)),
    )
    assert out[("body.json:device.id", "user_id")].rule == "key:device_id"
    assert out[("body.json:events[0].name", "app_activity")].rule == "key:event_name"
    # a product's id is no user id (in an event it is a purchase detail: app activity)
    assert {cat for loc, cat in out if loc == "body.json:product.id"} <= {"app_activity"}


def test_hashed_email_key():
    digest = hashlib.sha256(b"someone@posteo.de").hexdigest()
    out = cats(
        ("body.form:ud>json:em", "em", digest, ("form", "json")),
        ("body.json:email_sha256", "email_sha256", digest.upper(), ("json",)),
        ("body.json:em", "em", "not-a-hash", ("json",)),
    )
    assert out[("body.form:ud>json:em", "contact_info")].confidence >= 0.8
    assert ("body.json:email_sha256", "contact_info") in out
    assert ("body.json:em", "contact_info") not in out


def test_password_and_masked_password():
    out = cats(
        ("body.json:password", "password", "hunter2!", ("json",)),
        ("body.json:pin.password", "password", "********", ("json",)),
    )
    assert out[("body.json:password", "credentials")].confidence >= 0.9
    assert len(out) == 1


def test_containers_report_once():
    frames = [
        (f"body.json:exception.values[0].stacktrace.frames[{i}].function", "function", f"f{i}", ("json",))
        for i in range(20)
    ]
    apps = [
        (f"body.json:installed_apps[{i}]", "installed_apps", pkg, ("json",))
        for i, pkg in enumerate(["com.whatsapp", "de.dkb.portalapp"])
    ]
    out = cats(*frames, *apps)
    assert list(out) == [
        ("body.json:exception", "diagnostics"),
        ("body.json:installed_apps", "installed_apps"),
    ]
    assert "20 values" in out[("body.json:exception", "diagnostics")].evidence
    assert out[("body.json:exception", "diagnostics")].key == "exception"
    assert "com.whatsapp" in out[("body.json:installed_apps", "installed_apps")].value


def test_version_strings_and_timestamps_give_nothing():
    out = cats(
        ("body.json:app_version", "app_version", "10.2.0.15", ("json",)),
        ("body.json:v", "v", "172.16.0.3", ("json",)),
        ("body.json:sdk_version", "sdk_version", "14.0", ("json",)),
        ("body.json:ts", "ts", "1700000000123", ("json",)),
        ("body.json:t", "t", "+1700000000", ("json",)),
    )
    assert out == {}


def test_compression_flag_and_graphql_are_not_personal():
    out = cats(
        ("body.json:zip", "zip", "gzip", ("json",)),
        ("body.json:options.zip", "zip", "true", ("json",)),
        ("body.json:query", "query", "query Me { me { id name } }", ("json",)),
        ("body.json:city", "city", "1", ("json",)),
    )
    assert out == {}
    out = cats(("body.json:zip", "zip", "10117", ("json",)), ("query:q", "q", "laufschuhe damen"))
    assert set(out) == {("body.json:zip", "location_coarse"), ("query:q", "app_activity")}


def test_imei_pattern_needs_no_order_number_context():
    assert cats(("body.json:order_id", "order_id", "352099001761481", ("json",))) == {}
    out = cats(("body.json:x", "x", "352099001761481", ("json",)))
    assert out[("body.json:x", "device_id")].rule == "pattern:imei-luhn"
    out = cats(("body.json:imei", "imei", "352099001761481", ("json",)))
    d = out[("body.json:imei", "device_id")]
    assert d.rule == "key:imei" and d.confidence >= 0.95 and "pattern:imei-luhn agrees" in d.evidence


def test_commerce_objects_and_role_mailboxes():
    out = cats(
        ("body.json:items[0].brand", "brand", "Nike", ("json",)),
        ("body.json:car.model", "model", "Golf", ("json",)),
        ("body.json:shipping_carrier", "shipping_carrier", "DHL", ("json",)),
        ("body.json:footer", "footer", "Questions? support@example-shop.de", ("json",)),
    )
    assert out == {}
    out = cats(
        ("body.json:device.brand", "brand", "google", ("json",)),
        ("body.json:email", "email", "info@mueller-bau.de", ("json",)),
    )
    assert ("body.json:device.brand", "device_info") in out
    assert out[("body.json:email", "contact_info")].confidence == 0.5


def test_advertiser_account_numbers_are_not_ad_ids():
    assert cats(("body.json:advertiser_id", "advertiser_id", "7012345678901234567", ("json",))) == {}
    out = cats(("body.json:oaid", "oaid", "3f9a2c71b5e04d68", ("json",)))
    assert out[("body.json:oaid", "advertising_id")].confidence == 0.7


def test_vendor_numbers_are_not_idfv():
    assert cats(("body.json:items[0].vendor_id", "vendor_id", "1234567", ("json",))) == {}
    out = cats(("query:idfv", "idfv", "5F0E8C3A-7B21-4D6E-9A4F-1C2B3D4E5F60"))
    assert ("query:idfv", "device_id") in out


def test_short_values_under_terse_id_names():
    assert cats(("body.json:uid", "uid", "10234", ("json",))) == {}
    assert ("body.json:user_id", "user_id") in cats(("body.json:user_id", "user_id", "u-4711", ("json",)))


def test_encoded_parent_and_decoded_child_report_once():
    out = cats(
        ("query:user_id", "user_id", "dS00NzExLWVyaWth"),
        ("query:user_id>base64", "user_id", "u-4711-erika", ("base64",)),
    )
    assert list(out) == [("query:user_id>base64", "user_id")]


def test_protobuf_field_names_for_public_schemas():
    schema = keys.proto_schema("region1.app-measurement.com")
    assert schema is not None and keys.proto_schema("example.com") is None
    assert keys.proto_field(schema, Location.parse("body.protobuf:1.21"))[1] == "app_instance_id"
    assert keys.proto_field(schema, Location.parse("body.protobuf:1[2].2[0].2"))[1] == "event_name"
    assert keys.proto_field(schema, Location.parse("body.protobuf:1.99")) is None
    det = Detector()
    rec = record(host="app-measurement.com")
    out = det.detect(
        rec, decoded(("body.protobuf:1.21", "21", "c2f1e0d9b8a7465f9e8d7c6b5a493827", ("protobuf",)))
    )
    assert [(d.category, d.rule) for d in out] == [("user_id", "key:app_instance_id")]
    assert "protobuf field 1.21 is 'app_instance_id'" in out[0].evidence
    # the same field number elsewhere means nothing
    assert (
        det.detect(
            record(), decoded(("body.protobuf:1.21", "21", "c2f1e0d9b8a7465f9e8d7c6b5a493827", ("protobuf",)))
        )
        == []
    )
