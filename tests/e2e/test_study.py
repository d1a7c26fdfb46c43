"""`phonehome study` on real Dask clusters, and `replay` on several cores.

Every test runs the real engines: a local Dask cluster of worker processes, a separate
`dask scheduler` with two `dask worker` processes on loopback, forked replay workers. The
reference is always `phonehome replay` of the same capture on one core.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from support import report as rs
from support.net import free_port, wait_for
from support.study import generate_study

from phonehome.analysis.parallel import ParallelReplay, flow_boundaries, plan_parts
from phonehome.analysis.readers import ReadStats
from phonehome.analysis.sessions import plan_replay
from phonehome.analysis.study import discover_tasks, done_task_ids, read_table
from phonehome.analysis.study_tables import study_tables
from phonehome.study import StudyError, local_client, run_study
from phonehome.views.study_report import render_html, render_markdown, write_study_report

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
KEY = ["flow_id", "location", "category", "rule", "consent"]


@pytest.fixture(scope="module")
def study_inputs(tmp_path_factory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("study-inputs")
    return root, generate_study(root, 30, flows_per_session=30, seed=3)


@pytest.fixture(scope="module")
def cluster_client():
    client = local_client(2)
    yield client
    cluster = client.cluster
    client.close()
    cluster.close()


def _reference(session: Path) -> pd.DataFrame:
    """What `phonehome replay` of one session alone finds."""
    plan = plan_replay([session], save_journal=False)
    rows = list(plan.rows(ReadStats()))
    frame = pd.DataFrame(rows, columns=[*KEY, "org"]) if rows else pd.DataFrame(columns=[*KEY, "org"])
    return frame[KEY].astype(str).sort_values(KEY).reset_index(drop=True)


def _dataset_findings(dataset: Path, session: Path) -> pd.DataFrame:
    tid = discover_tasks([session])[0].task_id
    f = read_table(dataset, "findings", [*KEY, "task_id"])
    mine = f[f["task_id"] == tid]
    return mine[KEY].astype(str).sort_values(KEY).reset_index(drop=True)


def _assert_complete(dataset: Path, generated: list) -> None:
    sessions = read_table(dataset, "sessions")
    assert sessions["task_id"].is_unique, "a capture has two session rows"
    assert len(sessions) == len(generated)
    findings = read_table(dataset, "findings", ["task_id", "flow_id", "location", "category"])
    assert not findings.duplicated().any(), "findings were written twice"
    for g in generated:
        ref = _reference(g.path)
        got = _dataset_findings(dataset, g.path)
        pd.testing.assert_frame_equal(got, ref, obj=str(g.path.name))


def test_a_study_equals_replaying_each_session_alone(study_inputs, cluster_client, tmp_path):
    root, generated = study_inputs
    dataset = tmp_path / "ds"
    summary = run_study([root], dataset, client=cluster_client)
    assert summary.tasks == 30 and summary.failed == 0
    assert summary.damaged == sum(1 for g in generated if g.damaged) == 3
    _assert_complete(dataset, generated)

    sessions = read_table(dataset, "sessions")
    assert set(sessions["app"]) == {g.app for g in generated}  # the partition key reads back as the app
    assert sessions.loc[sessions["status"] == "damaged", "problems"].min() == 1
    failures = read_table(dataset, "failures")
    assert sorted(failures["kind"]) == ["damaged"] * 3
    assert all("damaged" in e or "not a mitmproxy" in e for e in failures["error"])
    requests = read_table(dataset, "requests", ["task_id", "findings"])
    assert len(requests) >= sum(g.flows for g in generated if not g.damaged)

    # owner-only: the dataset is personal data
    assert (dataset.stat().st_mode & 0o777) == 0o700
    for p in dataset.rglob("*.parquet"):
        assert (p.stat().st_mode & 0o777) == 0o600, p

    # loads with pandas and with Dask, partition column included
    import dask.dataframe as dd

    pf = pd.read_parquet(dataset / "findings")
    assert len(pf) == summary.findings and "app" in pf.columns
    df = dd.read_parquet(str(dataset / "findings"))
    assert int(df.shape[0].compute()) == summary.findings


def test_a_killed_worker_loses_and_duplicates_nothing(tmp_path, cluster_client):
    root = tmp_path / "in"
    generated = generate_study(root, 16, flows_per_session=120, seed=5, damaged_every=0)
    dataset = tmp_path / "ds"
    pids = list(cluster_client.run(os.getpid).values())
    killed: list[int] = []

    def kill_one_when_busy() -> None:
        wait_for(lambda: len(done_task_ids(dataset)) >= 3, timeout=60, what="three tasks done")
        os.kill(pids[0], signal.SIGKILL)
        killed.append(pids[0])

    killer = threading.Thread(target=kill_one_when_busy, daemon=True)
    killer.start()
    summary = run_study([root], dataset, client=cluster_client)
    killer.join(timeout=5)
    assert killed, "the worker was never killed"
    assert summary.failed == 0, summary.failures
    _assert_complete(dataset, generated)
    wait_for(
        lambda: len(cluster_client.scheduler_info()["workers"]) == 2,
        timeout=30,
        what="the nanny restarted the worker",
    )


def _study_cli(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "phonehome"), "study", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kw,
    )


def test_resume_after_the_whole_run_was_killed(tmp_path):
    root = tmp_path / "in"
    generated = generate_study(root, 24, flows_per_session=150, seed=9, damaged_every=0)
    dataset = tmp_path / "ds"
    first = _study_cli(str(root), "-o", str(dataset), "--workers", "2", "--no-progress")
    try:
        wait_for(
            lambda: len(done_task_ids(dataset)) >= 2 or first.poll() is not None,
            timeout=90,
            what="the first tasks",
        )
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    done_before = len(done_task_ids(dataset))
    assert 0 < done_before < 24, f"kill came too late to test resuming ({done_before} done)"

    again = _study_cli(str(root), "-o", str(dataset), "--workers", "2", "--no-progress")
    out, err = again.communicate(timeout=180)
    assert again.returncode == 2 and "--resume" in err  # a non-empty dataset is never overwritten silently

    resumed = _study_cli(str(root), "-o", str(dataset), "--resume", "--workers", "2", "--no-progress")
    out, err = resumed.communicate(timeout=180)
    assert resumed.returncode == 0, err
    assert f"{done_before} already done" in out.replace("\n", " ")
    assert not list(dataset.rglob(".*.tmp*")), "temporary parts left behind"
    _assert_complete(dataset, generated)


def test_a_separate_scheduler_and_two_workers_give_the_same_dataset(study_inputs, cluster_client, tmp_path):
    root, generated = study_inputs
    local = tmp_path / "local"
    run_study([root], local, client=cluster_client)

    port = free_port()
    env = {**os.environ, "DASK_DISTRIBUTED__LOGGING__DISTRIBUTED": "error"}
    procs = [
        subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    ]
    try:
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        str(BIN / "dask"),
                        "worker",
                        f"tcp://127.0.0.1:{port}",
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                    start_new_session=True,
                )
            )
        from distributed import Client

        with Client(f"tcp://127.0.0.1:{port}", timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
            remote = tmp_path / "remote"
            proc = subprocess.run(
                [
                    str(BIN / "phonehome"),
                    "study",
                    str(root),
                    "-o",
                    str(remote),
                    "--scheduler",
                    f"tcp://127.0.0.1:{port}",
                    "--no-progress",
                ],
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert proc.returncode == 0, proc.stderr
            workers = {w["host"] for w in client.scheduler_info()["workers"].values()}
            assert workers == {"127.0.0.1"}
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)

    for table, drop in (
        ("findings", []),
        ("requests", []),
        ("sessions", ["seconds"]),
        ("failures", ["ts", "error"]),
    ):
        a = read_table(local, table).drop(columns=drop)
        b = read_table(remote, table).drop(columns=drop)
        a = a.astype(str).sort_values(list(a.columns)).reset_index(drop=True)
        b = b.astype(str).sort_values(list(b.columns)).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=table)


def test_a_dataset_folder_that_holds_something_else_is_refused(tmp_path):
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "thesis.tex").write_text("mine")
    with pytest.raises(StudyError, match="--resume"):
        run_study([tmp_path], tmp_path / "ds")
    assert (tmp_path / "ds" / "thesis.tex").read_text() == "mine"


def test_study_report_has_denominators_and_stays_inert(study_inputs, cluster_client, tmp_path, chromium):
    root, generated = study_inputs
    dataset = tmp_path / "ds"
    run_study([root], dataset, client=cluster_client)
    tables = study_tables(dataset)
    assert tables.apps == 30 and tables.sessions == 30
    by_cat = {r.category: r for r in tables.categories}
    # the share of apps sending the advertising ID to a third party, computed by hand from the findings
    f = read_table(dataset, "findings", ["app", "category", "party"])
    expect = f[(f["category"] == "advertising_id") & (f["party"] == "third")]["app"].nunique()
    assert (by_cat["advertising_id"].third_party.count, by_cat["advertising_id"].third_party.total) == (
        expect,
        30,
    )
    marked = read_table(dataset, "sessions", ["app", "consent_label"]).dropna()
    assert by_cat["advertising_id"].before_consent.total == marked["app"].nunique()

    out = tmp_path / "study.md"
    write_study_report(dataset, out, lang="de")
    assert (out.stat().st_mode & 0o777) == 0o600
    text = out.read_text()
    assert f"{expect} / 30" in text and "Werbe-ID" in text

    # hostile app ids (they come from captures) in real headless Chromium: text, never markup
    with rs.listener() as (port, hits):
        evil = rs.payloads(port)
        for i, row in enumerate(tables.per_app):
            object.__setattr__(row, "app", evil[i % len(evil)])
        page = tmp_path / "study.html"
        page.write_text(render_html(tables, "en"), encoding="utf-8")
        dom = chromium.dump_dom(page.as_uri(), budget_ms=2500)
        md_text = render_markdown(tables, "en")
        assert hits == []
    assert "<script" not in dom.lower() and "<img" not in dom.lower() and "<iframe" not in dom.lower()
    assert "&lt;script&gt;fetch(" in dom
    assert html_lib.unescape(dom.split("<title>")[1].split("</title>")[0]).startswith("Study:")
    assert "<script" not in md_text and "\x1b" not in md_text


# --- replay on several cores ---------------------------------------------------------------


@pytest.fixture(scope="module")
def big_flow_file(tmp_path_factory) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from replay import build_file

    path = tmp_path_factory.mktemp("big") / "big.mitm"
    build_file(path, 3000)
    return path


def _replay(path: Path, jobs: int) -> tuple[list[str], ReadStats, list[str], int]:
    plan = plan_replay([path])
    plan.jobs = jobs
    stats = ReadStats()
    rows = [json.dumps(r, default=str, sort_keys=True) for r in plan.rows(stats)]
    return rows, stats, plan.problems, plan.analyser.notes_without_findings


@pytest.mark.parametrize("cut", [None, 0.55], ids=["intact", "truncated"])
def test_replay_on_two_cores_gives_the_rows_of_one(big_flow_file, tmp_path, cut, monkeypatch):
    import phonehome.analysis.parallel as par

    monkeypatch.setattr(par, "PARALLEL_MIN_BYTES", 1)  # the test file is small
    path = big_flow_file
    if cut:
        data = big_flow_file.read_bytes()
        path = tmp_path / "cut.mitm"
        path.write_bytes(data[: int(len(data) * cut)])
    one = _replay(path, 1)
    two = _replay(path, 2)
    assert one[0] == two[0]  # the same rows, in the same order
    assert (one[1].flows, one[1].records, one[1].bytes_done) == (
        two[1].flows,
        two[1].records,
        two[1].bytes_done,
    )
    assert one[2] == two[2]  # the same damage message (offset, flow number)
    assert one[3] == two[3]
    if cut:
        assert len(two[2]) == 1 and "truncated or damaged at byte" in two[2][0]


def test_flow_boundaries_and_parts(big_flow_file):
    offsets, end = flow_boundaries(big_flow_file)
    assert len(offsets) == 3000 and end == big_flow_file.stat().st_size
    parts = plan_parts(offsets, end, 2)
    assert parts[0].start == 0 and parts[-1].end == end
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))
    assert sum(1 for _ in parts) >= 2
    assert ParallelReplay(plan_replay([big_flow_file]).analyser, jobs=2, body_cap=1, min_bytes=1).accepts(
        big_flow_file
    )


def test_resume_removes_the_temporary_parts_a_kill_left(tmp_path):
    from phonehome.analysis.study import remove_stale_temporaries
    from phonehome.store.safefile import AtomicFile

    part = tmp_path / "findings" / "app=com.example" / "abc.parquet"
    part.parent.mkdir(parents=True)
    out = AtomicFile(part)  # what a killed writer leaves: the temporary, never renamed
    out.write(b"half a part")
    out.file.close()
    left = [p for p in part.parent.iterdir()]
    assert len(left) == 1 and left[0].name.startswith(".")
    assert remove_stale_temporaries(tmp_path) == 1
    assert not any(part.parent.iterdir())
