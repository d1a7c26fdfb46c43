"""Write findings as they are produced, in batches: JSON Lines, CSV or Parquet by file suffix.

Streaming keeps replay memory flat however many flows a capture has. Files are owner-only:
findings are personal data. The file is written to a temporary file next to it and replaces `path`
only when `close()` completes (`abort()` leaves the previous file as it was).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from phonehome.store import json_line_bytes
from phonehome.store.safefile import AtomicFile

from .schema import COLUMNS, findings_frame, to_json_row

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


def format_for(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValueError(
            f"{path}: unknown findings format {path.suffix!r}; use .jsonl, .csv or .parquet"
        ) from None


class FindingsWriter:
    def __init__(self, path: Path, *, batch: int = 5000) -> None:
        self.path = path
        self.format = format_for(path)
        self.batch = batch
        self.count = 0
        self._pending: list[dict[str, Any]] = []
        self._out = AtomicFile(path)
        self._file = self._out.file
        self._parquet: Any = None
        self._csv_header = False

    def write(self, row: dict[str, Any]) -> None:
        self._pending.append(row)
        self.count += 1
        if len(self._pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        rows, self._pending = self._pending, []
        if self.format == "jsonl":
            if rows:
                data = "".join(
                    json.dumps(to_json_row(r), ensure_ascii=False, default=str) + "\n" for r in rows
                )
                self._out.write(json_line_bytes(data))
            return
        if not rows and (self.format != "parquet" or self._parquet is not None):
            return
        frame = findings_frame(rows)
        if self.format == "csv":
            text = frame.to_csv(index=False, header=not self._csv_header, quoting=csv.QUOTE_MINIMAL)
            self._csv_header = True
            self._out.write(text.encode("utf-8", "backslashreplace"))
        else:
            # Lazy: pyarrow.parquet only for Parquet output.
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(frame, preserve_index=False)
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self._file, table.schema)
            self._parquet.write_table(table)

    def close(self) -> None:
        """Write what is pending and put the file in place (`OutputError` if that fails)."""
        try:
            if self.format == "csv" and not self._csv_header and not self._pending:
                self._out.write((",".join(COLUMNS) + "\n").encode())
            self.flush()
            if self._parquet is not None:
                self._parquet.close()
        except BaseException:
            self._out.abort()
            raise
        self._out.commit()

    def abort(self) -> None:
        """Drop what was written: the previous file stays as it was."""
        self._out.abort()

    def __enter__(self) -> FindingsWriter:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
