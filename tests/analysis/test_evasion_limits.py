"""Evasion and limits (issue #18 item 8): padding cannot push real values past the leaf limit, a
declared Content-Encoding the body does not have does not hide it, and a profile's size is
bounded with a clear message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from phonehome.analysis.model import Record
from phonehome.analysis.pipeline import Analyser
from phonehome.analysis.profile import MAX_CONTACTS, ProfileError, parse_profile
from phonehome.cli import main

ADID = "38400000-8cf0-11bd-b23e-10b96e40000d"
EMAIL = "lena.beispiel@posteo.de"
SAMPLE = Path(__file__).resolve().parents[2] / "captures" / "sample"


def _record(
    body: bytes = b"",
    headers: tuple[tuple[str, str], ...] = (),
    path: str = "/v1/events",
    content_encoding: str = "",
) -> Record:
    headers = (("Content-Type", "application/json"), *headers)
    return Record(
        "ev",
        1700000000.0,
        "http",
        "request",
        "POST",
        "https",
        "collect.example.net",
        443,
        path,
        "HTTP/1.1",
        headers,
        body,
        len(body),
        content_encoding=content_encoding,
    )


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    return Analyser(profile=parse_profile({"device": {"advertising_id": ADID}, "person": {"email": EMAIL}}))


def _found(rows: list[dict], value: str) -> list[dict]:
    return [
        r
        for r in rows
        if value.lower() in str(r.get("value", "")).lower()
        or value.lower() in str(r.get("evidence", "")).lower()
    ]


def test_identical_padding_headers_do_not_hide_the_real_value(analyser: Analyser) -> None:
    padding = tuple((f"X-Pad-{i}", "x") for i in range(10_000))
    rows = analyser.analyse_record(_record(b"{}", headers=(*padding, ("X-Ad-Id", ADID))))
    assert _found(rows, ADID)


def test_empty_padding_keys_do_not_hide_the_real_value(analyser: Analyser) -> None:
    body = {f"p{i}": "" for i in range(12_000)} | {"advertising_id": ADID, "email": EMAIL}
    rows = analyser.analyse_record(_record(json.dumps(body).encode()))
    assert _found(rows, ADID) and _found(rows, EMAIL)


def test_distinct_short_padding_leaves_room_for_values_that_carry_data(analyser: Analyser) -> None:
    body = {f"p{i}": i for i in range(12_000)} | {"uid": ADID}
    rows = analyser.analyse_record(_record(json.dumps(body).encode()))
    assert _found(rows, ADID)


def test_the_note_says_what_was_not_searched() -> None:
    from phonehome.analysis.decode import decode_record

    body = {f"p{i}": "same" for i in range(12_000)} | {f"q{i}": i for i in range(6_000)} | {"uid": ADID}
    decoded = decode_record(_record(json.dumps(body).encode()))
    assert any(leaf.value == ADID for leaf in decoded.leaves)
    note = " ".join(decoded.notes)
    assert (
        "empty or repeated values folded" in note and "short values (under 6 characters) not searched" in note
    )


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate", "x-custom"])
def test_a_wrong_content_encoding_is_analysed_as_sent(analyser: Analyser, encoding: str) -> None:
    rows = analyser.analyse_record(
        _record(json.dumps({"advertising_id": ADID}).encode(), content_encoding=encoding)
    )
    assert _found(rows, ADID)


def test_a_decompression_bomb_is_still_not_analysed() -> None:
    import gzip

    from phonehome.analysis.decode import DecodeLimits, decode_record

    bomb = gzip.compress(b"0" * (4 << 20))
    decoded = decode_record(
        _record(bomb, content_encoding="gzip"), DecodeLimits(max_decompressed_size=1 << 20)
    )
    assert any("decompression bomb" in n for n in decoded.notes)
    assert not any("analysed as sent" in n for n in decoded.notes)


def test_profile_contacts_are_bounded_with_a_clear_message() -> None:
    contacts = [{"name": f"P{i}", "phone": f"+49151{i:08d}"} for i in range(MAX_CONTACTS + 1)]
    with pytest.raises(ProfileError, match=f"more than the {MAX_CONTACTS:,}"):
        parse_profile({"contacts": contacts})
    assert len(parse_profile({"contacts": contacts[:MAX_CONTACTS]}).contacts) == MAX_CONTACTS


def test_mark_refuses_consent_on_an_ended_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "s"
    shutil.copytree(SAMPLE, root)
    before = (root / "markers.jsonl").read_bytes()
    assert main(["mark", str(root), "consent-given"]) == 2
    assert "ended" in capsys.readouterr().err
    assert (root / "markers.jsonl").read_bytes() == before
    assert main(["mark", str(root), "note", "looked at the settings afterwards"]) == 0
    assert main(["mark", str(root), "consent-given", "--after-end"]) == 0
