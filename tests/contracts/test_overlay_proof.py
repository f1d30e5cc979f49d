"""The proof of the overlays: the mock with an overlay is that implementation, the mock without one is the page.

For every shipped overlay: the mock with it passes ``contracts check`` with it (zero findings), the mock without
it passes without it, and ``contracts check`` without it reports against the mock with it exactly the overlay's
deviations: every finding is explained by one deviation, every deviation is reported, and no cause twice (a
deviation that changes several fields is one finding per field). Each is a failure where it breaks what the page
states and a warning where the page is silent (0.12.4's `user: null` fails; SELISE's genesis 400 body, which the
page never shows, warns), and the report names the overlay that describes them all.
"""

from __future__ import annotations

import re

import pytest

from contracts.runner import RunConfig, RunResult, run
from mock_server.app import create_app
from tests.faults.serve import serve
from vendor_specs import base_path, load_overlay, overlays

pytestmark = pytest.mark.slow

#: per shipped overlay and deviation (its first action's number): what the page-judged report says about it.
#: A deviation that changes several fields is reported once per field (one finding per cause), never twice.
EVIDENCE = {
    "openwebui-0.12.4": {
        1: r"\$\.user is null, but the schema is object and not nullable",
        2: r"\$\.version_id is not allowed",
        3: r"\$\.meta has another shape than the page's: keys the page does not list: background_image_url, i18n, "
        r"knowledge, voice, voice_avatar",
        4: r"\$\.meta\.profile_image_url is null",
        5: r"\$\.meta\.capabilities is null",
        6: r"\$\.access_grants\[\*\] has another shape than the page's",
        7: r"We could not find what you're looking for :/",
        8: r"You do not have permission to access this resource",
    },
    "selise-genesis": {
        1: r"\$ has another shape than the page's: keys the page does not list: errors, is_success; "
        r"lacks the page's detail"
    },
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
    assert page.exit_code == (1 if any(f.severity == "failure" for f in page.findings) else 0)
    report = _report(page)
    assert [(fit.overlay, fit.complete) for fit in page.overlays[:1]] == [(name, True)], report
    deviations: dict[str, int] = {}
    for action in overlay.actions:
        if not action.page_silent:
            deviations.setdefault(action.deviation, action.number)
    assert sorted(EVIDENCE[name]) == sorted(deviations.values()), (
        "each deviation of the overlay needs its evidence here"
    )
    # exactly the overlay's deviations: every failure is explained by one deviation, every deviation is found,
    # and no cause is reported twice (failures are merged by check, status, rule and field)
    for finding in page.open:
        explained_by = [n for n, pattern in EVIDENCE[name].items() if re.search(pattern, str(finding))]
        assert len(explained_by) == 1, f"{finding}\nis explained by deviations {explained_by}"
    for number, pattern in EVIDENCE[name].items():
        assert any(re.search(pattern, str(f)) for f in page.open), f"deviation {number} is not reported:\n{report}"
    causes = [(f.check, f.operation, f.status, f.rule, f.path) for f in page.open]
    assert len(causes) == len(set(causes)), report


@pytest.mark.parametrize("api", ["openwebui", "selise"])
def test_the_mock_without_an_overlay_is_the_page(api: str) -> None:
    with serve(create_app(api, access_log=False)) as url:
        result = _check(api, url, None)
    assert result.exit_code == 0 and not result.findings, _report(result)
