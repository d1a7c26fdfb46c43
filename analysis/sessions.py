"""Load what a session recorded, or replay saved traffic, into one `SessionData`.

Sources: a session directory (`phonehome/store/` layout), mitmproxy flow files, HAR files, packet
captures (with a TLS key log), and folders of them. Findings are consent-labelled against the session's markers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from phonehome.store import SessionStore, read_jsonl
from phonehome.store.recovery import save_left_journal

from .appcrypto import APP_ENCRYPTED_EVENT
from .consent import consent_state, label_consent, last_consent_marker
from .correlate import known_values_from_events
from .model import Record
from .parallel import ParallelReplay
from .pipeline import Analyser
from .profile import Profile, load_profile
from .readers import ReadError, ReadProblem, ReadStats, expand_inputs, read_records
from .records import DEFAULT_BODY_CAP
from .same_request import ProxiedRequests, without_proxied_duplicates
from .schema import Col, empty_findings, findings_frame

RecordCallback = Callable[[Record, list[dict[str, Any]]], None]


@dataclass
class SessionData:
    root: Path | None
    meta: dict[str, Any]
    findings: pd.DataFrame
    markers: list[dict[str, Any]] = field(default_factory=list)
    proxy_events: list[dict[str, Any]] = field(default_factory=list)
    hook_events: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    stats: ReadStats = field(default_factory=ReadStats)
    capture_events: list[dict[str, Any]] = field(default_factory=list)
    """From packet captures: `capture:unreadable` (contacted, content not readable) and
    `capture:dns` events, each with the destination's organisation."""


def _jsonl(path: Path, problems: list[str]) -> list[dict[str, Any]]:
    read = read_jsonl(path)
    problems.extend(read.problems)
    return read.objects


def session_profile(
    store: SessionStore, meta: dict[str, Any], problems: list[str] | None = None
) -> Profile | None:
    """The profile a session was recorded with: its copy in the session (`device.toml`). A path
    that `session.json` names elsewhere is not read (the session folder may come from anyone):
    it is said in `problems`, to be passed with --profile if wanted."""
    copy = store.profile_copy
    if copy.exists() or copy.is_symlink():
        return load_profile(copy, follow=False)
    named = meta.get("profile")
    if named and problems is not None:
        problems.append(
            f"{store.session_json}: names the profile {str(named)!r}, which is not in the session; "
            "not read (pass it with --profile if you trust it)"
        )
    return None


def replay_rows(
    files: Sequence[Path],
    analyser: Analyser,
    *,
    stats: ReadStats,
    on_problem: Callable[[ReadProblem], None],
    body_cap: int = DEFAULT_BODY_CAP,
    keylog: Path | None = None,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    on_record: RecordCallback | None = None,
    parallel: ParallelReplay | None = None,
) -> Iterator[dict[str, Any]]:
    """Finding rows of every flow in `files`, in order; damage ends a file, never the replay.
    `on_record` sees every record with its rows (a study keeps a table of all requests);
    `parallel` analyses large flow files on several cores with the same rows in the same order."""
    for path in files:
        stats.files += 1
        skipped = len(stats.skipped)
        try:
            if parallel is not None and on_record is None and parallel.accepts(path):
                yield from parallel.rows(path, stats)
            else:
                for record in read_records(
                    path, app=analyser.app, body_cap=body_cap, stats=stats, keylog=keylog, on_event=on_event
                ):
                    rows = analyser.analyse_record(record)
                    if on_record is not None:
                        on_record(record, rows)
                    yield from rows
        except ReadError as e:
            on_problem(e.problem)
        for problem in stats.skipped[skipped:]:  # flows skipped while reading went on
            on_problem(problem)


