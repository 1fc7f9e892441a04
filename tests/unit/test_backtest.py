"""`selfcare backtest`: a known program change read back per reward and month, and the
comparison held to plain sums over generated histories."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from typer.testing import CliRunner

from selfcare.backtest.compare import compare
from selfcare.cli import app
from selfcare.domain.events import Event
from selfcare.domain.progress import CustomerProgress
from selfcare.errors import InvalidInput
from selfcare.evaluation.service import evaluate_stream
from selfcare.pilot.settings import load_with_settings
from tests.strategies import as_of_days, histories

EXAMPLES = Path(__file__).parents[2] / "examples"
OLD = EXAMPLES / "online-statt-hotline.toml"
NEW = EXAMPLES / "online-statt-hotline-six-months.toml"
EVENTS = EXAMPLES / "events.jsonl"
runner = CliRunner()


def backtest(*args: str) -> tuple[int, str, str]:
    base = ["backtest", "--program", str(NEW), "--baseline", str(OLD), "--events", str(EVENTS)]
    result = runner.invoke(app, [*base, "--as-of", "2026-06-30", *args])
    return result.exit_code, result.stdout, result.stderr


def _row(document: dict[str, object], reward: str, month: str) -> dict[str, int]:
    rows = document["months"]
    assert isinstance(rows, list)
    found: dict[str, int] = next(r for r in rows if (r["reward"], r["month"]) == (reward, month))
    return found


def test_the_six_month_variant_moves_streak_grants_earlier_and_halves_the_portal_bonus() -> None:
    code, out, _ = backtest("--format", "json")
    assert code == 0
    doc = json.loads(out)
    # portal registration pays 300 instead of 600 MB: anna in May, ben in June 2025
    for month in ("2025-05", "2025-06"):
        portal = _row(doc, "portal_registration", month)
        assert (portal["mb_baseline"], portal["mb_new"], portal["customers_changed"]) == (
            600,
            300,
            1,
        )
        assert portal["cost_delta_cents"] == -15  # 300 MB at 0.50 EUR per 1,024 MB
    # the streak completes six months after the window start plus 3 days' grace:
    # carla (window from 2025-03-01) in September 2025 instead of December
    carla_moves = _row(doc, "nine_months_without_hotline", "2025-09")
    assert (carla_moves["customers_gained"], carla_moves["mb_new"]) == (1, 1200)
    # December: carla's 1,800 MB leave, anna's 1,200 MB (window from 2025-05-31) arrive
    december = _row(doc, "nine_months_without_hotline", "2025-12")
    assert december["customers_gained"] == december["customers_lost"] == 1
    assert (december["mb_baseline"], december["mb_new"], december["mb_delta"]) == (1800, 1200, -600)
    # the tasks that did not change show no change
    assert _row(doc, "app_install", "2025-04")["customers_changed"] == 0
    total = doc["total"]
    assert (total["mb_baseline"], total["mb_new"], total["mb_delta"]) == (8400, 6000, -2400)
    assert total["cost_delta_cents"] == -117  # 2,400 MB at 0.50 EUR per 1,024 MB
    assert doc["customers"] == {
        "evaluated": 4,
        "changed": 3,
        "only_in_baseline": 0,
        "only_in_new": 0,
    }
    assert doc["cost_source"] == "default"


def test_the_html_report_has_the_monthly_chart_in_german(tmp_path: Path) -> None:
    page = tmp_path / "backtest.html"
    code, out, _ = backtest("--output", str(page), "--lang", "de")
    assert code == 0
    assert "Kunden bekämen etwas anderes" in out
    html = page.read_text(encoding="utf-8")
    assert '<html lang="de">' in html
    assert html.count("<rect") >= 2 * 7  # two bars for each of the seven months
    assert "2025-09 geändertes Programm: 1200 MB" in html


def test_the_cost_of_a_gb_comes_from_the_pilot_table_and_the_budget_is_checked(
    tmp_path: Path,
) -> None:
    program = tmp_path / "new.toml"
    program.write_text(
        NEW.read_text(encoding="utf-8")
        + "\n[budget]\nmonthly_mb = 1400\n\n[pilot]\ncost_per_gb = 2.0\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "backtest",
            "--program",
            str(program),
            "--baseline",
            str(OLD),
            "--events",
            str(EVENTS),
            "--as-of",
            "2026-06-30",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["cost_per_gb_cents"], doc["cost_source"]) == (200, "program [pilot]")
    assert doc["total"]["cost_delta_cents"] == -469  # -2,400 MB at 2 EUR per 1,024 MB
    over = {o["month"]: o["mb"] for o in doc["budget"]["months_over"]}
    assert over == {"2025-06": 1500}  # anna: app and video 600 each; ben: portal 300


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--engine", "nosuch"), "--engine: 'nosuch' is not available"),
        (("--cost-per-gb", "-1"), "--cost-per-gb: -1.0 is out of range"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    code, _, err = backtest(*args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_a_data_lake_folder_gives_what_the_single_file_gives(tmp_path: Path) -> None:
    lines = EVENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    lake = tmp_path / "lake"
    (lake / "part=1").mkdir(parents=True)
    (lake / "part=1" / "events.jsonl").write_text("".join(lines[:7]), encoding="utf-8")
    rows = [json.loads(line) for line in lines[7:]]
    columns = sorted({key for row in rows for key in row})
    table = pa.table(
        {c: [None if row.get(c) is None else str(row[c]) for row in rows] for c in columns}
    )
    (lake / "part=2").mkdir()
    pq.write_table(table, lake / "part=2" / "events.parquet")
    _, whole, _ = backtest("--format", "json")
    result = runner.invoke(
        app,
        [
            "backtest",
            "--program",
            str(NEW),
            "--baseline",
            str(OLD),
            "--events",
            str(lake),
            "--as-of",
            "2026-06-30",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(whole)


def test_invalid_rows_are_skipped_and_reported(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        EVENTS.read_text(encoding="utf-8") + '{"event_id": "x", "customer_id": "anna"}\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "backtest",
            "--program",
            str(NEW),
            "--baseline",
            str(OLD),
            "--events",
            str(events),
            "--as-of",
            "2026-06-30",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rows_skipped"] == 1
    assert result.stderr.count("skipped: ") == 1


def test_a_missing_program_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "backtest",
            "--program",
            str(tmp_path / "none.toml"),
            "--baseline",
            str(OLD),
            "--events",
            str(EVENTS),
            "--as-of",
            "2026-06-30",
        ],
    )
    assert result.exit_code == 2
    assert "none.toml: no such file" in result.stderr


def _evaluate(path: Path, events: list[Event], day: date) -> list[CustomerProgress]:
    program, _ = load_with_settings(path)
    return list(evaluate_stream(program, events, day))


@settings(max_examples=25, deadline=None)
@given(events=histories(max_customers=4), day=as_of_days())
def test_the_comparison_adds_up_to_what_each_program_grants(events: list[Event], day: date) -> None:
    old, new = _evaluate(OLD, events, day), _evaluate(NEW, events, day)
    result = compare(old, new)
    cells = result.cells.values()
    assert sum(c.mb_baseline for c in cells) == sum(c.earned_mb for c in old)
    assert sum(c.mb_new for c in cells) == sum(c.earned_mb for c in new)
    back = compare(new, old)
    assert {k: -c.mb_delta for k, c in back.cells.items()} == {
        k: c.mb_delta for k, c in result.cells.items()
    }
    same = compare(old, old)
    assert same.customers_changed == 0
    assert all(c.customers_changed == c.mb_delta == 0 for c in same.cells.values())


def test_results_out_of_customer_order_are_refused() -> None:
    stream = [
        CustomerProgress(
            customer_id=name,
            enrolled_on=None,
            earned_mb=0,
            grants=(),
            pending=(),
            streaks=(),
            calls=(),
        )
        for name in ("b", "a")
    ]
    with pytest.raises(InvalidInput, match="not in customer-id order"):
        compare(stream, [])
