"""Fuzzing session folders (issue #18): random session files replaced by links, FIFOs, devices,
hard links, directories, truncations, garbage and sparse giants, then `replay`, `report`, `mark` and
the dashboard's loading path (`watch`, headless) run on the folder. Each must finish in time,
write nothing outside the folder (besides its own output) and never raise or print a traceback.

    .venv/bin/python tests/support/fuzz.py --cases 500 [--seed 1]      # a longer run

`tests/e2e/test_fuzz_sessions.py` runs a few dozen seeded cases.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import random
import shutil
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "captures" / "sample"
SESSION_FILES = (
    "session.json",
    "flows.mitm",
    "findings.jsonl",
    "markers.jsonl",
    "proxy-events.jsonl",
    "hook-events.jsonl",
    "hook-findings.jsonl",
    "device.toml",
    "flows.journal",
    "flows.journal.pos",
)
MUTATIONS = (
    "symlink-file",
    "symlink-dangling",
    "symlink-dir",
    "symlink-dev",
    "fifo",
    "truncate",
    "garbage",
    "flip",
    "directory",
    "hardlink",
    "sparse",
    "empty",
)
COMMAND_TIMEOUT_S = 30.0


class Hang(BaseException):
    """A command ran past its time (a BaseException: no `except Exception` swallows it)."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    def on_alarm(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class Case:
    seed: int
    mutations: list[tuple[str, str]] = field(default_factory=list)
    journal: bool = False

    def __str__(self) -> str:
        return f"seed {self.seed}: journal={self.journal} " + ", ".join(
            f"{n}<-{m}" for n, m in self.mutations
        )


def _left_journal(root: Path, rng: random.Random) -> None:
    """A journal a killed proxy and worker left: some of the sample's flows not yet saved."""
    from phonehome.analysis import tnet
    from phonehome.store import journal as _journal

    data = (SAMPLE / "flows.mitm").read_bytes()
    flows, f = [], io.BytesIO(data)
    while f.tell() < len(data):
        start = f.tell()
        tnet.load(f, len(data) - start)
        flows.append(data[start : f.tell()])
    keep = rng.randint(0, len(flows))
    (root / "flows.mitm").write_bytes(b"".join(flows[:keep]))
    writer = _journal.JournalWriter(root / _journal.JOURNAL)
    for flow in flows[keep:]:
        writer.raw(_journal.KIND_SAVE, [flow])
        if rng.random() < 0.2:  # a record of marshal-like bytes that the journal never carries
            import marshal

            junk = bytearray(
                marshal.dumps(
                    rng.choice(
                        [
                            (1, {"a": [b"x"]}),
                            compile("1", "x", "eval"),
                            {1, 2},
                            [[[]]] * 3,
                            ("id", 1.0, 0, 1, (), ()),
                        ]
                    )
                )
            )
            for _ in range(rng.randint(0, 3)):
                junk[rng.randrange(len(junk))] = rng.randrange(256)
            writer.raw(rng.choice([_journal.KIND_HTTP, _journal.KIND_CONN]), [bytes(junk)])
    writer.close()
    if rng.random() < 0.5:
        with (root / _journal.JOURNAL).open("ab") as j:
            j.write(os.urandom(rng.randint(1, 40)))  # torn or garbage tail
    pos = _journal.Position(root / _journal.POSITION)
    pos.write(0, sum(map(len, flows[:keep])))
    pos.close()


def mutate(path: Path, how: str, outside: Path, rng: random.Random) -> None:
    exists = path.exists() or path.is_symlink()
    data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
    if exists:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    if how == "symlink-file":
        path.symlink_to(outside / "precious.txt")
    elif how == "symlink-dangling":
        path.symlink_to(outside / f"created-{path.name}")
    elif how == "symlink-dir":
        path.symlink_to(outside)
    elif how == "symlink-dev":
        path.symlink_to(rng.choice(["/dev/zero", "/dev/null", "/dev/urandom"]))
    elif how == "fifo":
        os.mkfifo(path)
    elif how == "truncate":
        path.write_bytes(data[: rng.randint(0, max(len(data) - 1, 0))])
    elif how == "garbage":
        path.write_bytes(os.urandom(rng.randint(1, 4096)))
    elif how == "flip":
        buf = bytearray(data or b"{}\n")
        for _ in range(rng.randint(1, 20)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        path.write_bytes(bytes(buf))
    elif how == "directory":
        path.mkdir()
    elif how == "hardlink":
        os.link(outside / "precious.txt", path)
    elif how == "sparse":
        with path.open("wb") as f:
            f.truncate(64 << 20)  # 64 MiB of zeros that take no disk
    elif how == "empty":
        path.write_bytes(b"")


def snapshot(folder: Path) -> dict[str, tuple[str, int, str]]:
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) else ""
        out[str(p.relative_to(folder))] = (digest, stat.S_IMODE(st.st_mode), stat.filemode(st.st_mode))
    return out


