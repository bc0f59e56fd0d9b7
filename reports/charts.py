"""Server-side SVG charts: pure functions from numbers and labels to an <svg> string.

Every function returns one complete, standalone SVG element (with its namespace, no
XML declaration, so it can be written to a file or placed inline in a page). No
scripts, no event attributes, no links, no external fonts or images: colours are
presentation attributes rather than CSS variables, so the same string renders in a
browser, in a saved file and inside a WeasyPrint PDF. Text is escaped and set in a
font stack that covers Chinese; label widths are estimated with East Asian characters
counted as one em, so CJK labels are wrapped instead of overflowing.

No Django and no I/O here: the callers pass plain strings and numbers.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = [
    "FONT_FAMILY",
    "LEVEL_COLOURS",
    "SERIES_COLOURS",
    "bar_svg",
    "chain_svg",
    "heatmap_svg",
    "level_colours",
    "line_svg",
    "radar_svg",
    "stacked_bar_svg",
]

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = (
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"
)
# The house palette (static/css/gradient.css), written out for standalone use.
INK = "#1d2733"
MUTED = "#5b6878"
GRID = "#d9e0e8"
SERIES_COLOURS = ("#0b5fa5", "#d99a1e", "#2aa876", "#c2410c", "#7c3aed")
# Level distributions: not assessed, below the first level, then the levels upwards
# (--l0 to --l4 in the stylesheet, then more for longer ladders).
NOT_ASSESSED_COLOUR = "#e3e8ee"
LEVEL_COLOURS = ("#9aa5b1", "#3d8bd9", "#2aa876", "#d99a1e", "#c2410c", "#7c3aed", "#0f766e")

# Characters XML 1.0 forbids even when escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: object) -> str:
    """Text safe inside an XML element or a double-quoted attribute."""
    return escape(_XML_INVALID.sub("", str(text)), quote=True)


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _finite(value: object) -> float:
    """A float for any number-like input; NaN, infinities and junk become 0."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _clamp(value: object, low: float, high: float) -> float:
    return min(max(_finite(value), low), high)


def _fmt(value: float) -> str:
    """A value for display: one decimal at most (62.5, 80)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _char_width(char: str) -> float:
    """Width of one character in em: East Asian wide and full-width characters are 1 em."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char.isspace():
        return 0.3
    return 0.6 if char.isupper() or char.isdigit() else 0.55


def _text_width(text: str, font_size: float) -> float:
    return sum(_char_width(c) for c in text) * font_size


def _wrap(text: str, max_width: float, font_size: float, max_lines: int = 2) -> list[str]:
    """Greedy line breaking: between any two CJK characters, at spaces otherwise.

    Text that does not fit in `max_lines` lines ends with an ellipsis.
    """
    words: list[str] = []
    for char in text.strip():
        if char.isspace():
            if words and words[-1] != " ":
                words.append(" ")
        elif (
            _char_width(char) < 1.0
            and words
            and words[-1] != " "
            and (_char_width(words[-1][-1]) < 1.0)
        ):
            words[-1] += char
        else:
            words.append(char)
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = current + word
        if current and _text_width(candidate.rstrip(), font_size) > max_width:
            lines.append(current.rstrip())
            current = word.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.strip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip() + "…"
    # A single word wider than the line is cut.
    out = []
    for line in lines:
        while len(line) > 1 and _text_width(line, font_size) > max_width:
            line = line[:-2] + "…"
        out.append(line)
    return out or [""]


def _svg_open(width: float, height: float, title: str, css_class: str) -> list[str]:
    label = _esc(title)
    return [
        f'<svg xmlns="{SVG_NS}" class="chart {css_class}" width="{_n(width)}" '
        f'height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
        f'aria-label="{label}" font-family="{_esc(FONT_FAMILY)}" font-size="12" fill="{INK}">',
        f"<title>{label}</title>",
    ]


