"""`phonehome watch` in a real pseudo-terminal: the raw bytes it writes carry no hostile sequence."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

from support.dashboard import HOSTILE, SCENARIO

from phonehome.store import SessionStore


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if needle in out:
                break
    return out


def test_watch_in_a_pty_writes_no_hostile_escape_sequences(
    tmp_path: Path, new_session: Callable[..., SessionStore]
) -> None:
    store = new_session(SCENARIO[:2] + [{**HOSTILE, "org": "EVIL-ORG [b]x"}])
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.update(TERM="xterm-256color", COLUMNS="160", LINES="45")
    proc = subprocess.Popen(
        [sys.executable, "-m", "phonehome.cli", "watch", str(store.root), "--interval", "0.1"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    try:
        out = _read_until(master, b"EVIL-ORG", 40)
        out += _read_until(master, b"\x00never", 1.0)  # let the frame finish
        assert b"EVIL-ORG" in out, out[-2000:]
        os.write(master, b"q")
        proc.wait(timeout=20)
        out += _read_until(master, b"\x00never", 0.5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    for bad in (
        b"\x1b]0;pwned",  # OSC title from the host name
        b"\x1b]8;;https://evil",  # OSC 8 hyperlink from the evidence
        b"\x1b[2J\x1b[H",  # clear + home from the host name
        b"\x1b[31mred",  # SGR from the value
        b"\x1b[5m",  # blink from the category
        b"\xc2\x9b",
        b"\xc2\x9d",
        b"\xc2\x90",
        b"\xc2\x9c",  # C1 CSI/OSC/DCS/ST as UTF-8
        "\u202e".encode(),
        "\u200b".encode(),  # bidi override, zero-width space
    ):
        assert bad not in out, bad
    # shown as text instead: the escapes are drawn in reverse video, so SGR codes sit between the parts
    assert b"\\x1b" in out and b"]0;pwned" in out and b"\\x07" in out and b"[b]x" in out
    assert proc.returncode == 0
