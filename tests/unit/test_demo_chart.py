"""The demo chart draws each customer's granted and pending MB to scale."""

from __future__ import annotations

import re
from datetime import date

from selfcare.demo.chart import BAR_WIDTH, earned_chart_svg
from selfcare.domain.progress import CustomerProgress, Grant, PendingGrant


def customer(cid: str, granted: list[int], pending: list[int]) -> CustomerProgress:
    return CustomerProgress(
        customer_id=cid,
        enrolled_on=date(2025, 1, 1),
        earned_mb=sum(granted),
        grants=tuple(
            Grant(reward="a", amount_mb=m, granted_on=date(2025, 1, 2), period="once")
            for m in granted
        ),
        pending=tuple(
            PendingGrant(
                reward="b",
                amount_mb=m,
                period="p",
                due_on=None,
                reason="cap_exceeded",
                explanation="",
            )
            for m in pending
        ),
        streaks=(),
        calls=(),
    )


def test_bars_are_scaled_to_the_largest_total_and_pending_is_hatched() -> None:
    svg = earned_chart_svg(
        (customer("x", [600, 600], [1800]), customer("y", [600], [])), ("a", "b")
    )
    widths = [
        float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="18"', svg)
    ]
    assert widths == [
        BAR_WIDTH * 600 / 3000,
        BAR_WIDTH * 600 / 3000,
        BAR_WIDTH * 1800 / 3000,
        BAR_WIDTH * 600 / 3000,
    ]
    assert svg.count('fill="url(#pending)"') == 2  # the pending bar and its legend entry
    assert ">1200 MB<" in svg  # totals count granted MB only


def test_customer_ids_are_escaped() -> None:
    svg = earned_chart_svg((customer("<b>", [1], []),), ("a", "b"))
    assert "&lt;b&gt;" in svg
    assert "<b>" not in svg
