"""selfcare: transparent self-service incentive programs for telecom operators."""

__version__ = "0.1.0"
