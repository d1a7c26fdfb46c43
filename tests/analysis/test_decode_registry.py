"""The decoder registry: one module per format, each registering its decoders; Content-Type claims
in priority order give the declared format of a body."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import phonehome.analysis.decode as decode
from phonehome.analysis.decode import _api


def test_every_format_module_registers_a_decoder() -> None:
    helpers = {"_api", "_context", "_record", "_tree", "_decompress", "_wire"}
    modules = {m.name for m in pkgutil.iter_modules(decode.__path__)} - helpers
    registered_by = {d.decode.__module__.rsplit(".", 1)[-1] for d in decode.decoders()}
    assert modules == registered_by


def test_decoder_names_are_the_steps_of_the_location_notation() -> None:
    names = {d.name for d in decode.decoders()}
    assert names == {
        "json", "ndjson", "form", "multipart", "grpc", "protobuf", "msgpack", "cbor", "text", "jwt",
        "url", "percent", "base64", "base64url", "hex", "reversed", "gzip", "deflate", "br", "zstd",
        "socketio", "strings", "bel", "openreplay", "envelope", "rrweb", "nrtrace", "lzstring",
    }  # fmt: skip
    assert [d.priority for d in decode.decoders()] == sorted(d.priority for d in decode.decoders())


@pytest.mark.parametrize(
    ("content_type", "decoder"),
    [
        ("multipart/form-data; boundary=x", "multipart"),
        ("application/x-www-form-urlencoded; charset=utf-8", "form"),
        ("application/x-ndjson", "ndjson"),
        ("application/jsonl", "ndjson"),
        ("application/json-seq", "ndjson"),
        ("application/vnd.api+json", "json"),
        ("application/grpc+proto", "grpc"),
        ("application/grpc-web+json", "json"),  # "json" claims first, as before the registry
        ("application/x-protobuf", "protobuf"),
        ("application/proto", "protobuf"),
        ("application/msgpack", "msgpack"),
        ("application/x-messagepack", "msgpack"),
        ("application/cbor", "cbor"),
        ("text/plain", "text"),
        ("application/octet-stream", None),
        ("image/png", None),
    ],
)
def test_content_type_claims_in_priority_order(content_type: str, decoder: str | None) -> None:
    assert _api.content_type_decoder(content_type) == decoder


def test_a_name_registers_once() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        _api.register(_api.Registered("json", 1, print))


def test_public_names_still_import() -> None:
    module = importlib.import_module("phonehome.analysis.decode")
    for name in ("decode_record", "DecodeLimits", "TRANSPORT_HEADERS"):
        assert hasattr(module, name)
