"""The pilot's settings: the `[pilot]` table of the program file, with plain defaults.

The table sits beside the program's rules in the same file (`selfcare pilot analyze
--program FILE`) and is taken out before the rules are validated, so the rules' model stays
as it is.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from selfcare.domain.program import Program
from selfcare.errors import InvalidInput, InvalidProgram
from selfcare.program.load import describe_errors, program_from_data


class Margins(BaseModel):
    """Non-inferiority margins: how much worse a guardrail may get before it blocks rollout."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    repeat_reception: float = Field(default=0.10, gt=0)  # relative increase
    churn: float = Field(default=0.005, gt=0)  # absolute increase of the share who leave
    complaints: float = Field(default=0.25, gt=0)  # relative increase


class PilotSettings(BaseModel):
    """Costs, margins and periods of the evaluation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cost_per_gb: float = Field(default=0.50, ge=0)  # operator's cost of one GB granted (EUR)
    cost_per_call: float = Field(default=6.00, ge=0)  # cost of one hotline call (EUR)
    cost_per_invitation: float = Field(default=0.05, ge=0)  # letter, SMS or e-mail (EUR)
    currency: str = "EUR"
    pre_months: int = Field(default=6, ge=1, le=24)
    control_share: float = Field(default=0.5, gt=0, lt=1)  # as planned in `pilot assign`
    complaint_codes: tuple[str, ...] = ("BESCHWERDE", "COMPLAINT")
    alpha: float = Field(default=0.05, gt=0, lt=1)
    guardrail_alpha: float = Field(default=0.025, gt=0, lt=1)
    margins: Margins = Margins()


def load_with_settings(path: Path) -> tuple[Program, PilotSettings]:
    """The program's rules and its `[pilot]` settings from one file."""
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidProgram(f"{path}: not valid TOML: {exc}") from None
    pilot = data.pop("pilot", {})
    program = program_from_data(data, source=str(path))
    try:
        settings = PilotSettings.model_validate(pilot)
    except ValidationError as exc:
        raise InvalidProgram(f"{path}: [pilot] {describe_errors(exc)}") from None
    return program, settings
