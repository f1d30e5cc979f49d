"""Wiring only: the fixtures live in fixtures.py."""

from tests.contracts.fixtures import reference  # noqa: F401
