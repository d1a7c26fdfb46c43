"""Fixtures shared by the whole suite: system tools, a real upstream server, temporary and
recorded sessions. Pure helpers (builders of requests, bodies, rows) are in `tests/support/`;
fixtures used by one subtree only are in that subtree's `conftest.py` (`tests/views/report/`).

Scopes: a fixture shared across tests holds only what no test changes (a tool's path, a recorded
session folder that tests read), or is reset for each test (`server` clears what the module's
upstream received). Anything a test writes comes from `tmp_path`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import tools
from support.compare import record_steps
from support.dashboard import make_session
from support.net import LocalServer
from support.report import Chromium

from phonehome.store import SessionStore

# -- system tools: skipped when missing, a failure under PHONEHOME_REQUIRE_ALL=1 -----------------


@pytest.fixture(scope="session")
def tshark() -> str:
    return tools.require_tool("tshark", "apt-get install -y tshark")


@pytest.fixture(scope="session")
def editcap() -> str:
    return tools.require_tool("editcap", "apt-get install -y wireshark-common")


@pytest.fixture(scope="session")
def chromium_binary() -> str:
    return tools.require_chromium()


@pytest.fixture
def chromium(chromium_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Chromium:
    """Headless Chromium (loopback only) with a fresh profile for this test."""
    return Chromium(chromium_binary, tmp_path_factory.mktemp("chromium-profile"))


# -- a real upstream and the proxy in front of it ------------------------------------------------


@pytest.fixture(scope="module")
def upstream() -> Iterator[LocalServer]:
    """A real TLS server on loopback (HTTP/1.1, HTTP/2, WebSocket; `support.net.LocalServer`),
    started once per test module. Tests take `server`, which starts each test empty."""
    with LocalServer() as s:
        yield s


@pytest.fixture
def server(upstream: LocalServer) -> LocalServer:
    """The module's upstream server, with nothing received yet."""
    upstream.clear()
    return upstream


# -- sessions ------------------------------------------------------------------------------------


@pytest.fixture
def new_session(tmp_path: Path) -> Callable[..., SessionStore]:
    """`new_session(rows=(), name="s", **meta)`: a session folder under this test's `tmp_path`
    with `session.json` (start, app, `meta`) and `rows` as findings (`support.dashboard`)."""

    def create(rows: list[dict[str, Any]] | tuple[()] = (), name: str = "s", **meta: Any) -> SessionStore:
        return make_session(tmp_path / name, list(rows), **meta)

    return create


@pytest.fixture(scope="session")
def career_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`captures/make_career_app.py` recorded for real (mitmdump, phonehome addon, loopback
    upstream) once per run. Read-only: copy it before changing anything in it."""
    return record_steps("make_career_app", tmp_path_factory.mktemp("career") / "career-app")


@pytest.fixture(scope="session")
def tiktok_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`captures/make_tiktok_format.py` recorded for real once per run. Read-only."""
    return record_steps("make_tiktok_format", tmp_path_factory.mktemp("tiktok") / "tiktok-format")
