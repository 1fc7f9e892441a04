"""The backtest for people: a console table and an HTML page with a per-month chart (de/en).

The chart is inline SVG (no script, no image files): per month, the MB granted under the
baseline and under the changed program side by side, so a program manager sees at a glance
when the change starts to cost or save.
"""

from __future__ import annotations

from html import escape
from typing import Any

from selfcare.backtest.service import Backtest

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Backtest",
        "intro": "{program} against {baseline} on the history up to {as_of} (engine {engine})",
        "reward": "reward",
        "month": "month",
        "cust_old": "customers before",
        "cust_new": "customers after",
        "gained": "gained",
        "lost": "lost",
        "changed": "changed",
        "mb_old": "MB before",
        "mb_new": "MB after",
        "mb_delta": "MB change",
        "cost": "cost change",
        "total": "total",
        "customers": "{changed} of {evaluated} customers would receive something else",
        "price": "one GB costs {price} ({source})",
        "over": "over the monthly budget of {limit} MB in: {months}",
        "chart": "MB granted per month",
        "baseline": "baseline",
        "new": "changed program",
        "none": "no grants in the history",
    },
    "de": {
        "title": "Backtest",
        "intro": "{program} gegen {baseline} auf der Historie bis {as_of} (Engine {engine})",
        "reward": "Bonus",
        "month": "Monat",
        "cust_old": "Kunden vorher",
        "cust_new": "Kunden nachher",
        "gained": "neu",
        "lost": "entfallen",
        "changed": "geändert",
        "mb_old": "MB vorher",
        "mb_new": "MB nachher",
        "mb_delta": "MB Änderung",
        "cost": "Kostenänderung",
        "total": "gesamt",
        "customers": "{changed} von {evaluated} Kunden bekämen etwas anderes",
        "price": "ein GB kostet {price} ({source})",
        "over": "über dem Monatsbudget von {limit} MB in: {months}",
        "chart": "Gutgeschriebene MB je Monat",
        "baseline": "bisheriges Programm",
        "new": "geändertes Programm",
        "none": "keine Gutschriften in der Historie",
    },
}
COLUMNS = (
    ("cust_old", "customers_baseline"),
    ("cust_new", "customers_new"),
    ("gained", "customers_gained"),
    ("lost", "customers_lost"),
    ("changed", "customers_changed"),
    ("mb_old", "mb_baseline"),
    ("mb_new", "mb_new"),
    ("mb_delta", "mb_delta"),
    ("cost", "cost_delta_cents"),
)


def money(cents: int, currency: str, lang: str) -> str:
    sign = "-" if cents < 0 else ("+" if cents > 0 else "")
    whole, rest = divmod(abs(cents), 100)
    text = f"{whole:,}.{rest:02d}"
    if lang == "de":
        text = text.replace(",", " ").replace(".", ",")
    return f"{sign}{text} {currency}"


def _cells(row: dict[str, Any], doc: dict[str, Any], lang: str) -> list[str]:
    cells: list[str] = []
    for _, name in COLUMNS:
        value = row[name]
        if name == "cost_delta_cents":
            cells.append(money(value, doc["currency"], lang))
        elif name == "mb_delta":
            cells.append(f"{value:+d}")
        else:
            cells.append(str(value))
    return cells


def table_rows(backtest: Backtest, lang: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows: every reward-month, then each reward's total and the grand total."""
    w = WORDS[lang]
    doc = backtest.to_json()
    header = [w["reward"], w["month"], *(w[key] for key, _ in COLUMNS)]
    rows = [[r["reward"], r["month"], *_cells(r, doc, lang)] for r in doc["months"]]
    rows += [[r["reward"], w["total"], *_cells(r, doc, lang)] for r in doc["rewards"]]
    rows.append([w["total"], "", *_cells(doc["total"], doc, lang)])
    return header, rows


def summary_lines(backtest: Backtest, lang: str) -> list[str]:
    w = WORDS[lang]
    doc = backtest.to_json()
    price = money(doc["cost_per_gb_cents"], doc["currency"], lang).lstrip("+")
    lines = [
        w["intro"].format(**doc),
        w["customers"].format(**doc["customers"]),
        w["price"].format(price=price, source=doc["cost_source"]),
    ]
    over = doc["budget"]["months_over"]
    if over:
        months = ", ".join(f"{o['month']} ({o['mb']} MB)" for o in over)
        lines.append(w["over"].format(limit=doc["budget"]["monthly_mb"], months=months))
    return lines


def html_page(backtest: Backtest, lang: str) -> str:
    """A self-contained HTML page: summary, the per-month chart and the table."""
    w = WORDS[lang]
    header, rows = table_rows(backtest, lang)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    summary = "".join(f"<p>{escape(line)}</p>" for line in summary_lines(backtest, lang))
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(w['title'])}: {escape(backtest.program.id)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
        "td:first-child,td:nth-child(2),th:first-child,th:nth-child(2){text-align:left}"
        "</style></head><body>"
        f"<h1>{escape(w['title'])}: {escape(backtest.program.name)}</h1>{summary}"
        f"<h2>{escape(w['chart'])}</h2>{month_chart_svg(backtest, lang)}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</body></html>\n"
    )


BASELINE_COLOR, NEW_COLOR = "#9aa5b1", "#1b6ca8"
CHART_HEIGHT, BAR, GAP, LEFT = 200, 14, 12, 70


def month_chart_svg(backtest: Backtest, lang: str) -> str:
    """Two bars per month (baseline grey, changed program blue), scaled to the largest."""
    w = WORDS[lang]
    months = backtest.comparison.months()
    if not months:
        return f"<p>{escape(w['none'])}</p>"
    totals = [backtest.total(month=m) for m in months]
    top = max(max(t.mb_baseline, t.mb_new) for t in totals) or 1
    width = LEFT + len(months) * (2 * BAR + GAP) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{CHART_HEIGHT + 92}" '
        f'role="img" aria-label="{escape(w["chart"])}">',
        f'<text x="0" y="12" font-size="11">{top:,} MB</text>',
    ]
    for i, (month, total) in enumerate(zip(months, totals, strict=True)):
        x = LEFT + i * (2 * BAR + GAP)
        for offset, (mb, color, label) in enumerate(
            (
                (total.mb_baseline, BASELINE_COLOR, w["baseline"]),
                (total.mb_new, NEW_COLOR, w["new"]),
            )
        ):
            height = round(CHART_HEIGHT * mb / top)
            parts.append(
                f'<rect x="{x + offset * BAR}" y="{20 + CHART_HEIGHT - height}" width="{BAR - 1}" '
                f'height="{height}" fill="{color}"><title>{escape(month)} {escape(label)}: '
                f"{mb} MB</title></rect>"
            )
        parts.append(
            f'<text x="{x}" y="{CHART_HEIGHT + 34}" font-size="9" '
            f'transform="rotate(45 {x} {CHART_HEIGHT + 34})">{escape(month)}</text>'
        )
    legend_y = CHART_HEIGHT + 86
    parts.append(
        f'<rect x="0" y="{legend_y - 9}" width="9" height="9" fill="{BASELINE_COLOR}"/>'
        f'<text x="12" y="{legend_y}" font-size="10">{escape(w["baseline"])}</text>'
        f'<rect x="160" y="{legend_y - 9}" width="9" height="9" fill="{NEW_COLOR}"/>'
        f'<text x="172" y="{legend_y}" font-size="10">{escape(w["new"])}</text></svg>'
    )
    return "".join(parts)
