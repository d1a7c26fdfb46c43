"""Value validators: does this string really look like an IMEI, a MAC, an e-mail address, …?

Validators, not loose regexes: each checks the structure (Luhn digit, octet ranges, placeholder
values, reserved domains) and returns a small result with the evidence sentence, or `None`.
They are called by `analysis.detect` only on leaves that pass a cheap pre-check, and some
(`phone_national`, `uuid_shaped`) only with supporting key context — see the docstrings.

Rules decided here (false positives matter as much as misses):

* IMEI: exactly 15 digits (or 15 digits in the 2-6-6-1 dashed form), Luhn-valid, and a TAC that
  starts with a GSMA reporting-body prefix (`01`, `35`, `86`, …). A random 15-digit number passes
  Luhn one time in ten; the prefix rule cuts that to about one in sixty, and without key context
  the confidence stays at 0.6.
* MAC: six octets with one consistent separator (`:` or `-`); `00:00:00:00:00:00`,
  `02:00:00:00:00:00` (Android's placeholder since 6.0) and `ff:ff:ff:ff:ff:ff` are not findings.
  Twelve bare hex digits are a MAC only under a MAC/BSSID key.
* E-mail: local part and domain validated (labels, alphabetic TLD of 2+ letters); not the
  user-info of a URL (`https://key@o1.ingest.sentry.io`). No-reply and system mailboxes
  (`noreply@`, `mailer-daemon@`, `git@`, …) and reserved domains (`example.com`,
  `*.test`, `*.invalid`, `*.localhost`, `*.example`) are not personal data: no finding. Role
  mailboxes (`support@`, `info@`, …) are flagged: `analysis.detect` reports them only under an
  e-mail key, at low confidence with a note.
* Phone: E.164 (`+` and 8-15 digits, spaces/dashes/dots/parentheses allowed) counts on its own;
  national forms (leading 0, 7-13 digits) only under a phone key. Ten- and thirteen-digit numbers
  that are plausible epoch seconds/milliseconds are never phone numbers without a phone key.
* Coordinates: a single float needs a latitude/longitude key; a `lat,lon` pair string counts on
  its own only when both parts have >= 3 decimals. Precision = fewest decimals of the pair (or of
  the value): >= 3 → `location_precise`, 1-2 → `location_coarse`, integers → nothing. `0`/`0.0`
  (null island, "no fix") → nothing.
* IPv4: only private ranges (10/8, 172.16/12, 192.168/16) are findings (`network`); a strict
  dotted quad without leading zeros; never under a version/build key (`10.2.0.15` as
  `app_version` is a version).
* User agent: names the device model when it has `Android <v>; <model> Build/` (Dalvik/WebView/
  okhttp-with-model) or an Apple machine id (`iPhone14,2`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._rulesdb import words

# --- identifiers -----------------------------------------------------------------------------

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HEX_RE = re.compile(r"^[0-9a-fA-F]+$")
ZERO_UUID = "00000000-0000-0000-0000-000000000000"

PLACEHOLDERS = frozenset(
    {
        "",
        "null",
        "nil",
        "none",
        "undefined",
        "unknown",
        "n/a",
        "na",
        "-",
        "0",
        "-1",
        "false",
        "true",
        "(null)",
        "<null>",
        "nan",
        "default",
        "empty",
        "not available",
        "not_available",
        "unavailable",
        "00000000-0000-0000-0000-000000000000",
        "0000000000000000",
        "000000000000000",
    }
)


SHARED_ANDROID_IDS = frozenset({"9774d56d682e549c"})
"""ANDROID_IDs many devices share (Android 2.2's bug, emulators): still a device's hardware id
when sent (the app read and sent the OS's id), but not unique to one phone."""


def is_placeholder(value: str) -> bool:
    """Empty, null-like, boolean, all-zero or one repeated character: not an identifier."""
    v = value.strip().lower()
    if v in PLACEHOLDERS:
        return True
    if len(v) > 1 and v[0] != v[-1] and v[0] not in "-:" and v[-1] not in "-:":
        return False  # two different characters (most values): no need to strip the separators
    stripped = v.replace("-", "").replace(":", "")
    return len(stripped) > 0 and stripped.count(stripped[0]) == len(stripped)


def is_uuid(value: str) -> bool:
    return len(value) == 36 and _UUID_RE.match(value) is not None


def is_zero_uuid(value: str) -> bool:
    return value.strip() == ZERO_UUID


def is_hex(value: str) -> bool:
    return _HEX_RE.match(value) is not None


def id_shape(value: str) -> str | None:
    """A short description of an identifier-shaped value, or `None` if it does not look like one.

    UUIDs, hex strings of 12+ digits, long digit strings (12+) and base64/base62 tokens of 16+
    characters with both letters and digits look like identifiers.
    """
    v = value.strip()
    n = len(v)
    if n < 8 or n > 256:
        return None
    if is_uuid(v):
        return "a UUID"
    if v.isdigit() and n >= 12:
        return f"a {n}-digit number"
    if is_hex(v) and n >= 12:
        return f"{n} hex digits"
    if n >= 16 and re.fullmatch(r"\d+(?:[-_.:]\d+)+", v):
        return "a long numeric id"
    if n >= 16 and " " not in v and re.fullmatch(r"[A-Za-z0-9_\-:.+/=]+", v):
        has_digit = any(c.isdigit() for c in v)
        has_alpha = any(c.isalpha() for c in v)
        if has_digit and has_alpha:
            return "an opaque token"
    return None


# --- IMEI ------------------------------------------------------------------------------------

# GSMA reporting-body identifiers (first two TAC digits) seen on real devices.
_IMEI_RBI = frozenset(
    {
        "00",
        "01",
        "10",
        "30",
        "33",
        "35",
        "44",
        "45",
        "49",
        "50",
        "51",
        "52",
        "53",
        "54",
        "86",
        "91",
        "98",
        "99",
    }
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def imei(value: str) -> str | None:
    """The IMEI's 15 digits if `value` is a Luhn-valid IMEI with a plausible TAC, else `None`."""
    v = value.strip()
    if len(v) != 15:
        if len(v) == 18 and v.count("-") == 3:
            v = v.replace("-", "")
        else:
            return None
    if not v.isdigit() or v[:2] not in _IMEI_RBI or is_placeholder(v):
        return None
    return v if luhn_ok(v) else None


def meid(value: str) -> str | None:
    """A 14-hex-digit MEID (only meaningful under a MEID key)."""
    v = value.strip()
    if len(v) == 14 and is_hex(v) and not is_placeholder(v):
        return v.upper()
    return None


# --- MAC -------------------------------------------------------------------------------------

_MAC_RE = re.compile(r"^[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}$")
MAC_PLACEHOLDERS = frozenset({"000000000000", "020000000000", "ffffffffffff"})


def mac(value: str, *, bare_ok: bool = False) -> str | None:
    """The MAC as 12 lower-case hex digits, or `None` (placeholders and broadcast are `None`).

    `bare_ok` accepts 12 hex digits without separators (only with MAC/BSSID key context).
    """
    v = value.strip()
    if len(v) == 17 and _MAC_RE.match(v):
        h = v.replace(":", "").replace("-", "").lower()
    elif bare_ok and len(v) == 12 and is_hex(v):
        h = v.lower()
    else:
        return None
    if h in MAC_PLACEHOLDERS:
        return None
    return h


# --- e-mail ----------------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-/])([A-Za-z0-9][A-Za-z0-9._%+\-]{0,63})@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![A-Za-z0-9\-])"
)
_NOREPLY_LOCAL = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]daemon|postmaster|bounces?|notifications?)"
    r"|^(?:git|root|nobody|daemon|www-data)$",  # system accounts (`git@github.com:org/repo`)
    re.I,
)
_ROLE_LOCAL = frozenset(
    {
        "support",
        "info",
        "help",
        "contact",
        "admin",
        "sales",
        "privacy",
        "hello",
        "team",
        "service",
        "feedback",
        "legal",
        "dpo",
        "abuse",
        "webmaster",
        "office",
    }
)
_RESERVED_DOMAIN = re.compile(
    r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)$", re.I
)