def load_session(path: str | Path) -> SessionData:
    """What a session directory recorded (findings as written live), consent-labelled."""
    store = SessionStore(Path(path))
    problems: list[str] = []
    meta = store.read_meta(problems)
    proxy_rows = _jsonl(store.findings, problems)
    rows = proxy_rows + without_proxied_duplicates(_jsonl(store.hook_findings, problems), proxy_rows)
    markers = _jsonl(store.markers, problems)
    findings = findings_frame(rows) if rows else empty_findings()
    return SessionData(
        root=store.root,
        meta=meta,
        findings=label_consent(findings, markers),
        markers=markers,
        proxy_events=_jsonl(store.proxy_events, problems),
        hook_events=_jsonl(store.hook_events, problems),
        problems=problems,
    )


@dataclass
class ReplayPlan:
    """What replaying a set of inputs needs: the configured analyser, the files in order, and
    what the sessions among the inputs recorded besides flows."""

    analyser: Analyser
    files: list[Path]
    meta: dict[str, Any] = field(default_factory=dict)
    markers: list[dict[str, Any]] = field(default_factory=list)
    proxy_events: list[dict[str, Any]] = field(default_factory=list)
    hook_events: list[dict[str, Any]] = field(default_factory=list)
    recorded_hook_findings: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What replay did besides reading (e.g. saved flows a killed session left in its journal)."""
    root: Path | None = None
    body_cap: int = DEFAULT_BODY_CAP
    """Bytes of each body classified: the live session's own cap, so replay sees what it saw."""
    keylog: Path | None = None
    """TLS key log for packet captures (keys embedded in a pcapng are used without it)."""
    capture_events: list[dict[str, Any]] = field(default_factory=list)
    """What packet captures showed besides requests (filled while `rows` runs)."""
    jobs: int = 1
    """Worker processes for large flow files (`analysis/parallel.py`); 1 replays on this process."""
    _parallel: ParallelReplay | None = field(default=None, repr=False)

    def on_capture_event(self, event: dict[str, Any]) -> None:
        host = str(event.get("host") or event.get("name") or "")
        if host:
            destination = self.analyser.destinations.lookup(host)
            event.update(
                org=destination.org,
                party=destination.party,
                purpose=destination.purpose,
                country=destination.country,
            )
        self.capture_events.append(event)

    def rows(self, stats: ReadStats, *, on_record: RecordCallback | None = None) -> Iterator[dict[str, Any]]:
        """Every finding row, consent-labelled; read damage is appended to `problems`."""
        marker = last_consent_marker(self.markers)

        def on_problem(problem: ReadProblem) -> None:
            self.problems.append(str(problem))

        # Only sessions with TLS-hook findings need the index of proxied requests (it grows with
        # the findings: replay's memory stays flat without it).
        proxied = ProxiedRequests() if self.recorded_hook_findings else None
        parallel = self._parallel or (
            ParallelReplay(self.analyser, jobs=self.jobs, body_cap=self.body_cap) if self.jobs > 1 else None
        )
        try:
            for row in replay_rows(
                self.files,
                self.analyser,
                stats=stats,
                on_problem=on_problem,
                body_cap=self.body_cap,
                keylog=self.keylog,
                on_event=self.on_capture_event,
                on_record=on_record,
                parallel=parallel,
            ):
                row[Col.consent] = consent_state(row[Col.ts], marker)
                if proxied is not None:
                    proxied.add(row)
                yield row
        finally:
            if parallel is not None:
                parallel.close()
            self._parallel = None
        for row in self.recorded_hook_findings:
            if proxied is not None and proxied.saw(row):
                continue
            ts = row.get(Col.ts)
            row[Col.consent] = (
                consent_state(float(ts), marker) if isinstance(ts, (int, float)) else "unmarked"
            )
            yield row

    def start_workers(self) -> None:
        """Fork the parallel replay's workers now, while this process has no other thread (call it
        before starting a progress bar): forking a multi-threaded process can deadlock the child."""
        if self.jobs > 1 and self._parallel is None:
            parallel = ParallelReplay(self.analyser, jobs=self.jobs, body_cap=self.body_cap)
            if any(parallel.accepts(f) for f in self.files):
                parallel.start()
                self._parallel = parallel


