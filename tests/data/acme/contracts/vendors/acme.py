"""Acme (made up): the shared cases cover it."""

from contracts.cases import Case

CASES: tuple[Case, ...] = ()
