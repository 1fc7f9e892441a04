"""Settings for the whole suite."""

from __future__ import annotations

from hypothesis import settings

# The properties test meaning, not speed: on a shared machine, or traced for coverage, one
# example can take longer than Hypothesis's 200 ms deadline and fail as "flaky" without
# any bug. pytest-timeout (pyproject) still ends a test that hangs.
settings.register_profile("selfcare", deadline=None)
settings.load_profile("selfcare")