def _legend(names: Sequence[str], x: float, y: float, width: float) -> list[str]:
    """One row (wrapping to more rows) of colour swatches with series names."""
    parts: list[str] = ['<g class="legend">']
    cx, cy = x, y
    for index, name in enumerate(names):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        item = 18 + _text_width(name, 12) + 16
        if cx > x and cx + item > x + width:
            cx, cy = x, cy + 18
        dash = "" if index == 0 else ' stroke-dasharray="4 3"'
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy - 4)}" x2="{_n(cx + 14)}" y2="{_n(cy - 4)}" '
            f'stroke="{colour}" stroke-width="3"{dash}/>'
            f'<text x="{_n(cx + 18)}" y="{_n(cy)}">{_esc(name)}</text>'
        )
        cx += item
    parts.append("</g>")
    return parts


def _legend_height(names: Sequence[str], width: float) -> float:
    if not names:
        return 0.0
    rows, cx = 1, 0.0
    for name in names:
        item = 18 + _text_width(name, 12) + 16
        if cx > 0 and cx + item > width:
            rows, cx = rows + 1, 0.0
        cx += item
    return 10 + 18 * rows


def radar_svg(
    axes: Sequence[tuple[str, float]],
    *,
    size: int = 360,
    series: Sequence[tuple[str, Sequence[float | None]]] = (),
    name: str = "",
    title: str = "",
    max_value: float = 100.0,
) -> str:
    """A radar (spider) chart of `axes`: (label, value) pairs, values in [0, max_value].

    The first series is `axes` itself (drawn filled, as the polygon with class
    `radar-series-0`, one vertex per axis, clockwise from the top). `series` adds
    outlined comparison polygons, each (name, values in the order of `axes`; None
    draws at 0). Values are clamped to [0, max_value]. A legend is drawn when `name`
    or `series` is given. Fewer than three axes still draw (a line or a dot), but a
    bar chart reads better there.
    """
    max_value = _finite(max_value) or 100.0
    count = len(axes)
    pad = max(70.0, size * 0.22)
    radius = max(size / 2 - pad, 10.0)
    legend_names = [name or title, *[s[0] for s in series]] if (name or series) else []
    cx, cy = size / 2, size / 2
    parts: list[str] = []  # the body; the opening tag follows once the height is known

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * value / max_value
        return cx + distance * math.cos(angle), cy + distance * math.sin(angle)

    if count == 0:
        return "".join([*_svg_open(size, size, title or name, "chart-radar"), "</svg>"])

    # Grid: rings at quarters, spokes, and the ring values along the first spoke.
    parts.append(f'<g class="grid" fill="none" stroke="{GRID}" stroke-width="1">')
    for fraction in (0.25, 0.5, 0.75, 1.0):
        if count >= 3:
            ring = " ".join(
                f"{_n(x)},{_n(y)}"
                for x, y in (point(i, max_value * fraction) for i in range(count))
            )
            parts.append(f'<polygon points="{ring}"/>')
        else:
            parts.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(radius * fraction)}"/>')
    for i in range(count):
        x, y = point(i, max_value)
        parts.append(f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}"/>')
    parts.append("</g>")
    parts.append(f'<g class="ticks" fill="{MUTED}" font-size="9">')
    for fraction in (0.5, 1.0):
        parts.append(
            f'<text x="{_n(cx + 3)}" y="{_n(cy - radius * fraction + 10)}">'
            f"{_fmt(max_value * fraction)}</text>"
        )
    parts.append("</g>")

    # Comparison series first, so the main series is drawn on top.
    for offset, (series_name, series_values) in enumerate(series, start=1):
        colour = SERIES_COLOURS[offset % len(SERIES_COLOURS)]
        clamped = [
            _clamp(series_values[i] if i < len(series_values) else 0, 0, max_value)
            for i in range(count)
        ]
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(i, v) for i, v in enumerate(clamped)))
        parts.append(
            f'<polygon class="radar-series radar-series-{offset}" points="{pts}" fill="none" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="5 4">'
            f"<title>{_esc(series_name)}</title></polygon>"
        )

    values = [_clamp(value, 0, max_value) for _label, value in axes]
    colour = SERIES_COLOURS[0]
    pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(i, v) for i, v in enumerate(values)))
    parts.append(
        f'<polygon class="radar-series radar-series-0" points="{pts}" fill="{colour}" '
        f'fill-opacity="0.22" stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>'
    )
    parts.append(f'<g class="points" fill="{colour}">')
    for i, ((label, _value), value) in enumerate(zip(axes, values, strict=True)):
        x, y = point(i, value)
        parts.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3">'
            f"<title>{_esc(label)}: {_fmt(value)}</title></circle>"
        )
    parts.append("</g>")

    # Labels outside the outer ring, anchored away from the centre, with the value.
    parts.append('<g class="labels">')
    label_width = pad - 12
    bottom = cy + radius
    for i, ((label, _value), value) in enumerate(zip(axes, values, strict=True)):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + (radius + 10) * cos, cy + (radius + 10) * sin
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        width_here = label_width if anchor != "middle" else max(label_width * 1.6, 90)
        lines = _wrap(str(label), width_here, 12)
        lines.append(f"{_fmt(value)}%" if max_value == 100 else _fmt(value))
        line_height = 14
        block = line_height * len(lines)
        if sin > 0.3:
            top = y + 4
        elif sin < -0.3:
            top = y - block + 8
        else:
            top = y - block / 2 + 10
        bottom = max(bottom, top + (len(lines) - 1) * line_height + 4)
        parts.append(f'<text class="axis-label" text-anchor="{anchor}">')
        for n, line in enumerate(lines):
            last = n == len(lines) - 1
            style = f' fill="{MUTED}" font-size="11"' if last else ""
            parts.append(
                f'<tspan x="{_n(x)}" y="{_n(top + n * line_height)}"{style}>{_esc(line)}</tspan>'
            )
        parts.append("</text>")
    parts.append("</g>")

    height = float(size)
    if legend_names:
        # The legend goes right below the lowest label, not below the empty square.
        legend_top = bottom + 22
        parts.extend(_legend(legend_names, 10, legend_top, size - 20))
        height = max(legend_top + _legend_height(legend_names, size - 20) - 10, height * 0.6)
    return "".join([*_svg_open(size, height, title or name, "chart-radar"), *parts, "</svg>"])


