"""Real packet captures for tests: `tcpdump` on loopback while real clients talk TLS.

`Capture` starts `tcpdump -i lo -U --immediate-mode -w FILE FILTER` (root needed; without
`--immediate-mode` libpcap hands packets over in blocks and a capture shorter than the block
timeout ends empty) and stops it with SIGINT so the file is complete (tcpdump through
`support.tools.require_tool`: skipped when missing, a failure under `PHONEHOME_REQUIRE_ALL=1`).
"""

from __future__ import annotations

import signal
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support.tools import require_tool


class Capture:
    def __init__(self, path: Path, bpf: str) -> None:
        self.path = path
        self.proc = subprocess.Popen(
            [
                require_tool("tcpdump", "apt-get install -y tcpdump"),
                "-i",
                "lo",
                "-U",
                "--immediate-mode",
                "-B",
                "65536",
                "-Z",
                "root",
                "-w",
                str(path),
                bpf,
            ],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
        )
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()  # "listening on lo ..." once the filter is attached
        if b"listening" not in line:
            self.proc.kill()
            raise RuntimeError(f"tcpdump did not start: {line!r}")

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGINT)
        _, err = self.proc.communicate(timeout=10)
        return err.decode("utf-8", "replace")


def pcap_packets(path: Path) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """(file header, [(record header, frame)]) of a classic little-endian pcap file."""
    data = path.read_bytes()
    header, pos, packets = data[:24], 24, []
    while pos + 16 <= len(data):
        incl = struct.unpack("<I", data[pos + 8 : pos + 12])[0]
        packets.append((data[pos : pos + 16], data[pos + 16 : pos + 16 + incl]))
        pos += 16 + incl
    return header, packets


def tcp_ports(frame: bytes) -> tuple[int, int] | None:
    """Source and destination port of an Ethernet/IPv4/TCP frame."""
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00" or frame[14 + 9] != 6:
        return None
    ihl = (frame[14] & 0x0F) * 4
    return struct.unpack(">HH", frame[14 + ihl : 14 + ihl + 4])


def with_pcapdroid_trailers(src: Path, dst: Path, app_of: Callable[[bytes], tuple[int, str]]) -> None:
    """Rewrite a pcap as PCAPdroid writes frames with its "PCAP trailer" option: a zeroed Ethernet
    header (tcpdump's loopback frames have one already), the IP packet, padding to 4 bytes, then
    magic 0x01072021, UID, app name (20 bytes), CRC32 of the frame so far (`pcap_dump.c`).
    Synthesised to the documented format: no PCAPdroid ran here."""
    header, packets = pcap_packets(src)
    out = bytearray(header)
    for record, frame in packets:
        uid, name = app_of(frame)
        padding = (-len(frame)) & 0x3
        body = (
            frame
            + b"\x00" * padding
            + struct.pack(">Ii", 0x01072021, uid)
            + name.encode()[:19].ljust(20, b"\x00")
        )
        body += struct.pack("<I", zlib.crc32(body))
        ts_sec, ts_usec = struct.unpack("<II", record[:8])
        out += struct.pack("<IIII", ts_sec, ts_usec, len(body), len(body)) + body
    dst.write_bytes(bytes(out))


def _block(block_type: int, body: bytes) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    length = len(body) + 12
    return struct.pack("<II", block_type, length) + body + struct.pack("<I", length)


def as_pcapdroid_pcapng(src: Path, dst: Path, app_of: Callable[[bytes], tuple[int, str, str]]) -> None:
    """Rewrite a pcap as PCAPdroid's pcapng with "PCAPdroid extensions" on (`pcap_dump.c`): a
    custom block (type 0xBAD, PEN 62652, version 1, type 1) mapping each UID to its package and
    app name before the UID's first packet, and an `opt_comment` "u-<uid>" on every Enhanced
    Packet Block. Synthesised to the documented format: no PCAPdroid ran here."""
    header, packets = pcap_packets(src)
    linktype = struct.unpack("<I", header[20:24])[0]
    out = bytearray(_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
    out += _block(0x00000001, struct.pack("<HHI", linktype, 0, 262144))
    mapped: set[int] = set()
    for record, frame in packets:
        uid, package, name = app_of(frame)
        if uid not in mapped:
            mapped.add(uid)
            body = (
                struct.pack("<IHBxiBB", 62652, 1, 1, uid, len(package), len(name))
                + package.encode()
                + name.encode()
            )
            out += _block(0x00000BAD, body)
        ts_sec, ts_usec = struct.unpack("<II", record[:8])
        ts = ts_sec * 1_000_000 + ts_usec
        comment = f"u-{uid}".encode()
        options = (
            struct.pack("<HH", 1, len(comment))
            + comment
            + b"\x00" * (-len(comment) % 4)
            + struct.pack("<HH", 0, 0)
        )
        packet = frame + b"\x00" * (-len(frame) % 4)
        out += _block(
            0x00000006,
            struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(frame), len(frame)) + packet + options,
        )
    dst.write_bytes(bytes(out))


