"""The page's rules (``x-rules``): at least ten per vendor, each quoting its page, each well formed.

The quotes are checked against the vendors' documentation pages themselves (``../shared/seeds``): every
fragment of a rule's ``page`` words (fragments are separated by ``; `` or `` ... ``; a remark ``(spec: ...)`` is
the spec's, not the page's) must be found in the page, so a rule cannot claim words the page does not say.
"""

from __future__ import annotations

import re

import pytest

from tests.specs.seed_pages import missing_pages, seed_text
from vendor_specs import APIS, SpecError, rule_at, rules, situations

PAGES = ("openwebui", "respan", "selise")


def _normal(text: str) -> str:
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "|": " ", "*": "", "`": ""}))
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*([{}\[\]])\s*", r"\1", text).strip()


def fragments(quote: str) -> list[str]:
    """The parts of a rule's ``page`` words that must be on the page."""
    quote = re.sub(r"\(spec: [^()]*\)", " ", quote)  # the spec's remarks
    parts = re.split(r";\s+|\s+\.\.\.\s+|\s*\.\.\.\s*$", quote)
    return [_normal(p).strip(" :,") for p in parts if len(_normal(p).strip(" :,")) >= 3]


@pytest.mark.parametrize("api", PAGES)
def test_every_vendor_has_ten_rules_or_more(api: str) -> None:
    found = rules(api)
    assert len(found) >= 10
    assert any(r.basis == "states" for r in found) and any(r.basis == "infers" for r in found)
    assert all(r.page.strip() for r in found)
    assert all(r.reason for r in found if r.basis == "infers")


@pytest.mark.parametrize("api", PAGES)
def test_every_rule_quotes_its_page(api: str) -> None:
    if missing_pages():
        pytest.skip(missing_pages())
    page = _normal(seed_text(api))
    for rule in rules(api):
        for fragment in fragments(rule.page):
            assert fragment in page, f"{api} rule {rule.id}: {fragment!r} is not on the page"


@pytest.mark.parametrize("api", PAGES)
def test_rules_that_predict_an_answer_agree(api: str) -> None:
    """For every caller and model, the most specific rules predicting the answer agree (one expected answer)."""
    from vendor_specs import CALLERS

    for caller in CALLERS:
        for model in ("own", "shared", "missing"):
            for mixed in (False, True):
                chosen = [
                    r
                    for r in rules(api)
                    if r.expect and (r.expect.situation or r.expect.status) and r.selects(caller, model, mixed)
                ]
                most = max((r.specificity for r in chosen), default=0)
                top = {(r.expect.situation, r.expect.status) for r in chosen if r.specificity == most and r.expect}
                assert len(top) <= 1, (api, caller, model, mixed, top)


@pytest.mark.parametrize("api", PAGES)
def test_situations_are_each_predicted_by_a_rule(api: str) -> None:
    predicted = {r.expect.situation for r in rules(api) if r.expect and r.expect.situation}
    predicted |= {"no_credentials", "bad_credentials"} if "of-caller" in predicted else set()
    assert {s.name for s in situations(api)} <= predicted


def test_a_finding_is_held_by_the_rule_of_the_longest_matching_node() -> None:
    assert rule_at("openwebui", "#/components/schemas/ModelAccessResponse/additionalProperties").id == "model-closed"
    assert rule_at("openwebui", "#/components/schemas/ModelAccessResponse/properties/name/type").id == "model-fields"
    assert rule_at("openwebui", "#/info") is None
    assert rules("openwebui@openwebui-0.12.4")  # an overlay keeps the page's rules


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ({"id": "x", "page": "p", "basis": "guess", "where": ["#/info"], "check": "auth"}, "basis must be"),
        ({"id": "x", "page": "p", "basis": "infers", "where": ["#/info"], "check": "auth"}, "says why"),
        ({"id": "x", "page": "p", "basis": "states", "where": ["#/nope"], "check": "auth"}, "not a node"),
        ({"id": "x", "page": "p", "basis": "states", "where": ["#/info"]}, "lacks `check`"),
        (
            {"id": "x", "page": "p", "basis": "states", "where": ["#/info"], "check": "a", "when": {"caller": "x"}},
            "known are",
        ),
        (
            {"id": "x", "page": "p", "basis": "states", "where": ["#/info"], "check": "a", "when": {"caller": "owner"}},
            "go together",
        ),
        (
            {
                "id": "x",
                "page": "p",
                "basis": "states",
                "where": ["#/info"],
                "check": "a",
                "when": {"caller": "owner"},
                "expect": {"situation": "nope"},
            },
            "not in x-situations",
        ),
        ({"id": "x", "page": "p", "basis": "states", "where": "#/info", "check": "a", "relation": {}}, "mapping"),
    ],
)
def test_a_bad_rule_is_a_spec_error_saying_what_to_fix(rule: dict, error: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import vendor_specs._rules as module

    spec = {"info": {}, "paths": {}, "x-rules": [rule]}
    monkeypatch.setattr(module, "_raw", lambda key: spec)
    module.rules.cache_clear()
    try:
        with pytest.raises(SpecError, match=error):
            module.rules("made-up")
    finally:
        module.rules.cache_clear()


def test_every_shipped_vendor_is_covered() -> None:
    assert set(PAGES) <= set(APIS)