def bar_svg(
    bars: Sequence[tuple[str, float]],
    *,
    width: int = 480,
    max_value: float = 100.0,
    unit: str = "%",
    title: str = "",
    bar_height: int = 18,
) -> str:
    """Horizontal bars: (label, value) pairs, values clamped to [0, max_value].

    Labels sit in a left column (one line, cut with an ellipsis when too long); each
    bar ends with its value and `unit`.
    """
    max_value = _finite(max_value) or 100.0
    label_w = min(160.0, width * 0.34)
    value_w = 56.0
    row = bar_height + 10
    height = max(row * len(bars) + 10, 24)
    track = max(width - label_w - value_w - 16, 10.0)
    parts = _svg_open(width, height, title, "chart-bar")
    colour = SERIES_COLOURS[0]
    for i, (label, raw) in enumerate(bars):
        value = _clamp(raw, 0, max_value)
        y = 5 + i * row
        text_y = y + bar_height / 2 + 4
        length = track * value / max_value
        line = _wrap(str(label), label_w - 8, 12, max_lines=1)[0]
        parts.append(
            f'<g class="bar"><title>{_esc(label)}: {_fmt(value)}{_esc(unit)}</title>'
            f'<text x="{_n(label_w - 8)}" y="{_n(text_y)}" text-anchor="end">{_esc(line)}</text>'
            f'<rect x="{_n(label_w)}" y="{_n(y)}" width="{_n(track)}" height="{bar_height}" '
            f'fill="{GRID}" fill-opacity="0.5"/>'
            f'<rect class="bar-value" x="{_n(label_w)}" y="{_n(y)}" width="{_n(length)}" '
            f'height="{bar_height}" fill="{colour}"/>'
            f'<text x="{_n(label_w + track + 6)}" y="{_n(text_y)}" fill="{MUTED}">'
            f"{_fmt(value)}{_esc(unit)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is >= value."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def line_svg(
    points: Sequence[tuple[str, float]],
    *,
    width: int = 480,
    height: int = 200,
    max_value: float | None = None,
    title: str = "",
    unit: str = "",
) -> str:
    """A line through (x label, value) points, in the given order, from a zero baseline.

    The y axis runs from 0 to `max_value` (default: a round number above the largest
    value); values are clamped to it. Each point carries its value; x labels are thinned
    out when they would overlap.
    """
    values = [_finite(v) for _label, v in points]
    top = _finite(max_value) if max_value else _nice_ceiling(max(values, default=0))
    top = top or 1.0
    # Room for half the widest x label at either end, so end labels are never cut.
    widest = max((_text_width(str(label), 10) for label, _v in points), default=0.0) + 8
    left, right, upper, lower = max(44.0, widest / 2), max(16.0, widest / 2), 18.0, 30.0
    plot_w, plot_h = max(width - left - right, 10), max(height - upper - lower, 10)
    parts = _svg_open(width, height, title, "chart-line")
    parts.append(f'<g class="grid" stroke="{GRID}" stroke-width="1">')
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        y = upper + plot_h * (1 - fraction)
        parts.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}"/>')
    parts.append("</g>")
    parts.append(f'<g class="ticks" fill="{MUTED}" font-size="10" text-anchor="end">')
    for fraction in (0, 0.5, 1):
        y = upper + plot_h * (1 - fraction)
        parts.append(f'<text x="{_n(left - 6)}" y="{_n(y + 3)}">{_fmt(top * fraction)}</text>')
    parts.append("</g>")
    if not points:
        parts.append("</svg>")
        return "".join(parts)

    count = len(points)

    def xy(index: int, value: float) -> tuple[float, float]:
        x = left + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))
        return x, upper + plot_h * (1 - _clamp(value, 0, top) / top)

    coords = [xy(i, v) for i, v in enumerate(values)]
    colour = SERIES_COLOURS[0]
    if count > 1:
        line = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
        parts.append(
            f'<polyline class="line-series" points="{line}" fill="none" stroke="{colour}" '
            f'stroke-width="2" stroke-linejoin="round"/>'
        )
    # Thin x labels so that they never overlap (the first and the last always show).
    step = max(1, math.ceil(widest / (plot_w / max(count - 1, 1)))) if count > 1 else 1
    labelled = set(range(0, count, step))
    if count - 1 not in labelled:
        # Show the last label, in place of the one before it when they would collide.
        if count - 1 - max(labelled) < step:
            labelled.discard(max(labelled))
        labelled.add(count - 1)
    parts.append(f'<g class="points" fill="{colour}">')
    for i, ((label, _raw), (x, y), value) in enumerate(zip(points, coords, values, strict=True)):
        shown = _clamp(value, 0, top)
        parts.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5">'
            f"<title>{_esc(label)}: {_fmt(shown)}{_esc(unit)}</title></circle>"
        )
        if i in labelled:
            # Values and x labels on the same thinned-out points, so neither overlaps.
            parts.append(
                f'<text x="{_n(x)}" y="{_n(y - 7)}" text-anchor="middle" font-size="10" '
                f'fill="{INK}">{_fmt(shown)}</text>'
            )
            parts.append(
                f'<text x="{_n(x)}" y="{_n(upper + plot_h + 16)}" text-anchor="middle" '
                f'font-size="10" fill="{MUTED}">{_esc(label)}</text>'
            )
    parts.append("</g></svg>")
    return "".join(parts)


