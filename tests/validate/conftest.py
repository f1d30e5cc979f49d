"""Fixtures of the payload-validation tests: the CLI runner and spec-derived bodies."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

import vendor_specs
from contracts.validate.cli import main


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``contracts validate ARGS`` in process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def example() -> Callable[[str, int], Any]:
    """A fresh copy of the spec's first documented example for an API and status."""

    def get(api: str, status: int = 200) -> Any:
        return copy.deepcopy(next(iter(vendor_specs.examples_for(api, status).values()))["value"])

    return get
