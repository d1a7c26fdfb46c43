"""Value validators (analysis.patterns): real shapes pass, look-alikes do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phonehome.analysis import patterns as p


@pytest.mark.parametrize(
    "value", ["352099001761481", "490154203237518", "35-209900-176148-1", "861536030196001"]
)
def test_imei_valid(value):
    assert p.imei(value)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("352099001761482", id="bad-luhn"),
        pytest.param("123456789012347", id="luhn-ok-but-no-tac-prefix"),
        pytest.param("000000000000000", id="zeros"),
        pytest.param("35209900176148", id="14-digits"),
        pytest.param("1700000000123", id="epoch-ms"),
    ],
)
def test_imei_invalid(value):
    assert p.imei(value) is None


@given(st.integers(min_value=10**14, max_value=10**15 - 1))
def test_imei_accepts_only_luhn_valid(n):
    s = str(n)
    if p.imei(s):
        assert p.luhn_ok(s) and s[:2] in p._IMEI_RBI


@pytest.mark.parametrize(
    "value,expected",
    [
        ("A4:5E:60:D2:3B:71", "a45e60d23b71"),
        ("a4-5e-60-d2-3b-71", "a45e60d23b71"),
    ],
)
def test_mac_valid(value, expected):
    assert p.mac(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "00:00:00:00:00:00",
        "02:00:00:00:00:00",
        "ff:ff:ff:ff:ff:ff",
        "a4:5e-60:d2:3b:71",
        "a45e60d23b71",
        "12:34:56",
    ],
)
def test_mac_invalid(value):
    assert p.mac(value) is None


def test_mac_bare_needs_context():
    assert p.mac("a45e60d23b71") is None
    assert p.mac("a45e60d23b71", bare_ok=True) == "a45e60d23b71"
    assert p.mac("020000000000", bare_ok=True) is None


@pytest.mark.parametrize(
    "text,address,role",
    [
        ("erika.mustermann@posteo.de", "erika.mustermann@posteo.de", False),
        ("contact: Max.Beispiel+shop@gmx.net, thanks", "Max.Beispiel+shop@gmx.net", False),
        ("support@example-shop.de", "support@example-shop.de", True),
    ],
)
def test_email_found(text, address, role):
    found = p.emails(text)
    assert found and found[0].address == address and found[0].role is role


@pytest.mark.parametrize(
    "text",
    [
        "noreply@example-shop.de",
        "no-reply@shop.de",
        "mailer-daemon@x.de",
        "jane@example.com",
        "a@b.test",
        "icon@2x.png",
        "logo@3x.webp",
        "https://3f5b7a9c@o123.ingest.sentry.io/45",
        "user@localhost",
        "a..b@x.de",
        "1.0@2",
        "x@y",
        "git@github.com:example/app.git",
    ],
)
def test_email_not_personal(text):
    assert p.emails(text) == []


@pytest.mark.parametrize(
    "value,digits",
    [
        ("+49 171 2345678", "491712345678"),
        ("+1 (415) 555-0132", "14155550132"),
        ("+491712345678", "491712345678"),
    ],
)
def test_phone_e164(value, digits):
    assert p.phone_e164(value) == digits


@pytest.mark.parametrize("value", ["01712345678", "+0171234", "+49 17", "1700000000", "+12", "12.3.2024"])
def test_phone_e164_refuses(value):
    assert p.phone_e164(value) is None


def test_phone_national_only_with_context_and_not_epochs():
    assert p.phone_national("0171 2345678") == "01712345678"
    assert p.phone_national("0049 171 2345678") == "491712345678"
    assert p.phone_national("1700000000") is None  # epoch seconds
    assert p.phone_national("1700000000123") is None  # epoch milliseconds
    assert p.phone_national("12345") is None


@pytest.mark.parametrize(
    "value,decimals,category",
    [
        ("52.516274", 6, "location_precise"),
        ("52.516", 3, "location_precise"),
        ("52.52", 2, "location_coarse"),
        ("-33.8688", 4, "location_precise"),
        ("52.500000", 1, "location_coarse"),
    ],
)
def test_coordinate_precision(value, decimals, category):
    c = p.coordinate(value, limit=90)
    assert c is not None and c.decimals == decimals
    assert p.location_category(c.decimals) == category


@pytest.mark.parametrize(
    "value,limit",
    [("0.0", 90), ("0", 90), ("52", 90), ("91.5", 90), ("181.2", 180), ("1.2.3", 90), ("abc", 90)],
)
def test_coordinate_refused(value, limit):
    assert p.coordinate(value, limit=limit) is None


def test_coordinate_pair():
    lat, lon = p.coordinate_pair("52.516274,13.377704")
    assert (lat.value, lon.value, lat.decimals) == (52.516274, 13.377704, 6)
    assert p.coordinate_pair("0.0,0.0") is None
    assert p.coordinate_pair("1,2") is None
    assert p.coordinate_pair("95.1,13.4") is None


@pytest.mark.parametrize(
    "value,ok",
    [
        ("192.168.178.23", True),
        ("10.0.0.7", True),
        ("172.16.4.2", True),
        ("172.31.255.254", True),
        ("172.32.0.1", False),
        ("8.8.8.8", False),
        ("1.2.3.4", False),
        ("192.168.1.255", False),
        ("192.168.01.2", False),
        ("256.1.1.1", False),
        ("14.0", False),
    ],
)
def test_private_ipv4(value, ok):
    assert (p.private_ipv4(value) is not None) is ok


@pytest.mark.parametrize(
    "ua,model",
    [
        ("Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/UQ1A.240105.004)", "Pixel 7"),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36",
            "SM-G991B",
        ),
        ("Mozilla/5.0 (Linux; U; Android 4.4.2; de-de; GT-I9505 Build/KOT49H)", "GT-I9505"),
        ("MyApp/3.2 (iPhone14,2; iOS 17.1; Scale/3.00)", "iPhone14,2"),
    ],
)
def test_ua_model(ua, model):
    assert p.ua_model(ua) == model


@pytest.mark.parametrize(
    "ua",
    [
        "okhttp/4.12.0",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36",
        "MyApp/3.2 (iPhone; iOS 17.1; Scale/3.00)",
        "CFNetwork/1474 Darwin/23.0.0",
    ],
)
def test_ua_without_model(ua):
    assert p.ua_model(ua) is None


def test_placeholders_and_uuid():
    for v in ("", "null", "0", "00000000-0000-0000-0000-000000000000", "true", "unknown", "ffffffff"):
        assert p.is_placeholder(v)
    assert not p.is_placeholder("9f3c2a71b5e04d68")
    assert p.is_uuid("38400000-8cf0-11bd-b23e-10b96e40000d")
    assert p.is_zero_uuid("00000000-0000-0000-0000-000000000000")


def test_push_token():
    token = (
        "fQx3Yb9TR0-kq2mJc7ZpLd:APA91b"
        + "G8vX2kq0nTQmH4rL7yZc1wE5uJ9pS3aD6fK0hN2bV4xC8mQ1tR7yU3iO5pA9sD2fG6hJ0kL4"
    )
    assert p.push_token(token)
    assert not p.push_token("APA91b-not-a-token")