def make_case(seed: int, work: Path) -> tuple[Case, Path, Path]:
    rng = random.Random(seed)
    case = Case(seed)
    outside = work / "outside"
    outside.mkdir(parents=True)
    (outside / "precious.txt").write_bytes(b"must not change\n" * 64)
    os.chmod(outside / "precious.txt", 0o644)
    root = work / "session"
    shutil.copytree(SAMPLE, root)
    if rng.random() < 0.4:
        case.journal = True
        _left_journal(root, rng)
    for name in rng.sample(SESSION_FILES, rng.randint(1, 3)):
        how = rng.choice(MUTATIONS)
        case.mutations.append((name, how))
        mutate(root / name, how, outside, rng)
    return case, root, outside


def _watch(root: Path) -> None:
    """The dashboard's loading path without a terminal: tail every file, build the state, render
    the status line."""
    from phonehome.store import SessionStore
    from phonehome.views.dashboard.state import DashboardState
    from phonehome.views.dashboard.status import status_text
    from phonehome.views.dashboard.tail import SessionTail

    store = SessionStore(root)
    store.read_meta()
    state = DashboardState()
    tail = SessionTail(store)
    for _ in range(1000):  # bounded: the files do not grow here
        batch = tail.poll()
        state.ingest(batch)
        if not batch.more:
            break
    status_text(state, now=time.time(), paused=False, applied_findings=0)


def commands(root: Path, out: Path) -> list[tuple[str, Callable[[], object]]]:
    from phonehome.cli import main

    return [
        ("replay", lambda: main(["replay", str(root), "--no-progress"])),
        ("report", lambda: main(["report", str(root), "-o", str(out / "report.html")])),
        ("mark", lambda: main(["mark", str(root), "note", "fuzz"])),
        ("watch", lambda: _watch(root)),
    ]


def run_case(seed: int, work: Path) -> list[str]:
    """Problems found in one case (empty: the case passed)."""
    case, root, outside = make_case(seed, work)
    out = work / "out"
    out.mkdir()
    before = snapshot(outside)
    problems = []
    for name, command in commands(root, out):
        err = io.StringIO()
        start = time.monotonic()
        try:
            with (
                contextlib.redirect_stderr(err),
                contextlib.redirect_stdout(io.StringIO()),
                deadline(COMMAND_TIMEOUT_S),
            ):
                status = command()
        except Hang as e:
            problems.append(f"{case}: {name} hung ({e})")
            continue
        except BaseException as e:  # noqa: BLE001 - any escape is the failure we look for
            problems.append(f"{case}: {name} raised {type(e).__name__}: {e}")
            continue
        if status not in (None, 0, 1, 2):
            problems.append(f"{case}: {name} exited {status}")
        if "Traceback" in err.getvalue():
            problems.append(f"{case}: {name} printed a traceback:\n{err.getvalue()[-2000:]}")
        if time.monotonic() - start > COMMAND_TIMEOUT_S:
            problems.append(f"{case}: {name} took {time.monotonic() - start:.1f} s")
        after = snapshot(outside)
        if after != before:
            problems.append(
                f"{case}: {name} changed files outside the session: "
                f"{sorted(set(after.items()) ^ set(before.items()))}"
            )
            before = after
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    failures = 0
    started = time.monotonic()
    for seed in range(args.seed, args.seed + args.cases):
        with tempfile.TemporaryDirectory(prefix="phonehome-fuzz-") as tmp:
            for problem in run_case(seed, Path(tmp)):
                failures += 1
                print(problem, flush=True)
    print(f"{args.cases} cases, {failures} problems, {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "tests"))
    sys.exit(main())
