"""The other-vendor probe corpus (tests/corpus/othersdk) loads, and its labels fit its flows.

Every recorded request has exactly one hand label (batch A in `labels-A.toml`, held-out batch B in
`labels-B.toml`), every label names a recorded request of its own batch, the categories are
phonehome's ids, the vendors are not those of the real-SDK corpus, and the recording carries
nothing of the machine it was made on. The figures come from `benchmarks/othersdk.py`. These
checks read labels and bytes only, never phonehome's findings on batch B.
"""

from __future__ import annotations

import base64
import gzip
import importlib.util
import json
import os
import re
import socket
import sys
import tomllib
import urllib.parse
import zlib
from pathlib import Path

import pytest

from phonehome.analysis.categories import CATEGORY_IDS

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus" / "othersdk"
REALSDK = REPO / "tests" / "corpus" / "realsdk"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _load("othersdk_benchmark", REPO / "benchmarks" / "othersdk.py")


@pytest.fixture(scope="module")
def requests(bench):
    return bench.realsdk.load_corpus(CORPUS)


def test_every_request_has_exactly_one_label_in_its_batch_file(bench, requests):
    keys: list[str] = []
    for path in bench.label_files(CORPUS):
        batch = path.stem.removeprefix("labels-")
        items = tomllib.loads(path.read_text(encoding="utf-8"))["request"]
        wrong = [i["key"] for i in items if bench.set_of(i["key"]) != batch]
        assert not wrong, f"{path.name} labels requests of another batch: {wrong}"
        keys += [i["key"] for i in items]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates, f"labelled twice: {sorted(duplicates)}"
    recorded = {r.key for r in requests}
    assert len(recorded) == len(requests), "request keys are not unique"
    assert not recorded - set(keys), f"recorded but not labelled: {sorted(recorded - set(keys))}"
    assert not set(keys) - recorded, f"labels without a recorded request: {sorted(set(keys) - recorded)}"
    assert {bench.set_of(k) for k in recorded} <= set(bench.SETS), "recordings are named A-* or B-*"


def test_labels_are_well_formed(bench):
    for label in bench.load_labels(CORPUS).values():
        assert set(label.categories) <= set(CATEGORY_IDS), (
            f"{label.key}: unknown {set(label.categories) - set(CATEGORY_IDS)}"
        )
        assert label.hashed <= label.categories, f"{label.key}: hashed categories must also be labelled"
        assert label.orgs and all(o.strip() for o in label.orgs), f"{label.key}: no organisation"
        assert label.reason.strip(), f"{label.key}: no reason"


def test_corpus_size_and_vendors_disjoint_from_the_real_sdk_corpus(bench, requests):
    labels = bench.load_labels(CORPUS)
    recordings = {r.key.split("#")[0] for r in requests}
    assert len(recordings) >= 10 and len(requests) >= 50
    assert any(bench.set_of(r) == "A" for r in recordings)
    # The brand (a label's first name); owners may coincide (Segment belongs to Twilio).
    real_orgs = set()
    for item in tomllib.loads((REALSDK / "labels.toml").read_text(encoding="utf-8"))["request"]:
        org = item["org"]
        real_orgs.add((org[0] if isinstance(org, list) else org).casefold())
    real_orgs -= {"first party"}
    ours = {label.orgs[0].casefold() for label in labels.values()}
    assert not ours & real_orgs, f"vendors of the real-SDK corpus: {sorted(ours & real_orgs)}"
    real_hosts = {r.records[0].host for r in bench.realsdk.load_corpus(REALSDK)}
    assert not {r.records[0].host for r in requests} & real_hosts


def test_recording_holds_nothing_of_this_machine(requests):
    machine = {str(REPO), "/work/", "/root/", socket.gethostname(), os.uname().release}
    machine |= {
        v for k, v in os.environ.items() if len(v) >= 12 and k in ("HOME", "PATH", "VIRTUAL_ENV", "PWD")
    }
    for request in requests:
        for record in request.records:
            blob = _readable(record)
            for secret in machine:
                assert secret not in blob, f"{request.key} carries {secret!r}"


# Raw values of the test person and phone, and the category a request carrying them gets unless
# its label says why not (`judged_not`): a check of the labels against the bytes, independent of
# phonehome's detectors.
RAW_VALUES = {
    "lena.beispiel@posteo.de": "contact_info",
    "+4915112345678": "contact_info",
    "Beispiel": "contact_info",
    "Invalidenstra": "contact_info",
    "38400000-8cf0-11bd-b23e-10b96e40000d": "advertising_id",
    "9774d56d682e549c": "device_id",
    "52.520008": "location_precise",
    "10115": "location_coarse",
    "Berlin": "location_coarse",
    "azubi-58213": "user_id",
    "SM-A546B": "device_info",
    "Telekom.de": "network",
    "192.168.178.42": "network",
    "Sommer2026!azubi": "credentials",
}


