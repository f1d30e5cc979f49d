"""Target profiles: typed, ${ENV_VAR}-interpolated, and errors that say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts import Profile, ProfileError, load_profile
from contracts.profile import parse_profile

RESPAN = """\
api: respan
base_url: http://127.0.0.1:9002
tokens:
  owner: ${RESPAN_OWNER_KEY}      # may read models.own
  stranger: ${RESPAN_OTHER_KEY}   # valid, but must not read models.own
models:
  own: acme/custom-gpt-4          # readable by owner only
  shared: openai/gpt-4            # readable by every valid token
  missing: no-such-model-0000     # optional; must not exist
"""


def test_issue_example_profile(tmp_path: Path) -> None:
    path = tmp_path / "respan.yaml"
    path.write_text(RESPAN)
    profile = load_profile(path, env={"RESPAN_OWNER_KEY": "k1", "RESPAN_OTHER_KEY": "k2"})
    assert profile == Profile(
        api="respan",
        base_url="http://127.0.0.1:9002",
        tokens={"owner": "k1", "stranger": "k2"},
        models={"own": "acme/custom-gpt-4", "shared": "openai/gpt-4", "missing": "no-such-model-0000"},
        source=str(path),
    )
    assert profile.token("reader") is None and profile.model("own") == "acme/custom-gpt-4"


def test_missing_env_var_names_variable_and_key() -> None:
    with pytest.raises(ProfileError, match=r"`tokens.stranger` uses \$\{RESPAN_OTHER_KEY\}.*export RESPAN_OTHER_KEY"):
        parse_profile({"api": "respan", "tokens": {"stranger": "${RESPAN_OTHER_KEY}"}}, env={})


def test_interpolation_inside_strings_and_base_url() -> None:
    profile = parse_profile(
        {"api": "selise", "base_url": "http://${HOST}:9003/p", "tokens": {"owner": "pre-${K}"}},
        env={"HOST": "h", "K": "v"},
    )
    assert profile.base_url == "http://h:9003/p" and profile.tokens["owner"] == "pre-v"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ([], "must be a YAML mapping"),
        ({"api": "respan", "base_url": "127.0.0.1:9002"}, "must start with http"),
        ({"api": "respan", "models": {"own": None}}, "`models.own` must be a string"),
        ({"api": "respan", "models": {"mine": "x"}}, "unknown models role `mine`"),
    ],
)
def test_invalid_profiles(data: object, match: str) -> None:
    with pytest.raises(ProfileError, match=match):
        parse_profile(data, env={})


@pytest.mark.parametrize("api", ["openwebui", "respan", "selise"])
def test_reference_profiles_load(api: str) -> None:
    profile = load_profile(Path(__file__).parents[1] / "faults" / "data" / f"{api}.yaml")
    assert profile.api == api and profile.token("owner") and profile.model("own")
