"""Where a vendor's page allows two answers to one situation, the harness accepts either and says which it saw.

SELISE's page documents "404 Not Found - Model does not exist" in its status table and, as its only error
example, a 422 whose message is "model not found". A server may follow either reading.
"""

from __future__ import annotations

import pytest

from contracts import RunConfig, run
from tests.contracts.fixtures import reference_profile
from vendor_specs import situation

pytestmark = pytest.mark.slow


def test_the_spec_records_both_answers_with_the_pages_words() -> None:
    missing = situation("selise", "not_found")
    assert missing.statuses() == (404, 422)
    assert "404 Not Found - Model does not exist" in missing.reason and "model not found" in missing.reason


@pytest.mark.parametrize("variant", [(), ("variant_missing_422",)], ids=["404", "422"])
def test_either_answer_passes_and_the_report_says_which(reference, variant: tuple[str, ...]) -> None:
    with reference("selise", variant) as url:
        result = run(RunConfig(api="selise", base_url=url, profile=reference_profile("selise"), max_examples=5, seed=3))
    assert result.failures == [], [str(f) for f in result.failures]
    gave = "422" if variant else "404"
    assert any(
        line.startswith(f"not_found (No model has the requested id.): the server answers {gave};")
        for line in result.observations
    ), result.observations


def test_an_answer_the_page_does_not_allow_still_fails(reference) -> None:
    with reference("respan", ("missing_model_400",)) as url:
        result = run(RunConfig(api="respan", base_url=url, profile=reference_profile("respan"), max_examples=5))
    assert any(
        f.check == "error_contract" and "expected 404 (not found), got 400" in f.message for f in result.failures
    )


def test_a_text_the_page_does_not_give_is_not_compared(reference) -> None:
    """Respan's page shows no text for a wrong key (its one 401 example is the no-credentials text): a server
    answering a wrong key with that text passes --strict-messages, while a text the page does give is still
    compared."""
    assert not any(a.exact_message for a in situation("respan", "bad_credentials").answers)
    profile = reference_profile("respan")
    with reference("respan", ("variant_bad_token_page_text",)) as url:
        result = run(
            RunConfig(api="respan", base_url=url, profile=profile, max_examples=5, seed=3, strict_messages=True)
        )
    assert result.failures == [], [str(f) for f in result.failures]
    with reference("respan", ("real_server_wording",)) as url:
        result = run(
            RunConfig(api="respan", base_url=url, profile=profile, max_examples=5, seed=3, strict_messages=True)
        )
    named = " ".join(f.message for f in result.failures)
    for text in (
        "Authentication credentials were not provided.",
        "Cannot access objects owned by others",
        "Not found.",
    ):
        assert f"'{text}'" in named, named
    assert "Invalid token." not in named, named
