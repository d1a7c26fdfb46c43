"""Before a session is read: save the flows a killed proxy and worker left in `flows.journal`."""

from __future__ import annotations

import contextlib
from typing import Any

from . import RESERVE, SessionStore
from . import journal as _journal
from .live import proxy_alive


def save_left_journal(
    store: SessionStore, meta: dict[str, Any], notes: list[str], problems: list[str]
) -> None:
    """A session whose proxy and worker were both killed can hold flows that only reached
    `flows.journal`: save them to `flows.mitm` before reading it (`phonehome/store/journal.py`).
    What was done goes to `notes`, what failed to `problems`."""
    if proxy_alive(meta):
        return
    # The room a killed live session had set aside for its end (it is no use once it is dead).
    with contextlib.suppress(OSError):
        (store.root / RESERVE).unlink()
    if not (store.root / _journal.JOURNAL).exists():
        return
    try:
        # A killed worker's threads can hold the journal's lock for a moment after the process
        # looks gone (its main thread is a zombie first): give them that moment.
        got = _journal.recover(store.root, wait_s=2.0)
    except (OSError, ValueError) as e:
        problems.append(f"{store.root / _journal.JOURNAL}: cannot save the flows left in it: {e}")
        return
    if got is None:
        notes.append(
            f"{store.root}: {_journal.JOURNAL} is held by a live phonehome worker; flows.mitm may lack "
            "its last flows until that worker finishes"
        )
        return
    notes.append(
        f"{store.root}: saved {got.flows} flows the live worker had not written to flows.mitm "
        f"(from {_journal.JOURNAL}"
        + (f"; {got.torn_tail} bytes at its end were cut off by the kill)" if got.torn_tail else ")")
    )
