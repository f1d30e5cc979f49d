"""Conformance harness for the vendors' "get one model" endpoints (placeholder until the harness issue lands)."""

__all__: list[str] = []
