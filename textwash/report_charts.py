"""Charts for the HTML reports, drawn as inline SVG strings (no script, no external file).

Horizontal bar charts (counts per category), column charts (histograms) and one stacked
bar (parts of a whole). Every chart is an `<svg class="chart">` whose bars carry
`class="bar"`, their value in `data-value`, a `<title>` tooltip and the exact value as
text, so the page reads without colour too. Text is escaped here; the output is marked
safe for Jinja. This module computes no statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

PALETTE = ("#2f6db5", "#d98b1c", "#c0392b", "#6a9f3a", "#8e5ea2", "#4aa3a2", "#7f7f7f")
STATUS_COLOURS = {"cleaned": "#3d8b4f", "skipped": "#c9a227", "failed": "#c0392b"}
FONT = "font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans','DejaVu Sans',Arial,sans-serif"


def _fmt(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _svg(width: int, height: int, label: str, body: list[str], name: str) -> Markup:
    return Markup(
        f'<svg class="chart" data-chart="{escape(name)}" role="img" '
        f'aria-label="{escape(label)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'style="{FONT};font-size:12px">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, int | float]],
    *,
    name: str,
    label: str,
    width: int = 640,
    colour: str = PALETTE[0],
    unit: str = "",
) -> Markup:
    """Horizontal bars, one per (category, value), in the order given."""
    if not items:
        return Markup("")
    row, label_w, value_w = 22, min(220, 12 + 7 * max(len(k) for k, _ in items)), 90
    plot_w = width - label_w - value_w
    top = max(v for _, v in items) or 1
    body = []
    for i, (key, value) in enumerate(items):
        y = i * row
        bar_w = max(value / top * plot_w, 1.5 if value else 0)
        tip = f"{key}: {_fmt(value)}{unit}"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="#333">'
            f"{escape(key)}</text>"
            f'<rect class="bar" data-value="{value}" x="{label_w}" y="{y + 3}" '
            f'width="{bar_w:.1f}" height="{row - 6}"'
            f' rx="2" fill="{colour}"><title>{escape(tip)}</title></rect>'
            f'<text x="{label_w + bar_w + 6:.1f}" y="{y + 15}" fill="#555">'
            f"{escape(_fmt(value))}{escape(unit)}</text>"
        )
    return _svg(width, row * len(items) + 4, label, body, name)


def column_chart(
    items: Sequence[tuple[str, int]],
    *,
    name: str,
    label: str,
    width: int = 640,
    height: int = 190,
    colour: str = PALETTE[0],
    highlight_from: int | None = None,
    highlight_colour: str = PALETTE[2],
) -> Markup:
    """Vertical columns (a histogram): one per (bin label, count); bins from
    `highlight_from` on are drawn in `highlight_colour`."""
    if not items:
        return Markup("")
    left, bottom, top_pad = 8, 36, 18
    plot_h = height - bottom - top_pad
    slot = (width - 2 * left) / len(items)
    top = max(v for _, v in items) or 1
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" '
            f'y2="{height - bottom}" stroke="#999"/>']
    for i, (key, value) in enumerate(items):
        x = left + i * slot
        bar_h = value / top * plot_h
        fill = highlight_colour if highlight_from is not None and i >= highlight_from else colour
        y = height - bottom - bar_h
        body.append(
            f'<rect class="bar" data-value="{value}" x="{x + 3:.1f}" y="{y:.1f}" '
            f'width="{slot - 6:.1f}" '
            f'height="{max(bar_h, 1.0 if value else 0):.1f}" rx="2" fill="{fill}">'
            f"<title>{escape(key)}: {value:,}</title></rect>"
            f'<text x="{x + slot / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="#333">'
            f"{value:,}</text>"
            f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 15}" text-anchor="middle" '
            f'fill="#555" font-size="11">{escape(key)}</text>'
        )
    return _svg(width, height, label, body, name)


def stacked_bar(
    parts: Sequence[tuple[str, int, str]], *, name: str, label: str, width: int = 640
) -> Markup:
    """One bar split into (part, value, colour) segments, with a legend beneath."""
    total = sum(v for _, v, _ in parts)
    if not total:
        return Markup("")
    height, bar_h, x = 58, 26, 0.0
    body = []
    for key, value, colour in parts:
        if not value:
            continue
        seg = value / total * width
        body.append(
            f'<rect class="bar" data-value="{value}" x="{x:.1f}" y="0" width="{seg:.1f}" '
            f'height="{bar_h}" '
            f'fill="{colour}"><title>{escape(key)}: {value:,}</title></rect>'
        )
        x += seg
    legend_x = 0
    for key, value, colour in parts:
        text = f"{key} {value:,}"
        body.append(
            f'<rect x="{legend_x}" y="{bar_h + 12}" width="12" height="12" rx="2" '
            f'fill="{colour}"/><text x="{legend_x + 17}" y="{bar_h + 22}" fill="#333">'
            f"{escape(text)}</text>"
        )
        legend_x += 30 + 7 * len(text)
    return _svg(width, height, label, body, name)