def plan_replay(
    paths: Sequence[str | Path],
    *,
    profile: Profile | None = None,
    app: str | None = None,
    first_party: Sequence[str] = (),
    extra_lists: Sequence[Path] = (),
    save_journal: bool = True,
    keylog: Path | None = None,
    markers: Sequence[dict[str, Any]] = (),
) -> ReplayPlan:
    """Session dirs among `paths` lend their own options (app, first-party domains, profile copy,
    runtime values from hook events) unless given here, so replay reproduces the live run."""
    as_paths = [Path(p) for p in paths]
    sessions = [p for p in as_paths if SessionStore.is_session(p)]
    meta: dict[str, Any] = {}
    collected: dict[str, list[dict[str, Any]]] = {"markers": [], "proxy": [], "hook": [], "hook_findings": []}
    problems: list[str] = []
    notes: list[str] = []
    session_first_party: list[str] = []
    body_cap = DEFAULT_BODY_CAP
    for root in sessions:
        store = SessionStore(root)
        smeta = store.read_meta(problems)
        if save_journal:
            save_left_journal(store, smeta, notes, problems)
        meta = meta or smeta
        if isinstance(smeta.get("body_cap"), int) and smeta["body_cap"] > 0:
            body_cap = smeta["body_cap"]
        app = app or smeta.get("app")
        session_first_party.extend(smeta.get("first_party") or [])
        if profile is None:
            profile = session_profile(store, smeta, problems)
        collected["markers"] += _jsonl(store.markers, problems)
        collected["proxy"] += _jsonl(store.proxy_events, problems)
        collected["hook"] += _jsonl(store.hook_events, problems)
        # TLS plaintext seen by the hooks never went through the proxy: keep those findings.
        collected["hook_findings"] += _jsonl(store.hook_findings, problems)

    analyser = Analyser(
        profile=profile, app=app, first_party=[*first_party, *session_first_party], extra_lists=extra_lists
    )
    analyser.add_known_values(known_values_from_events(collected["hook"]))
    analyser.add_hook_events(collected["hook"])
    files, missing = expand_inputs(as_paths)
    problems.extend(str(p) for p in missing)
    return ReplayPlan(
        analyser=analyser,
        files=files,
        meta=meta,
        markers=[*collected["markers"], *markers],
        proxy_events=collected["proxy"],
        hook_events=collected["hook"],
        recorded_hook_findings=collected["hook_findings"],
        problems=problems,
        notes=notes,
        root=as_paths[0] if len(as_paths) == 1 and sessions else None,
        body_cap=body_cap,
        keylog=keylog,
    )


def load_inputs(
    paths: Sequence[str | Path],
    *,
    profile: Profile | None = None,
    app: str | None = None,
    first_party: Sequence[str] = (),
    extra_lists: Sequence[Path] = (),
    replay: bool = True,
    keylog: Path | None = None,
    markers: Sequence[dict[str, Any]] = (),
) -> SessionData:
    """Findings for session dirs, flow files, HAR files and folders, replayed offline (or, for a
    single session dir with `replay=False`, as recorded live)."""
    as_paths = [Path(p) for p in paths]
    if len(as_paths) == 1 and SessionStore.is_session(as_paths[0]) and not replay:
        return load_session(as_paths[0])
    plan = plan_replay(
        as_paths,
        profile=profile,
        app=app,
        first_party=first_party,
        extra_lists=extra_lists,
        keylog=keylog,
        markers=markers,
    )
    stats = ReadStats()
    rows = list(plan.rows(stats))
    recorded = {e.get("flow_id") for e in plan.proxy_events if e.get("type") == APP_ENCRYPTED_EVENT}
    plan.proxy_events += [
        {"type": APP_ENCRYPTED_EVENT, **o}
        for o in plan.analyser.take_app_encrypted()
        if o["flow_id"] not in recorded
    ]  # labelled by replay, e.g. in flow files
    return SessionData(
        root=plan.root,
        meta=plan.meta,
        findings=findings_frame(rows) if rows else empty_findings(),
        markers=plan.markers,
        proxy_events=plan.proxy_events,
        hook_events=plan.hook_events,
        problems=plan.problems,
        stats=stats,
        capture_events=plan.capture_events,
    )
