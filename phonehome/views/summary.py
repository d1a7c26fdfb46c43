"""The CLI's "who gets what" table: organisation × data category, in requests (`analysis.exposure`),
accumulated row by row while replaying."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.table import Table
from rich.text import Text

from phonehome.analysis.categories import SHORT_LABELS
from phonehome.analysis.exposure import Exposure, ExposureTable
from phonehome.analysis.schema import Col
from phonehome.views.inert import inert


@dataclass
class Summary:
    """The replay's running totals: who gets what (`analysis.exposure`) and consent counts."""

    exposure: ExposureTable = field(default_factory=ExposureTable)
    findings: int = 0
    before_consent: int = 0
    third_parties_before_consent: set[str] = field(default_factory=set)
    places: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Organisation → (company country, parent country), ISO codes as the org database says."""

    @property
    def orgs(self) -> dict[str, Exposure]:
        return self.exposure.orgs

    def add(self, row: dict[str, Any]) -> None:
        entry = self.exposure.add(row)
        self.findings += 1
        if entry.org not in self.places:
            country, parent = (_code(row.get(Col.country)), _code(row.get(Col.parent_country)))
            if country or parent:
                self.places[entry.org] = (country, parent)
        if row.get(Col.consent) == "before":
            self.before_consent += 1
            if row.get(Col.party) == "third":
                self.third_parties_before_consent.add(entry.org)

    def sorted_rows(self) -> list[Exposure]:
        """In the one order of `analysis.exposure`: first party first."""
        return self.exposure.rows()

    def categories(self) -> list[str]:
        return self.exposure.categories()

    def country_text(self, org: str) -> str:
        """`US`, or `SG (CN)` (company in Singapore, parent in China); `?` when unknown."""
        country, parent = self.places.get(org, ("", ""))
        if parent and parent != country:
            return f"{country or '?'} ({parent})"
        return country or "?"

    def table(self, *, width: int = 80, title: str = "Who gets what") -> Table:
        """The matrix (organisation × category) when it fits in `width` columns, else one line
        per organisation listing the categories it received with their counts."""
        categories = self.categories()
        matrix = 34 + 16 + 18 + sum(max(len(SHORT_LABELS.get(c, c)), 3) + 3 for c in categories) <= width
        table = Table(title=title, title_justify="left", pad_edge=False, expand=False)
        table.add_column("organisation", no_wrap=True, max_width=30)
        table.add_column("purpose", no_wrap=True)
        table.add_column("country (parent)", no_wrap=True)
        if matrix:
            for c in categories:
                table.add_column(SHORT_LABELS.get(c, c), justify="right")
        else:
            table.add_column("what it received (requests)", ratio=1)
        previous_party = None
        for r in self.sorted_rows():
            if previous_party == "first" and not r.is_first_party:
                table.add_section()
            previous_party = r.party
            name = Text(inert(r.org, 30), style="bold" if r.is_first_party else "")
            if r.cleartext:
                name.append(" ⚠ cleartext", style="bold red")
            purpose = Text("first party" if r.is_first_party else (r.purpose or "unknown").replace("_", " "))
            country = Text(self.country_text(r.org))
            if matrix:
                cells = [str(r.count(c)) if r.count(c) else "·" for c in categories]
                table.add_row(name, purpose, country, *cells)
            else:
                received = ", ".join(
                    f"{SHORT_LABELS.get(c, c)} {r.count(c)}" for c in categories if r.count(c)
                )
                table.add_row(name, purpose, country, Text(received))
        return table


def _code(value: Any) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    return inert(text, 3) if len(text) == 2 and text.isalpha() else ""
