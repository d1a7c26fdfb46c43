"""Probe for benchmarks/live_parts.py: the least a journaling hook can do (marshal the flow's
fields, one `write` per flow, no worker, no checks), to tell the hook's inherent cost apart from
the addon's."""

import marshal
import os
import tempfile


class JournalOnly:
    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="phonehome-probe-journal-")
        self.fd = fd
        self.conns: dict[int, tuple[object, ...]] = {}

    def _conn(self, c: object) -> int:
        snap = tuple(vars(c).values())
        if self.conns.get(id(c)) != snap:
            self.conns[id(c)] = snap
            os.write(self.fd, marshal.dumps(("c", id(c), c.get_state())))  # type: ignore[attr-defined]
        return id(c)

    def response(self, f: object) -> None:
        r, s = f.request.data, f.response.data  # type: ignore[attr-defined]
        rec = marshal.dumps(
            (
                f.id,
                f.timestamp_created,
                self._conn(f.client_conn),
                self._conn(f.server_conn),  # type: ignore[attr-defined]
                r.http_version,
                r.headers.fields,
                r.content,
                r.timestamp_start,
                r.timestamp_end,
                r.host,
                r.port,
                r.method,
                r.scheme,
                r.authority,
                r.path,
                s.http_version,
                s.headers.fields,
                s.content,
                s.timestamp_start,
                s.timestamp_end,
                s.status_code,
                s.reason,
            )
        )
        os.write(self.fd, b"%08x" % len(rec) + rec)

    def done(self) -> None:
        os.close(self.fd)
        os.unlink(self.path)


addons = [JournalOnly()]
