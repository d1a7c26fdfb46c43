"""Run a study on Dask: every capture is one task, on a local cluster or an existing scheduler.

The analysis of one capture is `phonehome.analysis.study.run_task` (the same pipeline as
`phonehome replay`); this module only discovers the tasks, skips the done ones on `--resume`,
hands the rest to Dask and shows progress. Tasks are idempotent (each writes its own part names,
by temporary name and rename), so a task that Dask runs again after losing a worker replaces its
own parts and nothing is duplicated.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phonehome.analysis.study import (
    StudyTask,
    TaskResult,
    discover_tasks,
    done_task_ids,
    remove_stale_temporaries,
    run_task,
    write_failure,
    write_study_meta,
)
from phonehome.store import make_private_dir


class StudyError(Exception):
    """A study that cannot start (the message says why and what to do)."""


@dataclass
class StudySummary:
    tasks: int = 0
    skipped: int = 0
    ok: int = 0
    damaged: int = 0
    failed: int = 0
    flows: int = 0
    findings: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def flows_per_s(self) -> float:
        return self.flows / self.seconds if self.seconds > 0 else 0.0


ProgressCallback = Callable[[StudySummary, TaskResult], None]


def prepare_dataset(dataset: Path, *, resume: bool) -> None:
    if dataset.exists() and not dataset.is_dir():
        raise StudyError(f"{dataset} exists and is not a folder")
    if dataset.is_dir() and any(dataset.iterdir()) and not resume:
        raise StudyError(f"{dataset} is not empty: add --resume to continue that study, or name a new folder")
    make_private_dir(dataset)


def quiet_dask() -> None:
    """Dask logs every worker start and connection at INFO; a study's output is its progress."""
    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(logging.ERROR)


def local_client(workers: int | None) -> Any:
    """A local Dask cluster: one single-threaded worker process per core (the analysis is
    CPU-bound Python, so threads would share one core)."""
    # Lazy: Dask's distributed takes ~0.4 s to import; only a study needs it.
    from distributed import Client, LocalCluster

    quiet_dask()
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False},
        silence_logs=logging.ERROR,
    )
    return Client(cluster)


def run_study(
    inputs: Sequence[Path],
    dataset: Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    app: str | None = None,
    profile: Path | None = None,
    client: Any = None,
    on_result: ProgressCallback | None = None,
) -> StudySummary:
    """Analyse every capture under `inputs` into the dataset at `dataset`."""
    prepare_dataset(dataset, resume=resume)
    try:
        tasks = discover_tasks(inputs, app=app, profile=profile)
    except FileNotFoundError as e:
        raise StudyError(str(e)) from None
    summary = StudySummary(tasks=len(tasks))
    done = done_task_ids(dataset) if resume else set()
    remove_stale_temporaries(dataset)
    todo = [t for t in tasks if t.task_id not in done]
    summary.skipped = len(tasks) - len(todo)
    write_study_meta(dataset, inputs, len(tasks))
    if not todo:
        return summary

    # Lazy: Dask's distributed takes ~0.4 s to import; only a study needs it.
    from distributed import Client, as_completed

    own = client is None
    if own:
        quiet_dask()
        client = Client(scheduler, timeout="20s") if scheduler else local_client(workers)
    started = time.monotonic()
    try:
        futures = client.map(run_task, todo, dataset=str(dataset.resolve()), pure=False)
        by_key = {f.key: task for f, task in zip(futures, todo, strict=True)}
        for future in as_completed(futures):
            task = by_key[future.key]
            try:
                result = future.result()
            except Exception as e:  # the worker died more often than Dask retries a task
                result = _lost(task, dataset, e)
            _count(summary, result)
            summary.seconds = time.monotonic() - started
            if on_result is not None:
                on_result(summary, result)
    finally:
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
    summary.seconds = time.monotonic() - started
    return summary


def _lost(task: StudyTask, dataset: Path, error: BaseException) -> TaskResult:
    message = f"{type(error).__name__}: {error}"
    write_failure(dataset, task, task.app, "worker-lost", message)
    return TaskResult(task.task_id, task.app or "unknown", "failed", error=message)


def _count(summary: StudySummary, result: TaskResult) -> None:
    summary.flows += result.flows
    summary.findings += result.findings
    if result.status == "ok":
        summary.ok += 1
    elif result.status == "damaged":
        summary.damaged += 1
    else:
        summary.failed += 1
        summary.failures.append(f"{result.task_id}: {result.error}")
