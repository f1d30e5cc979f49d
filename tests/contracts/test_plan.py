"""The harness's own requests: generated from the page's rules for every caller x model x placement x id form."""

from __future__ import annotations

import pytest

from contracts.plan import ASKED, FORGED, UNUSUAL_IDS, Probe, id_variants, plan, predictions
from contracts.profile import load_profile
from vendor_specs import Profile


@pytest.mark.parametrize(("api", "count"), [("openwebui", 53), ("respan", 49), ("selise", 90)])
def test_the_request_count_of_the_mock_profiles_is_as_documented(api: str, count: int) -> None:
    probes = plan(api, load_profile("mock", api=api))
    assert len(probes) == count
    assert len(set(probes)) == count  # no request twice


def test_the_count_is_bounded_for_any_profile() -> None:
    """Every role, every model with an id that has two forms, two placements that decide: 219 at most."""
    tokens = {role: f"t-{role}" for role in ("owner", "stranger", "reader", "admin")}
    models = {"own": "a/b:c", "shared": "c/d:e", "missing": "e@f"}
    probes = plan("selise", Profile("selise", None, tokens, models))
    base = 3 * 2 * (1 + 5 * 3) + 3 * 5 * 4 + 1 + 2 * len(UNUSUAL_IDS)
    forged = len(FORGED) * 2  # each place alone
    again = [p for p in probes if p.again]
    variants = [p for p in probes if p.model == "variant"]
    assert (base, sum(1 for p in probes if p.forged), len(variants)) == (173, forged, 2 * 3)
    assert len(again) <= (ASKED - 1) * 4 * 2 * 2  # every role refused both models in each place: 32
    slashed = [p for p in probes if p.ident == "contracts/e@f"]
    assert len(slashed) == 4 and {p.caller for p in slashed} == {"anonymous", "invalid"}
    assert len(probes) == base + len(slashed) + forged + len(again) + len(variants) <= 173 + 4 + 4 + 32 + 6 == 219


def test_near_misses_repeats_and_variants() -> None:
    """A credential one character off a real one is a made-up one; a refusal is asked for three times; another
    spelling of an id is read by the owner."""
    profile = load_profile("mock", api="respan")
    probes = plan("respan", profile)
    assert {p.forged for p in probes if p.caller == "invalid"} == {"", "longer", "shorter"}
    assert all(p.model == "own" for p in probes if p.forged)
    refused = [p for p in probes if p.caller == "stranger" and p.model == "own" and not p.literal]
    assert sorted(p.again for p in refused) == [0, 1, 2]
    variants = {p.ident for p in probes if p.model == "variant"}
    assert variants == {"ACME/CUSTOM-GPT-4", "custom-gpt-4", "OPENAI/GPT-4", "gpt-4"}
    assert all(p.caller == "owner" and predictions("respan", p) == () for p in probes if p.model == "variant")
    assert id_variants("a") == ("A",) and id_variants("1") == () and id_variants("x:y") == ("X:Y", "x")


def test_every_caller_model_and_placement_is_asked() -> None:
    probes = plan("selise", load_profile("mock", api="selise"))
    assert {p.caller for p in probes} == {"anonymous", "invalid", "owner", "stranger"}
    assert {p.model for p in probes} == {"own", "shared", "missing", "unusual", "none", "variant"}
    placed = {tuple(place for place, _ in p.sent) for p in probes}
    assert {("blocksKey",), ("project_key",), ("blocksKey", "project_key")} <= placed
    mixed = [p for p in probes if p.mixed]
    # the rule project-key-changes-context says project_key decides: its caller is the one the request is for
    assert mixed and all(dict((place, c) for place, c in p.sent)["project_key"] == p.caller for p in mixed)


def _expected(api: str, probe: Probe) -> set[tuple[str, str | None, int | None]]:
    return {(p.rule.id, p.situation, p.expect.status) for p in predictions(api, probe)}


def test_predictions_come_from_the_rules() -> None:
    assert _expected("openwebui", Probe("anonymous", "own", "x")) == {("no-credentials", "no_credentials", None)}
    # for a missing model the more specific rule (credentials before lookup) predicts the answer
    assert _expected("openwebui", Probe("invalid", "missing", "x")) == {
        ("credentials-before-lookup", "bad_credentials", None)
    }
    assert _expected("openwebui", Probe("stranger", "own", "x", (("bearerAuth", "stranger"),))) == {
        ("no-access", "denied", None)
    }
    reader = {r for r, _, _ in _expected("openwebui", Probe("reader", "own", "x", (("bearerAuth", "reader"),)))}
    assert reader == {"reader-reads", "read-only-write-access"}
    assert _expected("respan", Probe("stranger", "shared", "x", (("bearerAuth", "stranger"),))) == {
        ("global-models", None, 200)
    }
    assert predictions("respan", Probe("owner", "unusual", "a b")) == ()  # unusual ids: only what every answer gets
