"""Known-value matcher: find the device's and the person's real values in traffic, in the forms
SDKs really send them.

For every `KnownValue` the matcher derives *forms* (the value, and per kind its normalised
spellings: lower-cased trimmed e-mail; E.164 with and without `+` and digits-only phone; MAC with
`:`/`-`/no separators in both cases; UUIDs lower/upper/without dashes; IMEI digits) and searches:

* the forms as text, case-insensitively (`exact`, `lower`, `upper`, `no-separators`, …), and
  URL-encoded (`%40`, `+` for space) and hex-encoded;
* base64 and base64url of the forms at all three byte alignments (so a value inside a larger
  base64 blob is found), case-sensitively;
* md5/sha1/sha256 of every form, as hex (either case) or base64 (padded or not, std or url).

Text and base64 forms go into two `ahocorasick.Automaton`s (one over the lower-cased text, one
over the original), so the cost per leaf does not grow with the number of known values; needles
are cut to `NEEDLE_PREFIX` characters and the rest is verified on a hit, which keeps the
automaton small. A text needle that starts or ends with a digit does not match inside a longer
run of digits (`192.168.178.23` is not in `192.168.178.230`, a phone number not in a longer one). Digests are not in the automaton: runs of 22+ base64/hex characters are cut
out with one regex and looked up in a dict.

Short or generic values are not searched as substrings (rule, see `_generic`): values shorter
than 6 characters, OS versions, locales and MCC/MNCs, and purely alphabetic values shorter than
12 characters of kinds `model`/`carrier`/`name`/`ssid` (`Google`, `samsung`, `Anna`). They match
only when a leaf's whole value equals them (case-insensitively), and then only under a key of the
same category — except values of 5+ characters that mix letters with digits or separators
(`de_DE`, `Telekom.de`), which match as a whole leaf anywhere. Substring matches of values that
are not generic must sit on word boundaries when the value is shorter than 12 characters
(`Pixel 7` in a user agent, not `Pixel 70`).

Installed apps that are system components (`com.android.*`, Google Play services, …, see
`SYSTEM_PACKAGES`) are not searched: their names appear in ordinary traffic and say nothing about
the user.

Coordinates are not text: `near` compares floats with the profile location (see its docstring).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote, quote_plus, unquote_plus

import ahocorasick  # pyahocorasick ships no type stubs

from .profile import KnownValue

NEEDLE_PREFIX = 24
"""Automaton keys are at most this long; longer needles are verified on a hit."""
MIN_SUBSTRING = 6
"""Values shorter than this are only matched as a whole leaf value."""
MEMO_CHARS = 256
"""Leaf values up to this length have their search result kept (values repeat across requests)."""
MEMO_ENTRIES = 32768
"""Kept search results per matcher (≤ ~10 MB); all are dropped when it is full or values change."""

_DIGESTS = ("md5", "sha1", "sha256")
SYSTEM_PACKAGES = (
    "android",
    "com.android.",
    "com.google.android.gms",
    "com.google.android.gsf",
    "com.google.android.webview",
    "com.google.android.packageinstaller",
    "com.google.android.permissioncontroller",
    "com.sec.android.",
    "com.samsung.android.",
)
"""Installed-app values with these prefixes are not searched (system components present on every phone)."""
_DIGEST_HEX_LEN = {32: "md5", 40: "sha1", 64: "sha256"}
_RUN_RE = re.compile(r"[A-Za-z0-9+/_\-]{22,}")
_HEX_RUN_RE = re.compile(r"[0-9A-Fa-f]{32,}")
"""Hex runs of 32+ characters. Searched only inside the base64-alphabet runs of `_RUN_RE` (hex is
a subset of that alphabet, so a whole hex run never crosses a run's edge): one scan of the text,
not two. A run is a digest candidate when its length is one of `_DIGEST_HEX_LEN`."""
_B64_DIGEST_LEN = frozenset({22, 27, 43})  # md5, sha1, sha256 in base64 without padding
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")


class Variant(NamedTuple):
    known: KnownValue
    form: str
    """Which spelling of the value: `exact`, `lower`, `e164`, `no-separators`, …"""
    encoding: str
    """`text`, `url-encoded`, `hex`, `base64`, `base64url`."""
    needle: str
    boundary: bool = False
    in_text: bool = False
    """A short name searched only inside free text (`Erikas iPhone`), never as the whole value."""


@dataclass(frozen=True, slots=True)
class KnownMatch:
    known: KnownValue
    transform: str
    """Human-readable transform: `exact`, `lower`, `sha256(lower)`, `base64`, `md5 base64`, …"""
    start: int
    end: int
    whole: bool
    """The match covers the whole searched value."""
    generic: bool = False
    """A generic value matched as a whole leaf (only counts with key context; see module doc)."""

    @property
    def rule_suffix(self) -> str:
        return f"{self.known.name} {self.transform}"


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


# Country calling codes: 1 and 7 are one digit; these are the two-digit ones; the rest three.
_CC2 = frozenset(
    {
        "20",
        "27",
        "30",
        "31",
        "32",
        "33",
        "34",
        "36",
        "39",
        "40",
        "41",
        "43",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "60",
        "61",
        "62",
        "63",
        "64",
        "65",
        "66",
        "81",
        "82",
        "84",
        "86",
        "90",
        "91",
        "92",
        "93",
        "94",
        "95",
        "98",
    }
)


def phone_forms(value: str) -> list[tuple[str, str]]:
    """E.164 with/without `+`, and the national form with a trunk `0` (10 digits for NANP)."""
    v = value.strip()
    d = _digits(v)
    forms: list[tuple[str, str]] = [("exact", v)]
    if not d:
        return forms
    if v.startswith("+") or v.startswith("00"):
        if v.startswith("00"):
            d = d[2:]
        forms += [("e164", "+" + d), ("e164-no-plus", d)]
        cc_len = 1 if d[0] in "17" else 2 if d[:2] in _CC2 else 3
        national = d[cc_len:]
        if national:
            forms.append(("national", national if d[0] == "1" else "0" + national))
    else:
        forms.append(("digits", d))
    return forms


def value_forms(kv: KnownValue) -> list[tuple[str, str]]:
    """The spellings of a known value that SDKs send (before any encoding or hashing)."""
    v = kv.value
    forms: list[tuple[str, str]] = [("exact", v)]
    kind = kv.kind
    if kind == "email":
        forms.append(("lower", v.strip().lower()))
    elif kind == "phone":
        forms = phone_forms(v)
    elif kind == "mac":
        h = "".join(c for c in v if c in _HEXDIGITS).lower()
        if len(h) == 12:
            colon = ":".join(h[i : i + 2] for i in range(0, 12, 2))
            forms += [
                ("lower", colon),
                ("upper", colon.upper()),
                ("dashes", colon.replace(":", "-")),
                ("no-separators", h),
                ("no-separators-upper", h.upper()),
            ]
    elif kind == "imei":
        forms.append(("digits", _digits(v)))
    elif kind == "id":
        forms += [("lower", v.lower()), ("upper", v.upper())]
        if "-" in v:
            forms += [
                ("no-separators", v.replace("-", "").lower()),
                ("no-separators-upper", v.replace("-", "").upper()),
            ]
    elif kind in ("name", "address", "carrier", "model", "ssid"):
        forms.append(("lower", v.strip().lower()))
    elif kind == "place":
        low = v.strip().lower()
        forms += [("lower", low), ("no-separators", "".join(c for c in low if c.isalnum()))]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, s in forms:
        if s and s not in seen:
            seen.add(s)
            out.append((name, s))
    return out


def _generic(kv: KnownValue) -> bool:
    v = kv.value.strip()
    if len(v) < MIN_SUBSTRING or kv.kind in ("version", "locale", "mcc_mnc", "place"):
        return True
    if kv.kind in ("model", "carrier", "name", "ssid") and v.isalpha() and len(v) < 12:
        return True
    return False


def _mixed(v: str) -> bool:
    """Letters plus digits or separators and 5+ characters: distinctive enough as a whole leaf."""
    return len(v) >= 5 and any(c.isalpha() for c in v) and any(not c.isalpha() for c in v)


def b64_cores(data: bytes) -> list[tuple[int, str]]:
    """Base64 characters of `data` that do not depend on neighbouring bytes, for each of the three
    alignments at which `data` can start inside a larger base64-encoded string."""
    out = []
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + data).decode("ascii")
        first = -(-8 * shift // 6)  # ceil
        last = (8 * (shift + len(data))) // 6  # exclusive
        core = enc[first:last]
        if len(core) >= 8:
            out.append((shift, core))
    return out


class KnownMatcher:
    """Multi-pattern search for known values.

    `add` derives each value's forms, encodings and digests once (incrementally); the two automata
    are rebuilt lazily by the next search after a change (C code only, no per-value Python work).
    """

    def __init__(self, values: Iterable[KnownValue] = ()) -> None:
        self._values: list[KnownValue] = []
        self._keys: set[tuple[str, str, str]] = set()
        self._dirty = True
        self._ci: ahocorasick.Automaton | None = None
        self._cs: ahocorasick.Automaton | None = None
        self._ci_words: dict[str, list[Variant]] = {}
        self._cs_words: dict[str, list[Variant]] = {}
        self._digests: dict[str, list[tuple[KnownValue, str, str]]] = {}
        self._whole: dict[str, list[tuple[KnownValue, str, bool]]] = {}
        self.latitude: float | None = None
        self.longitude: float | None = None
        self.location_known: dict[str, KnownValue] = {}
        self._memo: dict[str, tuple[KnownMatch, ...]] = {}
        self.add(values)

    def __len__(self) -> int:
        return len(self._values)

    def add(self, values: Iterable[KnownValue]) -> None:
        for kv in values:
            key = (kv.name, kv.value, kv.provenance)
            if key in self._keys or not kv.value:
                continue
            self._keys.add(key)
            self._values.append(kv)
            self._derive(kv)
            self._dirty = True

    # --- build ----------------------------------------------------------------------------

    def _derive(self, kv: KnownValue) -> None:
        if kv.kind == "package" and kv.value.startswith(SYSTEM_PACKAGES):
            return  # on every phone; its name in traffic says nothing about the user's apps
        lname = kv.name.lower()
        if kv.category.startswith("location") and lname.endswith(("latitude", "longitude")):
            try:
                x = float(kv.value)
            except ValueError:
                return
            if lname.endswith("latitude"):
                self.latitude = x
                self.location_known["lat"] = kv
            else:
                self.longitude = x
                self.location_known["lon"] = kv
            return
        ci_words, cs_words = self._ci_words, self._cs_words
        seen: set[tuple[str, str]] = set()

        def put(words: dict[str, list[Variant]], variant: Variant) -> None:
            key = (variant.needle, variant.encoding)
            if key in seen:
                return
            seen.add(key)
            words.setdefault(variant.needle[:NEEDLE_PREFIX], []).append(variant)

        forms = value_forms(kv)
        if _generic(kv):
            w = kv.value.strip().lower()
            self._whole.setdefault(w, []).append((kv, "exact", not _mixed(kv.value.strip())))
            if kv.kind == "name" and len(w) >= 4 and w.isalpha():
                # a first name inside free text (`Erikas iPhone`, `Hi Erika, …`), on word boundaries
                put(ci_words, Variant(kv, "exact", "text", w, True, True))
        else:
            short = len(kv.value.strip()) < 12
            for form, s in forms:
                low = s.lower()
                if len(low) >= MIN_SUBSTRING:
                    put(ci_words, Variant(kv, form, "text", low, short))
                    enc = quote(s, safe="").lower()
                    if enc != low:
                        put(ci_words, Variant(kv, form, "url-encoded", enc, short))
                    enc_plus = quote_plus(s, safe="").lower()
                    if enc_plus not in (enc, low):
                        put(ci_words, Variant(kv, form, "url-encoded", enc_plus, short))
                raw = s.encode("utf-8")
                if form in ("exact", "lower", "e164", "no-separators", "digits") and len(raw) >= 6:
                    put(ci_words, Variant(kv, form, "hex", raw.hex(), False))
                    for _shift, core in b64_cores(raw):
                        put(cs_words, Variant(kv, form, "base64", core, False))
                        url = core.replace("+", "-").replace("/", "_")
                        if url != core:
                            put(cs_words, Variant(kv, form, "base64url", url, False))
                if not s.isascii():  # raw UTF-8 bytes seen through latin-1 (blobs)
                    put(ci_words, Variant(kv, form, "text", raw.decode("latin-1").lower(), short))
        # digests of every form, also for generic values (a hash is never generic)
        if len(kv.value.strip()) >= (2 if kv.kind == "place" else 3):  # hashed 2-letter country codes
            digests = self._digests
            for form, s in forms:
                raw = s.encode("utf-8")
                for algo in _DIGESTS:
                    d = hashlib.new(algo, raw).digest()
                    digests.setdefault(d.hex(), []).append((kv, form, algo))
                    digests.setdefault(base64.b64encode(d).decode().rstrip("="), []).append(
                        (kv, form, f"{algo} base64")
                    )

    def _build(self) -> None:
        self._ci = _automaton(self._ci_words)
        self._cs = _automaton(self._cs_words)
        self._memo.clear()
        self._dirty = False

    def build(self) -> None:
        """Build now (otherwise done by the first search after a change)."""
        if self._dirty:
            self._build()

    # --- search ---------------------------------------------------------------------------

    def search(self, text: str, *, leaf: bool = True) -> list[KnownMatch]:
        """Known values in `text`. `leaf=False` for blob text (bytes decoded as latin-1): no
        whole-value matching of generic values there."""
        if self._dirty:
            self._build()
        if not leaf or len(text) > MEMO_CHARS:
            return self._search(text, leaf)
        return list(self.search_leaf(text))

    def search_leaf(self, text: str) -> tuple[KnownMatch, ...]:
        """`search` of a leaf's value, as the memo keeps it (read-only: no copy per leaf)."""
        if self._dirty:
            self._build()
        if len(text) > MEMO_CHARS:
            return tuple(self._search(text, True))
        # the same values come back in request after request (ids, device fields, app version):
        # the result depends only on the text and the values known, so it is kept until they change
        memo = self._memo
        found = memo.get(text)
        if found is None:
            if len(memo) >= MEMO_ENTRIES:
                memo.clear()
            found = memo[text] = tuple(self._search(text, True))
        return found

    def _search(self, text: str, leaf: bool) -> list[KnownMatch]:
        out: list[KnownMatch] = []
        n = len(text)
        if n == 0:
            return out
        low = None
        if leaf and self._whole and n <= 80:  # generic values are short
            low = text.lower()
            hit = self._whole.get(low.strip())
            if hit:
                for kv, form, needs_key in hit:
                    out.append(
                        KnownMatch(
                            kv,
                            _case_form(text.strip(), kv.value.strip(), form),
                            0,
                            n,
                            True,
                            generic=needs_key,
                        )
                    )
        if n < MIN_SUBSTRING:
            return out
        if self._ci is not None:
            if low is None:
                low = text.lower()
            for end, variants in self._ci.iter(low):
                for var in variants:
                    m = _verify(low, end, var)
                    if m is not None:
                        start, stop = m
                        if var.in_text and (not leaf or " " not in low or (start == 0 and stop == n)):
                            continue
                        if var.encoding == "text":
                            transform = _case_form(text[start:stop], var.known.value, var.form)
                        else:
                            transform = _encoded(var.encoding, _decoded_form(text[start:stop], var))
                        out.append(KnownMatch(var.known, transform, start, stop, start == 0 and stop == n))
        if self._cs is not None and n >= 8:
            for end, variants in self._cs.iter(text):
                for var in variants:
                    m = _verify(text, end, var)
                    if m is not None:
                        out.append(KnownMatch(var.known, _encoded(var.encoding, var.form), m[0], m[1], False))
        if self._digests and n >= 22:
            # hex digests first, then base64 ones (the order findings are ranked in)
            b64_hits: list[KnownMatch] = []
            for run in _RUN_RE.finditer(text):
                tok = run.group(0)
                length = len(tok)
                if length >= 32:
                    for hexrun in _HEX_RUN_RE.finditer(tok):
                        h = hexrun.group(0)
                        if len(h) in _DIGEST_HEX_LEN:
                            out.extend(self._hex_digest_hits(h, run.start() + hexrun.start(), n))
                if length in _B64_DIGEST_LEN:
                    b64_hits.extend(self._digest_hits(tok, run.start(), n))
                elif "/" in tok:
                    # a base64 digest as a URL path segment (`/v1/u/<digest>`); the digest itself
                    # may contain '/', so try what follows and precedes every '/'
                    base = run.start()
                    for i, c in enumerate(tok):
                        if c != "/":
                            continue
                        if length - i - 1 in _B64_DIGEST_LEN:
                            b64_hits.extend(self._digest_hits(tok[i + 1 :], base + i + 1, n))
                        if i in _B64_DIGEST_LEN:
                            b64_hits.extend(self._digest_hits(tok[:i], base, n))
            out.extend(b64_hits)
        return out

    def search_bytes(self, data: bytes) -> list[KnownMatch]:
        return self.search(data.decode("latin-1"), leaf=False)

    def _hex_digest_hits(self, tok: str, start: int, n: int) -> list[KnownMatch]:
        """Known values whose digest is the hex run `tok` (all hex, of a digest's length)."""
        hits: list[KnownMatch] = []
        found = self._digests.get(tok.lower())
        if found:
            length = len(tok)
            suffix = " HEX" if any(c in "ABCDEF" for c in tok) else ""
            for kv, form, algo in found:
                if " " in algo:
                    continue
                hits.append(
                    KnownMatch(
                        kv,
                        f"{algo}({form}){suffix}".replace("(exact)", ""),
                        start,
                        start + length,
                        start == 0 and length == n,
                    )
                )
        return hits

    def _digest_hits(self, tok: str, start: int, n: int) -> list[KnownMatch]:
        """Known values whose base64 digest (no padding) is `tok`."""
        length = len(tok)
        hits: list[KnownMatch] = []
        if length in (22, 27, 43):
            b64 = tok.replace("-", "+").replace("_", "/")
            found = self._digests.get(b64)
            if found:
                for kv, form, algo in found:
                    if " " not in algo:
                        continue
                    name, enc = algo.split(" ")
                    hits.append(
                        KnownMatch(
                            kv,
                            f"{name}({form}) {enc}".replace("(exact)", ""),
                            start,
                            start + length,
                            start == 0 and length >= n - 2,
                        )
                    )
        return hits

    # --- coordinates ----------------------------------------------------------------------

    def coordinate_tolerance(self, decimals: int) -> float:
        return max(0.01, 0.5 * 10.0**-decimals + 1e-9)

    def near(self, axis: str, x: float, decimals: int) -> bool:
        """Is `x` (with `decimals` decimals) the profile latitude/longitude within tolerance?

        Tolerance: 0.01° (GPS jitter, emulator fixes), or the rounding half-unit for values with
        one decimal (52.5 for 52.52). Needs at least 1 decimal; see `analysis.detect` for the rule
        that both axes must match within one record.
        """
        ref = self.latitude if axis == "lat" else self.longitude
        if ref is None:
            return False
        return abs(x - ref) <= self.coordinate_tolerance(decimals)

    @property
    def has_location(self) -> bool:
        if self._dirty:
            self._build()
        return self.latitude is not None and self.longitude is not None


def _automaton(words: dict[str, list[Variant]]) -> ahocorasick.Automaton | None:
    if not words:
        return None
    a = ahocorasick.Automaton()
    for word, variants in words.items():
        a.add_word(word, tuple(variants))
    a.make_automaton()
    return a


def _verify(hay: str, end: int, var: Variant) -> tuple[int, int] | None:
    k = min(len(var.needle), NEEDLE_PREFIX)
    start = end - k + 1
    stop = start + len(var.needle)
    if len(var.needle) > k and hay[start:stop] != var.needle:
        return None
    if var.boundary:
        if start > 0 and hay[start - 1].isalnum():
            return None
        if stop < len(hay) and hay[stop].isalnum():
            # a possessive (`Erikas`, `Erika's`) is still the name
            if not (
                var.in_text and hay[stop] == "s" and (stop + 1 == len(hay) or not hay[stop + 1].isalnum())
            ):
                return None
    elif var.encoding in ("text", "url-encoded"):
        # a number inside a longer number is a different number (IP, phone, IMEI)
        needle = var.needle
        if start > 0 and needle[0].isdigit() and hay[start - 1].isdigit():
            return None
        if stop < len(hay) and needle[-1].isdigit() and hay[stop].isdigit():
            return None
    return start, stop


def _case_form(found: str, original: str, form: str) -> str:
    """Name a text form: `exact` when the original spelling matched as-is, else how it differs."""
    if form != "exact":
        return form
    if found == original:
        return "exact"
    if found == original.lower():
        return "lower"
    if found == original.upper():
        return "upper"
    return "case-folded"


def _decoded_form(found: str, var: Variant) -> str:
    """For case-insensitive encodings (URL, hex) of the raw value: which spelling was encoded."""
    if var.form != "exact":
        return var.form
    try:
        if var.encoding == "hex":
            plain = bytes.fromhex(found).decode("utf-8")
        else:
            plain = unquote_plus(found)
    except ValueError:
        return var.form
    return _case_form(plain, var.known.value, "exact")


def _encoded(encoding: str, form: str) -> str:
    if form == "exact":
        return encoding
    return f"{encoding}({form})"
