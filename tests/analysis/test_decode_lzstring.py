"""The `lzstring` step: LZ-String-compressed JSON in query and form values (`compressToBase64`,
`compressToEncodedURIComponent`), as web SDKs send their payloads (CleverTap's `d=`).

The compressor below is written from LZ-String 1.4.4's published algorithm (pieroxy/lz-string,
`_compress`): LZW codes, literals as 2-bit code 0 + 8 bits (or code 1 + 16 bits), end code 2, bits
written LSB-first into 6-bit units of the base64 or URL-safe alphabet. The decoder was also
checked against a real CleverTap web SDK request (tests/corpus/othersdk, batch A).
"""

from __future__ import annotations

import json
import random
import urllib.parse

from support.decode import record

from phonehome.analysis.decode import DecodeLimits, decode_record
from phonehome.analysis.decode._lzstring import lz_decompress, starts_with_json

BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
URI_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$"


def lz_compress(text: str, alphabet: str = BASE64) -> str:
    bits_per_char = 6
    out: list[str] = []
    val = 0
    position = 0

    def write(value: int, nbits: int) -> None:
        nonlocal val, position
        for _ in range(nbits):
            val = (val << 1) | (value & 1)
            if position == bits_per_char - 1:
                position = 0
                out.append(alphabet[val])
                val = 0
            else:
                position += 1
            value >>= 1

    dictionary: dict[str, int] = {}
    to_create: set[str] = set()
    w = ""
    enlarge_in = 2
    dict_size = 3
    num_bits = 2

    def emit(w: str) -> None:
        nonlocal enlarge_in, num_bits
        if w in to_create:
            if ord(w[0]) < 256:
                write(0, num_bits)
                write(ord(w[0]), 8)
            else:
                write(1, num_bits)
                write(ord(w[0]), 16)
            enlarge_in -= 1
            if enlarge_in == 0:
                enlarge_in = 1 << num_bits
                num_bits += 1
            to_create.discard(w)
        else:
            write(dictionary[w], num_bits)
        enlarge_in -= 1
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1

    for c in text:
        if c not in dictionary:
            dictionary[c] = dict_size
            dict_size += 1
            to_create.add(c)
        wc = w + c
        if wc in dictionary:
            w = wc
        else:
            emit(w)
            dictionary[wc] = dict_size
            dict_size += 1
            w = c
    if w:
        emit(w)
    write(2, num_bits)
    while True:  # flush the last unit
        val <<= 1
        if position == bits_per_char - 1:
            out.append(alphabet[val])
            break
        position += 1
    s = "".join(out)
    if alphabet == BASE64:
        s += "=" * (-len(s) % 4)
    return s


def leaves_of(out):  # type: ignore[no-untyped-def]
    return {str(leaf.location): leaf for leaf in out.leaves}


PROFILE = {
    "type": "profile",
    "profile": {"Name": "Kim Probe", "Email": "kim.probe@mailbox.org", "City": "Leipzig"},
}


def test_compressed_json_in_a_query_is_opened() -> None:
    d = lz_compress(json.dumps(PROFILE))
    assert d.startswith("N") and starts_with_json(d)
    out = decode_record(record(path=f"/a?t=96&d={urllib.parse.quote(d, safe='')}"))
    leaves = leaves_of(out)
    assert leaves["query:d>lzstring>json:profile.Email"].value == "kim.probe@mailbox.org"
    assert leaves["query:d>lzstring>json:profile.City"].decoding == ("lzstring", "json")


def test_the_url_safe_form_and_arrays_are_opened() -> None:
    batch = [{"evtName": "Job Search", "evtData": {"q": "Koch", "city": "Leipzig"}}] * 3
    d = lz_compress(json.dumps(batch), URI_SAFE)
    out = decode_record(record(f"d={d}".encode(), content_type="application/x-www-form-urlencoded"))
    leaves = leaves_of(out)
    assert leaves["body.form:d>lzstring>json:[2].evtData.city"].value == "Leipzig"


def test_round_trip_of_longer_and_non_ascii_text() -> None:
    text = json.dumps({"msg": "Grüße aus Köln " * 50, "emoji": "✓"}, ensure_ascii=False)
    assert lz_decompress(lz_compress(text), 1 << 20) == text
    assert lz_decompress(lz_compress(text, URI_SAFE), 1 << 20) == text


def test_ids_tokens_and_broken_streams_are_left_alone() -> None:
    rng = random.Random(7)
    alphabet = BASE64[:64]
    for _ in range(2000):
        token = "N" + "".join(rng.choice(alphabet) for _ in range(rng.randint(11, 60)))
        out = decode_record(record(path=f"/a?d={urllib.parse.quote(token, safe='')}"))
        assert not [leaf for leaf in out.leaves if "lzstring" in leaf.decoding], token
    good = lz_compress(json.dumps(PROFILE))
    assert lz_decompress(good[: len(good) // 2], 1 << 20) is None  # cut: no end code
    assert lz_decompress(good, 20) is None  # over the output limit
    assert not starts_with_json(lz_compress("plain text, not JSON"))


def test_the_output_is_bounded_by_the_parse_limit() -> None:
    big = lz_compress(json.dumps({"a": "x" * 200_000}))  # compresses to a few KB
    out = decode_record(
        record(path=f"/a?d={urllib.parse.quote(big, safe='')}"), DecodeLimits(max_parse_size=50_000)
    )
    assert not [leaf for leaf in out.leaves if "lzstring" in leaf.decoding]
