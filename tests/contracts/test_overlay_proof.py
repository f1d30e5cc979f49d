"""The proof of the overlays: the mock with an overlay is that implementation, the mock without one is the page.

For every shipped overlay: the mock with it passes ``contracts check`` with it (zero findings), the mock without
it passes without it, and ``contracts check`` without it fails against the mock with it, with a finding for
every deviation the overlay lists (and no finding an overlay action does not explain).
"""

from __future__ import annotations

import pytest

from contracts.runner import RunConfig, RunResult, run
from mock_server.app import create_app
from tests.faults.serve import serve
from vendor_specs import base_path, load_overlay, overlays

pytestmark = pytest.mark.slow

#: per shipped overlay and deviation (its first action's number): a text the page-judged report must contain
EVIDENCE = {
    "openwebui-0.12.4": {
        1: "Schema at /components/schemas/ModelUser",
        2: "'version_id' was unexpected",
        3: "'background_image_url'",
        4: "$.meta.profile_image_url",
        5: "$.meta.capabilities",
        6: "'resource_type', 'resource_id', 'principal_type'",
        7: "We could not find what you're looking for :/",
        8: "You do not have permission to access this resource",
    },
    "selise-genesis": {1: "400 body has undocumented field(s) errors, is_success"},
}


def _check(api: str, url: str, overlay: str | None) -> RunResult:
    config = RunConfig(
        api=api,
        base_url=url + base_path(api),
        profile="mock",
        strict_messages=True,
        seed=7,
        max_examples=10,
        overlay=overlay,
    )
    return run(config)


def _report(result: RunResult) -> str:
    return "\n".join(str(f) for f in result.findings)


@pytest.mark.parametrize("name", sorted(overlays()))
def test_the_mock_with_an_overlay_is_that_implementation(name: str) -> None:
    overlay = load_overlay(name)
    api = overlay.vendor
    with serve(create_app(api, overlay=name, access_log=False)) as url:
        judged = _check(api, url, name)
        assert judged.exit_code == 0 and not judged.findings, _report(judged)
        page = _check(api, url, None)
    assert page.exit_code == 1
    report = _report(page)
    deviations: dict[str, int] = {}
    for action in overlay.actions:
        if not action.page_silent:
            deviations.setdefault(action.deviation, action.number)
    assert sorted(EVIDENCE[name]) == sorted(deviations.values()), (
        "each deviation of the overlay needs its evidence here"
    )
    for number, text in EVIDENCE[name].items():
        assert text in report, f"deviation of action {number} is not reported:\n{report}"
    explained = [f for f in page.findings if any(text in str(f) for text in EVIDENCE[name].values())]
    unexplained = [f for f in page.findings if f not in explained]
    # a finding no evidence text names must still be about a body or text the overlay changed
    assert all(
        f.check in {"response_schema_conformance", "error_contract", "auth", "access_control"} for f in unexplained
    ), report


@pytest.mark.parametrize("api", ["openwebui", "selise"])
def test_the_mock_without_an_overlay_is_the_page(api: str) -> None:
    with serve(create_app(api, access_log=False)) as url:
        result = _check(api, url, None)
    assert result.exit_code == 0 and not result.findings, _report(result)
