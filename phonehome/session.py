"""One command for a whole device session: proxy, Frida hooks and dashboard, stopped together.

    DeviceSession(config).start()    session dir, mitmdump + addon, then the hooks (or, with
                                     --local and --no-hooks, the program itself)
    .wait_headless() / dashboard     until quit, Ctrl-C, the program ending or a child dying
    .stop(reason)                    hooks first (their last batch is flushed), then mitmdump
                                     (its `done` hook writes the end), then session.json

Children run in their own process groups, so a Ctrl-C in the terminal reaches only this process,
which stops them in order; anything still alive after its grace period is killed with its whole
group, so no process outlives the session.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import IO, Literal

from phonehome.analysis.same_request import without_proxied_duplicates
from phonehome.store import SessionStore, make_private_dir, open_private, read_jsonl
from phonehome.views.inert import inert

REPO = Path(__file__).resolve().parent.parent
ADDON = REPO / "addons" / "phonehome.py"
BIN = Path(sys.executable).parent

Device = Literal["usb", "remote", "local"]
Mode = Literal["regular", "wireguard"]

HOOKS_GRACE_S = 10.0
PROXY_GRACE_S = 20.0
PROGRAM_GRACE_S = 5.0


@dataclass
class SessionConfig:
    device: Device
    app: str | None = None
    remote: str | None = None
    mode: Mode = "regular"
    listen_host: str = "127.0.0.1"
    listen_port: int = 8080
    profile: Path | None = None
    first_party: Sequence[str] = ()
    hooks: bool = True
    attach: bool = False
    agents: Sequence[str] | None = None
    name: str | None = None
    captures: Path = Path("captures")
    confdir: Path = field(default_factory=lambda: Path.home() / ".mitmproxy")
    command: Sequence[str] = ()
    """--local: the program to run through the proxy (argv)."""
    mitmproxy_scripts: Sequence[Path] = ()
    mitmproxy_options: Sequence[str] = ()
    """Extra `--set KEY=VALUE` for mitmdump."""

    def __post_init__(self) -> None:
        if self.device == "remote" and not self.remote:
            raise ValueError("--remote needs HOST[:PORT]")
        if self.device == "local" and not self.command and not self.attach:
            raise ValueError(
                "--local needs the program to run after --, e.g. -- /usr/bin/curl https://example.org/"
            )
        if self.device != "local" and not self.app:
            raise ValueError("--app PACKAGE is needed to spawn or attach to the app on the phone")
        if self.hooks and self.device == "local" and self.command and not Path(self.command[0]).is_absolute():
            found = shutil.which(self.command[0])
            if found is None:
                raise ValueError(f"program not found: {self.command[0]}")
            self.command = [os.path.realpath(found), *self.command[1:]]

    @property
    def agent_list(self) -> list[str]:
        if self.agents:
            return list(self.agents)
        # Desktop programs have no Java or Objective-C runtime: only the native TLS agent applies.
        return ["tls"] if self.device == "local" else ["api", "crypto", "tls", "unpin"]

    @property
    def proxy_url(self) -> str:
        host = "127.0.0.1" if self.listen_host in ("0.0.0.0", "") else self.listen_host
        return f"http://{host}:{self.listen_port}"

    @property
    def ca_cert(self) -> Path:
        return self.confdir / "mitmproxy-ca-cert.pem"


def proxy_environment(config: SessionConfig, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment that makes a desktop program use the proxy and trust its CA."""
    env = dict(os.environ if base is None else base)
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
        env[name] = config.proxy_url
    for name in ("NO_PROXY", "no_proxy"):
        env.pop(name, None)
    ca = str(config.ca_cert)
    for name in (
        "SSL_CERT_FILE",
        "CURL_CA_BUNDLE",
        "REQUESTS_CA_BUNDLE",
        "NODE_EXTRA_CA_CERTS",
        "GIT_SSL_CAINFO",
    ):
        env[name] = ca
    return env


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]
    log: IO[bytes] | None = None

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, first: int, grace: float) -> int:
        """Send `first`, wait `grace` seconds, then SIGKILL the whole group; return the status."""
        self.signal(first)
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.proc.wait(5)
        # Grandchildren (e.g. a program Frida spawned) share the group: make sure none is left.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.log is not None:
            self.log.close()
        return self.proc.returncode


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


