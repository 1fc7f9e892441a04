"""JSON documents of the speed check (the `--format json` contract and the web API share them).

Speeds are integers in kbit/s, money in cents, days as ISO dates; every explanation is in
the requested language (`de` or `en`).
"""

from __future__ import annotations

from typing import Any

from selfcare.domain.speedcheck.diagnosis import Diagnosis, action_text
from selfcare.domain.speedcheck.line_texts import explain_line
from selfcare.domain.speedcheck.models import LineRates, SpeedTier
from selfcare.domain.speedcheck.overhead import IPVersion, LinkType, achievable_kbps
from selfcare.domain.speedcheck.verdict import DirectionVerdict, Verdict
from selfcare.domain.speedcheck.verdict_texts import reduction_text


def tier_json(tier: SpeedTier) -> dict[str, int]:
    return {"max": tier.max_kbps, "normal": tier.normal_kbps, "min": tier.min_kbps}


def verdict_to_json(verdict: Verdict, lang: str = "en") -> dict[str, Any]:
    """`{"protocol": {"valid", "problems"}, "download": {"failed_criteria"}, "upload", "deviation"}`
    plus the figures and explanations behind them."""
    protocol = verdict.protocol
    reduction = reduction_text(verdict)
    return {
        "profile": protocol.rules.profile.value,
        "profile_label": protocol.rules.label.get(lang),
        "area": verdict.area.value if verdict.area else None,
        "protocol": {
            "valid": protocol.valid,
            "problems": protocol.codes,
            "explanations": [
                {"code": p.code.value, "explanation": p.text.get(lang)} for p in protocol.problems
            ],
            "notes": [note.get(lang) for note in protocol.notes],
            "measurements": protocol.count,
            "days": [day.isoformat() for day in protocol.days],
        },
        "download": _direction_json(verdict.download, lang),
        "upload": _direction_json(verdict.upload, lang),
        "deviation": verdict.deviation,
        "indicative_deviation": verdict.indicative_deviation,
        "reduction": None
        if reduction is None
        else {
            "price_cents": verdict.contract.price_cents,
            "estimate_cents": verdict.reduction_cents,
            "binding": False,
            "explanation": reduction.get(lang),
        },
        "explanation": verdict.summary().get(lang),
    }


def _direction_json(direction: DirectionVerdict, lang: str) -> dict[str, Any]:
    return {
        "failed_criteria": direction.failed_criteria,
        "deviation": direction.deviation,
        "contract_kbps": tier_json(direction.tier),
        "mean_kbps": direction.mean_kbps,
        "reduction_cents": direction.reduction_cents,
        "criteria": [
            {
                "criterion": c.criterion.value,
                "failed": c.failed,
                "threshold_kbps": c.threshold_kbps,
                "failing_days": [day.isoformat() for day in c.failing_days],
                "reached": c.reached,
                "total": c.total,
                "explanation": c.text.get(lang),
            }
            for c in direction.criteria
        ],
    }


def rates_to_json(
    rates: LineRates, link: LinkType, download: SpeedTier | None, lang: str = "en"
) -> dict[str, Any]:
    """The router's figures, what a speed test can show over them, and why."""
    return {
        "downstream_kbps": rates.downstream_kbps,
        "upstream_kbps": rates.upstream_kbps,
        "downstream_max_kbps": rates.downstream_max_kbps,
        "upstream_max_kbps": rates.upstream_max_kbps,
        "downstream_noise_margin_db": _tenths(rates.downstream_noise_margin),
        "downstream_attenuation_db": _tenths(rates.downstream_attenuation),
        "status": rates.status,
        "link": link.value,
        "achievable_kbps": {
            f"ipv{ip.value}": {
                "download": achievable_kbps(rates.downstream_kbps, link, ip),
                "upload": achievable_kbps(rates.upstream_kbps, link, ip),
            }
            for ip in IPVersion
        },
        "explanation": [text.get(lang) for text in explain_line(rates, link, download)],
    }


def _tenths(value: int | None) -> float | None:
    return None if value is None else value / 10


def diagnosis_to_json(diagnosis: Diagnosis, lang: str = "en") -> dict[str, Any]:
    figures = diagnosis.figures
    return {
        "bottleneck": diagnosis.bottleneck.value,
        "bottlenecks": [b.value for b in diagnosis.bottlenecks],
        "findings": [text.get(lang) for text in diagnosis.findings],
        "actions": [
            {"action": a.value, "explanation": action_text(a).get(lang)} for a in diagnosis.actions
        ],
        "figures": {
            "sync_kbps": figures.sync_kbps,
            "achievable_kbps": figures.achievable_kbps,
            "lan_median_kbps": figures.lan_median_kbps,
            "lan_best_kbps": figures.lan_best_kbps,
            "wlan_median_kbps": figures.wlan_median_kbps,
            "untagged": figures.untagged,
        },
    }