# Supply chains ---------------------------------------------------------------------

# Node colours by link status (fill, outline): the badge colours of the house stylesheet.
STATUS_COLOURS = {
    "invited": ("#e8f1fb", "#0b5fa5"),
    "accepted": ("#e6f4ea", "#1b7f3b"),
    "declined": ("#fff4e0", "#b06d00"),
    "revoked": ("#fdecea", "#b3261e"),
}
# Level stripes by rank (0 = no level): --l0 ... --l4 of the stylesheet.
LEVEL_COLOURS = ("#9aa5b1", "#3d8bd9", "#2aa876", "#d99a1e", "#c2410c")
CHAIN_NODE_W = 190.0
CHAIN_NODE_H = 34.0
CHAIN_ROW = 42.0
CHAIN_COLUMN = 240.0


def chain_svg(
    nodes: Sequence[Mapping[str, Any]],
    *,
    root_label: str,
    column_labels: Sequence[str],
    legend: Sequence[tuple[str, str]] = (),
    title: str = "",
) -> str:
    """A supply chain drawn as a tree in columns by tier, the anchor firm on the left.

    `nodes` are dicts in the order siblings should appear: ``id``; ``parent`` (the id of
    another node, or None for a node attached to the anchor); ``column`` (1 for tier 1;
    a node is always drawn right of its parent); ``label`` and ``detail`` (two lines of
    text; the full texts go in a tooltip); ``status`` (a key of STATUS_COLOURS);
    ``level_rank`` (None for no level shown, else 0-4: a coloured stripe); and ``ghost``
    (a parent drawn elsewhere, outlined with dashes and not linked to the anchor).
    `column_labels[i]` heads column i (0 is the anchor's). `legend` pairs a status key
    with its label. Leaves take one row each and a parent sits at the middle of its
    children, so the height grows with the number of leaves, not with the depth.
    """
    ids = {node["id"] for node in nodes}
    children: dict[Any, list[Mapping[str, Any]]] = {}
    roots: list[Mapping[str, Any]] = []
    for node in nodes:
        parent = node.get("parent")
        if parent is not None and parent in ids and parent != node["id"]:
            children.setdefault(parent, []).append(node)
        else:
            roots.append(node)

    column: dict[Any, int] = {}
    y_of: dict[Any, float] = {}
    next_row = 0
    top = 44.0
    placed: set[Any] = set()

    def place(node: Mapping[str, Any], parent_column: int) -> float:
        nonlocal next_row
        key = node["id"]
        placed.add(key)
        column[key] = max(int(_finite(node.get("column")) or 1), parent_column + 1)
        kids = [kid for kid in children.get(key, []) if kid["id"] not in placed]
        if not kids:
            y = top + next_row * CHAIN_ROW
            next_row += 1
        else:
            ys = [place(kid, column[key]) for kid in kids]
            y = (ys[0] + ys[-1]) / 2
        y_of[key] = y
        return y

    for root in roots:
        place(root, 0)
    # Whatever a cycle in the parent links kept out of reach is drawn as a root.
    for node in nodes:
        if node["id"] not in placed:
            roots.append(node)
            place(node, 0)

    columns = max(column.values(), default=0) + 1
    width = 20 + CHAIN_COLUMN * max(columns, 2) + 10
    rows = max(next_row, 1)
    legend_y = top + rows * CHAIN_ROW + 16
    height = legend_y + (28 if legend else 0)
    parts = _svg_open(width, height, title or root_label, "chart-chain")

    def x_of(col: int) -> float:
        return 20 + col * CHAIN_COLUMN

    # Column headings.
    parts.append(f'<g class="columns" fill="{MUTED}" font-size="12" font-weight="600">')
    for col in range(columns):
        label = column_labels[col] if col < len(column_labels) else str(col)
        parts.append(f'<text x="{_n(x_of(col))}" y="20">{_esc(label)}</text>')
    parts.append("</g>")

    # The anchor, at the middle of its direct suppliers (or at the top).
    attached = [y_of[r["id"]] for r in roots if not r.get("ghost")]
    anchor_y = (min(attached) + max(attached)) / 2 if attached else top
    parts.append('<g class="edges" fill="none" stroke="#9aa5b1" stroke-width="1.2">')

    def edge(x1: float, y1: float, x2: float, y2: float) -> None:
        middle = (x1 + x2) / 2
        parts.append(
            f'<path d="M{_n(x1)} {_n(y1)} C{_n(middle)} {_n(y1)} {_n(middle)} {_n(y2)} '
            f'{_n(x2)} {_n(y2)}"/>'
        )

    anchor_right = x_of(0) + CHAIN_NODE_W
    for node in nodes:
        key = node["id"]
        y = y_of[key] + CHAIN_NODE_H / 2
        parent = node.get("parent")
        if parent is not None and parent in ids and parent != key and parent in y_of:
            if column[parent] < column[key]:
                edge(
                    x_of(column[parent]) + CHAIN_NODE_W,
                    y_of[parent] + CHAIN_NODE_H / 2,
                    x_of(column[key]),
                    y,
                )
        elif not node.get("ghost"):
            edge(anchor_right, anchor_y + CHAIN_NODE_H / 2, x_of(column[key]), y)
    parts.append("</g>")

    parts.append(
        f'<g class="chain-anchor"><rect x="{_n(x_of(0))}" y="{_n(anchor_y)}" '
        f'width="{_n(CHAIN_NODE_W)}" height="{_n(CHAIN_NODE_H)}" rx="6" fill="{INK}"/>'
        f'<text x="{_n(x_of(0) + 10)}" y="{_n(anchor_y + 21)}" fill="#fff" font-weight="600">'
        f"{_esc(_wrap(root_label, CHAIN_NODE_W - 20, 12, max_lines=1)[0])}</text>"
        f"<title>{_esc(root_label)}</title></g>"
    )

    parts.append('<g class="nodes">')
    for node in nodes:
        key = node["id"]
        x, y = x_of(column[key]), y_of[key]
        status = str(node.get("status", ""))
        fill, stroke = STATUS_COLOURS.get(status, ("#eef2f6", MUTED))
        ghost = bool(node.get("ghost"))
        label = str(node.get("label", ""))
        detail = str(node.get("detail", ""))
        dash = ' stroke-dasharray="4 3"' if ghost else ""
        css = "chain-node chain-ghost" if ghost else f"chain-node chain-{_esc(status)}"
        parts.append(
            f'<g class="{css}"><title>{_esc(label)}'
            f"{(' · ' + _esc(detail)) if detail else ''}</title>"
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(CHAIN_NODE_W)}" '
            f'height="{_n(CHAIN_NODE_H)}" rx="5" fill="{"#fff" if ghost else fill}" '
            f'stroke="{stroke}"{dash}/>'
        )
        rank = node.get("level_rank")
        if rank is not None and not ghost:
            colour = LEVEL_COLOURS[int(_clamp(rank, 0, len(LEVEL_COLOURS) - 1))]
            parts.append(
                f'<rect class="level-stripe" x="{_n(x)}" y="{_n(y)}" width="6" '
                f'height="{_n(CHAIN_NODE_H)}" rx="2" fill="{colour}"/>'
            )
        text_x = x + 12
        parts.append(
            f'<text x="{_n(text_x)}" y="{_n(y + 14)}">'
            f"{_esc(_wrap(label, CHAIN_NODE_W - 18, 12, max_lines=1)[0])}</text>"
        )
        if detail:
            parts.append(
                f'<text x="{_n(text_x)}" y="{_n(y + 28)}" font-size="10" fill="{MUTED}">'
                f"{_esc(_wrap(detail, CHAIN_NODE_W - 18, 10, max_lines=1)[0])}</text>"
            )
        parts.append("</g>")
    parts.append("</g>")

    if legend:
        parts.append('<g class="legend" font-size="11">')
        cx = 20.0
        for status, label in legend:
            fill, stroke = STATUS_COLOURS.get(status, ("#eef2f6", MUTED))
            parts.append(
                f'<rect x="{_n(cx)}" y="{_n(legend_y - 9)}" width="14" height="12" rx="2" '
                f'fill="{fill}" stroke="{stroke}"/>'
                f'<text x="{_n(cx + 18)}" y="{_n(legend_y + 1)}">{_esc(label)}</text>'
            )
            cx += 18 + _text_width(label, 11) + 18
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