@dataclass(frozen=True, slots=True)
class EmailMatch:
    address: str
    role: bool
    """A role mailbox (`support@`, `info@`): kept, but likely not the user's own address."""


def emails(text: str) -> list[EmailMatch]:
    """Personal-looking e-mail addresses in `text` (no-reply/system mailboxes and reserved
    domains left out; role mailboxes flagged)."""
    if "@" not in text:
        return []
    out = []
    for m in _EMAIL_RE.finditer(text):
        local, domain = m.group(1), m.group(2)
        if ".." in local or local.endswith(".") or _NOREPLY_LOCAL.match(local):
            continue
        if _RESERVED_DOMAIN.search(domain):
            continue
        # `name@2x.png`-style asset names: the "TLD" is a file extension.
        if domain.rsplit(".", 1)[-1].lower() in _FILE_EXTENSIONS:
            continue
        out.append(EmailMatch(m.group(0), local.lower() in _ROLE_LOCAL))
    return out


_FILE_EXTENSIONS = frozenset(
    {
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "svg",
        "js",
        "css",
        "json",
        "html",
        "xml",
        "mp4",
        "mp3",
        "pdf",
        "zip",
        "so",
        "dex",
        "jar",
        "java",
        "kt",
        "swift",
    }
)


# --- phone -----------------------------------------------------------------------------------