def quic_exchange(
    workdir: Path, server_name: str, port: int, *, path: str, body: bytes, keylog: Path | None = None
) -> None:
    """One HTTP/3 POST over QUIC on 127.0.0.1:`port` (aioquic client and server); the client
    appends its secrets to `keylog` (NSS key log format, as SSLKEYLOGFILE)."""
    import asyncio

    from aioquic.asyncio import QuicConnectionProtocol, connect, serve
    from aioquic.h3.connection import H3_ALPN, H3Connection
    from aioquic.h3.events import DataReceived, HeadersReceived
    from aioquic.quic.configuration import QuicConfiguration

    from support.net import make_self_signed_cert

    cert, key = make_self_signed_cert(workdir, [server_name])

    class Server(QuicConnectionProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.h3 = H3Connection(self._quic)

        def quic_event_received(self, event: Any) -> None:
            for e in self.h3.handle_event(event):
                if isinstance(e, (DataReceived, HeadersReceived)) and e.stream_ended:
                    self.h3.send_headers(e.stream_id, [(b":status", b"200")], end_stream=True)
                    self.transmit()

    class Client(QuicConnectionProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.h3 = H3Connection(self._quic)
            self.answered = asyncio.Event()

        def quic_event_received(self, event: Any) -> None:
            for e in self.h3.handle_event(event):
                if isinstance(e, HeadersReceived):
                    self.answered.set()

    async def run() -> None:
        server_config = QuicConfiguration(is_client=False, alpn_protocols=H3_ALPN)
        server_config.load_cert_chain(cert, key)
        server = await serve("127.0.0.1", port, configuration=server_config, create_protocol=Server)
        try:
            client_config = QuicConfiguration(
                is_client=True,
                alpn_protocols=H3_ALPN,
                server_name=server_name,
                verify_mode=0,
                secrets_log_file=keylog.open("a") if keylog else None,
            )
            async with connect(
                "127.0.0.1", port, configuration=client_config, create_protocol=Client
            ) as client:
                stream = client._quic.get_next_available_stream_id()
                client.h3.send_headers(
                    stream,
                    [
                        (b":method", b"POST"),
                        (b":scheme", b"https"),
                        (b":authority", server_name.encode()),
                        (b":path", path.encode()),
                        (b"content-type", b"application/json"),
                    ],
                )
                client.h3.send_data(stream, body, end_stream=True)
                client.transmit()
                await asyncio.wait_for(client.answered.wait(), 10)
            if client_config.secrets_log_file is not None:
                client_config.secrets_log_file.close()
        finally:
            server.close()

    asyncio.run(run())


def as_raw_ip(src: Path, dst: Path) -> None:
    """The same capture with link type RAW (101, IP packets without an Ethernet header), as
    PCAPdroid writes a pcap when its extensions are off."""
    header, packets = pcap_packets(src)
    out = bytearray(header[:20] + struct.pack("<I", 101))
    for record, frame in packets:
        ts_sec, ts_usec = struct.unpack("<II", record[:8])
        out += struct.pack("<IIII", ts_sec, ts_usec, len(frame) - 14, len(frame) - 14) + frame[14:]
    dst.write_bytes(bytes(out))


class Ipv6TlsServer:
    """A stdlib HTTPS server on [::1] answering every POST with 200 (for an IPv6 capture)."""

    def __init__(self, workdir: Path) -> None:
        import socket
        import ssl
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        from support.net import make_self_signed_cert

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        class Server(HTTPServer):
            address_family = socket.AF_INET6

        cert, key = make_self_signed_cert(workdir, ["localhost"])
        self.server = Server(("::1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
