"""The report's tables for pandas and spreadsheets: findings (redacted unless revealed) and
organisation × category, as CSV or Parquet, written owner-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from phonehome.analysis.categories import CATEGORY_IDS
from phonehome.analysis.redact import redact, scrub
from phonehome.analysis.schema import Col
from phonehome.store.safefile import AtomicFile, OutputError, UnsafeFile, reason

from .model import ReportModel, SessionLike


def findings_table(data: SessionLike, *, reveal: bool = False) -> pd.DataFrame:
    """The findings frame for export: values redacted (and scrubbed from URLs, locations,
    rules, evidence and notes) unless `reveal`. Never mutates `data.findings`."""
    f = data.findings.copy()
    if reveal or f.empty:
        return f
    flows = f[Col.flow_id].astype("string").fillna("")
    values = f[Col.value].astype("string")
    per_flow = values.dropna().groupby(flows[values.notna()]).agg(list).to_dict()
    for name in (Col.url, Col.location, Col.rule, Col.evidence, Col.notes, Col.device_read):
        col = f[name].astype("string")
        f[name] = pd.array(
            [
                None if pd.isna(v) else scrub(str(v), per_flow.get(fl, ()))
                for v, fl in zip(col, flows, strict=True)
            ],
            dtype="string",
        )
    f[Col.value] = pd.array([None if pd.isna(v) else redact(str(v)) for v in values], dtype="string")
    return f


def summary_table(model: ReportModel) -> pd.DataFrame:
    """Organisation × category: requests carrying each category (one row per organisation)."""
    rows = []
    for org, counts in zip(model.orgs, model.matrix, strict=True):
        row: dict[str, Any] = {
            "org": org.name,
            "party": "third" if org.third_party else "first",
            "country": org.country or None,
            "requests": org.requests,
        }
        for c in CATEGORY_IDS:
            row[c] = counts[model.categories.index(c)] if c in model.categories else 0
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["org", "party", "country", "requests", *CATEGORY_IDS])
    return frame.astype({"org": "string", "party": "string", "country": "string"})


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
    CR first) start with `'` instead (CSV only; Parquet keeps the raw text)."""
    out = frame.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.StringDtype) or out[name].dtype == object:
            out[name] = out[name].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v,
                na_action="ignore",
            )
    return out


def write_tables(data: SessionLike, model: ReportModel, path: Path, fmt: str, *, reveal: bool) -> list[Path]:
    """Write `path` (findings) and `<stem>-summary<suffix>` (organisation × category), owner-only
    (0600): findings are personal data."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown table format {fmt!r}; use csv or parquet")
    findings = findings_table(data, reveal=reveal)
    summary = summary_table(model)
    summary_path = path.with_name(f"{path.stem}-summary{path.suffix}")
    # Both files are written in full before either replaces what was there.
    outs: list[AtomicFile] = []
    try:
        for frame, target in ((findings, path), (summary, summary_path)):
            out = AtomicFile(target)
            outs.append(out)
            if fmt == "csv":
                out.write(spreadsheet_safe(frame).to_csv(index=False).encode("utf-8", "backslashreplace"))
            else:
                frame.to_parquet(out.file, index=False)
        for out in outs:
            out.commit()
    except BaseException as e:
        for out in outs:
            out.abort()
        if isinstance(e, OSError) and not isinstance(e, (OutputError, UnsafeFile)):
            raise OutputError(
                e.errno or 0,
                f"{outs[-1].path}: not written ({reason(e)}); the previous files, if any, are unchanged",
            ) from None
        raise
    return [path, summary_path]
