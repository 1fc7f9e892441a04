"""One self-contained HTML report: the verdict first, then the evidence, plots inline."""

from __future__ import annotations

import base64
import html
import io
import json
from typing import Any

from matplotlib.figure import Figure

from selfcare.pilot.report_texts import text

Doc = dict[str, Any]
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#222}.verdict{font-size:1.15rem;background:#f3f6fa;padding:1rem;"
    "border-left:4px solid #2a6ebb}.warn{color:#a00;font-weight:bold}table{border-collapse:"
    "collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}"
    "img{max-width:100%}details pre{font-size:.8rem;overflow:auto}"
)


def pct(value: float | None, lang: str) -> str:
    """A signed percentage in the reader's notation (German: decimal comma)."""
    if value is None or value != value:  # noqa: PLR0124 (NaN check)
        return "–"
    shown = f"{value * 100:+.1f} %"
    return shown.replace(".", ",") if lang == "de" else shown


def num(value: float | None, lang: str, digits: int = 3) -> str:
    if value is None or value != value:  # noqa: PLR0124 - NaN is the value not equal to itself
        return "–"
    shown = f"{value:,.{digits}f}"
    return shown.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "de" else shown


def money_text(value: float | None, doc: Doc, lang: str) -> str:
    if value is None:
        return text("unbounded", lang)
    return f"{num(value, lang, 2)} {doc['cost']['currency']}"


def verdict(doc: Doc, lang: str) -> str:
    """The one paragraph a manager reads: effect, accepters, money, decision."""
    itt, cace, cost = doc["itt"], doc["cace"], doc["cost"]
    parts = []
    if doc["srm"]["alarm"]:
        parts.append(f'<span class="warn">{text("srm_alarm", lang)}</span>')
    parts.append(
        text(
            "effect_sentence",
            lang,
            rel=pct(itt["relative_effect"], lang),
            low=pct(itt["relative_ci_low"], lang),
            high=pct(itt["relative_ci_high"], lang),
            abs=num(itt["effect"], lang, 4),
        )
    )
    parts.append(
        text(
            "cace_sentence",
            lang,
            take_up=pct(cace["take_up"], lang).lstrip("+"),
            rel=pct(cace.get("relative_effect"), lang),
            abs=num(cace["effect"], lang, 4),
        )
    )
    parts.append(
        text(
            "money_sentence",
            lang,
            net=money_text(cost["net_benefit"], doc, lang),
            low=money_text(cost["net_benefit_ci"][0], doc, lang),
            high=money_text(cost["net_benefit_ci"][1], doc, lang),
            per_call=money_text(cost["cost_per_avoided_call"], doc, lang),
        )
    )
    rollout = doc["rollout"]
    names = ", ".join(text(n, lang) for n in rollout["blocking_guardrails"])
    parts.append(f"<strong>{text(rollout['decision'], lang, names=names)}</strong>")
    return " ".join(parts)


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{encoded}">'


def effect_plot(doc: Doc, lang: str) -> str:
    itt, cace = doc["itt"], doc["cace"]
    base = itt["control_mean"] or 1.0
    rows = [(text("all_invited", lang), itt["effect"], itt["ci_low"], itt["ci_high"])]
    if cace.get("ci_low") is not None:
        rows.append((text("accepters", lang), cace["effect"], cace["ci_low"], cace["ci_high"]))
    figure = Figure(figsize=(6.5, 1.2 + 0.6 * len(rows)))
    axes = figure.subplots()
    for i, (_, mid, low, high) in enumerate(rows):
        axes.errorbar(
            [mid / base * 100],
            [i],
            xerr=[[(mid - low) / base * 100], [(high - mid) / base * 100]],
            fmt="o",
            capsize=6,
            color="#2a6ebb",
        )
    axes.axvline(0, color="#888", lw=1)
    axes.set_yticks(range(len(rows)), [r[0] for r in rows])
    axes.set_ylim(-0.7, len(rows) - 0.3)
    axes.set_xlabel("%")
    return _png(figure)


