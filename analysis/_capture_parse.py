"""Pure byte parsers the packet-capture reader needs besides tshark's dissectors.

tshark hands over the raw (decrypted, reassembled) bytes of each protocol layer; these functions
turn them into small typed values: IP and TCP/UDP headers, the server name of a TLS ClientHello,
the names and addresses of a DNS answer, HTTP/1.x messages, HTTP/2 frames, WebSocket frames, and
the "PCAPdroid trailer" (per-packet app metadata PCAPdroid appends to frames). Every parser
raises `ValueError` on bytes it cannot read; nothing here trusts a length field.
"""

from __future__ import annotations

import functools
import ipaddress
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

# --- capture files -----------------------------------------------------------------------------

PCAP_MAGICS = (b"\xa1\xb2\xc3\xd4", b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\x3c\x4d", b"\x4d\x3c\xb2\xa1")
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"


def capture_format(head: bytes) -> str | None:
    """`pcap` or `pcapng` by the file's magic bytes (never by its suffix), else None."""
    if head[:4] in PCAP_MAGICS:
        return "pcap"
    if head[:4] == PCAPNG_MAGIC:
        return "pcapng"
    return None


@dataclass(frozen=True)
class Damage:
    offset: int
    packets_before: int
    what: str


def first_damage(data_path: str) -> Damage | None:
    """Where a pcap/pcapng file stops being complete (a cut record or block), by its own framing."""
    with open(data_path, "rb") as f:
        head = f.read(4)
        f.seek(0)
        size = f.seek(0, 2)
        f.seek(0)
        if head in PCAP_MAGICS:
            return _pcap_damage(f, size, head)
        if head == PCAPNG_MAGIC:
            return _pcapng_damage(f, size)
    return Damage(0, 0, "not a pcap or pcapng file")


def _pcap_damage(f, size: int, magic: bytes) -> Damage | None:
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    if size < 24:
        return Damage(0, 0, "file header cut short")
    snaplen = struct.unpack(endian + "I", f.read(24)[16:20])[0]
    offset, packets = 24, 0
    while offset < size:
        header = f.read(16)
        if len(header) < 16:
            return Damage(offset, packets, "packet header cut short")
        incl = struct.unpack(endian + "I", header[8:12])[0]
        if incl > max(snaplen, 262144) * 4:
            return Damage(offset, packets, f"impossible packet length {incl}")
        if offset + 16 + incl > size:
            return Damage(offset, packets, "packet cut short")
        f.seek(incl, 1)
        offset += 16 + incl
        packets += 1
    return None


_PCAPNG_PACKET_BLOCKS = (0x00000006, 0x00000003, 0x00000002)


def _pcapng_damage(f, size: int) -> Damage | None:
    offset, packets, endian = 0, 0, "<"
    while offset < size:
        header = f.read(12)
        if len(header) < 8:
            return Damage(offset, packets, "block header cut short")
        if header[:4] == PCAPNG_MAGIC:
            if len(header) < 12:
                return Damage(offset, packets, "section header cut short")
            endian = "<" if header[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        block_type, length = struct.unpack(endian + "II", header[:8])
        if length < 12 or length % 4:
            return Damage(offset, packets, f"impossible block length {length}")
        if offset + length > size:
            return Damage(offset, packets, "block cut short")
        f.seek(offset + length)
        offset += length
        if block_type in _PCAPNG_PACKET_BLOCKS:
            packets += 1
    return None


# --- network and transport headers -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Transport:
    src: str
    dst: str
    sport: int
    dport: int
    proto: str
    """`tcp` or `udp`."""
    payload: int
    """Bytes of transport payload in this packet."""
    flags: int = 0
    """TCP flags (SYN 0x02, ACK 0x10, FIN 0x01, RST 0x04)."""


@functools.lru_cache(maxsize=4096)
def _address(packed: bytes) -> str:
    return str(ipaddress.ip_address(packed))


def ip_header(raw: bytes) -> tuple[str, str, int, int]:
    """(source, destination, payload bytes after the IP header, header length) of an IPv4 or
    IPv6 header."""
    if not raw:
        raise ValueError("empty IP header")
    version = raw[0] >> 4
    if version == 4 and len(raw) >= 20:
        ihl = (raw[0] & 0x0F) * 4
        total = struct.unpack(">H", raw[2:4])[0]
        return _address(raw[12:16]), _address(raw[16:20]), max(total - ihl, 0), ihl
    if version == 6 and len(raw) >= 40:
        payload = struct.unpack(">H", raw[4:6])[0]
        extra = len(raw) - 40  # extension headers tshark counted into the IPv6 layer
        return _address(raw[8:24]), _address(raw[24:40]), max(payload - extra, 0), len(raw)
    raise ValueError("not an IPv4/IPv6 header")


def transport(ip_raw: bytes, tcp_raw: bytes | None, udp_raw: bytes | None) -> Transport:
    src, dst, ip_payload, _ = ip_header(ip_raw)
    if tcp_raw is not None and len(tcp_raw) >= 20:
        sport, dport = struct.unpack(">HH", tcp_raw[:4])
        header = (tcp_raw[12] >> 4) * 4
        return Transport(src, dst, sport, dport, "tcp", max(ip_payload - header, 0), tcp_raw[13])
    if udp_raw is not None and len(udp_raw) >= 8:
        sport, dport, length = struct.unpack(">HHH", udp_raw[:6])
        return Transport(src, dst, sport, dport, "udp", max(length - 8, 0))
    raise ValueError("no TCP or UDP header")


# --- TLS ClientHello ---------------------------------------------------------------------------


def client_hello_sni(record: bytes) -> str | None:
    """The server name of a TLS ClientHello (record layer bytes), or None if it is none."""
    if len(record) < 9 or record[0] != 0x16 or record[5] != 0x01:
        return None
    hello = record[9:]
    pos = 2 + 32  # version, random
    if len(hello) < pos + 1:
        return None
    pos += 1 + hello[pos]  # session id
    if len(hello) < pos + 2:
        return None
    pos += 2 + struct.unpack(">H", hello[pos : pos + 2])[0]  # cipher suites
    if len(hello) < pos + 1:
        return None
    pos += 1 + hello[pos]  # compression methods
    if len(hello) < pos + 2:
        return None
    end = min(len(hello), pos + 2 + struct.unpack(">H", hello[pos : pos + 2])[0])
    pos += 2
    while pos + 4 <= end:
        ext_type, ext_len = struct.unpack(">HH", hello[pos : pos + 4])
        body = hello[pos + 4 : pos + 4 + ext_len]
        if ext_type == 0 and len(body) >= 5 and body[2] == 0:
            name_len = struct.unpack(">H", body[3:5])[0]
            return body[5 : 5 + name_len].decode("ascii", "replace").lower() or None
        pos += 4 + ext_len
    return None


# --- DNS ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DnsMessage:
    response: bool
    names: tuple[str, ...]
    """The names asked for (question section)."""
    addresses: tuple[str, ...]
    """A and AAAA addresses in the answer section."""


def _dns_name(msg: bytes, pos: int, depth: int = 0) -> tuple[str, int]:
    labels: list[str] = []
    while True:
        if pos >= len(msg) or depth > 20:
            raise ValueError("DNS name runs past the message")
        length = msg[pos]
        if length == 0:
            return ".".join(labels), pos + 1
        if length & 0xC0 == 0xC0:
            if pos + 1 >= len(msg):
                raise ValueError("DNS pointer cut short")
            target = ((length & 0x3F) << 8) | msg[pos + 1]
            rest, _ = _dns_name(msg, target, depth + 1)
            labels.append(rest)
            return ".".join(x for x in labels if x), pos + 2
        labels.append(msg[pos + 1 : pos + 1 + length].decode("ascii", "replace"))
        pos += 1 + length


def dns_message(msg: bytes) -> DnsMessage:
    if len(msg) < 12:
        raise ValueError("DNS header cut short")
    flags, qd, an = struct.unpack(">HHH", msg[2:8])
    pos = 12
    names: list[str] = []
    for _ in range(min(qd, 16)):
        name, pos = _dns_name(msg, pos)
        names.append(name.lower())
        pos += 4
    addresses: list[str] = []
    for _ in range(min(an, 64)):
        _, pos = _dns_name(msg, pos)
        if pos + 10 > len(msg):
            break
        rtype, _cls, _ttl, rdlen = struct.unpack(">HHIH", msg[pos : pos + 10])
        data = msg[pos + 10 : pos + 10 + rdlen]
        if rtype == 1 and len(data) == 4:
            addresses.append(str(ipaddress.IPv4Address(data)))
        elif rtype == 28 and len(data) == 16:
            addresses.append(str(ipaddress.IPv6Address(data)))
        pos += 10 + rdlen
    return DnsMessage(bool(flags & 0x8000), tuple(names), tuple(addresses))


# --- HTTP/1.x ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Http1Request:
    method: str
    target: str
    version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    complete: bool
    """False when the body is shorter than its framing says (the capture ends inside it)."""


_METHOD_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ-_")


def http1_request(raw: bytes) -> Http1Request | None:
    """An HTTP/1.x request message as sent (request line, headers, body de-chunked but not
    decompressed), or None if `raw` is not a request (a response, or other bytes)."""
    line_end = raw.find(b"\r\n")
    if line_end <= 0:
        return None
    parts = raw[:line_end].split(b" ")
    if (
        len(parts) != 3
        or not parts[2].startswith(b"HTTP/1.")
        or not parts[0]
        or not set(parts[0]) <= _METHOD_CHARS
    ):
        return None
    head_end = raw.find(b"\r\n\r\n", line_end)
    header_block = raw[line_end + 2 : head_end if head_end >= 0 else len(raw)]
    headers: list[tuple[str, str]] = []
    for line in header_block.split(b"\r\n"):
        if not line:
            continue
        name, sep, value = line.partition(b":")
        if sep:
            headers.append((name.decode("latin-1").strip(), value.decode("utf-8", "surrogateescape").strip()))
    body = raw[head_end + 4 :] if head_end >= 0 else b""
    complete = head_end >= 0
    lower = {k.lower(): v for k, v in headers}
    if "chunked" in lower.get("transfer-encoding", "").lower():
        body, complete = dechunk(body)
    elif lower.get("content-length", "").strip().isdigit():
        expected = int(lower["content-length"].strip())
        complete = complete and len(body) >= expected
        body = body[:expected]
    return Http1Request(
        parts[0].decode("ascii"),
        parts[1].decode("utf-8", "surrogateescape"),
        parts[2].decode("ascii", "replace"),
        tuple(headers),
        body,
        complete,
    )


def dechunk(data: bytes) -> tuple[bytes, bool]:
    out = bytearray()
    pos = 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            return bytes(out), False
        size_text = data[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return bytes(out), False
        if size == 0:
            return bytes(out), True
        chunk = data[end + 2 : end + 2 + size]
        out += chunk
        if len(chunk) < size:
            return bytes(out), False
        pos = end + 2 + size + 2


# --- HTTP/2 ------------------------------------------------------------------------------------

H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
H2_DATA, H2_HEADERS, H2_CONTINUATION = 0x0, 0x1, 0x9
H2_END_STREAM, H2_END_HEADERS, H2_PADDED, H2_PRIORITY = 0x1, 0x4, 0x8, 0x20


@dataclass(frozen=True, slots=True)
class H2Frame:
    type: int
    flags: int
    stream: int
    payload: bytes
    """With padding and priority fields removed (DATA, HEADERS)."""


def h2_frames(raw: bytes) -> list[H2Frame]:
    """The HTTP/2 frames in `raw` (tshark gives one frame per http2 item; a preface is skipped)."""
    if raw.startswith(H2_PREFACE):
        raw = raw[len(H2_PREFACE) :]
    frames: list[H2Frame] = []
    pos = 0
    while pos + 9 <= len(raw):
        length = int.from_bytes(raw[pos : pos + 3], "big")
        ftype, flags = raw[pos + 3], raw[pos + 4]
        stream = int.from_bytes(raw[pos + 5 : pos + 9], "big") & 0x7FFFFFFF
        payload = raw[pos + 9 : pos + 9 + length]
        if len(payload) < length:
            raise ValueError("HTTP/2 frame cut short")
        if ftype in (H2_DATA, H2_HEADERS):
            start, end = 0, len(payload)
            if flags & H2_PADDED and payload:
                start, end = 1, len(payload) - payload[0]
            if ftype == H2_HEADERS and flags & H2_PRIORITY:
                start += 5
            payload = payload[start : max(end, start)]
        frames.append(H2Frame(ftype, flags, stream, payload))
        pos += 9 + length
    return frames


# --- HTTP/3 ------------------------------------------------------------------------------------

H3_DATA, H3_HEADERS, H3_SETTINGS = 0x0, 0x1, 0x4
H3_STREAM_CONTROL, H3_STREAM_QPACK_ENCODER = 0x00, 0x02
H3_SETTING_QPACK_MAX_TABLE_CAPACITY, H3_SETTING_QPACK_BLOCKED_STREAMS = 0x01, 0x07


def varint(data: bytes | bytearray, pos: int) -> tuple[int, int] | None:
    """A QUIC variable-length integer at `pos`: (value, next position), or None if cut short."""
    if pos >= len(data):
        return None
    length = 1 << (data[pos] >> 6)
    if pos + length > len(data):
        return None
    value = data[pos] & 0x3F
    for b in data[pos + 1 : pos + length]:
        value = (value << 8) | b
    return value, pos + length


def h3_frames(buffer: bytearray) -> list[tuple[int, bytes]]:
    """Complete HTTP/3 frames (type, payload) at the start of `buffer`, removed from it."""
    frames: list[tuple[int, bytes]] = []
    pos = 0
    while True:
        head = varint(buffer, pos)
        if head is None:
            break
        ftype, after_type = head
        size = varint(buffer, after_type)
        if size is None or size[1] + size[0] > len(buffer):
            break
        frames.append((ftype, bytes(buffer[size[1] : size[1] + size[0]])))
        pos = size[1] + size[0]
    del buffer[:pos]
    return frames


def h3_settings(payload: bytes) -> dict[int, int]:
    settings: dict[int, int] = {}
    pos = 0
    while True:
        key = varint(payload, pos)
        if key is None:
            return settings
        value = varint(payload, key[1])
        if value is None:
            return settings
        settings[key[0]] = value[0]
        pos = value[1]


# --- WebSocket ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WsFrame:
    fin: bool
    rsv1: bool
    opcode: int
    masked: bool
    payload: bytes
    """Unmasked."""


def ws_frame_header(raw: bytes) -> tuple[bool, bool, int, bool, bytes]:
    """(fin, rsv1, opcode, masked, masking key) of a WebSocket frame header."""
    if len(raw) < 2:
        raise ValueError("WebSocket frame header cut short")
    fin, rsv1, opcode, masked = bool(raw[0] & 0x80), bool(raw[0] & 0x40), raw[0] & 0x0F, bool(raw[1] & 0x80)
    length = raw[1] & 0x7F
    pos = 2 + (2 if length == 126 else 8 if length == 127 else 0)
    key = raw[pos : pos + 4] if masked else b""
    return fin, rsv1, opcode, masked, key


def unmask(payload: bytes, key: bytes) -> bytes:
    if not key:
        return payload
    n = len(payload)
    repeated = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")


class Inflater:
    """permessage-deflate (RFC 7692) for one direction of one WebSocket, bounded."""

    def __init__(self, limit: int) -> None:
        self._z = zlib.decompressobj(-15)
        self._limit = limit

    def inflate(self, data: bytes) -> bytes:
        out = self._z.decompress(data + b"\x00\x00\xff\xff", self._limit)
        return out


# --- PCAPdroid trailer -------------------------------------------------------------------------

PCAPDROID_TRAILER_MAGIC = 0x01072021
PCAPDROID_TRAILER_SIZE = 32


@dataclass(frozen=True, slots=True)
class PcapdroidTrailer:
    uid: int
    app: str
    package: str = ""
    """Only in PCAPdroid's pcapng (its UID-map block); the pcap trailer holds the name alone."""


PCAPDROID_PEN = 62652
PCAPDROID_BLOCK_UID_MAP = 1
_PCAPNG_CUSTOM_BLOCKS = (0x00000BAD, 0x40000BAD)
_PCAPNG_EPB, _PCAPNG_SPB, _PCAPNG_OPB = 0x00000006, 0x00000003, 0x00000002


def pcapdroid_pcapng_uids(f: BinaryIO, apps: dict[int, tuple[str, str]]) -> Iterator[int | None]:
    """For each packet block of a pcapng, in order, the UID PCAPdroid wrote into its comment
    (`u-<uid>`, "PCAPdroid extensions" on), else None. PCAPdroid's UID-map custom blocks (PEN
    62652, type 1: UID, package name, app name) met on the way are added to `apps`
    (`pcap_dump.c`). Stops quietly at the first damaged block (tshark reports the damage)."""
    endian = "<"
    while True:
        header = f.read(8)
        if len(header) < 8:
            return
        if header[:4] == PCAPNG_MAGIC:
            magic = f.read(4)
            endian = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
            body_start = 12
        else:
            body_start = 8
        block_type, length = struct.unpack(endian + "II", header)
        if length < 12 or length % 4 or length > 1 << 28:
            return
        body = f.read(length - body_start)
        if len(body) < length - body_start:
            return
        body = body[:-4]  # the trailing copy of the length
        if block_type in _PCAPNG_CUSTOM_BLOCKS and len(body) >= 14:
            pen, _version, kind = struct.unpack(endian + "IHB", body[:7])
            if pen == PCAPDROID_PEN and kind == PCAPDROID_BLOCK_UID_MAP:
                uid, pkg_len, name_len = struct.unpack(endian + "iBB", body[8:14])
                package = body[14 : 14 + pkg_len].decode("utf-8", "replace")
                name = body[14 + pkg_len : 14 + pkg_len + name_len].decode("utf-8", "replace")
                apps[uid] = (package, name)
        elif block_type == _PCAPNG_EPB:
            if len(body) < 20:
                yield None
                continue
            captured = struct.unpack(endian + "I", body[12:16])[0]
            options = body[20 + captured + (-captured % 4) :]
            yield _comment_uid(options, endian)
        elif block_type in (_PCAPNG_SPB, _PCAPNG_OPB):
            yield None


def _comment_uid(options: bytes, endian: str) -> int | None:
    pos = 0
    while pos + 4 <= len(options):
        code, length = struct.unpack(endian + "HH", options[pos : pos + 4])
        if code == 0:
            return None
        value = options[pos + 4 : pos + 4 + length]
        if code == 1 and value.startswith(b"u-"):
            text = value[2:].decode("ascii", "replace")
            if text.lstrip("-").isdigit():
                return int(text)
        pos += 4 + length + (-length % 4)
    return None


def pcapdroid_trailer(frame: bytes) -> PcapdroidTrailer | None:
    """The trailer PCAPdroid appends to each frame ("PCAP trailer" option): magic 0x01072021,
    UID (big-endian int32), app name (20 bytes, NUL-padded) and a CRC32 of the frame — after a
    zeroed Ethernet header, the IP packet and 0–3 padding bytes (`pcap_dump.h` in PCAPdroid)."""
    if len(frame) < 14 + PCAPDROID_TRAILER_SIZE:
        return None
    trailer = frame[-PCAPDROID_TRAILER_SIZE:]
    magic, uid = struct.unpack(">Ii", trailer[:8])
    if magic != PCAPDROID_TRAILER_MAGIC:
        return None
    name = trailer[8:28].split(b"\x00", 1)[0].decode("utf-8", "replace")
    return PcapdroidTrailer(uid, name)
