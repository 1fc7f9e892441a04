"""`selfcare calls check` and `selfcare program validate|explain` as people and scripts use them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from selfcare.cli import app

EXAMPLE = Path(__file__).parents[2] / "examples" / "online-statt-hotline.toml"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_calls_check_prints_exactly_the_json_contract() -> None:
    code, out, _ = run("calls", "check", "Ich möchte meinen Vertrag verlängern", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert set(document) == {
        "category",
        "counts",
        "explanation",
        "matched",
        "rule",
        "benefit_of_the_doubt",
    }
    assert document["category"] == "contract_extension"
    assert document["counts"] is False
    assert document["matched"] == ["verlängern"]
    assert document["rule"] == "lexicon"
    assert document["benefit_of_the_doubt"] is False


def test_calls_check_uses_the_reason_code_and_a_given_program() -> None:
    code, out, _ = run(
        "calls",
        "check",
        "Frage",
        "--reason-code",
        "INKASSO",
        "--program",
        str(EXAMPLE),
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["category"] == "dunning"


def test_calls_check_answers_people_in_german() -> None:
    code, out, _ = run("calls", "check", "Ich habe keine Mahnung bekommen", "--lang", "de")
    assert code == 0
    assert out.startswith("Dieser Anruf zählt: kein ausgenommenes Thema erkannt.")


def test_calls_check_answers_people_in_english() -> None:
    code, out, _ = run("calls", "check", "no signal at home")
    assert code == 0
    assert out.startswith("This call does not count: topic Reception problems")


def test_calls_check_with_a_broken_program_exits_2_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "p.toml"
    broken.write_text("[program\n", encoding="utf-8")
    code, out, err = run("calls", "check", "x", "--program", str(broken))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "not valid TOML" in err


def test_program_validate_says_ok_with_a_summary() -> None:
    code, out, _ = run("program", "validate", str(EXAMPLE))
    assert code == 0
    assert out.strip() == (
        "OK: Online statt Hotline: 4 rewards (3 tasks, 1 streak), 4 call categories, 1 cap, "
        "time zone Europe/Berlin, no budget in the file (selfcare budget set adds one)"
    )


def test_program_validate_lists_every_problem_on_one_line_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[program]\nid = "x"\nname = "X"\ntimezone = "Mars/Base"\n'
        '[[rewards]]\nkind = "task"\nid = "a"\nevent = "foo"\namount_mb = -5\n',
        encoding="utf-8",
    )
    code, out, err = run("program", "validate", str(bad))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "unknown time zone 'Mars/Base'" in err
    assert "unknown event type 'foo'" in err
    assert "got -5" in err


def test_program_validate_of_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("program", "validate", str(tmp_path / "nope.toml"))
    assert code == 2
    assert "cannot read" in err


def test_program_explain_prints_the_rules_in_german() -> None:
    code, out, _ = run("program", "explain", str(EXAMPLE), "--lang", "de")
    assert code == 0
    assert "Welche Anrufe zählen?" in out
    assert "1.800 MB, einmalig" in out


def test_program_explain_as_json_is_one_document() -> None:
    code, out, _ = run("program", "explain", str(EXAMPLE), "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["lang"] == "en"
    assert len(document["rewards"]) == 4


def test_program_explain_rejects_an_unknown_format() -> None:
    code, _, err = run("program", "explain", str(EXAMPLE), "--format", "yaml")
    assert code == 2
    assert "--format" in err