def time_plot(doc: Doc, lang: str) -> str:
    looks = doc["sequential"]["looks"]
    figure = Figure(figsize=(6.5, 3))
    axes = figure.subplots()
    x = [row["look"] for row in looks]
    axes.plot(x, [r["effect"] for r in looks], "o-", color="#2a6ebb")
    axes.fill_between(
        x, [r["ci_low"] for r in looks], [r["ci_high"] for r in looks], color="#2a6ebb", alpha=0.15
    )
    se = [(r["ci_high"] - r["ci_low"]) / 3.92 for r in looks]
    axes.plot(
        x,
        [b * s for b, s in zip([r["boundary"] for r in looks], se, strict=True)],
        "--",
        color="#888",
    )
    axes.plot(
        x,
        [-b * s for b, s in zip([r["boundary"] for r in looks], se, strict=True)],
        "--",
        color="#888",
    )
    axes.axhline(0, color="#888", lw=1)
    axes.set_xlabel(text("month", lang))
    axes.set_ylabel(text("calls_change", lang), fontsize=8)
    return _png(figure)


def funnel_plot(doc: Doc, lang: str) -> str:
    steps = doc["funnel"]
    figure = Figure(figsize=(6.5, 0.5 + 0.45 * len(steps)))
    axes = figure.subplots()
    axes.barh(range(len(steps)), [s["customers"] for s in steps], color="#6a9fd8")
    labels = [s["title"][lang] if "title" in s else text(s["step"], lang) for s in steps]
    axes.set_yticks(range(len(steps)), labels)
    axes.invert_yaxis()
    axes.set_xlabel(text("customers", lang))
    return _png(figure)


def money_plot(doc: Doc, lang: str) -> str:
    cost = doc["cost"]
    labels = [text(k, lang) for k in ("volume_cost", "invitation_cost", "savings", "net_benefit")]
    values = [-cost["volume_cost"], -cost["invitation_cost"], cost["savings"], cost["net_benefit"]]
    figure = Figure(figsize=(6.5, 2.6))
    axes = figure.subplots()
    axes.bar(labels, values, color=["#c66", "#c66", "#6a6", "#2a6ebb"])
    low, high = cost["net_benefit_ci"]
    axes.errorbar(
        [3],
        [cost["net_benefit"]],
        yerr=[[cost["net_benefit"] - low], [high - cost["net_benefit"]]],
        fmt="none",
        capsize=6,
        color="#222",
    )
    axes.axhline(0, color="#888", lw=1)
    axes.set_ylabel(cost["currency"])
    return _png(figure)


def guardrail_table(doc: Doc, lang: str) -> str:
    head = "".join(
        f"<th>{text(k, lang)}</th>"
        for k in ("col_name", "col_change", "col_worst", "col_margin", "col_status")
    )
    rows = []
    for g in doc["guardrails"]:
        shown = pct if g["scale"] == "relative" else _points
        status = (
            text("ok", lang)
            if g["non_inferior"]
            else f'<span class="warn">{text("blocks", lang)}</span>'
        )
        rows.append(
            f"<tr><td>{text(g['name'], lang)}</td><td>{shown(g['change'], lang)}</td>"
            f"<td>{shown(g['upper_bound'], lang)}</td><td>{shown(g['margin'], lang)}</td>"
            f"<td>{status}</td></tr>"
        )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _share(value: float, lang: str) -> str:
    return pct(value, lang).lstrip("+")


def _points(value: float, lang: str) -> str:
    return pct(value, lang).replace("%", "Pp." if lang == "de" else "pp")


def render_report(doc: Doc, *, lang: str = "de") -> str:
    """The whole report as one HTML document (no external files, no scripts)."""
    cost = doc["cost"]
    even = cost["break_even_take_up"]
    even_text = (
        text("break_even", lang, value=pct(even, lang).lstrip("+"))
        if even is not None
        else text("no_break_even", lang)
    )
    details = html.escape(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    sections = [
        f"<h1>{text('title', lang)}</h1>",
        f'<h2>{text("verdict", lang)}</h2><p class="verdict">{verdict(doc, lang)}</p>',
        f"<h2>{text('effect', lang)}</h2>{effect_plot(doc, lang)}<p>"
        f"{text('effect_note', lang, vr=_share(doc['itt']['variance_reduction'], lang))}</p>",
        f"<h2>{text('over_time', lang)}</h2>{time_plot(doc, lang)}"
        f"<p>{text('over_time_note', lang)}</p>",
        f"<h2>{text('funnel', lang)}</h2>{funnel_plot(doc, lang)}",
        f"<h2>{text('guardrails', lang)}</h2><p>{text('guardrails_note', lang)}</p>"
        f"{guardrail_table(doc, lang)}",
        f"<h2>{text('money', lang)}</h2>{money_plot(doc, lang)}<p>{even_text}</p>",
        f"<details><summary>{text('details', lang)}</summary><pre>{details}</pre></details>",
    ]
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{text('title', lang)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(sections)
        + "</body></html>\n"
    )
