"""Wiring only: shared fixtures live in fixture modules next to the tests that use them."""
