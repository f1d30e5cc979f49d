"""`secrets` accepts the documented mask and common partial masks, and refuses anything revealing the key."""

from __future__ import annotations

import pytest

from contracts.checks import looks_masked, secrets


@pytest.mark.parametrize(
    "value", ["***masked***", "sk-****abcd", "\u2022\u2022\u2022\u20221234", "[REDACTED]", "sk-...wxyz", "********", ""]
)
def test_masked_values_pass(value: str) -> None:
    assert looks_masked(value)
    assert secrets("selise", {"ApiKey": value}) == []


@pytest.mark.parametrize(
    "value", ["sk-live-0123456789abcdef", "sk-****0123456789", "abcd***efgh", "plain-key-value", "x"]
)
def test_unmasked_values_fail(value: str) -> None:
    assert not looks_masked(value)
    assert secrets("selise", {"ApiKey": value}) != []


def test_the_documented_mask_passes_anywhere_in_a_body() -> None:
    assert secrets("selise", {"items": [{"ApiKey": "***masked***"}]}) == []
    assert secrets("selise", {"items": [{"ApiKey": "sk-proj-AAAAAAAAAAAAAAAAAAAAAAAA"}]}) != []
