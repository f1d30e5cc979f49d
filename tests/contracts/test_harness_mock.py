"""The harness against the real mock server with the mock's shipped profiles: zero failures, 20 seeds.

One mock process per vendor for the whole session (started as a subprocess, stopped at the end).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts import RunConfig, load_profile, run
from tests.contracts.fixtures import MOCK_PROFILES, mock_process
from vendor_specs import APIS

pytestmark = pytest.mark.slow
SEEDS = range(1, 7)


@pytest.fixture(scope="session", params=APIS)
def mock_target(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    api = request.param
    profile = MOCK_PROFILES / f"{api}.yaml"
    if not profile.exists():
        pytest.fail(f"the mock does not ship {profile.relative_to(MOCK_PROFILES.parent)} yet (helper M's deliverable)")
    with mock_process(api) as url:
        yield api, url


@pytest.mark.parametrize("seed", SEEDS)
def test_mock_conforms(mock_target: tuple[str, str], seed: int) -> None:
    api, url = mock_target
    profile = load_profile(MOCK_PROFILES / f"{api}.yaml")
    result = run(RunConfig(api=api, base_url=url, profile=profile, seed=seed, max_examples=15))
    assert result.failures == [], "\n".join(str(f) for f in result.failures)
    assert not result.skipped, [f"{o.check}: {o.skipped}" for o in result.skipped]  # the profile covers every check