# Heatmap scale: weak (0) warm, middling pale, strong (max) green.
_HEAT_STOPS = ((0.0, (194, 65, 12)), (0.5, (243, 217, 164)), (1.0, (42, 168, 118)))
EMPTY_CELL = "#eef2f6"


def _heat_colour(fraction: float) -> tuple[str, str]:
    """(fill, text colour) for a value at ``fraction`` of the scale."""
    fraction = _clamp(fraction, 0.0, 1.0)
    for (low, c1), (high, c2) in itertools.pairwise(_HEAT_STOPS):
        if fraction <= high:
            t = (fraction - low) / (high - low)
            rgb = tuple(round(a + (b - a) * t) for a, b in zip(c1, c2, strict=True))
            break
    luminance = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255
    return "#%02x%02x%02x" % rgb, (INK if luminance > 0.55 else "#ffffff")


def heatmap_svg(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    title: str = "",
    max_value: float = 100.0,
    unit: str = "%",
    cell_width: int = 72,
    cell_height: int = 30,
) -> str:
    """A grid of ``rows`` x ``columns`` cells coloured by value (``values[row][column]``,
    clamped to [0, max_value]; None draws an empty grey cell marked "—").

    Low values are warm, high ones green, so the weak spots stand out. Column labels
    wrap over up to three lines above the grid; row labels sit in a left column. Each
    cell carries its value as text and a <title> naming its row and column.
    """
    max_value = _finite(max_value) or 100.0
    label_w = 120.0
    head_h = 3 * 13 + 10 if columns else 0
    width = label_w + cell_width * max(len(columns), 1) + 10
    height = head_h + cell_height * len(rows) + 10
    parts = _svg_open(width, max(height, 24), title, "chart-heatmap")
    parts.append('<g class="column-labels" font-size="11" text-anchor="middle">')
    for j, column in enumerate(columns):
        x = label_w + cell_width * (j + 0.5)
        lines = _wrap(str(column), cell_width - 6, 11, max_lines=3)
        top = head_h - 6 - 13 * (len(lines) - 1)
        parts.append("<text>")
        for n, line in enumerate(lines):
            parts.append(f'<tspan x="{_n(x)}" y="{_n(top + 13 * n)}">{_esc(line)}</tspan>')
        parts.append("</text>")
    parts.append("</g>")
    for i, row in enumerate(rows):
        y = head_h + cell_height * i
        line = _wrap(str(row), label_w - 10, 12, max_lines=1)[0]
        parts.append(
            f'<text x="{_n(label_w - 8)}" y="{_n(y + cell_height / 2 + 4)}" '
            f'text-anchor="end">{_esc(line)}</text>'
        )
        cells = values[i] if i < len(values) else ()
        for j, column in enumerate(columns):
            raw = cells[j] if j < len(cells) else None
            x = label_w + cell_width * j
            if raw is None:
                fill, ink, text = EMPTY_CELL, MUTED, "—"
            else:
                value = _clamp(raw, 0, max_value)
                fill, ink = _heat_colour(value / max_value)
                text = f"{_fmt(value)}{unit}"
            parts.append(
                f'<g class="cell"><title>{_esc(row)} · {_esc(column)}: {_esc(text)}</title>'
                f'<rect x="{_n(x + 1)}" y="{_n(y + 1)}" width="{_n(cell_width - 2)}" '
                f'height="{_n(cell_height - 2)}" rx="3" fill="{fill}"/>'
                f'<text x="{_n(x + cell_width / 2)}" y="{_n(y + cell_height / 2 + 4)}" '
                f'text-anchor="middle" fill="{ink}">{_esc(text)}</text></g>'
            )
    parts.append("</svg>")
    return "".join(parts)


