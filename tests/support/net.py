"""Real traffic on loopback for tests: a local upstream server, a real `mitmdump`, real clients.

Everything here talks to 127.0.0.1 only. Typical use::

    from support.net import LocalServer, run_mitmdump, curl, http1_request, http2_request, websocket_session

    with LocalServer() as server, run_mitmdump("-s", "addons/phonehome.py", upstream=server) as proxy:
        r = curl(proxy, "https://api.example.test/v1?x=1")            # HTTP/2 over TLS (curl's default)
        r = http1_request(proxy, "https://api.example.test/v1", method="POST", body=b"{}")
        r = http2_request(proxy, "https://api.example.test/v1", method="POST", body=b"{}")
        echoes = websocket_session(proxy, "wss://ws.example.test/chat", ["hello", b"\x00bin"])
        assert server.requests[-1].path == "/v1"

Host names: with `upstream=server`, `run_mitmdump` loads a tiny router addon that sends every
upstream connection to the local server whatever the host name (`server_connect` hook, so no DNS
lookup ever happens), and sets `ssl_insecure=true` because the server's self-signed certificate
does not name those hosts. So tests can use realistic names (`graph.facebook.com`) safely: nothing
leaves the machine. Clients always send the host name to the proxy (CONNECT / absolute form) and
never resolve it themselves.

The heavy imports (`cryptography`, `h2`, `h11`, `wsproto`, all mitmproxy dependencies) are done
inside the functions that need them, so this file also runs under the system `/usr/bin/python3.11`
as a stdlib-only HTTP/1.1 client (see `python_client_argv`), e.g. as a Frida spawn target.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import hashlib
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
MITMDUMP = VENV_BIN / "mitmdump"
CURL = "/usr/bin/curl"
SYSTEM_PYTHON = "/usr/bin/python3.11"
LOOPBACK = "127.0.0.1"
ADDON = REPO / "addons" / "phonehome.py"


def addon_args(session: Path | str, *options: str) -> list[str]:
    """mitmdump arguments that load the phonehome addon recording into `session`, then
    `options` (`"--set", "phonehome_profile=…"`): `run_mitmdump(*addon_args(s), upstream=…)`."""
    return ["-s", str(ADDON), "--set", f"phonehome_session={session}", *options]


_WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


# --------------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------------


def make_self_signed_cert(directory: Path, names: Sequence[str] = ("localhost",)) -> tuple[Path, Path]:
    """Write a self-signed certificate (also usable as its own CA) and its key to `directory`.

    The certificate names `names` (DNS) and 127.0.0.1/::1 (IP). Returns `(cert_pem, key_pem)`.
    Clients that connect straight to the server trust it with `cafile=cert_pem`.
    """
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    san: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    san += [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.IPAddress(ipaddress.ip_address("::1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path = directory / "server-cert.pem"
    key_path = directory / "server-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


# --------------------------------------------------------------------------------------------
# Local upstream server: HTTP/1.1 + HTTP/2 (ALPN) + WebSocket echo, TLS and plain
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class ReceivedRequest:
    """One request the local server answered."""

    scheme: str  # "https" or "http"
    http_version: str  # "HTTP/1.1" or "HTTP/2"
    method: str
    host: str  # Host header / :authority
    path: str  # including the query string
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None


@dataclasses.dataclass
class ReceivedWsMessage:
    """One WebSocket message the local server received (and echoed back)."""

    scheme: str  # "wss" or "ws"
    path: str
    data: str | bytes


class LocalServer:
    """A local upstream on 127.0.0.1 that accepts any request, records it and answers 200 JSON.

    Two ports: `https_port` (TLS, ALPN `h2` and `http/1.1`, self-signed certificate at
    `cert_path`) and `http_port` (plain HTTP/1.1). On either, an HTTP/1.1 WebSocket upgrade
    (`ws`/`wss`) is accepted and every message is echoed back. HTTP/1.1 keep-alive is supported.

    The answer is `{"ok": true, "path": ..., "received": <body length>}` (status 200,
    `content-type: application/json`). Requests land in `requests`, WebSocket messages in
    `ws_messages` (both lists, appended from the server thread; read them after the client is done);
    with `record=False` nothing is kept (for benchmarks) and only `count` grows.

    Runs its own asyncio loop in a daemon thread, so it works from sync and async tests alike.
    Use as a context manager, or `start()` / `stop()`.
    """

    def __init__(
        self, *, names: Sequence[str] = ("localhost",), workdir: Path | None = None, record: bool = True
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="phonehome-upstream-")
            workdir = Path(self._tmp.name)
        self.cert_path, self.key_path = make_self_signed_cert(Path(workdir), names)
        self.record = record
        """False: keep no requests or messages (long benchmarks); `count` still counts them."""
        self.count = 0
        self.requests: list[ReceivedRequest] = []
        self.ws_messages: list[ReceivedWsMessage] = []
        self.https_port = 0
        self.http_port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.Server] = []
        self._writers: set[asyncio.StreamWriter] = set()

    # lifecycle ---------------------------------------------------------------------------

    def start(self) -> LocalServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start_servers())
            except BaseException as e:  # report to the starting thread
                failure.append(e)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._close_servers())
            loop.close()

        self._thread = threading.Thread(target=run, name="LocalServer", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("local server did not start within 10 s")
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str = "/", *, tls: bool = True, host: str = LOOPBACK) -> str:
        """A direct URL to this server (for clients that do not go through a proxy)."""
        scheme = "https" if tls else "http"
        return f"{scheme}://{host}:{self.https_port if tls else self.http_port}{path}"

    def clear(self) -> None:
        self.requests.clear()
        self.ws_messages.clear()

    # server internals ---------------------------------------------------------------------

    async def _start_servers(self) -> None:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert_path, self.key_path)
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        tls_server = await asyncio.start_server(
            lambda r, w: self._handle(r, w, tls=True), LOOPBACK, 0, ssl=ctx, limit=1 << 20
        )
        plain_server = await asyncio.start_server(
            lambda r, w: self._handle(r, w, tls=False), LOOPBACK, 0, limit=1 << 20
        )
        self._servers = [tls_server, plain_server]
        self.https_port = tls_server.sockets[0].getsockname()[1]
        self.http_port = plain_server.sockets[0].getsockname()[1]

    async def _close_servers(self) -> None:
        for s in self._servers:
            s.close()
        for w in list(self._writers):
            w.close()
        for s in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(s.wait_closed(), 2)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, tls: bool) -> None:
        self._writers.add(writer)
        try:
            alpn = None
            if tls:
                sslobj = writer.get_extra_info("ssl_object")
                alpn = sslobj.selected_alpn_protocol() if sslobj else None
            if alpn == "h2":
                await self._serve_h2(reader, writer)
            else:
                await self._serve_h1(reader, writer, tls=tls)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        except Exception as e:  # keep serving other connections; make the failure visible
            print(f"LocalServer: connection failed: {e!r}", file=sys.stderr)
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    def _keep(self, request: ReceivedRequest) -> None:
        self.count += 1
        if self.record:
            self.requests.append(request)

    @staticmethod
    def _answer(path: str, body: bytes) -> bytes:
        return json.dumps({"ok": True, "path": path, "received": len(body)}).encode()

    async def _serve_h1(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, tls: bool
    ) -> None:
        import h11

        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=1 << 20)
        request: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                if not data:
                    return
                conn.receive_data(data)
                continue
            if event is h11.PAUSED:
                if conn.their_state is h11.MIGHT_SWITCH_PROTOCOL and request is not None:
                    await self._upgrade_ws(conn, request, reader, writer, tls=tls)
                    return
                if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                    conn.start_next_cycle()
                    continue
                return
            if isinstance(event, h11.Request):
                request, body = event, bytearray()
            elif isinstance(event, h11.Data):
                body.extend(event.data)
            elif isinstance(event, h11.EndOfMessage):
                if request is None:
                    return
                if conn.their_state is h11.MIGHT_SWITCH_PROTOCOL:
                    continue  # upgrade request: handled at PAUSED
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers]
                host = next((v for k, v in headers if k.lower() == "host"), "")
                path = request.target.decode("latin-1")
                if "://" in path:  # absolute form (only when a client talks to us as a proxy)
                    path = urllib.parse.urlsplit(path)._replace(scheme="", netloc="").geturl() or "/"
                self._keep(
                    ReceivedRequest(
                        "https" if tls else "http",
                        "HTTP/1.1",
                        request.method.decode(),
                        host,
                        path,
                        headers,
                        bytes(body),
                    )
                )
                answer = self._answer(path, body)
                out = conn.send(
                    h11.Response(
                        status_code=200,
                        headers=[("content-type", "application/json"), ("content-length", str(len(answer)))],
                    )
                )
                out += conn.send(h11.Data(data=answer)) + conn.send(h11.EndOfMessage())
                writer.write(out)
                await writer.drain()
                request = None
            elif isinstance(event, h11.ConnectionClosed):
                return

    async def _upgrade_ws(
        self,
        conn: Any,
        request: Any,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        tls: bool,
    ) -> None:
        import h11
        from wsproto.connection import Connection, ConnectionType
        from wsproto.events import BytesMessage, CloseConnection, Message, Ping, TextMessage

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.headers}
        key = headers.get("sec-websocket-key", "")
        accept = base64.b64encode(hashlib.sha1((key + _WS_GUID).encode()).digest()).decode()
        writer.write(
            conn.send(
                h11.InformationalResponse(
                    status_code=101,
                    headers=[
                        ("upgrade", "websocket"),
                        ("connection", "Upgrade"),
                        ("sec-websocket-accept", accept),
                    ],
                )
            )
        )
        await writer.drain()
        trailing, _closed = conn.trailing_data
        ws = Connection(ConnectionType.SERVER, trailing_data=trailing)
        path = request.target.decode("latin-1")
        scheme = "wss" if tls else "ws"
        parts: dict[type, list[Any]] = {TextMessage: [], BytesMessage: []}
        while True:
            for event in ws.events():
                if isinstance(event, (TextMessage, BytesMessage)):
                    parts[type(event)].append(event.data)
                    if event.message_finished:
                        chunks = parts[type(event)]
                        data: str | bytes = (
                            "".join(chunks) if isinstance(event, TextMessage) else b"".join(chunks)
                        )
                        chunks.clear()
                        self.count += 1
                        if self.record:
                            self.ws_messages.append(ReceivedWsMessage(scheme, path, data))
                        writer.write(ws.send(Message(data=data)))
                elif isinstance(event, Ping):
                    writer.write(ws.send(event.response()))
                elif isinstance(event, CloseConnection):
                    with contextlib.suppress(Exception):
                        writer.write(ws.send(event.response()))
                        await writer.drain()
                    return
            await writer.drain()
            data_in = await reader.read(65536)
            if not data_in:
                return
            ws.receive_data(data_in)

    async def _serve_h2(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import h2.config
        import h2.connection
        import h2.events

        conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        )
        conn.initiate_connection()
        writer.write(conn.data_to_send())
        streams: dict[int, tuple[list[tuple[str, str]], bytearray]] = {}
        while True:
            data = await reader.read(65536)
            if not data:
                return
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    streams[event.stream_id] = ([(str(k), str(v)) for k, v in event.headers], bytearray())
                elif isinstance(event, h2.events.DataReceived):
                    if event.stream_id in streams:
                        streams[event.stream_id][1].extend(event.data)
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    headers, body = streams.pop(event.stream_id, ([], bytearray()))
                    pseudo = dict((k, v) for k, v in headers if k.startswith(":"))
                    plain = [(k, v) for k, v in headers if not k.startswith(":")]
                    path = pseudo.get(":path", "/")
                    self._keep(
                        ReceivedRequest(
                            "https",
                            "HTTP/2",
                            pseudo.get(":method", ""),
                            pseudo.get(":authority", ""),
                            path,
                            plain,
                            bytes(body),
                        )
                    )
                    answer = self._answer(path, body)
                    conn.send_headers(
                        event.stream_id,
                        [
                            (":status", "200"),
                            ("content-type", "application/json"),
                            ("content-length", str(len(answer))),
                        ],
                    )
                    conn.send_data(event.stream_id, answer, end_stream=True)
                elif isinstance(event, h2.events.ConnectionTerminated):
                    writer.write(conn.data_to_send())
                    return
            writer.write(conn.data_to_send())
            await writer.drain()


# --------------------------------------------------------------------------------------------
# A real mitmdump
# --------------------------------------------------------------------------------------------

_ROUTER_SCRIPT = '''\
"""Test-only: send every upstream connection to the local test server (no DNS, loopback only)."""
HTTPS_PORT = {https_port}
HTTP_PORT = {http_port}


class RouteToLoopback:
    def server_connect(self, data):
        if data.server.address and str(data.server.address[0]).endswith(".invalid"):
            return  # reserved names (the page probe's host) are answered by the phonehome addon, never routed
        port = data.server.address[1] if data.server.address else 443
        tls = port not in (80, {http_port})
        data.server.address = ("127.0.0.1", HTTPS_PORT if tls else HTTP_PORT)


addons = [RouteToLoopback()]
'''


@dataclasses.dataclass
class Mitmdump:
    """A running `mitmdump` (yielded by `run_mitmdump`)."""

    proc: subprocess.Popen[bytes]
    port: int
    """Loopback port the proxy listens on (`http://127.0.0.1:<port>`)."""
    ca_cert: Path
    """mitmproxy's CA certificate (PEM) in the confdir; clients trust it to accept the proxy."""
    confdir: Path
    log_path: Path
    """mitmdump's stdout and stderr, merged (a temporary file; `log_text()` still works after exit)."""
    _final_log: str | None = None

    @property
    def proxy_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def log_text(self) -> str:
        """Everything mitmdump (and its child processes) printed so far."""
        if self._final_log is not None:
            return self._final_log
        return self.log_path.read_text("utf-8", "replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Send `sig` (SIGTERM: graceful, runs the `done` hooks; SIGKILL: crash) and wait.

        Returns the exit status. Escalates to SIGKILL after `timeout` seconds.
        """
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def kill(self) -> int:
        """`kill -9` the proxy (nothing of mitmproxy's or the addon's shutdown code runs)."""
        return self.stop(signal.SIGKILL)


@contextlib.contextmanager
def run_mitmdump(
    *args: str,
    confdir: Path | None = None,
    upstream: LocalServer | Any = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    startup_timeout: float = 30.0,
    mitmdump: Path | str = MITMDUMP,
) -> Iterator[Mitmdump]:
    """Start the real `.venv/bin/mitmdump` on a free loopback port; yield a `Mitmdump`; stop it.

    `args` are extra mitmdump arguments (`"-s", "addons/phonehome.py", "--set", "k=v"`, `"-w", f`).
    `confdir` holds mitmproxy's CA (a fresh temporary one when None, so the CA is created on
    start; pass the same directory to reuse a CA). With `upstream` (a `LocalServer`, or anything with
    `https_port` and `http_port`, e.g. for a server in another process), every upstream connection
    is routed to it (see the module docstring) and `ssl_insecure` is set.
    `cwd` is the working directory (relative `captures/...` defaults land there); `env` is added to
    the environment (`PYTHONUNBUFFERED` is set).

    Waits until mitmdump logs its listen address (fails with its log if it exits or does not
    start within `startup_timeout`). On exit of the block it is stopped with SIGTERM (graceful;
    `done` hooks run) unless the test already stopped or killed it.
    """
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="phonehome-mitmdump-")))
        confdir = Path(confdir) if confdir is not None else tmp / "conf"
        confdir.mkdir(parents=True, exist_ok=True)
        extra: list[str] = []
        if upstream is not None:
            router = tmp / "route_to_loopback.py"
            router.write_text(
                _ROUTER_SCRIPT.format(https_port=upstream.https_port, http_port=upstream.http_port)
            )
            extra += ["-s", str(router), "--set", "ssl_insecure=true"]
        log_path = tmp / "mitmdump.log"
        proc_env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        dump: Mitmdump | None = None
        # A free port is picked here and then bound by mitmdump (with `-q` mitmdump does not log
        # the address, so `--listen-port 0` cannot be read back); on the rare lost race, retry.
        for _attempt in range(3):
            port = free_port()
            argv = [
                str(mitmdump),
                "--listen-host",
                LOOPBACK,
                "--listen-port",
                str(port),
                "--set",
                f"confdir={confdir}",
                *extra,
                *args,
            ]
            with log_path.open("wb") as log:
                proc = subprocess.Popen(
                    argv,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=cwd,
                    env=proc_env,
                    start_new_session=True,
                )
            candidate = Mitmdump(proc, port, confdir / "mitmproxy-ca-cert.pem", confdir, log_path)
            try:
                if _wait_listening(candidate, startup_timeout):
                    dump = candidate
                    break
            except BaseException:
                candidate.stop(signal.SIGKILL)
                raise
        if dump is None:
            raise RuntimeError(
                f"mitmdump could not bind a loopback port:\n{log_path.read_text('utf-8', 'replace')}"
            )
        try:
            yield dump
        finally:
            dump.stop()
            dump._final_log = dump.log_text()


def _wait_listening(dump: Mitmdump, timeout: float) -> bool:
    """True once `dump` accepts TCP connections; False if it exited because the port was taken."""
    deadline = time.monotonic() + timeout
    while True:
        if dump.proc.poll() is not None:
            log = dump.log_text()
            if "already in use" in log.lower():
                return False
            raise RuntimeError(f"mitmdump exited with {dump.proc.returncode}:\n{log}")
        try:
            with socket.create_connection((LOOPBACK, dump.port), timeout=0.5):
                return True
        except OSError:
            pass
        if time.monotonic() > deadline:
            dump.stop(signal.SIGKILL)
            raise RuntimeError(f"mitmdump did not start within {timeout} s:\n{dump.log_text()}")
        time.sleep(0.05)


# --------------------------------------------------------------------------------------------
# Clients through the proxy
# --------------------------------------------------------------------------------------------


def _proxy_port(proxy: Any) -> int:
    return proxy if isinstance(proxy, int) else proxy.port


def _proxy_ca(proxy: Any, ca: Path | str | None) -> str | None:
    if ca is not None:
        return str(ca)
    return str(proxy.ca_cert) if isinstance(proxy, Mitmdump) else None


def curl(
    proxy: Any,
    url: str,
    *,
    ca: Path | str | None = None,
    trust_proxy_ca: bool = True,
    http: str | None = None,
    method: str | None = None,
    data: bytes | str | None = None,
    headers: Sequence[str] | dict[str, str] = (),
    extra: Sequence[str] = (),
    timeout: float = 20.0,
    check: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    """Run `/usr/bin/curl --proxy http://127.0.0.1:PORT --cacert CA URL` and return the result.

    `proxy` is a `Mitmdump` (its CA is used) or a port (then pass `ca`). `trust_proxy_ca=False`
    leaves out `--cacert`, so curl rejects mitmproxy's certificate (how certificate pinning
    looks to the proxy). `http` is `"1.1"` or `"2"` (`--http1.1` / `--http2`; curl's own default
    for https is HTTP/2 via ALPN). `data` is sent with `--data-binary` (POST unless `method`).
    stdout is the response body; `returncode` is curl's exit status (60 = certificate rejected).
    """
    argv = [
        CURL,
        "-sS",
        "--noproxy",
        "",
        "--proxy",
        f"http://{LOOPBACK}:{_proxy_port(proxy)}",
        "--max-time",
        str(timeout),
    ]
    cafile = _proxy_ca(proxy, ca)
    if trust_proxy_ca and cafile:
        argv += ["--cacert", cafile]
    if http == "1.1":
        argv.append("--http1.1")
    elif http == "2":
        argv.append("--http2")
    elif http is not None:
        raise ValueError(f"http must be '1.1' or '2', not {http!r}")
    if method:
        argv += ["-X", method]
    header_list = [f"{k}: {v}" for k, v in headers.items()] if isinstance(headers, dict) else list(headers)
    for h in header_list:
        argv += ["-H", h]
    input_data = None
    if data is not None:
        argv += ["--data-binary", "@-"]
        input_data = data.encode() if isinstance(data, str) else data
    argv += list(extra)
    argv.append(url)
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run(
        argv, input=input_data, capture_output=True, timeout=timeout + 10, check=check, env=env
    )


@dataclasses.dataclass
class ClientResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    http_version: str

    def json(self) -> Any:
        return json.loads(self.body)


def client_ssl_context(ca: Path | str | None, alpn: Sequence[str] = ("http/1.1",)) -> ssl.SSLContext:
    """An SSL context trusting `ca` (mitmproxy's CA); `ca=None` trusts nothing extra (system CAs)."""
    ctx = ssl.create_default_context(cafile=str(ca) if ca else None)
    ctx.set_alpn_protocols(list(alpn))
    return ctx


def _split(url: str) -> tuple[str, str, int, str]:
    u = urllib.parse.urlsplit(url)
    scheme = u.scheme
    if scheme not in ("http", "https", "ws", "wss"):
        raise ValueError(f"unsupported URL scheme in {url!r}")
    default = 443 if scheme in ("https", "wss") else 80
    host = u.hostname or ""
    port = u.port or default
    target = u.path or "/"
    if u.query:
        target += "?" + u.query
    return scheme, host, port, target


def open_tunnel(proxy: Any, host: str, port: int, *, timeout: float = 10.0) -> socket.socket:
    """A TCP socket to the proxy that has done `CONNECT host:port` successfully (not yet TLS)."""
    sock = socket.create_connection((LOOPBACK, _proxy_port(proxy)), timeout=timeout)
    authority = f"{host}:{port}"
    sock.sendall(f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n".encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            sock.close()
            raise ConnectionError(f"proxy closed the connection during CONNECT {authority}")
        buf += chunk
    status_line = buf.split(b"\r\n", 1)[0]
    if b" 200" not in status_line:
        sock.close()
        raise ConnectionError(f"CONNECT {authority} failed: {status_line!r}")
    return sock


class Http1Client:
    """A keep-alive HTTP/1.1 client through the proxy (stdlib `http.client`), for many requests.

    For `https` the connection tunnels with CONNECT and verifies the proxy's certificate against
    `ca`; for `http` it sends absolute-form requests to the proxy. One host per client.
    """

    def __init__(
        self, proxy: Any, base_url: str, *, ca: Path | str | None = None, timeout: float = 20.0
    ) -> None:
        scheme, host, port, _ = _split(base_url)
        self.scheme, self.host, self.port = scheme, host, port
        proxy_port = _proxy_port(proxy)
        if scheme == "https":
            self.conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                LOOPBACK, proxy_port, timeout=timeout, context=client_ssl_context(_proxy_ca(proxy, ca))
            )
            self.conn.set_tunnel(host, port)
        else:
            self.conn = http.client.HTTPConnection(LOOPBACK, proxy_port, timeout=timeout)

    def request(
        self,
        target: str,
        *,
        method: str = "GET",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> ClientResponse:
        if self.scheme == "http":
            default = 80
            netloc = self.host if self.port == default else f"{self.host}:{self.port}"
            target = f"http://{netloc}{target}"
        self.conn.request(method, target, body=body, headers=dict(headers or {}))
        r = self.conn.getresponse()
        data = r.read()
        return ClientResponse(r.status, list(r.getheaders()), data, "HTTP/1.1")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Http1Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def http1_request(
    proxy: Any,
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    ca: Path | str | None = None,
    timeout: float = 20.0,
) -> ClientResponse:
    """One HTTP/1.1 request through the proxy with the stdlib (`http.client` + `ssl`, CA = `ca` or
    the proxy's). Raises `ssl.SSLCertVerificationError` if the proxy's certificate is not trusted."""
    scheme, _host, _port, target = _split(url)
    with Http1Client(proxy, url, ca=ca, timeout=timeout) as client:
        return client.request(target, method=method, body=body, headers=headers)


class Http2Client:
    """An HTTP/2 client through the proxy (CONNECT, TLS with ALPN `h2`, then `h2`); requests are
    sent one after another on one connection. Raises if the proxy does not negotiate h2."""

    def __init__(
        self, proxy: Any, base_url: str, *, ca: Path | str | None = None, timeout: float = 20.0
    ) -> None:
        import h2.config
        import h2.connection

        scheme, host, port, _ = _split(base_url)
        if scheme != "https":
            raise ValueError("Http2Client speaks h2 over TLS only")
        self.authority = host if port == 443 else f"{host}:{port}"
        raw = open_tunnel(proxy, host, port, timeout=timeout)
        ctx = client_ssl_context(_proxy_ca(proxy, ca), alpn=("h2",))
        self.sock = ctx.wrap_socket(raw, server_hostname=host)
        if self.sock.selected_alpn_protocol() != "h2":
            self.sock.close()
            raise ConnectionError(f"proxy negotiated {self.sock.selected_alpn_protocol()!r}, not h2")
        self.conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
        )
        self.conn.initiate_connection()
        self.sock.sendall(self.conn.data_to_send())

    def request(
        self,
        target: str,
        *,
        method: str = "GET",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> ClientResponse:
        import h2.events

        sid = self.conn.get_next_available_stream_id()
        hdrs = [(":method", method), (":scheme", "https"), (":authority", self.authority), (":path", target)]
        hdrs += [(k.lower(), v) for k, v in (headers or {}).items()]
        if body:
            hdrs.append(("content-length", str(len(body))))
        self.conn.send_headers(sid, hdrs, end_stream=not body)
        pending = memoryview(body or b"")
        status = 0
        resp_headers: list[tuple[str, str]] = []
        data = bytearray()
        while True:
            while pending:
                window = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size)
                if window <= 0:
                    break
                chunk, pending = pending[:window], pending[window:]
                self.conn.send_data(sid, bytes(chunk), end_stream=not pending)
            self.sock.sendall(self.conn.data_to_send())
            incoming = self.sock.recv(65536)
            if not incoming:
                raise ConnectionError("proxy closed the HTTP/2 connection")
            done = False
            for event in self.conn.receive_data(incoming):
                if isinstance(event, h2.events.ResponseReceived) and event.stream_id == sid:
                    resp_headers = [(str(k), str(v)) for k, v in event.headers]
                    status = int(dict(resp_headers).get(":status", "0"))
                elif isinstance(event, h2.events.DataReceived):
                    if event.stream_id == sid:
                        data.extend(event.data)
                    self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id == sid:
                    done = True
                elif isinstance(event, h2.events.StreamReset) and event.stream_id == sid:
                    raise ConnectionError(f"stream reset by proxy: error code {event.error_code}")
                elif isinstance(event, h2.events.ConnectionTerminated):
                    raise ConnectionError(f"proxy closed the HTTP/2 connection: {event.error_code}")
            self.sock.sendall(self.conn.data_to_send())
            if done:
                return ClientResponse(
                    status, [h for h in resp_headers if not h[0].startswith(":")], bytes(data), "HTTP/2"
                )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close_connection()
            self.sock.sendall(self.conn.data_to_send())
        self.sock.close()

    def __enter__(self) -> Http2Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def http2_request(
    proxy: Any,
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    ca: Path | str | None = None,
    timeout: float = 20.0,
) -> ClientResponse:
    """One HTTP/2 request over TLS through the proxy (`h2` library; CA = `ca` or the proxy's)."""
    _scheme, _host, _port, target = _split(url)
    with Http2Client(proxy, url, ca=ca, timeout=timeout) as client:
        return client.request(target, method=method, body=body, headers=headers)


def websocket_session(
    proxy: Any,
    url: str,
    messages: Sequence[str | bytes],
    *,
    headers: dict[str, str] | None = None,
    ca: Path | str | None = None,
    timeout: float = 20.0,
) -> list[str | bytes]:
    """Open a WebSocket (`ws://` or `wss://`) through the proxy (CONNECT tunnel, then the upgrade),
    send each message (str → text frame, bytes → binary frame), wait for each echo, close
    cleanly, and return the echoes. Uses `wsproto` (a mitmproxy dependency)."""
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import (
        AcceptConnection,
        BytesMessage,
        CloseConnection,
        Message,
        RejectConnection,
        Request,
        TextMessage,
    )

    scheme, host, port, target = _split(url)
    sock: socket.socket = open_tunnel(proxy, host, port, timeout=timeout)
    if scheme == "wss":
        sock = client_ssl_context(_proxy_ca(proxy, ca)).wrap_socket(sock, server_hostname=host)
    ws = WSConnection(ConnectionType.CLIENT)
    authority = host if port in (80, 443) else f"{host}:{port}"
    extra = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    echoes: list[str | bytes] = []

    def pump() -> list[Any]:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("proxy closed the WebSocket connection")
        ws.receive_data(data)
        return list(ws.events())

    try:
        sock.sendall(ws.send(Request(host=authority, target=target, extra_headers=extra)))
        accepted = False
        while not accepted:
            for event in pump():
                if isinstance(event, AcceptConnection):
                    accepted = True
                elif isinstance(event, RejectConnection):
                    raise ConnectionError(f"WebSocket upgrade rejected: {event.status_code}")
        for msg in messages:
            sock.sendall(ws.send(Message(data=msg)))
            parts: list[Any] = []
            while True:
                finished = False
                for event in pump():
                    if isinstance(event, (TextMessage, BytesMessage)):
                        parts.append(event.data)
                        if event.message_finished:
                            finished = True
                if finished:
                    break
            echoes.append("".join(parts) if isinstance(msg, str) else b"".join(parts))
        sock.sendall(ws.send(CloseConnection(code=1000)))
        with contextlib.suppress(Exception):
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                if any(isinstance(e, CloseConnection) for e in pump()):
                    break
    finally:
        sock.close()
    return echoes


def python_client_argv(
    proxy: Any,
    url: str,
    *,
    method: str = "GET",
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    ca: Path | str | None = None,
    python: str = SYSTEM_PYTHON,
) -> list[str]:
    """argv that runs this file as a standalone stdlib HTTP/1.1 client in another interpreter
    (default `/usr/bin/python3.11`, a real binary Frida can spawn): one request through the
    proxy, response body on stdout, exit status 0 on a 2xx answer, 3 on a TLS verification error.

        subprocess.run(python_client_argv(proxy, "https://api.example.test/x?id=1"), check=True)
    """
    argv = [
        python,
        str(Path(__file__).resolve()),
        "--proxy-port",
        str(_proxy_port(proxy)),
        "--method",
        method,
    ]
    cafile = _proxy_ca(proxy, ca)
    if cafile:
        argv += ["--cacert", cafile]
    for k, v in (headers or {}).items():
        argv += ["--header", f"{k}: {v}"]
    if body is not None:
        argv += ["--body", body.decode("utf-8", "surrogateescape") if isinstance(body, bytes) else body]
    argv.append(url)
    return argv


# --------------------------------------------------------------------------------------------
# Small utilities
# --------------------------------------------------------------------------------------------


def wait_for(
    predicate: Any, *, timeout: float = 10.0, interval: float = 0.05, what: str = "condition"
) -> Any:
    """Poll `predicate()` until it returns something truthy (returned) or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1 (racy; prefer port 0 where the tool supports it)."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def serve_forever(record: bool = False) -> None:
    """Run a `LocalServer` until stdin closes, after printing `{"https_port": .., "http_port": ..,
    "cert": ..}` as one JSON line on stdout: an upstream in its own process (benchmarks), started
    with `python tests/support/net.py --serve`."""
    with LocalServer(record=record) as server:
        print(
            json.dumps(
                {
                    "https_port": server.https_port,
                    "http_port": server.http_port,
                    "cert": str(server.cert_path),
                }
            ),
            flush=True,
        )
        sys.stdin.read()


def _main(argv: Sequence[str]) -> int:
    import argparse

    if argv and argv[0] == "--serve":
        serve_forever()
        return 0

    p = argparse.ArgumentParser(description="stdlib HTTP/1.1 client through a loopback proxy")
    p.add_argument("--proxy-port", type=int, required=True)
    p.add_argument("--cacert")
    p.add_argument("--method", default="GET")
    p.add_argument("--header", action="append", default=[])
    p.add_argument("--body")
    p.add_argument("url")
    a = p.parse_args(argv)
    headers = dict(h.split(": ", 1) for h in a.header)
    body = a.body.encode("utf-8", "surrogateescape") if a.body is not None else None
    try:
        r = http1_request(a.proxy_port, a.url, method=a.method, body=body, headers=headers, ca=a.cacert)
    except ssl.SSLCertVerificationError as e:
        print(f"TLS verification failed: {e}", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(r.body)
    return 0 if 200 <= r.status < 300 else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
