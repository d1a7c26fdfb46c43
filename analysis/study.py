"""One study task: replay one capture and write its part of a partitioned Parquet dataset.

A study is many captures (session directories, flow files, HAR files), each analysed exactly as
`phonehome replay` would, into one dataset a researcher loads with pandas or Dask:

    DATASET/
      study.json                             what the study ran on (inputs, versions, schema)
      findings/app=<app>/<task>.parquet      every finding (the findings schema, `app` as partition)
      requests/app=<app>/<task>.parquet      every request and WebSocket message sent
      sessions/app=<app>/<task>.parquet      one row per capture: duration, consent marker, counts
      failures/app=<app>/<task>.parquet      captures that failed or were damaged, with the error

Every part is written to a hidden temporary name (readers skip names starting with `.`) and
renamed into place, so a killed worker leaves no half part; the session row is written last, so a
task counts as done exactly when its `sessions/` (or `failures/`) part exists. A task's part names
depend only on its input, so a task run twice replaces its own parts: nothing is duplicated.

Nothing here knows about Dask: `phonehome/study.py` schedules these tasks.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from phonehome import __version__
from phonehome.store import DIR_MODE, SessionStore
from phonehome.store.safefile import AtomicFile, write_atomic

from .consent import last_consent_marker
from .model import Record
from .profile import load_profile
from .readers import CAPTURE_SUFFIXES, FLOW_SUFFIXES, HAR_SUFFIXES, ReadStats
from .schema import COLUMNS, Col, findings_frame
from .sessions import plan_replay

TABLES = ("findings", "requests", "sessions", "failures")
SCHEMA_VERSION = 1
UNKNOWN_APP = "unknown"
URL_CAP = 2048

_STR = pa.string()
_TS = pa.timestamp("ns", tz="UTC")


def _findings_schema() -> pa.Schema:
    fields = [pa.field("task_id", _STR)]
    for name in COLUMNS:
        if name == Col.app:
            continue  # the partition key
        if name == Col.ts:
            fields.append(pa.field(name, _TS))
        elif name == Col.cleartext:
            fields.append(pa.field(name, pa.bool_()))
        elif name == Col.confidence:
            fields.append(pa.field(name, pa.float64()))
        else:
            fields.append(pa.field(name, _STR))
    return pa.schema(fields)


SCHEMAS: dict[str, pa.Schema] = {
    "findings": _findings_schema(),
    "requests": pa.schema(
        [
            ("task_id", _STR),
            ("flow_id", _STR),
            ("ts", _TS),
            ("kind", _STR),
            ("method", _STR),
            ("scheme", _STR),
            ("host", _STR),
            ("domain", _STR),
            ("org", _STR),
            ("parent", _STR),
            ("purpose", _STR),
            ("party", _STR),
            ("country", _STR),
            ("url", _STR),
            ("cleartext", pa.bool_()),
            ("body_size", pa.int64()),
            ("findings", pa.int64()),
            ("categories", pa.list_(_STR)),
            ("consent", _STR),
        ]
    ),
    "sessions": pa.schema(
        [
            ("task_id", _STR),
            ("input", _STR),
            ("platform", _STR),
            ("start", _TS),
            ("end", _TS),
            ("duration_s", pa.float64()),
            ("consent_label", _STR),
            ("consent_ts", _TS),
            ("flows", pa.int64()),
            ("requests", pa.int64()),
            ("findings", pa.int64()),
            ("third_party_orgs", pa.int64()),
            ("profile", pa.bool_()),
            ("hooks", pa.bool_()),
            ("problems", pa.int64()),
            ("status", _STR),
            ("seconds", pa.float64()),
            ("hook_sdks", pa.list_(_STR)),
        ]
    ),
    "failures": pa.schema(
        [
            ("task_id", _STR),
            ("input", _STR),
            ("kind", _STR),
            ("error", _STR),
            ("ts", _TS),
        ]
    ),
}
"""Each table's columns; `app` is not among them: it is the hive partition (`app=<app>/`)."""


@dataclass(frozen=True)
class StudyTask:
    """One capture to analyse: a session directory, or one flow/HAR file."""

    input: str
    task_id: str
    app: str | None = None
    profile: str | None = None
    """A device profile for a capture that is not a session (a session brings its own copy)."""


@dataclass
class TaskResult:
    task_id: str
    app: str
    status: str  # ok | damaged | failed | skipped
    flows: int = 0
    requests: int = 0
    findings: int = 0
    seconds: float = 0.0
    error: str | None = None
    problems: list[str] = field(default_factory=list)


