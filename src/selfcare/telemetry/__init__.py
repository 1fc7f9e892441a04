"""Operability: Prometheus metrics and structured, secret-free logs (no storage, no web)."""
