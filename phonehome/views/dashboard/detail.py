"""The dashboard's detail pages (Enter on a row): a modal screen of inert text, and the text of
a finding's evidence, an organisation, a device read, and a script injected into a web page."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from phonehome.analysis.exposure import Exposure
from phonehome.analysis.inappbrowser import Injection, capability_phrase, plain_summary
from phonehome.analysis.schema import Col

from ..inert import inert, inert_long, inert_text
from .look import DIM, WARN, Look, category_name
from .state import Finding, ReadRow, as_str, as_ts


class DetailScreen(ModalScreen[None]):
    """A scrollable page of inert text (a finding's evidence, an organisation, a device read)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "close"),
        Binding("enter", "dismiss", "close", show=False),
        Binding("q", "dismiss", "close", show=False),
    ]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail") as scroll:
            scroll.border_title = Text(self._title)
            scroll.border_subtitle = Text("esc to close")
            yield Static(self._body, id="detail-body")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def evidence_text(look: Look, f: Finding) -> Text:
    """A finding's evidence page: the request, where in it, how decoded, which rule matched."""
    row = f.row
    out = Text()

    def field(label: str, value: Text | str, style: str = "") -> None:
        out.append(f"{label:<14}", "bold")
        out.append_text(value if isinstance(value, Text) else inert_long(value, 2000, style=style))
        out.append("\n")

    method = as_str(row.get(Col.method))
    url = look.masked(as_str(row.get(Col.url)), f.value)
    field("request", inert_long(f"{method} {url}".strip(), 2000, style=WARN if f.cleartext else ""))
    if f.cleartext:
        field("", Text("sent in cleartext (no TLS)", style=WARN))
    party = {"first": "first party", "third": "third party"}.get(f.party, "party unknown")
    extra = ", ".join(x for x in (party, as_str(row.get(Col.purpose)), as_str(row.get(Col.country))) if x)
    org = look.org_text(f.org, f.party, 80)
    org.append(f"  ({inert(extra, 80)})", "")
    field("organisation", org)
    parent = as_str(row.get(Col.parent))
    if parent:
        field("parent", parent)
    field("host", f.host)
    field("category", Text(f"{category_name(f.category)} ({inert(f.category, 40)})"))
    field("location", f.location)
    key = as_str(row.get(Col.key))
    if key:
        field("key", key)
    field("decoding", as_str(row.get(Col.decoding)) or "(none)")
    value = inert_long(f.value, 1000) if look.reveal else inert_text(look.redactor(f.value), 200, style=DIM)
    if not look.reveal:
        value.append("   (r to reveal)", DIM)
    field("value", value)
    conf = row.get(Col.confidence)
    conf_s = f"{conf:.2f}" if isinstance(conf, (int, float)) and not isinstance(conf, bool) else as_str(conf)
    field("detector", Text(f"{inert(as_str(row.get(Col.detector)), 20)} · confidence {inert(conf_s, 10)}"))
    field("rule", as_str(row.get(Col.rule)))
    device_read = as_str(row.get(Col.device_read))
    if device_read:
        field("device read", device_read)
    field("evidence", look.masked(as_str(row.get(Col.evidence)), f.value))
    notes = row.get(Col.notes)
    if notes:
        field("notes", as_str(notes) if not isinstance(notes, list) else "; ".join(map(as_str, notes)))
    ts = as_ts(row.get(Col.ts))
    when = datetime.fromtimestamp(ts, look.tz).isoformat(timespec="milliseconds") if ts is not None else "?"
    field("time", when)
    consent = as_str(row.get(Col.consent))
    if consent:
        field("consent", consent)
    meta = " · ".join(
        f"{name} {inert(as_str(row.get(name)), 60)}"
        for name in (Col.flow_id, Col.source, Col.kind)
        if row.get(name)
    )
    if meta:
        field("flow", meta)
    return out


