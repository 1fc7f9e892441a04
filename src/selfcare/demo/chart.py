"""A stacked bar chart as inline SVG: earned and pending MB per customer, by reward.

Inline SVG needs no script and renders in old browsers (IE11 included), so the operator sees
at a glance who earned what, instead of reading the tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from selfcare.domain.progress import CustomerProgress

PALETTE = ("#1b6ca8", "#f29e4c", "#3c9d5d", "#8e5ea2", "#c8553d", "#4d9de0")
ROW_HEIGHT = 26
LABEL_WIDTH = 120
BAR_WIDTH = 520


@dataclass(frozen=True)
class Segment:
    label: str
    amount_mb: int
    color: str
    pending: bool


def segments(
    customer: CustomerProgress, colors: dict[str, str], labels: Mapping[str, str] | None = None
) -> list[Segment]:
    """Granted MB per reward first, then what is still pending (drawn hatched)."""
    names = labels or {}
    parts = [
        Segment(names.get(g.reward, g.reward), g.amount_mb, colors[g.reward], False)
        for g in customer.grants
    ]
    parts += [
        Segment(names.get(p.reward, p.reward), p.amount_mb, colors[p.reward], True)
        for p in customer.pending
    ]
    return parts


def earned_chart_svg(
    customers: tuple[CustomerProgress, ...],
    rewards: tuple[str, ...],
    labels: Mapping[str, str] | None = None,
) -> str:
    """The chart for all customers, scaled to the largest total; `labels` names the rewards
    and "pending" in the report's language (default: the ids)."""
    names = {"pending": "pending", "aria": "MB per customer"} | dict(labels or {})
    colors = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(rewards)}
    rows = [(c.customer_id, segments(c, colors, names)) for c in customers]
    largest = max((sum(s.amount_mb for s in parts) for _, parts in rows), default=0) or 1
    legend_y = ROW_HEIGHT * len(rows) + 10
    height = legend_y + 20 * (len(rewards) + 1) + 10
    width = LABEL_WIDTH + BAR_WIDTH + 80
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(names["aria"])}">',
        '<defs><pattern id="pending" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="3" height="6" fill="#999"/></pattern></defs>',
    ]
    for index, (customer_id, parts) in enumerate(rows):
        out.extend(_bar(index, customer_id, parts, largest, names["pending"]))
    for index, reward in enumerate((*rewards, "pending")):
        y = legend_y + 20 * index
        fill = "url(#pending)" if reward == "pending" else colors[reward]
        out.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="14" height="14" fill="{fill}"/>')
        out.append(
            f'<text x="{LABEL_WIDTH + 20}" y="{y + 12}" font-size="12">'
            f"{escape(names.get(reward, reward))}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def _bar(
    index: int, customer_id: str, parts: list[Segment], largest: int, pending: str
) -> list[str]:
    y = index * ROW_HEIGHT + 4
    out = [f'<text x="0" y="{y + 14}" font-size="12">{escape(customer_id)}</text>']
    x = float(LABEL_WIDTH)
    for part in parts:
        width = BAR_WIDTH * part.amount_mb / largest
        fill = "url(#pending)" if part.pending else part.color
        out.append(
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="18" fill="{fill}">'
            f"<title>{escape(part.label)}: {part.amount_mb} MB"
            f"{f' ({escape(pending)})' if part.pending else ''}</title></rect>"
        )
        x += width
    total = sum(p.amount_mb for p in parts if not p.pending)
    out.append(f'<text x="{x + 6:.1f}" y="{y + 14}" font-size="12">{total} MB</text>')
    return out
