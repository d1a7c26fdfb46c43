"""A small MaxMind DB (.mmdb) writer for tests: networks → country records, IPv6 tree (IPv4 under
::/96 as the format specifies), 24-bit records. Read back with the real `maxminddb` reader.

Format: https://maxmind.github.io/MaxMind-DB/ — search tree, 16 zero bytes, data section,
metadata marker `\\xab\\xcd\\xefMaxMind.com` and a metadata map.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"


def _ctrl(type_id: int, size: int) -> bytes:
    if size < 29:
        head, extra = size, b""
    elif size < 29 + 256:
        head, extra = 29, bytes([size - 29])
    elif size < 285 + 65536:
        head, extra = 30, struct.pack(">H", size - 285)
    else:
        head, extra = 31, struct.pack(">I", size - 65821)[1:]
    if type_id <= 7:
        return bytes([(type_id << 5) | head]) + extra
    return bytes([head, type_id - 7]) + extra


class Uint(int):
    """An unsigned integer of a fixed MMDB type (5 uint16, 6 uint32, 9 uint64): libmaxminddb checks
    the metadata's types."""

    type_id: int

    def __new__(cls, value: int, type_id: int) -> Uint:
        obj = super().__new__(cls, value)
        obj.type_id = type_id
        return obj


def encode(value: Any) -> bytes:
    """One value in the MMDB data format (strings, unsigned ints, maps, lists, bools)."""
    if isinstance(value, bool):
        return _ctrl(14, int(value))
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _ctrl(2, len(data)) + data
    if isinstance(value, int):
        if value < 0:
            raise ValueError("negative integers are not needed here")
        type_id = (
            value.type_id
            if isinstance(value, Uint)
            else 5
            if value < 1 << 16
            else 6
            if value < 1 << 32
            else 9
        )
        data = value.to_bytes((value.bit_length() + 7) // 8, "big") if value else b""
        return _ctrl(type_id, len(data)) + data
    if isinstance(value, Mapping):
        return _ctrl(7, len(value)) + b"".join(encode(str(k)) + encode(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return _ctrl(11, len(value)) + b"".join(encode(v) for v in value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def write_mmdb(
    path: Path, networks: Mapping[str, Mapping[str, Any]], *, database_type: str = "phonehome-test-Country"
) -> Path:
    """Write `networks` ({"127.0.0.0/8": {"country": {"iso_code": "DE"}}, ...}) to `path`."""
    data = b""
    offsets: list[int] = []
    prefixes: list[tuple[int, int, int]] = []  # (bits as int, prefix length, record index)
    for i, (cidr, record) in enumerate(networks.items()):
        net = ipaddress.ip_network(cidr)
        offsets.append(len(data))
        data += encode(dict(record))
        if net.version == 4:
            bits, length = int(net.network_address), 96 + net.prefixlen  # ::a.b.c.d
        else:
            bits, length = int(net.network_address), net.prefixlen
        prefixes.append((bits, length, i))

    # Build the tree: nodes[n] = [left, right], each ("node", k) | ("data", i) | None.
    nodes: list[list[Any]] = [[None, None]]
    for bits, length, index in prefixes:
        node = 0
        for depth in range(length):
            bit = (bits >> (127 - depth)) & 1
            if depth == length - 1:
                nodes[node][bit] = ("data", index)
                break
            child = nodes[node][bit]
            if child is None:
                nodes.append([None, None])
                child = nodes[node][bit] = ("node", len(nodes) - 1)
            elif child[0] == "data":
                raise ValueError(f"network {index} lies inside an earlier one")
            node = child[1]
    count = len(nodes)

    def record(value: Any) -> int:
        if value is None:
            return count
        kind, k = value
        return k if kind == "node" else count + 16 + offsets[k]

    tree = b"".join(
        record(left).to_bytes(3, "big") + record(right).to_bytes(3, "big") for left, right in nodes
    )
    metadata = {
        "binary_format_major_version": Uint(2, 5),
        "binary_format_minor_version": Uint(0, 5),
        "build_epoch": Uint(1_796_000_000, 9),
        "database_type": database_type,
        "description": {"en": "phonehome test database"},
        "ip_version": Uint(6, 5),
        "languages": ["en"],
        "node_count": Uint(count, 6),
        "record_size": Uint(24, 5),
    }
    path.write_bytes(tree + b"\x00" * 16 + data + METADATA_MARKER + encode(metadata))
    return path
