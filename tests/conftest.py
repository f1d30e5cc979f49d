"""Wiring only: shared fixtures live in fixture modules next to the tests that use them."""

import functools
import os
import sys


def pytest_sessionstart(session: object) -> None:
    """Under mutmut (`make mutation`) each mutant's tests run in a process forked from one that already ran the
    unmutated code: its caches (spec facts, compiled validators) hold unmutated answers. Start them empty."""
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("vendor_specs", "contracts", "mock_server"):
            for value in list(vars(module).values()):
                if isinstance(value, functools._lru_cache_wrapper):
                    value.cache_clear()
