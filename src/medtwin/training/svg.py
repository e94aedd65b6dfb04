"""Small inline SVG charts for the debrief: a signal against case time, with the phases
as bands and the actions as marks. Inline SVG keeps the report one file that opens
offline, and every mark carries its order as a tooltip (`<title>`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 760, 150
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 10, 22
PHASE_FILLS = ("#eef3fb", "#fbf3e8", "#eef8ee", "#f6eef8", "#f8f8ea", "#eaf6f6")


@dataclass(frozen=True)
class Series:
    """One line: its label, colour, and the samples (NaN: a gap)."""

    label: str
    times_s: Sequence[float]
    values: Sequence[float]
    colour: str = "#1f5fa8"
    dashed: bool = False


@dataclass(frozen=True)
class Mark:
    """An action at a time: `label` is its tooltip, `colour` its class."""

    time_s: float
    label: str
    colour: str = "#444"


def panel(
    title: str,
    series: Sequence[Series],
    end_s: float,
    phases: Sequence[tuple[float, float, str]] = (),
    marks: Sequence[Mark] = (),
) -> str:
    """One chart: `series` over [0, end_s] s, phase bands, action marks."""
    values = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 1.0, high + 1.0
    pad = 0.08 * (high - low)
    low, high = low - pad, high + pad
    span_s = max(end_s, 1.0)

    def x(t: float) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * t / span_s

    def y(v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - v) / (high - low)

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {HEIGHT}' "
        f"role='img' aria-label='{_e(title)}'>"
    ]
    for index, (start, stop, name) in enumerate(phases):
        fill = PHASE_FILLS[index % len(PHASE_FILLS)]
        parts.append(
            f"<rect x='{x(start):.1f}' y='{TOP}' width='{max(x(stop) - x(start), 0.5):.1f}' "
            f"height='{HEIGHT - TOP - BOTTOM}' fill='{fill}'><title>{_e(name)}</title></rect>"
        )
    parts += _axes(x, y, low, high, span_s, title)
    for mark in marks:
        parts.append(
            f"<line x1='{x(mark.time_s):.1f}' x2='{x(mark.time_s):.1f}' y1='{TOP}' "
            f"y2='{HEIGHT - BOTTOM}' stroke='{mark.colour}' stroke-width='1.5' "
            f"stroke-dasharray='3 2'><title>{_e(mark.label)}</title></line>"
        )
    for line in series:
        parts += _polylines(line, x, y)
    parts.append("</svg>")
    return "".join(parts)


def _axes(x, y, low: float, high: float, span_s: float, title: str) -> list[str]:
    bottom = HEIGHT - BOTTOM
    parts = [
        f"<line x1='{LEFT}' x2='{WIDTH - RIGHT}' y1='{bottom}' y2='{bottom}' stroke='#999'/>",
        f"<line x1='{LEFT}' x2='{LEFT}' y1='{TOP}' y2='{bottom}' stroke='#999'/>",
        f"<text x='{LEFT + 4}' y='{TOP + 11}' font-size='11' fill='#222'>{_e(title)}</text>",
    ]
    for value in (low, (low + high) / 2, high):
        parts.append(
            f"<text x='{LEFT - 4}' y='{y(value) + 4:.1f}' font-size='10' text-anchor='end' "
            f"fill='#555'>{value:.3g}</text>"
        )
    step = _minute_step(span_s)
    minute = 0
    while minute * 60 <= span_s + 1e-9:
        parts.append(
            f"<text x='{x(minute * 60):.1f}' y='{HEIGHT - 6}' font-size='10' "
            f"text-anchor='middle' fill='#555'>{minute} min</text>"
        )
        minute += step
    return parts


def _minute_step(span_s: float) -> int:
    for step in (1, 2, 5, 10, 15, 30, 60):
        if span_s / 60 / step <= 12:
            return step
    return 120


def _polylines(line: Series, x, y) -> list[str]:
    """The line in runs of finite samples (the monitor's gaps stay gaps)."""
    runs, current = [], []
    for t, v in zip(line.times_s, line.values, strict=True):
        if v is None or not math.isfinite(v):
            if current:
                runs.append(current)
            current = []
        else:
            current.append(f"{x(t):.1f},{y(v):.1f}")
    if current:
        runs.append(current)
    dash = " stroke-dasharray='5 3'" if line.dashed else ""
    return [
        f"<polyline fill='none' stroke='{line.colour}' stroke-width='1.6'{dash} "
        f"points='{' '.join(run)}'><title>{_e(line.label)}</title></polyline>"
        for run in runs
    ]


def _e(text: str) -> str:
    return html.escape(text, quote=True)
