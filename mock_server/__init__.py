"""Mock server for the vendors' "get one model" endpoints (placeholder until the mock issue lands)."""

__all__: list[str] = []