class DeviceSession:
    def __init__(self, config: SessionConfig, *, say: Callable[[str], None] | None = None) -> None:
        self.config = config
        self.say = say or (lambda text: print(text, file=sys.stderr))
        name = config.name or time.strftime("session-%Y%m%d-%H%M%S")
        self.store = SessionStore(config.captures / name)
        self.children: dict[str, Child] = {}
        self.stop_reason: str | None = None
        self._requested: str | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self.store.root

    # --- start ----------------------------------------------------------------------------

    def start(self) -> DeviceSession:
        c = self.config
        if SessionStore.is_session(self.root):
            raise FileExistsError(f"{self.root} already holds a session; choose another --name")
        make_private_dir(self.root)
        make_private_dir(c.confdir)
        if c.profile is not None:
            shutil.copyfile(c.profile, self.store.profile_copy)
            os.chmod(self.store.profile_copy, 0o600)
        self.store.update_meta(session=self._meta(start=_now_iso()))
        try:
            self._start_proxy()
            if c.hooks:
                self._start_hooks()
            elif c.device == "local":
                self._start_program()
        except BaseException:
            self.stop("start-up failed")
            raise
        return self

    def _meta(self, **extra: object) -> dict[str, object]:
        c = self.config
        return {
            "command": "phonehome session",
            "device": c.device,
            "remote": c.remote,
            "mode": c.mode,
            "listen": f"{c.listen_host}:{c.listen_port}",
            "app": c.app,
            "hooks": c.hooks,
            "agents": c.agent_list if c.hooks else [],
            "program": list(c.command),
            **extra,
        }

    def _log(self, name: str) -> IO[bytes]:
        return open_private(self.root / f"{name}.log", "ab")

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Child:
        log = self._log(name)
        proc = subprocess.Popen(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        child = Child(name, proc, log)
        self.children[name] = child
        return child

    def _start_proxy(self) -> None:
        c = self.config
        mode = (
            ["--mode", f"wireguard@{c.listen_host}:{c.listen_port}"]
            if c.mode == "wireguard"
            else ["--listen-host", c.listen_host, "--listen-port", str(c.listen_port)]
        )
        argv = [
            str(BIN / "mitmdump"),
            *mode,
            "--set",
            f"confdir={c.confdir}",
            "-s",
            str(ADDON),
            "--set",
            f"phonehome_session={self.root}",
        ]
        if c.app:
            argv += ["--set", f"phonehome_app={c.app}"]
        if c.profile is not None:
            argv += ["--set", f"phonehome_profile={self.store.profile_copy}"]
        for domain in c.first_party:
            argv += ["--set", f"phonehome_first_party={domain}"]
        for script in c.mitmproxy_scripts:
            argv += ["-s", str(script)]
        for option in c.mitmproxy_options:
            argv += ["--set", option]
        child = self._spawn("mitmdump", argv)
        self._wait_proxy_ready(child)

    def _wait_proxy_ready(self, child: Child, timeout: float = 60.0) -> None:
        c = self.config
        log_path = self.root / "mitmdump.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not child.alive:
                raise RuntimeError(f"mitmdump exited with {child.proc.returncode}:\n{_tail(log_path)}")
            if c.ca_cert.exists():
                if c.mode == "wireguard":
                    text = log_path.read_text("utf-8", "replace")
                    if "[Interface]" in text and "[Peer]" in text:
                        self.say(
                            "WireGuard client configuration for the phone (WireGuard app → add tunnel):\n"
                            + _wireguard_block(text)
                        )
                        return
                elif _accepts(c.proxy_url):
                    return
            time.sleep(0.1)
        raise RuntimeError(f"mitmdump did not become ready within {timeout:.0f} s:\n{_tail(log_path)}")

    def _start_hooks(self) -> None:
        c = self.config
        where = (
            ["--usb"]
            if c.device == "usb"
            else ["--remote", str(c.remote)]
            if c.device == "remote"
            else ["--local"]
        )
        argv = [
            str(BIN / "phonehome"),
            "hooks",
            *where,
            "--session",
            str(self.root),
            "--quiet",
            "--agents",
            ",".join(c.agent_list),
        ]
        if c.app:
            argv += ["--app", c.app]
        if c.profile is not None:
            argv += ["--profile", str(self.store.profile_copy)]
        if c.attach:
            argv += ["--attach", c.app or ""]
        else:
            argv += ["--spawn", *(c.command if c.device == "local" else [c.app or ""])]
        env = proxy_environment(c) if c.device == "local" else None
        self._spawn("hooks", argv, env)

    def _start_program(self) -> None:
        self._spawn("program", list(self.config.command), proxy_environment(self.config))

    # --- run ------------------------------------------------------------------------------

    def request_stop(self, reason: str) -> None:
        """Ask the run loop (headless or dashboard) to end the session; safe from a signal handler."""
        self._requested = self._requested or reason

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGHUP (the terminal closed) end the session like Ctrl-C: the children
        live in their own process groups and would otherwise outlive it. An exit by any other
        path stops them too."""
        for sig, name in ((signal.SIGTERM, "terminated"), (signal.SIGHUP, "terminal closed")):
            signal.signal(sig, self._stop_handler(name))
        atexit.register(self._stop_at_exit)

    def _stop_handler(self, reason: str) -> Callable[[int, FrameType | None], None]:
        def handler(signum: int, frame: FrameType | None) -> None:
            self.request_stop(reason)

        return handler

    def _stop_at_exit(self) -> None:
        if not self._stopped.is_set() and self.children:
            self.stop(self._requested or "exiting")

    def ended(self) -> str | None:
        """Why the session should end now (asked to, or a child exited), or None."""
        if self._requested:
            return self._requested
        for name, child in self.children.items():
            if not child.alive:
                status = child.proc.returncode
                if name in ("program", "hooks") and self.config.device == "local" and status == 0:
                    return f"{name} finished"
                return f"{name} exited with status {status}"
        return None

    def wait_headless(self, *, timeout: float | None = None) -> str:
        """Block until a child ends, Ctrl-C/SIGTERM, or `timeout`; return the reason."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                reason = self.ended()
                if reason:
                    return reason
                if deadline is not None and time.monotonic() > deadline:
                    return "time limit reached"
                time.sleep(0.2)
        except KeyboardInterrupt:
            return "interrupted"

    # --- stop -----------------------------------------------------------------------------

    def stop(self, reason: str) -> dict[str, int | None]:
        """Stop every child in order and finalise session.json; safe to call more than once."""
        with self._lock:
            if self._stopped.is_set():
                return {n: c.proc.returncode for n, c in self.children.items()}
            self._stopped.set()
        self.stop_reason = reason
        statuses: dict[str, int | None] = {}
        if "program" in self.children:
            statuses["program"] = self.children["program"].stop(signal.SIGTERM, PROGRAM_GRACE_S)
        if "hooks" in self.children:
            # SIGINT: the host detaches, flushes the agents' last batches and closes its files.
            statuses["hooks"] = self.children["hooks"].stop(signal.SIGINT, HOOKS_GRACE_S)
        if "mitmdump" in self.children:
            if reason.endswith("finished"):
                time.sleep(0.5)  # let the addon's worker write the last findings
            statuses["mitmdump"] = self.children["mitmdump"].stop(signal.SIGTERM, PROXY_GRACE_S)
        if self.root.exists():
            meta = self.store.read_meta()
            end = _now_iso()
            session = dict(meta.get("session") or {})
            session.update(end=end, stop_reason=reason, exit_status=statuses)
            changes: dict[str, object] = {"session": session}
            if not meta.get("end"):
                changes.update(end=end, end_ts=time.time())
            try:
                self.store.update_meta(**changes)
            except OSError as e:  # a full disk: the children's statuses are still returned and shown
                self.say(f"phonehome session: could not write the end of the session: {inert(e)}")
        return statuses

    def closing_words(self) -> str:
        proxied = read_jsonl(self.store.findings).objects
        findings = len(proxied) + len(
            without_proxied_duplicates(read_jsonl(self.store.hook_findings).objects, proxied)
        )
        return (
            f"session stopped ({self.stop_reason}); {findings} findings in {self.root}\n"
            f"report: phonehome report {self.root} -o {self.root / 'report.html'}"
        )


def _accepts(url: str) -> bool:
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def _wireguard_block(log: str) -> str:
    start = log.index("[Interface]")
    end = log.find("-----", start)
    return log[start : end if end > 0 else None].strip()
