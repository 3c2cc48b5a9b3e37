"""Small server-rendered SVG charts: a cumulative line against a deadline, share bars, a heat
strip and a stacked bar.

Drawn here rather than by a charting library because pages carry a strict Content Security
Policy: no inline style or script, so every colour is a CSS class of static/css/app.css and
the SVG is plain shapes. Each chart is an image with a title and a description; the page
shows the same figures as a table beside it for those who cannot see it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

WIDTH = 640


@dataclass(frozen=True)
class Share:
    label: str
    part: int
    whole: int

    @property
    def percent(self) -> int:
        return round(100 * self.part / self.whole) if self.whole else 0


@dataclass(frozen=True)
class Slice:
    key: str  #: the CSS class suffix (the disposition kind, "undecided")
    label: str
    count: int


def _svg(height: int, title: str, description: str, body: list[str], css: str,
         width: int = WIDTH) -> Markup:
    return Markup(
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
        f'<desc>{escape(description)}</desc>{"".join(body)}</svg>')


def _text(x: float, y: float, content: str, css: str = "", anchor: str = "start") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">'
            f'{escape(content)}</text>')


def timeline(points: list[tuple[date, int]], *, start: date, end: date, deadline: date,
             total: int, title: str, description: str, deadline_label: str,
             total_label: str, until: date | None = None) -> Markup:
    """Answers received so far, day by day (a step line ending at `until`, today: what
    comes later is not known yet), against the deadline (a dashed vertical line) and the
    number of agencies asked (a dashed horizontal line)."""
    until = min(until or end, end)
    height, left, right, top, bottom = 220, 40, 16, 18, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    days = max((end - start).days, 1)
    scale = max(total, 1)

    def x(day: date) -> float:
        return left + plot_w * min(max((day - start).days, 0), days) / days

    def y(count: int) -> float:
        return top + plot_h * (1 - count / scale)

    body = [f'<line x1="{left}" y1="{y(0):.1f}" x2="{WIDTH - right}" y2="{y(0):.1f}" '
            f'class="axis"/>',
            f'<line x1="{left}" y1="{y(total):.1f}" x2="{WIDTH - right}" y2="{y(total):.1f}" '
            f'class="target"/>',
            _text(left - 6, y(total) + 4, str(total), "tick", "end"),
            _text(left - 6, y(0) + 4, "0", "tick", "end"),
            _text(WIDTH - right, y(total) - 5, total_label, "tick", "end")]
    path, count = [f"M{x(start):.1f},{y(0):.1f}"], 0
    for day, reached in points:
        path.append(f"H{x(day):.1f}V{y(reached):.1f}")
        count = reached
    stop = x(max(until, points[-1][0] if points else start))
    path.append(f"H{stop:.1f}")
    body.append(f'<path d="{"".join(path)}" class="line"/>')
    body.append(f'<circle cx="{stop:.1f}" cy="{y(count):.1f}" r="3.5" class="dot"/>')
    deadline_x = x(deadline)
    body += [f'<line x1="{deadline_x:.1f}" y1="{top}" x2="{deadline_x:.1f}" '
             f'y2="{y(0):.1f}" class="deadline"/>',
             _text(deadline_x, height - 4, deadline_label, "tick deadline-label",
                   "end" if deadline_x > WIDTH - right - 40 else "middle"),
             _text(left, height - 18, start.strftime("%d/%m"), "tick"),
             _text(WIDTH - right, height - 18, end.strftime("%d/%m"), "tick", "end")]
    return _svg(height, title, description, body, "chart-timeline")


def share_bars(shares: list[Share], *, title: str, description: str) -> Markup:
    """One bar per group: the part of its whole, with "part/whole (percent %)" beside it.
    Drawn narrower than the other charts, so that its labels stay legible beside another."""
    width, row, bar = 420, 38, 12
    track = width - 100
    height = max(row * len(shares), row)
    body = []
    for index, share in enumerate(shares):
        top = index * row
        body.append(_text(0, top + 14, share.label, "label"))
        body.append(f'<rect x="0" y="{top + 20}" width="{track}" height="{bar}" '
                    f'class="track"/>')
        filled = track * (share.part / share.whole if share.whole else 0)
        body.append(f'<rect x="0" y="{top + 20}" width="{filled:.1f}" height="{bar}" '
                    f'class="fill"/>')
        body.append(_text(width, top + 31, f"{share.part}/{share.whole} ({share.percent} %)",
                          "value", "end"))
    return _svg(height, title, description, body, "chart-shares", width)


def heat_strip(cells: list[tuple[str, int]], *, title: str, description: str) -> Markup:
    """One cell per section in the draft's order, darker for more comments (five steps of
    the busiest section's count); each cell says its section and count on hover."""
    height = 34
    if not cells:
        return _svg(height, title, description, [], "chart-heat")
    busiest = max(count for _label, count in cells) or 1
    width = WIDTH / len(cells)
    body = []
    for index, (label, count) in enumerate(cells):
        step = 0 if count == 0 else min(4, 1 + (4 * count - 1) // busiest)
        body.append(f'<rect x="{index * width:.2f}" y="0" width="{max(width - 1, 0.5):.2f}" '
                    f'height="{height}" class="heat-{step}"><title>{escape(label)}: {count}'
                    f'</title></rect>')
    return _svg(height, title, description, body, "chart-heat")


def stacked_bar(slices: list[Slice], *, title: str, description: str) -> Markup:
    """One bar split by kind, each part as wide as its share (the page's table beside it,
    with the same colours, is the legend)."""
    height = 26
    total = sum(s.count for s in slices) or 1
    body, offset = [], 0.0
    for item in slices:
        width = WIDTH * item.count / total
        if width:
            body.append(f'<rect x="{offset:.1f}" y="0" width="{width:.1f}" height="{height}" '
                        f'class="part-{escape(item.key)}"><title>{escape(item.label)}: '
                        f'{item.count}</title></rect>')
        offset += width
    return _svg(height, title, description, body, "chart-mix")
