"""`phonehome doctor`: is this machine (and the phone, if one is given) ready for a session?

Each check is a small function returning a `Check` with a pass/fail/skip line and, for every
failure, the fix. The checks touch real things (imports, files, sockets, Frida's device manager,
adb) and never change anything.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from phonehome.analysis.pcap import INSTALL_HINT, tshark_path

Status = Literal["pass", "fail", "warn", "skip"]

REPO = Path(__file__).resolve().parent.parent
REQUIRED = {"mitmproxy": (12, 13), "frida": (17, 18), "pandas": (2, 4), "textual": (6, 9), "rich": (14, 16)}


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


def check_python(version: tuple[int, int, int] = sys.version_info[:3]) -> Check:
    text = ".".join(map(str, version))
    if version >= (3, 12):
        return Check("python", "pass", f"Python {text} ({sys.executable})")
    return Check(
        "python",
        "fail",
        f"Python {text} is too old: mitmproxy 12 needs 3.12 or newer",
        "run ./bootstrap setup, which creates .venv with a Python >= 3.12 found on this machine",
    )


def check_package(name: str, bounds: tuple[int, int]) -> Check:
    lo, hi = bounds
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return Check(name, "fail", f"{name} is not installed", "run ./bootstrap setup")
    major = int(version.split(".")[0])
    if lo <= major < hi:
        return Check(name, "pass", f"{name} {version}")
    return Check(
        name,
        "fail",
        f"{name} {version} is outside the supported range {lo}.x–{hi - 1}.x",
        f"run ./bootstrap setup to install {name} >= {lo}, < {hi}",
    )


def agent_dirs(hooks_dir: Path) -> list[Path]:
    """Agent folders: those with a package.json and an agent.ts or index.ts."""
    return sorted(
        p.parent
        for p in hooks_dir.glob("*/package.json")
        if (p.parent / "agent.ts").exists() or (p.parent / "index.ts").exists()
    )


def check_agents(hooks_dir: Path = REPO / "hooks", *, npm: str | None = shutil.which("npm")) -> Check:
    agents = agent_dirs(hooks_dir)
    if not agents:
        return Check(
            "frida agents",
            "fail",
            f"no agent sources in {hooks_dir}",
            "reinstall phonehome from its repository",
        )
    missing = [a.name for a in agents if not (a / "_build" / "agent.js").is_file()]
    if not missing:
        return Check("frida agents", "pass", f"built: {', '.join(a.name for a in agents)}")
    build = ".venv/bin/python -m phonehome.hooks.build"
    fix = f"run: {build}" if npm else f"install Node.js 18+ with npm, then run: {build}"
    return Check("frida agents", "fail", f"not built: {', '.join(missing)}", fix)


def default_confdir() -> Path:
    return Path.home() / ".mitmproxy"


def mitmproxy_ca_hash(cert_pem: bytes) -> str:
    """Android's file name for a CA in the system store: OpenSSL's `subject_hash_old` + ".0"."""
    # Lazy: the CLI imports this module to build its parser; x509 only when a CA is checked.
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(cert_pem)
    digest = hashlib.md5(cert.subject.public_bytes()).digest()
    return f"{int.from_bytes(digest[:4], 'little'):08x}.0"


def check_ca(confdir: Path) -> Check:
    cert = confdir / "mitmproxy-ca-cert.pem"
    if not cert.is_file():
        return Check(
            "mitmproxy CA",
            "fail",
            f"no CA certificate in {confdir}",
            f"start mitmproxy once (.venv/bin/mitmdump --set confdir={confdir}, then Ctrl-C) "
            "or run phonehome session, which creates it",
        )
    try:
        name = mitmproxy_ca_hash(cert.read_bytes())
    except ValueError as e:
        return Check(
            "mitmproxy CA",
            "fail",
            f"{cert} is not a PEM certificate ({e})",
            f"move {confdir} away and let mitmproxy create a new CA",
        )
    return Check("mitmproxy CA", "pass", f"{cert} (Android system-store name {name})")


def check_port(host: str, port: int, *, what: str = "proxy") -> Check:
    try:
        with socket.create_connection((host, port), timeout=1.5):
            return Check(what, "pass", f"{host}:{port} accepts connections")
    except OSError as e:
        return Check(
            what,
            "fail",
            f"{host}:{port} does not accept connections ({e.strerror or e})",
            "start the proxy (phonehome session, or .venv/bin/mitmdump -s addons/phonehome.py) "
            "and check the phone's proxy or WireGuard settings point at this machine",
        )


def frida_advice(error: str) -> str:
    """The fix for a Frida connection error, by its message."""
    low = error.lower()
    if "major versions" in low or "incompatible" in low or "protocol" in low:
        return (
            "Frida client and frida-server versions differ: install frida-server "
            f"{_frida_version()} for the phone's CPU (adb shell getprop ro.product.cpu.abi) and restart it"
        )
    if (
        "unable to connect" in low
        or "connection refused" in low
        or "timed out" in low
        or "unreachable" in low
    ):
        return (
            "frida-server is not reachable: start it on the phone (adb shell 'su -c /data/local/tmp/frida-server &'), "
            "or for --remote listen on the network (frida-server -l 0.0.0.0) and check the address"
        )
    if "unable to find" in low or "no device" in low or "not found" in low:
        return "no phone found: connect it by USB, enable USB debugging and accept the computer's key (adb devices)"
    return "see the error above; frida-ps -U (USB) or frida-ps -H HOST lists processes when the set-up works"


def _frida_version() -> str:
    try:
        return importlib.metadata.version("frida")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


def check_device(*, usb: bool, remote: str | None, timeout: int = 3) -> list[Check]:
    if not usb and not remote:
        return [
            Check(
                "device",
                "skip",
                "no device given (--usb or --remote HOST): only the local parts were checked",
            )
        ]
    # Lazy: frida loads a native library; only a device check needs it.
    import frida

    where = "USB" if usb else remote
    try:
        if usb:
            device = frida.get_usb_device(timeout)
        else:
            assert remote is not None  # neither --usb nor --remote returned above
            device = frida.get_device_manager().add_remote_device(remote)
    except (
        frida.InvalidArgumentError,
        frida.TimedOutError,
        frida.ServerNotRunningError,
        frida.TransportError,
        frida.NotSupportedError,
        frida.InvalidOperationError,
    ) as e:
        return [Check("device", "fail", f"{where}: {e}", frida_advice(str(e)))]
    checks = [Check("device", "pass", f"{device.name} ({device.id}, {device.type})")]
    try:
        params = device.query_system_parameters()
    except frida.TransportError as e:
        return [*checks, Check("frida-server", "fail", str(e), frida_advice(str(e)))]
    except Exception as e:  # Frida raises several unrelated types for a dead or mismatched server
        return [*checks, Check("frida-server", "fail", f"{type(e).__name__}: {e}", frida_advice(str(e)))]
    os_info = params.get("os", {})
    checks.append(
        Check(
            "frida-server",
            "pass",
            f"running, client {_frida_version()}, device OS {os_info.get('name', '?')} {os_info.get('version', '')}",
        )
    )
    return checks


def check_android_ca(
    confdir: Path,
    *,
    adb: str | None = None,
    run: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
) -> Check:
    adb = adb or shutil.which("adb")
    cert = confdir / "mitmproxy-ca-cert.pem"
    if not cert.is_file():
        return Check("android system CA", "skip", "no mitmproxy CA yet (see above)")
    if not adb:
        return Check(
            "android system CA",
            "warn",
            "adb not found: cannot look into the phone's system CA store",
            "install adb (apt-get install adb) to check it",
        )
    name = mitmproxy_ca_hash(cert.read_bytes())
    listing = run(
        [adb, "shell", "ls", "/apex/com.android.conscrypt/cacerts/", "/system/etc/security/cacerts/"],
        capture_output=True,
        text=True,
        timeout=15,
    )
    if listing.returncode != 0 and not listing.stdout:
        return Check(
            "android system CA",
            "fail",
            f"adb shell failed: {listing.stderr.strip()[:200]}",
            "connect the phone and allow USB debugging (adb devices must list it)",
        )
    if name in listing.stdout.split():
        return Check("android system CA", "pass", f"{name} is in the system CA store")
    return Check(
        "android system CA",
        "fail",
        f"{name} is not in the system CA store: apps will reject the proxy",
        "install mitmproxy's CA as a system CA (README: 'Analysing an app on a real phone', step 2)",
    )


def check_tshark(*, tshark: str | None = None) -> Check:
    """Packet captures are read through Wireshark's tshark (`phonehome replay capture.pcapng`)."""
    path = tshark or tshark_path()
    if path is None:
        return Check(
            "tshark",
            "warn",
            "tshark not found: packet captures (.pcap, .pcapng) cannot be read",
            INSTALL_HINT,
        )
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20)
        version = out.stdout.splitlines()[0] if out.stdout else f"exit status {out.returncode}"
    except (OSError, subprocess.SubprocessError) as e:
        return Check("tshark", "fail", f"{path} does not run: {e}", INSTALL_HINT)
    return Check("tshark", "pass", f"{version} ({path})")


def run_checks(
    *,
    usb: bool = False,
    remote: str | None = None,
    confdir: Path | None = None,
    proxy: tuple[str, int] | None = None,
) -> list[Check]:
    confdir = confdir or default_confdir()
    checks = [
        check_python(),
        *(check_package(n, b) for n, b in REQUIRED.items()),
        check_agents(),
        check_ca(confdir),
    ]
    if shutil.which("npm") is None:
        checks.append(
            Check(
                "npm",
                "warn",
                "npm not found: the Frida agents cannot be rebuilt",
                "install Node.js 18+ with npm",
            )
        )
    checks.append(check_tshark())
    if proxy is not None:
        checks.append(check_port(*proxy))
    device_checks = check_device(usb=usb, remote=remote)
    checks.extend(device_checks)
    if usb and all(c.status == "pass" for c in device_checks):
        checks.append(check_android_ca(confdir))
    return checks


def failed(checks: Iterable[Check]) -> bool:
    return any(c.status == "fail" for c in checks)
