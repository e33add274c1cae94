"""Charts drawn by the site as inline SVG: no script, no third party, readable without colour.

No Flask import: functions take numbers and labels and return SVG markup as a string, with every text
escaped, so the studio's stats page (or a test) can draw them from any data.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

# Distinct for the common colour-vision deficiencies (Okabe-Ito), each line also dashed its own way.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "3 6")


@dataclass(frozen=True)
class Line:
    """One named series of values, one per day of the chart."""

    label: str
    values: Sequence[int]


def axis_ticks(value: int, target: int = 4) -> list[int]:
    """Return evenly spaced round values from 0 to at least value: steps of 1, 2 or 5 × 10^n."""
    if value <= 0:
        return [0, 1]
    raw = value / target
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = magnitude
    for factor in (1, 2, 5, 10):
        step = max(1, factor * magnitude)
        if step >= raw:
            break
    top = step * math.ceil(value / step)
    return list(range(0, top + 1, step))


def _day_label(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def line_chart(
    title: str,
    days: Sequence[date],
    lines: Sequence[Line],
    *,
    element_id: str = "chart",
    width: int = 720,
    height: int = 260,
    day_label: Callable[[date], str] = _day_label,
) -> str:
    """Return an SVG line chart of daily counts, one line per series, with axes and a legend.

    day_label names a day under the axis ("1 Jan" unless given: the caller knows the reader's language).
    """
    left, right, top, bottom = 48, 16, 16, 40
    legend_rows = math.ceil(len(lines) / 2) if len(lines) > 1 else 0
    total_height = height + legend_rows * 20
    plot_width = width - left - right
    plot_height = height - top - bottom
    ticks = axis_ticks(max((max(line.values, default=0) for line in lines), default=0))
    peak = ticks[-1]
    count = max(1, len(days) - 1)

    def x(index: int) -> float:
        return left + plot_width * index / count

    def y(value: int) -> float:
        return top + plot_height * (1 - value / peak)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {total_height}" '
        f'width="{width}" height="{total_height}" role="img" aria-labelledby={quoteattr(element_id + "-title")}>',
        f'<title id={quoteattr(element_id + "-title")}>{escape(title)}</title>',
        f'<rect x="0" y="0" width="{width}" height="{total_height}" fill="#fff"/>',
    ]
    # Horizontal grid lines with their values.
    for value in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#ddd" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" font-size="11" text-anchor="end" fill="#444">{value}</text>'
        )
    # Day labels: about six across, always the first and the last.
    if days:
        every = max(1, math.ceil(len(days) / 6))
        shown = sorted(set(range(0, len(days), every)) | {len(days) - 1})
        for index in shown:
            anchor = "start" if index == 0 else "end" if index == len(days) - 1 else "middle"
            parts.append(
                f'<text x="{x(index):.1f}" y="{height - bottom + 18}" font-size="11" text-anchor="{anchor}" fill="#444">'
                f"{escape(day_label(days[index]))}</text>"
            )
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#888" stroke-width="1"/>')
    for number, line in enumerate(lines):
        colour, dash = PALETTE[number % len(PALETTE)], DASHES[number % len(DASHES)]
        points = " ".join(f"{x(index):.1f},{y(value):.1f}" for index, value in enumerate(line.values))
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        if len(line.values) == 1:
            parts.append(f'<circle cx="{x(0):.1f}" cy="{y(line.values[0]):.1f}" r="3" fill="{colour}"/>')
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash_attribute}>'
            f"<title>{escape(line.label)}: {sum(line.values)}</title></polyline>"
        )
        if legend_rows:
            column, row = number % 2, number // 2
            legend_x, legend_y = left + column * (plot_width // 2), height + row * 20
            parts.append(
                f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="{colour}" '
                f'stroke-width="2"{dash_attribute}/>'
                f'<text x="{legend_x + 30}" y="{legend_y}" font-size="12" fill="#222">{escape(_shorten(line.label, 40))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(values: Sequence[int], label: str, *, width: int = 120, height: int = 28) -> str:
    """Return a small SVG trend line of daily counts, for a row of a table."""
    peak = max(max(values, default=0), 1)
    count = max(1, len(values) - 1)
    points = " ".join(
        f"{width * index / count:.1f},{height - 2 - (height - 4) * value / peak:.1f}" for index, value in enumerate(values)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label={quoteattr(label)}>'
        f'<polyline points="{points}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/></svg>'
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