def _unpacked(data: bytes) -> str:
    """The body as text with the encodings these SDKs use undone: gzip without Content-Encoding,
    zlib parts after a newline (Sentry replay envelopes), gzip strings inside JSON (PostHog
    snapshots, one byte per character)."""
    parts = [data]
    for opener in (gzip.decompress, zlib.decompress):
        try:
            parts.append(opener(data))
        except (OSError, EOFError, zlib.error):
            pass
    for i in (m.start() for m in re.finditer(rb"\n", data)):
        try:
            parts.append(zlib.decompress(data[i + 1 :]))
        except zlib.error:
            pass
    text = " ".join(p.decode("utf-8", "replace") for p in parts)
    for escaped in re.findall(r'"(\\u001f(?:[^"\\]|\\.)*)"', text):
        try:
            raw = json.loads(f'"{escaped}"').encode("latin-1")
            text += " " + gzip.decompress(raw).decode("utf-8", "replace")
        except (ValueError, UnicodeError, OSError, EOFError):
            pass
    return text


def _base64_pieces(text: str) -> str:
    out = []
    pieces = re.findall(r"[A-Za-z0-9_\-+/]{24,}={0,2}", text)
    pieces += [part for piece in pieces for part in piece.split("/") if len(part) >= 24]
    for piece in pieces:
        try:
            data = piece.rstrip("=").replace("+", "-").replace("/", "_")
            out.append(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            pass
    return " ".join(out)


# LZ-string (16-bit) decompression, for bodies and query values an SDK sends compressed and then
# base64-encoded byte pair by byte pair (CleverTap's `d` and `arp`): label QA only.
def _lz_decompress16(words: list[int]) -> str:
    """LZ-string decompress of a sequence of 16-bit values (lz-string's `decompress`)."""
    length = len(words)
    if not length:
        return ""
    dictionary = {0: 0, 1: 1, 2: 2}
    enlarge_in, dict_size, num_bits = 4, 4, 3
    state = {"val": words[0], "pos": 32768, "index": 1}

    def read_bits(n: int) -> int:
        bits, power = 0, 1
        while power != (1 << n):
            resb = state["val"] & state["pos"]
            state["pos"] >>= 1
            if state["pos"] == 0:
                state["pos"] = 32768
                state["val"] = words[state["index"]] if state["index"] < length else 0
                state["index"] += 1
            bits |= (1 if resb > 0 else 0) * power
            power <<= 1
        return bits

    first = read_bits(2)
    if first == 0:
        c = chr(read_bits(8))
    elif first == 1:
        c = chr(read_bits(16))
    else:
        return ""
    dictionary[3] = c
    w = c
    result = [c]
    while True:
        if state["index"] > length + 1:
            return "".join(result)
        c = read_bits(num_bits)
        if c == 0:
            dictionary[dict_size] = chr(read_bits(8))
            c = dict_size
            dict_size += 1
            enlarge_in -= 1
        elif c == 1:
            dictionary[dict_size] = chr(read_bits(16))
            c = dict_size
            dict_size += 1
            enlarge_in -= 1
        elif c == 2:
            return "".join(result)
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1
        if c in dictionary:
            entry = dictionary[c]
        elif c == dict_size:
            entry = w + w[0]
        else:
            return "".join(result)
        result.append(entry)
        dictionary[dict_size] = w + entry[0]
        dict_size += 1
        enlarge_in -= 1
        w = entry
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1


def _lz_base64(text: str) -> str:
    """LZ-string base64 pieces of JSON objects (their compressed form starts with `N4`), decompressed."""
    out = []
    for piece in re.findall(r"N4[A-Za-z0-9+/]{20,}={0,2}", text):
        try:
            raw = base64.b64decode(piece + "=" * (-len(piece) % 4))
        except ValueError:
            continue
        words = [(raw[i] << 8) | raw[i + 1] for i in range(0, len(raw) - 1, 2)]
        try:
            out.append(_lz_decompress16(words))
        except (IndexError, ValueError, KeyError):
            pass
    return " ".join(out)


def _readable(record) -> str:
    headers = " ".join(f"{k}: {v}" for k, v in record.request_headers)
    path = urllib.parse.unquote(record.path)
    body = _unpacked(record.body)
    text = f"{path} {headers} {body}"
    decoded = _base64_pieces(f"{path} {urllib.parse.unquote(body)}") + " " + _lz_base64(path)
    return urllib.parse.unquote(text + " " + decoded)


def test_labels_cover_the_raw_values_in_each_request(bench, requests):
    raw = {item["key"]: item for item in bench.raw_labels(CORPUS)}
    problems = []
    for request in requests:
        item = raw[request.key]
        judged_not = item.get("judged_not", {})
        blob = " ".join(_readable(r) for r in request.records)
        for value, category in RAW_VALUES.items():
            if value in blob and category not in item.get("categories", []) and category not in judged_not:
                problems.append(f"{request.key}: carries {value!r} but is not labelled {category}")
    assert not problems, "\n".join(problems)


def test_benchmark_replays_every_labelled_request_through_the_pipeline(bench):
    requests = bench.labelled_corpus(CORPUS)
    pairs = sum(len(r.label.categories) for r in requests)
    for result in bench.run_all(requests, bench.analysers())[:2]:
        assert result.requests == len(requests)
        assert sum(result.tp.values()) + sum(result.fn.values()) == pairs
        assert 0.0 <= result.org_accuracy() <= 1.0 and 0.0 <= result.party_accuracy() <= 1.0
        assert sum(result.tp.values()) > 0, "the pipeline found nothing at all in the corpus"