def org_text(look: Look, o: Exposure) -> Text:
    """An organisation's page: what it received per category, its hosts and purposes."""
    out = Text()
    out.append_text(look.org_text(o.org, o.party, 80))
    party = {"first": "first party", "third": "third party"}.get(o.party, "party unknown")
    out.append(f"   {party}\n\n")
    out.append(
        f"{o.requests:,} requests ({o.findings:,} findings), first {look.fmt_time(o.first_seen)}, "
        f"last {look.fmt_time(o.last_seen)}"
    )
    if o.cleartext:
        out.append(f", {o.cleartext:,} in cleartext", WARN)
    out.append("\n")
    if o.purposes:
        out.append("purposes: ")
        out.append(inert(", ".join(sorted(o.purposes)), 200))
        out.append("\n")
    out.append("\nwhat it received\n", "bold")
    for cat, cell in sorted(o.cells.items(), key=lambda kv: -kv[1].requests):
        out.append(f"  {cell.requests:>7,}  first {look.fmt_time(cell.first_seen)}  ")
        out.append(category_name(cat))
        if cell.cleartext:
            out.append(f"  ({cell.cleartext:,} in cleartext)", WARN)
        out.append("\n")
    out.append("\nhosts\n", "bold")
    for host, n in sorted(o.hosts.items(), key=lambda kv: -kv[1])[:30]:
        out.append(f"  {n:>7,}  ")
        out.append_text(inert_text(host, 100))
        out.append("\n")
    if len(o.hosts) > 30:
        out.append(f"  … {len(o.hosts) - 30} more hosts\n", DIM)
    return out


def read_text(look: Look, r: ReadRow) -> Text:
    """A device read's page: API, SDK, value, and where the value was seen leaving to."""
    if r.injection is not None:
        return injection_text(r.injection, look.fmt_time(r.first_ts), r.count)
    out = Text()

    def field(label: str, value: Text | str) -> None:
        out.append(f"{label:<16}", "bold")
        out.append_text(value if isinstance(value, Text) else inert_long(value, 1000))
        out.append("\n")

    field("API", r.api)
    field("SDK", r.sdk or "?")
    field("SDK owner", r.org or "?")
    field("category", category_name(r.category) if r.category else "?")
    field(
        "value",
        inert_long(r.value, 1000) if look.reveal else inert_text(look.redactor(r.value), 200, style=DIM),
    )
    field("reads", Text(f"{r.count:,}, first {look.fmt_time(r.first_ts)}"))
    if r.ids:
        field("hook events", ", ".join(r.ids[:20]) + (" …" if len(r.ids) > 20 else ""))
    if r.left_to:
        out.append("\nseen leaving to\n", "bold")
        for org, ts in sorted(r.left_to.items(), key=lambda kv: (kv[1] is None, kv[1] or 0)):
            out.append(f"  {look.fmt_time(ts)}  ")
            out.append_text(inert_text(org, 80, style=WARN))
            out.append("\n")
    else:
        out.append("\nnot seen leaving the phone (yet)\n", DIM)
    return out


def injection_text(inj: Injection, first: str, count: int) -> Text:
    """The detail page of a script the app injected into a web page: plain words first, then
    the capabilities with their evidence (every captured string inert and bounded)."""
    out = Text()
    out.append_text(inert_long(plain_summary([inj]), 600))
    out.append("\n\n")

    def field(label: str, value: Text | str) -> None:
        out.append(f"{label:<16}", "bold")
        out.append_text(value if isinstance(value, Text) else inert_long(value, 600))
        out.append("\n")

    field("injected by", f"{inj.who} – {inj.injector or '?'}")
    field("API", inj.api)
    field("pages", ", ".join(inj.pages[:5]) or "unknown")
    field("times", f"{count:,}, first {first}")
    field("script", f"sha256 {inj.sha256}, {inj.analysis.size:,} bytes")
    if inj.bridges:
        field("bridges", ", ".join(inj.bridges[:5]))
    out.append("\ncapabilities and evidence\n", "bold")
    for cap in inj.capabilities:
        out.append("  ")
        out.append_text(inert_text(capability_phrase(cap), 80, style=WARN))
        out.append("\n")
        for ev in inj.analysis.evidence_for(cap)[:4]:
            out.append(f"    {ev.position:>7}  ")
            out.append_text(inert_text(ev.api, 40))
            out.append("  ")
            out.append_text(inert_text(ev.code, 90, style=DIM))
            if ev.via:
                out.append_text(inert_text(f"  (in code built by {ev.via[-1]})", 60, style=DIM))
            out.append("\n")
    if inj.analysis.notes:
        out.append("\nanalysis notes\n", "bold")
        for note in inj.analysis.notes[:5]:
            out.append("  ")
            out.append_text(inert_long(note, 300))
            out.append("\n")
    return out