def level_colours(levels: int) -> list[str]:
    """Colours of a level distribution's series: not assessed, below the first level,
    then `levels` levels from the lowest."""
    return [
        NOT_ASSESSED_COLOUR,
        *(LEVEL_COLOURS[i % len(LEVEL_COLOURS)] for i in range(levels + 1)),
    ]


def _swatch_legend(
    names: Sequence[str], colours: Sequence[str], x: float, y: float, width: float
) -> tuple[list[str], float]:
    """Colour squares with series names, wrapping into rows; returns (parts, height)."""
    parts: list[str] = ['<g class="legend">']
    cx, cy = x, y
    for name, colour in zip(names, colours, strict=False):
        item = 16 + _text_width(name, 11) + 14
        if cx > x and cx + item > x + width:
            cx, cy = x, cy + 18
        parts.append(
            f'<rect x="{_n(cx)}" y="{_n(cy - 10)}" width="11" height="11" fill="{colour}" '
            f'stroke="{GRID}"/><text x="{_n(cx + 15)}" y="{_n(cy)}" font-size="11">'
            f"{_esc(name)}</text>"
        )
        cx += item
    parts.append("</g>")
    return parts, cy - y + 18


def stacked_bar_svg(
    rows: Sequence[tuple[str, Sequence[float] | None]],
    *,
    series: Sequence[str],
    colours: Sequence[str] = SERIES_COLOURS,
    width: int = 640,
    title: str = "",
    bar_height: int = 18,
    right_labels: Sequence[str] = (),
    hidden_label: str = "—",
) -> str:
    """Horizontal 100% stacked bars: one per (label, values) row, one segment per series.

    Each row's values (counts; negatives and junk count as 0) are drawn as shares of
    the row's sum, left to right in series order, with the percent written inside a
    segment wide enough to hold it. A row whose values are None is drawn as an empty,
    dashed track carrying `hidden_label` (a suppressed group). `right_labels` adds a
    text after each bar (a count). A legend of the series closes the chart.
    """
    label_w = min(170.0, width * 0.3)
    right_w = 64.0 if right_labels else 8.0
    track = max(width - label_w - right_w - 8, 10.0)
    row_h = bar_height + 10
    body = 6 + row_h * len(rows)
    legend, legend_h = _swatch_legend(series, colours, 10, body + 18, width - 20)
    height = body + legend_h + 14
    parts = _svg_open(width, height, title, "chart-stacked")
    for i, (label, values) in enumerate(rows):
        y = 6 + i * row_h
        text_y = y + bar_height / 2 + 4
        line = _wrap(str(label), label_w - 8, 12, max_lines=1)[0]
        parts.append(
            f'<g class="stack"><text x="{_n(label_w - 8)}" y="{_n(text_y)}" '
            f'text-anchor="end"><title>{_esc(label)}</title>{_esc(line)}</text>'
        )
        if values is None:
            parts.append(
                f'<rect class="stack-hidden" x="{_n(label_w)}" y="{_n(y)}" width="{_n(track)}" '
                f'height="{bar_height}" fill="#fff" stroke="{GRID}" stroke-dasharray="4 3"/>'
                f'<text x="{_n(label_w + 8)}" y="{_n(text_y)}" fill="{MUTED}" font-size="11">'
                f"{_esc(hidden_label)}</text>"
            )
        else:
            clean = [max(_finite(v), 0.0) for v in values]
            total = sum(clean)
            x = label_w
            for index, value in enumerate(clean):
                if total <= 0 or value <= 0:
                    continue
                seg = track * value / total
                colour = colours[index % len(colours)]
                name = series[index] if index < len(series) else ""
                percent = 100 * value / total
                parts.append(
                    f'<rect class="stack-segment" x="{_n(x)}" y="{_n(y)}" width="{_n(seg)}" '
                    f'height="{bar_height}" fill="{colour}"><title>{_esc(label)} · '
                    f"{_esc(name)}: {_fmt(percent)}%</title></rect>"
                )
                if seg >= 30:
                    ink = "#fff" if _dark(colour) else INK
                    parts.append(
                        f'<text x="{_n(x + seg / 2)}" y="{_n(text_y - 1)}" text-anchor="middle" '
                        f'font-size="10" fill="{ink}">{_fmt(percent)}%</text>'
                    )
                x += seg
            if total <= 0:
                parts.append(
                    f'<rect x="{_n(label_w)}" y="{_n(y)}" width="{_n(track)}" '
                    f'height="{bar_height}" fill="{GRID}" fill-opacity="0.5"/>'
                )
        if i < len(right_labels):
            parts.append(
                f'<text x="{_n(label_w + track + 6)}" y="{_n(text_y)}" fill="{MUTED}" '
                f'font-size="11">{_esc(right_labels[i])}</text>'
            )
        parts.append("</g>")
    parts.extend(legend)
    parts.append("</svg>")
    return "".join(parts)


def _dark(colour: str) -> bool:
    """Whether white text reads better than ink on `colour` (#rrggbb)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 150