_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./\-]{6,24}$")


def epoch_like(digits: str) -> bool:
    """10 or 13 digits within 2001..2100 as seconds/milliseconds since the epoch."""
    if len(digits) == 10:
        return 978_307_200 <= int(digits) <= 4_102_444_800
    if len(digits) == 13:
        return 978_307_200_000 <= int(digits) <= 4_102_444_800_000
    return False


def phone_e164(value: str) -> str | None:
    """The digits (without '+') of an E.164 number written with a leading '+', else `None`."""
    v = value.strip()
    if not v.startswith("+") or not _PHONE_CHARS.match(v):
        return None
    digits = "".join(c for c in v if c.isdigit())
    if not 8 <= len(digits) <= 15 or digits[0] == "0":
        return None
    return digits


def phone_national(value: str) -> str | None:
    """The digits of a national-form number (only meaningful under a phone key), else `None`.

    Accepts E.164 too. National: 7-13 digits after removing separators; an epoch-like 10/13 digit
    number is still refused (a key named `phone` sometimes carries the time of a phone event).
    """
    e = phone_e164(value)
    if e:
        return e
    v = value.strip()
    if not _PHONE_CHARS.match(v):
        return None
    digits = "".join(c for c in v if c.isdigit())
    if v.startswith("00"):
        digits = digits[2:]
    if not 7 <= len(digits) <= 13 or epoch_like(digits) or is_placeholder(digits):
        return None
    return digits


# --- coordinates -----------------------------------------------------------------------------

_FLOAT_RE = re.compile(r"^-?\d{1,3}(?:\.(\d+))?$")
_PAIR_RE = re.compile(r"^\s*(-?\d{1,2}\.(\d+))\s*[,;]\s*(-?\d{1,3}\.(\d+))\s*$")


@dataclass(frozen=True, slots=True)
class Coordinate:
    value: float
    decimals: int


def coordinate(value: str, *, limit: float) -> Coordinate | None:
    """A float within ±limit (90 for latitude, 180 for longitude); 0 and integers with no
    decimals are `None` (0 is "no fix"; an integer is not a coordinate worth reporting)."""
    v = value.strip()
    m = _FLOAT_RE.match(v)
    if not m:
        return None
    decimals = len(m.group(1) or "")
    if decimals == 0:
        return None
    # trailing zeros from float formatting (`52.500000`) do not add precision
    decimals = len((m.group(1) or "").rstrip("0")) or 0
    x = float(v)
    if x == 0.0 or abs(x) > limit or decimals == 0:
        return None
    return Coordinate(x, decimals)


def coordinate_pair(value: str) -> tuple[Coordinate, Coordinate] | None:
    """`"52.5200,13.4050"` → (lat, lon), when both are in range and not (0, 0)."""
    if "," not in value and ";" not in value:
        return None
    m = _PAIR_RE.match(value)
    if not m:
        return None
    lat, lon = float(m.group(1)), float(m.group(3))
    if abs(lat) > 90 or abs(lon) > 180 or (lat == 0 and lon == 0):
        return None
    dl, dn = len(m.group(2).rstrip("0")), len(m.group(4).rstrip("0"))
    if dl == 0 or dn == 0:
        return None
    return Coordinate(lat, dl), Coordinate(lon, dn)


def location_category(decimals: int) -> str:
    return "location_precise" if decimals >= 3 else "location_coarse"


# --- IP --------------------------------------------------------------------------------------