def task_id_for(path: Path) -> str:
    """A stable id for an input: the same capture gets the same part names in every run."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:20]


def discover_tasks(
    inputs: Sequence[Path], *, app: str | None = None, profile: Path | None = None
) -> list[StudyTask]:
    """Every session directory or capture file under `inputs` is one task (sorted, deduplicated).

    A folder that is a session is one task; any other folder is searched for sessions and for flow
    or HAR files that do not belong to a session."""
    found: dict[str, StudyTask] = {}

    def add(path: Path) -> None:
        tid = task_id_for(path)
        found.setdefault(tid, StudyTask(str(path.resolve()), tid, app, str(profile) if profile else None))

    for root in inputs:
        if root.is_file():
            add(root)
            continue
        if not root.is_dir():
            raise FileNotFoundError(f"{root}: no such file or folder")
        if SessionStore.is_session(root):
            add(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            here = Path(dirpath)
            if SessionStore.is_session(here):
                add(here)
                dirnames.clear()
                continue
            dirnames.sort()
            for name in sorted(filenames):
                if Path(name).suffix.lower() in FLOW_SUFFIXES + HAR_SUFFIXES + CAPTURE_SUFFIXES:
                    add(here / name)
    return sorted(found.values(), key=lambda t: t.input)


def partition_name(app: str | None) -> str:
    """The `app=` folder of an app id (percent-encoded, as pyarrow's hive partitioning reads it)."""
    return "app=" + quote(app or UNKNOWN_APP, safe="")


def part_path(dataset: Path, table: str, app: str | None, task_id: str) -> Path:
    return dataset / table / partition_name(app) / f"{task_id}.parquet"


def done_task_ids(dataset: Path) -> set[str]:
    """Tasks whose last part (the session row, or the failure row) is in place."""
    done: set[str] = set()
    for table in ("sessions", "failures"):
        base = dataset / table
        if base.is_dir():
            done.update(p.stem for p in base.glob("app=*/*.parquet"))
    return done


def remove_stale_temporaries(dataset: Path) -> int:
    """Temporary parts a killed run left behind (never read: their names start with a dot; the
    naming is `AtomicFile`'s)."""
    removed = 0
    for table in TABLES:
        for p in (dataset / table).glob("app=*/.*.parquet.*.tmp"):
            p.unlink(missing_ok=True)
            removed += 1
    return removed


def _private_dirs(path: Path, stop: Path) -> None:
    todo = []
    while path != stop and not path.exists():
        todo.append(path)
        path = path.parent
    for p in reversed(todo):
        try:
            p.mkdir(mode=DIR_MODE)
        except FileExistsError:
            pass


def write_part(dataset: Path, table: str, app: str | None, task_id: str, rows: list[dict[str, Any]]) -> Path:
    """Write one task's rows of one table: temporary name, fsync, rename (atomic on POSIX)."""
    target = part_path(dataset, table, app, task_id)
    _private_dirs(target.parent, dataset)
    arrow = pa.Table.from_pylist(rows, schema=SCHEMAS[table])
    with AtomicFile(target) as out:  # a fresh temporary file, fsynced, renamed when complete
        pq.write_table(arrow, out.file, compression="zstd")
    return target


def write_failure(dataset: Path, task: StudyTask, app: str | None, kind: str, error: str) -> Path:
    """The `failures/` row of a capture: `damaged` (analysed up to the damage), `failed` (the task
    raised) or `worker-lost` (Dask lost the worker more often than it retries a task)."""
    return write_part(
        dataset,
        "failures",
        app,
        task.task_id,
        [
            {
                "task_id": task.task_id,
                "input": task.input,
                "kind": kind,
                "error": error[:20_000],
                "ts": pd.Timestamp.now(tz="UTC"),
            }
        ],
    )


def _ts(value: Any) -> pd.Timestamp | None:
    if isinstance(value, (int, float)) and value == value:
        return pd.Timestamp(value, unit="s", tz="UTC")
    return None


def _request_row(
    task_id: str, record: Record, rows: list[dict[str, Any]], analyser: Any, consent_marker: Any
) -> dict[str, Any]:
    dest = analyser.destinations.lookup(record.host)
    url = record.url
    return {
        "task_id": task_id,
        "flow_id": record.flow_id,
        "ts": _ts(record.ts),
        "kind": record.kind,
        "method": record.method,
        "scheme": record.scheme,
        "host": record.host,
        "domain": dest.domain,
        "org": dest.org,
        "parent": dest.parent,
        "purpose": dest.purpose,
        "party": dest.party,
        "country": dest.country,
        "url": url if len(url) <= URL_CAP else url[:URL_CAP] + "…",
        "cleartext": bool(record.cleartext),
        "body_size": int(record.body_size),
        "findings": len(rows),
        "categories": sorted({str(r[Col.category]) for r in rows}),
        "consent": "unmarked"
        if consent_marker is None
        else ("before" if record.ts < consent_marker["ts"] else "after"),
    }


def _findings_rows(task_id: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        return []
    frame = findings_frame(rows).drop(columns=[Col.app])
    out = frame.astype(
        {c: "object" for c in frame.columns if c not in (Col.ts, Col.cleartext, Col.confidence)}
    )
    out = out.where(out.notna(), None)
    records = out.to_dict("records")
    for r in records:
        r["task_id"] = task_id
    return records


def run_task(task: StudyTask, dataset: str | Path) -> TaskResult:
    """Replay one capture with the same pipeline as `phonehome replay` and write its parts.

    Never raises for a bad capture: an unreadable or crashing one becomes a `failures/` row."""
    dataset = Path(dataset)
    started = time.monotonic()
    app = task.app
    try:
        return _run(task, dataset, started)
    except Exception as e:  # one bad capture must never end the study
        error = f"{type(e).__name__}: {e}"
        write_failure(dataset, task, app, "failed", f"{error}\n{traceback.format_exc(limit=6)}")
        return TaskResult(
            task.task_id, app or UNKNOWN_APP, "failed", error=error, seconds=time.monotonic() - started
        )


def _run(task: StudyTask, dataset: Path, started: float) -> TaskResult:
    path = Path(task.input)
    profile = load_profile(task.profile) if task.profile else None
    plan = plan_replay([path], profile=profile, app=task.app, save_journal=False)
    app = plan.analyser.app or task.app
    marker = last_consent_marker(plan.markers)
    stats = ReadStats()
    findings: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []

    def on_record(record: Record, rows: list[dict[str, Any]]) -> None:
        if record.outgoing:
            requests.append(_request_row(task.task_id, record, rows, plan.analyser, marker))

    findings.extend(plan.rows(stats, on_record=on_record))
    problems = list(plan.problems)
    meta = plan.meta
    start = _ts(meta.get("start_ts"))
    end = _ts(meta.get("end_ts"))
    if start is None and requests:
        start = min(r["ts"] for r in requests if r["ts"] is not None)
        end = max(r["ts"] for r in requests if r["ts"] is not None)
    platform = (plan.analyser.profile.platform if plan.analyser.profile else None) or meta.get("platform")
    third = {str(r[Col.org]) for r in findings if r.get(Col.party) == "third"}
    status = "damaged" if problems else "ok"

    write_part(dataset, "findings", app, task.task_id, _findings_rows(task.task_id, findings))
    write_part(dataset, "requests", app, task.task_id, requests)
    if problems:
        write_failure(dataset, task, app, "damaged", "; ".join(problems))
    seconds = time.monotonic() - started
    write_part(
        dataset,
        "sessions",
        app,
        task.task_id,
        [
            {
                "task_id": task.task_id,
                "input": task.input,
                "platform": platform,
                "start": start,
                "end": end,
                "duration_s": (end - start).total_seconds()
                if start is not None and end is not None
                else None,
                "consent_label": marker.get("label") if marker else None,
                "consent_ts": _ts(marker.get("ts")) if marker else None,
                "flows": stats.flows,
                "requests": len(requests),
                "findings": len(findings),
                "third_party_orgs": len(third),
                "profile": plan.analyser.profile is not None,
                "hooks": bool(plan.hook_events),
                "problems": len(problems),
                "status": status,
                "seconds": seconds,
                "hook_sdks": hook_sdks(plan.hook_events),
            }
        ],
    )
    return TaskResult(
        task.task_id,
        app or UNKNOWN_APP,
        status,
        flows=stats.flows,
        requests=len(requests),
        findings=len(findings),
        seconds=seconds,
        problems=problems,
    )


def hook_sdks(events: Iterable[dict[str, Any]]) -> list[str]:
    """The organisations whose code the hooks saw reading device data (from the read's stack)."""
    found = {
        str(e.get("org") or e.get("sdk"))
        for e in events
        if e.get("type") == "hook:read" and (e.get("org") or e.get("sdk"))
    }
    return sorted(found)


def write_study_meta(dataset: Path, inputs: Iterable[Path], tasks: int) -> None:
    meta = {
        "schema_version": SCHEMA_VERSION,
        "phonehome": __version__,
        "created": time.time(),
        "inputs": [str(p) for p in inputs],
        "tasks": tasks,
        "tables": list(TABLES),
        "partitioning": "hive, by app (app=<percent-encoded app id>)",
    }
    write_atomic(dataset / "study.json", json.dumps(meta, indent=2).encode("utf-8"))


def open_table(dataset: str | Path, table: str) -> Any:
    """One table of a study dataset as a lazy `pyarrow.dataset.Dataset` (with the `app` partition)."""
    # Lazy: pyarrow.dataset takes ~0.3 s to import; only reading a dataset needs it.
    import pyarrow.dataset as ds

    base = Path(dataset) / table
    schema = SCHEMAS[table].append(pa.field("app", _STR))
    if not base.is_dir() or not any(base.glob("app=*/*.parquet")):
        return ds.dataset(schema.empty_table())
    part = ds.partitioning(pa.schema([("app", _STR)]), flavor="hive")
    return ds.dataset(base, format="parquet", partitioning=part, schema=schema)


def read_table(dataset: str | Path, table: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One table of a study dataset as a frame, reading only `columns` (the `app` partition is a
    column like the others)."""
    data = open_table(dataset, table)
    return data.to_table(columns=list(columns) if columns is not None else None).to_pandas()
