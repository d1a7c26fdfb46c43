"""Inline SVG charts for reports, written by hand: no script, no external reference.

Every piece of text in a chart passes through `markupsafe.escape`; every number is formatted by
this module. The result is `Markup`, so Jinja2 inserts it as-is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
THIRD = "#b03a2e"
FIRST = "#5d6d7e"
GRID = "#d5d8dc"
SHADE = "#fdebd0"
INK = "#1c2833"
MUTED = "#566573"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _t(text: str) -> Markup:
    return escape(text)


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _open(width: float, height: float, title: str, cls: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {cls}" role="img" '
        f'width="{_num(width)}" height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'font-family="{FONT}" font-size="12" fill="{INK}">'
        f"<title>{_t(title)}</title>"
    )


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    third_party: bool


def matrix_svg(
    rows: Sequence[Row],
    columns: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    title: str,
) -> Markup:
    """Organisation × category dots; `counts[i][j]` requests from row i carrying column j."""
    label_w, col_w, row_h = 230, 46, 30
    label_px = 7 * max((len(_fit(c, 32)) for c in columns), default=4)
    # Column labels are turned 50° up and to the right: room above and beyond the last column.
    head_h = min(max(16 + 0.77 * label_px, 60), 200)
    width = label_w + col_w * max(len(columns), 1) + max(20, 0.64 * label_px)
    height = head_h + row_h * max(len(rows), 1) + 10
    top = max((v for r in counts for v in r), default=1) or 1
    parts = [_open(width, height, title, "matrix")]
    for i in range(0, len(rows), 2):
        parts.append(
            f'<rect x="0" y="{_num(head_h + row_h * i)}" width="{_num(width)}" height="{row_h}" fill="#f4f6f7"/>'
        )
    for j, col in enumerate(columns):
        x = label_w + col_w * j + col_w / 2
        parts.append(
            f'<text x="{_num(x)}" y="{_num(head_h - 6)}" transform="rotate(-50 {_num(x)} {_num(head_h - 6)})" '
            f'font-size="12">{_t(_fit(col, 32))}<title>{_t(col)}</title></text>'
        )
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(head_h)}" x2="{_num(x)}" y2="{_num(height - 10)}" stroke="{GRID}"/>'
        )
    for i, row in enumerate(rows):
        y = head_h + row_h * i + row_h / 2
        parts.append(
            f'<text x="{label_w - 10}" y="{_num(y + 4)}" text-anchor="end" '
            f'font-weight="{600 if row.third_party else 400}">{_t(_fit(row.name, 28))}<title>{_t(row.name)}</title></text>'
        )
        color = THIRD if row.third_party else FIRST
        for j, _col in enumerate(columns):
            n = counts[i][j]
            if not n:
                continue
            x = label_w + col_w * j + col_w / 2
            r = 8 + 6 * math.sqrt(n / top)
            parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" fill="{color}"/>')
            parts.append(
                f'<text x="{_num(x)}" y="{_num(y + 4)}" text-anchor="middle" font-size="11" '
                f'fill="#ffffff" font-weight="600">{n}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars_svg(items: Sequence[tuple[Row, int]], *, maximum: int, title: str, units: tuple[str, str]) -> Markup:
    """Horizontal bars: a company and how many kinds of data it received."""
    label_w, bar_w, row_h = 230, 420, 26
    width = label_w + bar_w + 120
    height = row_h * max(len(items), 1) + 30
    maximum = max(maximum, 1)
    parts = [_open(width, height, title, "bars")]
    for k in range(maximum + 1):
        x = label_w + bar_w * k / maximum
        parts.append(f'<line x1="{_num(x)}" y1="4" x2="{_num(x)}" y2="{_num(height - 22)}" stroke="{GRID}"/>')
        if maximum <= 16 or k % 2 == 0:
            parts.append(
                f'<text x="{_num(x)}" y="{_num(height - 8)}" text-anchor="middle" font-size="10" fill="{MUTED}">{k}</text>'
            )
    for i, (row, n) in enumerate(items):
        y = 6 + row_h * i
        parts.append(
            f'<text x="{label_w - 10}" y="{_num(y + row_h / 2 + 2)}" text-anchor="end" '
            f'font-weight="{600 if row.third_party else 400}">{_t(_fit(row.name, 28))}<title>{_t(row.name)}</title></text>'
        )
        w = bar_w * n / maximum
        parts.append(
            f'<rect x="{label_w}" y="{_num(y + 3)}" width="{_num(w)}" height="{row_h - 8}" '
            f'fill="{THIRD if row.third_party else FIRST}"/>'
        )
        parts.append(
            f'<text x="{_num(label_w + w + 6)}" y="{_num(y + row_h / 2 + 2)}">{n} {_t(units[0] if n == 1 else units[1])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True, slots=True)
class Point:
    offset_s: float
    lane: int
    third_party: bool


@dataclass(frozen=True, slots=True)
class Mark:
    offset_s: float
    label: str
    consent: bool


def timeline_svg(
    lanes: Sequence[Row],
    points: Sequence[Point],
    marks: Sequence[Mark],
    *,
    duration_s: float,
    shade_until_s: float | None,
    title: str,
    axis_label: tuple[str, str],
) -> Markup:
    """Requests over time, one lane per organisation, markers as dashed lines, the part before
    the consent moment shaded."""
    label_w, plot_w, lane_h, top = 230, 640, 22, 46
    width = label_w + plot_w + 30
    height = top + lane_h * max(len(lanes), 1) + 42
    span = max(duration_s, 1.0)

    def x_of(offset: float) -> float:
        return label_w + plot_w * min(max(offset, 0.0), span) / span

    parts = [_open(width, height, title, "timeline")]
    bottom = top + lane_h * max(len(lanes), 1)
    if shade_until_s is not None and shade_until_s > 0:
        parts.append(
            f'<rect x="{label_w}" y="{top}" width="{_num(x_of(shade_until_s) - label_w)}" '
            f'height="{_num(bottom - top)}" fill="{SHADE}"/>'
        )
    for i, lane in enumerate(lanes):
        y = top + lane_h * i + lane_h / 2
        parts.append(
            f'<line x1="{label_w}" y1="{_num(y)}" x2="{label_w + plot_w}" y2="{_num(y)}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{label_w - 10}" y="{_num(y + 4)}" text-anchor="end" '
            f'font-weight="{600 if lane.third_party else 400}">{_t(_fit(lane.name, 28))}<title>{_t(lane.name)}</title></text>'
        )
    # Ticks in minutes, or in seconds for sessions under two minutes.
    per_unit, label = (60.0, axis_label[0]) if span >= 120 else (1.0, axis_label[1])
    units = span / per_unit
    step = _tick_step(units)
    k = 0.0
    while k <= units + 1e-9:
        x = x_of(k * per_unit)
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(bottom)}" x2="{_num(x)}" y2="{_num(bottom + 5)}" stroke="{MUTED}"/>'
        )
        parts.append(
            f'<text x="{_num(x)}" y="{_num(bottom + 18)}" text-anchor="middle" font-size="10" fill="{MUTED}">{_num(k)}</text>'
        )
        k += step
    parts.append(
        f'<text x="{label_w + plot_w / 2}" y="{_num(bottom + 34)}" text-anchor="middle" font-size="11" '
        f'fill="{MUTED}">{_t(label)}</text>'
    )
    for p in points:
        y = top + lane_h * p.lane + lane_h / 2
        parts.append(
            f'<circle cx="{_num(x_of(p.offset_s))}" cy="{_num(y)}" r="4.5" '
            f'fill="{THIRD if p.third_party else FIRST}" fill-opacity="0.75"/>'
        )
    for i, m in enumerate(marks):
        x = x_of(m.offset_s)
        color = "#1a5276" if m.consent else MUTED
        parts.append(
            f'<line x1="{_num(x)}" y1="{top - 14 + 0}" x2="{_num(x)}" y2="{_num(bottom)}" stroke="{color}" '
            f'stroke-width="2" stroke-dasharray="5 3"/>'
        )
        anchor = "end" if x > label_w + plot_w * 0.75 else "start"
        dx = -4 if anchor == "end" else 4
        parts.append(
            f'<text x="{_num(x + dx)}" y="{14 + 14 * (i % 2)}" text-anchor="{anchor}" font-size="11" '
            f'fill="{color}" font-weight="600">{_t(_fit(m.label, 48))}<title>{_t(m.label)}</title></text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _tick_step(units: float) -> float:
    for step in (0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120):
        if units / step <= 12:
            return step
    return 240
