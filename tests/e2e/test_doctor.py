"""`phonehome doctor` without a phone: every check's pass and failure line, and the CLI."""

from __future__ import annotations

import shutil
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from phonehome import doctor
from phonehome.cli import main


def test_python_version() -> None:
    assert doctor.check_python((3, 12, 1)).status == "pass"
    old = doctor.check_python((3, 11, 7))
    assert old.status == "fail" and "3.11.7 is too old" in old.detail and "./bootstrap setup" in old.fix


def test_packages() -> None:
    assert doctor.check_package("mitmproxy", (12, 13)).status == "pass"
    missing = doctor.check_package("surely-not-installed-pkg", (1, 2))
    assert missing.status == "fail" and missing.detail == "surely-not-installed-pkg is not installed"
    wrong = doctor.check_package("mitmproxy", (13, 14))
    assert wrong.status == "fail" and "outside the supported range 13.x–13.x" in wrong.detail
    assert ">= 13, < 14" in wrong.fix


def test_agents(tmp_path: Path) -> None:
    agent = tmp_path / "api"
    agent.mkdir()
    (agent / "package.json").write_text("{}")
    (agent / "agent.ts").write_text("")
    check = doctor.check_agents(tmp_path, npm="/usr/bin/npm")
    assert check.status == "fail" and check.detail == "not built: api"
    assert check.fix == "run: .venv/bin/python -m phonehome.hooks.build"
    assert "install Node.js" in doctor.check_agents(tmp_path, npm=None).fix
    (agent / "_build").mkdir()
    (agent / "_build" / "agent.js").write_text("//")
    assert doctor.check_agents(tmp_path).status == "pass"
    assert doctor.check_agents(tmp_path / "nothing").status == "fail"


def test_ca_missing_bad_and_real(tmp_path: Path) -> None:
    missing = doctor.check_ca(tmp_path)
    assert missing.status == "fail" and "no CA certificate" in missing.detail and "mitmdump" in missing.fix
    (tmp_path / "mitmproxy-ca-cert.pem").write_text("not a certificate")
    bad = doctor.check_ca(tmp_path)
    assert bad.status == "fail" and "is not a PEM certificate" in bad.detail

    from mitmproxy.certs import CertStore

    real = tmp_path / "real"
    CertStore.from_store(real, "mitmproxy", 2048)
    ok = doctor.check_ca(real)
    # mitmproxy's documented system-store file name for its CA (subject CN=mitmproxy, O=mitmproxy).
    assert ok.status == "pass" and "c8750f0d.0" in ok.detail


def test_port() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert doctor.check_port("127.0.0.1", port).status == "pass"
    closed = doctor.check_port("127.0.0.1", port)
    assert closed.status == "fail" and "does not accept connections" in closed.detail
    assert "WireGuard" in closed.fix


def test_no_device_is_said_plainly() -> None:
    (check,) = doctor.check_device(usb=False, remote=None)
    assert check.status == "skip" and "no device given" in check.detail


def test_unreachable_frida_server_on_loopback() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    checks = doctor.check_device(usb=False, remote=f"127.0.0.1:{port}")
    failure = next(c for c in checks if c.status == "fail")
    assert failure.name in ("device", "frida-server") and "frida-server" in failure.fix


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        pytest.param(
            "unable to communicate with remote frida-server; please ensure that major versions match",
            "versions differ",
            id="version-mismatch",
        ),
        pytest.param(
            "unable to connect to remote frida-server: connection refused", "not reachable", id="refused"
        ),
        pytest.param("unable to find device with id usb", "no phone found", id="no-usb"),
        pytest.param("something else", "frida-ps", id="other"),
    ],
)
def test_frida_advice(error: str, advice: str) -> None:
    assert advice in doctor.frida_advice(error)


def _fake_adb(tmp_path: Path, listing: str, status: int = 0) -> str:
    """A stand-in for adb (there is no phone here) that prints a CA store listing."""
    script = tmp_path / "adb"
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' '{listing}'\nexit {status}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_android_system_ca(tmp_path: Path) -> None:
    from mitmproxy.certs import CertStore

    CertStore.from_store(tmp_path, "mitmproxy", 2048)
    assert doctor.check_android_ca(tmp_path / "none", adb="/bin/true").status == "skip"
    present = doctor.check_android_ca(
        tmp_path, adb=_fake_adb(tmp_path, "0d5a4e1c.0 c8750f0d.0"), run=subprocess.run
    )
    assert present.status == "pass"
    absent = doctor.check_android_ca(tmp_path, adb=_fake_adb(tmp_path, "0d5a4e1c.0"), run=subprocess.run)
    assert (
        absent.status == "fail"
        and "not in the system CA store" in absent.detail
        and "system CA" in absent.fix
    )


def test_cli_without_device(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["doctor", "--confdir", str(tmp_path)])
    out = capsys.readouterr().out
    assert "PASS python" in out and "FAIL mitmproxy CA" in out and "SKIP device: no device given" in out
    assert "fix: start mitmproxy once" in out
    assert status == 1


def test_tshark_present_or_named_with_its_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHONEHOME_TSHARK", str(tmp_path / "missing"))
    missing = doctor.check_tshark()
    assert missing.status == "warn" and "apt-get install tshark" in (missing.fix or "")
    monkeypatch.delenv("PHONEHOME_TSHARK")
    if shutil.which("tshark"):
        found = doctor.check_tshark()
        assert found.status == "pass" and "TShark" in found.detail
