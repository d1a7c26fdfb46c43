"""Who gets what: organisation × data category counts, accumulated row by row while replaying."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table
from rich.text import Text

from phonehome.analysis.categories import CATEGORY_IDS, SHORT_LABELS
from phonehome.analysis.schema import Col
from phonehome.views.inert import inert


@dataclass
class OrgRow:
    org: str
    party: str
    purpose: str
    country: str
    counts: Counter[str] = field(default_factory=Counter)
    hosts: set[str] = field(default_factory=set)
    cleartext: bool = False
    first_seen: float = float("inf")

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Summary:
    orgs: dict[tuple[str, str], OrgRow] = field(default_factory=dict)
    findings: int = 0
    before_consent: int = 0
    third_parties_before_consent: set[str] = field(default_factory=set)

    def add(self, row: dict[str, Any]) -> None:
        org = str(row.get(Col.org) or "unknown")
        party = str(row.get(Col.party) or "third")
        key = (org if org != "unknown" else f"unknown ({row.get(Col.domain)})", party)
        entry = self.orgs.get(key)
        if entry is None:
            entry = self.orgs[key] = OrgRow(
                key[0], party, str(row.get(Col.purpose) or "unknown"), str(row.get(Col.country) or "")
            )
        entry.counts[str(row[Col.category])] += 1
        entry.hosts.add(str(row.get(Col.host)))
        entry.cleartext |= bool(row.get(Col.cleartext))
        ts = row.get(Col.ts)
        if isinstance(ts, (int, float)):
            entry.first_seen = min(entry.first_seen, float(ts))
        self.findings += 1
        if row.get(Col.consent) == "before":
            self.before_consent += 1
            if party == "third":
                self.third_parties_before_consent.add(key[0])

    def sorted_rows(self) -> list[OrgRow]:
        """First party first, then third parties by how many categories and findings they got."""
        return sorted(
            self.orgs.values(),
            key=lambda r: (r.party != "first", -len(r.counts), -r.total, r.org.lower()),
        )

    def categories(self) -> list[str]:
        seen = {c for r in self.orgs.values() for c in r.counts}
        return [c for c in CATEGORY_IDS if c in seen]

    def table(self, *, width: int = 80, title: str = "Who gets what") -> Table:
        """The matrix (organisation × category) when it fits in `width` columns, else one line
        per organisation listing the categories it received with their counts."""
        categories = self.categories()
        matrix = 34 + 16 + sum(max(len(SHORT_LABELS.get(c, c)), 3) + 3 for c in categories) <= width
        table = Table(title=title, title_justify="left", pad_edge=False, expand=False)
        table.add_column("organisation", no_wrap=True, max_width=30)
        table.add_column("purpose", no_wrap=True)
        if matrix:
            for c in categories:
                table.add_column(SHORT_LABELS.get(c, c), justify="right")
        else:
            table.add_column("what it received (findings)", ratio=1)
        previous_party = None
        for r in self.sorted_rows():
            if previous_party == "first" and r.party != "first":
                table.add_section()
            previous_party = r.party
            name = Text(inert(r.org, 30), style="bold" if r.party == "first" else "")
            if r.cleartext:
                name.append(" ⚠ cleartext", style="bold red")
            purpose = Text("first party" if r.party == "first" else r.purpose.replace("_", " "))
            if matrix:
                cells = [str(r.counts[c]) if r.counts[c] else "·" for c in categories]
                table.add_row(name, purpose, *cells)
            else:
                received = ", ".join(f"{SHORT_LABELS.get(c, c)} {r.counts[c]}" for c in categories if r.counts[c])
                table.add_row(name, purpose, Text(received))
        return table