_IPV4_RE = re.compile(r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")


def private_ipv4(value: str) -> str | None:
    """The address if `value` is a strict dotted quad in 10/8, 172.16/12 or 192.168/16."""
    v = value.strip()
    if not 7 <= len(v) <= 15 or not _IPV4_RE.match(v):
        return None
    a, b, _, d = (int(x) for x in v.split("."))
    if a == 10 or (a == 172 and 16 <= b <= 31) or (a == 192 and b == 168):
        if d in (0, 255):  # network / broadcast address, not a host
            return None
        return v
    return None


# --- user agent ------------------------------------------------------------------------------

_UA_ANDROID_RE = re.compile(r"Android\s[\d.]+;\s(?:[a-z]{2}[-_][A-Za-z]{2};\s)?([^;()]+?);?\s+Build/")
_UA_APPLE_RE = re.compile(r"\b((?:iPhone|iPad|iPod|Watch|AppleTV)\d{1,2},\d{1,2})\b")


def ua_model(value: str) -> str | None:
    """The device model a user-agent string names (`Pixel 7`, `SM-G991B`, `iPhone14,2`)."""
    if "Build/" in value:
        m = _UA_ANDROID_RE.search(value)
        if m:
            model = m.group(1).strip()
            if model and model.lower() not in ("linux", "u", "wv", "mobile", "k"):
                return model
    if "," in value:
        m = _UA_APPLE_RE.search(value)
        if m:
            return m.group(1)
    return None


# --- push tokens -----------------------------------------------------------------------------

_FCM_RE = re.compile(r"^[A-Za-z0-9_\-]{11,}:APA91b[A-Za-z0-9_\-]{60,}$")


def push_token(value: str) -> bool:
    """A Firebase Cloud Messaging registration token (`<instance id>:APA91b…`): a persistent,
    per-install id that lets a server reach this device."""
    return _FCM_RE.match(value.strip()) is not None


# --- a person's name in a message: greeted at the start or signing at the end --------------------


def _word_pattern(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _addressed_res() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    w = words()
    name = r"([A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{1,20})"
    greeting = re.compile(rf"^(?:{_word_pattern(w.lists['greetings'])})[ ,]+{name}\b(?![-'’\w])", re.I)
    sign_off = re.compile(rf"\b(?:{_word_pattern(w.lists['sign_offs'])})[,!.]?\s+{name}[.!]?\s*$", re.I)
    return greeting, sign_off, w.set("not_names")


_GREETING_RE, _SIGN_OFF_RE, _NOT_NAMES = _addressed_res()


def addressed_name(text: str) -> str | None:
    """The name a message greets (`Hallo Lena, …`, `Hi Sam!`) or is signed with (`…, Viele Grüße,
    Lena`), or `None`: salutations and sign-offs name a person whatever the app or vendor.
    Capitalised words that are no one's name (`Hallo Team`, `Dear Customer`) are not names."""
    for rx, part in ((_GREETING_RE, text), (_SIGN_OFF_RE, text[-60:])):
        m = rx.search(part)
        if m is not None:
            name = m.group(1)
            # the name itself must be capitalised (the greeting is matched case-insensitively)
            if name[0].isupper() and name[1:].islower() and name.lower() not in _NOT_NAMES:
                return name
    return None


# --- a text in the writer's own words: first person singular -------------------------------------


def _first_person_re() -> re.Pattern[str]:
    listed = words().lists["first_person_words"]
    # as written in a sentence (`ich`, `Ich`), not in capitals (`IO error`, `MIR`)
    spelled = _word_pattern(tuple(listed) + tuple(w[0].upper() + w[1:] for w in listed))
    # whole words only: not `I/ActivityManager`, `my-app`, `ich.js`, `socket.io`
    edge_l, edge_r = r"(?<![\w/.\-@'])", r"(?![\w/\-@]|\.\w)"
    return re.compile(rf"{edge_l}(?:{spelled}|I(?:'m|'ve|'ll|'d|’m)?|my){edge_r}")


_FIRST_PERSON_RE = _first_person_re()


def first_person(text: str) -> str | None:
    """The first-person word of a text written in the writer's own words (`Ich komme später`,
    `I sent my CV`, a quoted reply inside a relayed message), or `None`. Three words at least;
    templated notifications address the user in the second person and say nothing here."""
    if text.count(" ") < 2 or len(text) > 20000:
        return None
    m = _FIRST_PERSON_RE.search(text)
    return m.group(0) if m is not None else None


_PRIVATE_IN_TEXT_RE = re.compile(
    r"(?<![\d.])(?:192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}(?![\d.]*\d)"
)


def private_ipv4_in_text(text: str) -> str | None:
    """A private address of 192.168/16 or 172.16/12 inside free text (`login from 192.168.1.20`):
    the device's local network, as a log line or message carries it. 10/8 is left out in text,
    where `10.x.y.z` is as often a version."""
    for m in _PRIVATE_IN_TEXT_RE.finditer(text):
        if private_ipv4(m.group(0)):
            return m.group(0)
    return None
