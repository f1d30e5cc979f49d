"""The pytest plugin (entry point `contracts`), run through pytester against a reference server."""

from __future__ import annotations

import pytest

from tests.contracts.fixtures import reference_profile

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow


def test_plugin_adds_one_test_per_check(pytester: pytest.Pytester, reference) -> None:
    with reference("respan") as url:
        result = pytester.runpytest_inprocess(
            "-p",
            "contracts",
            "--contracts-api=respan",
            f"--contracts-base-url={url}",
            f"--contracts-profile={reference_profile('respan')}",
            "--contracts-max-examples=5",
            "--contracts-seed=2",
            "-rs",
        )
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 10 and "failed" not in outcomes, result.stdout.str()


def test_plugin_fails_the_responsible_check(pytester: pytest.Pytester, reference) -> None:
    with reference("respan", faults=("leak_other_model",)) as url:
        result = pytester.runpytest_inprocess(
            "-p",
            "contracts",
            "--contracts-api=respan",
            f"--contracts-base-url={url}",
            f"--contracts-profile={reference_profile('respan')}",
            "--contracts-max-examples=5",
        )
    assert result.parseoutcomes()["failed"] == 1
    result.stdout.fnmatch_lines(["*contracts[[]respan[]]::access_control*", "*stranger*"])


def test_plugin_without_profile_skips_with_reason(pytester: pytest.Pytester, reference) -> None:
    with reference("respan") as url:
        result = pytester.runpytest_inprocess(
            "-p",
            "contracts",
            "--contracts-api=respan",
            f"--contracts-base-url={url}",
            "--contracts-max-examples=3",
            "-rs",
        )
    assert "the profile has no tokens.owner" in result.stdout.str()
    assert "failed" not in result.parseoutcomes()


def test_plugin_unreachable_target_fails_with_one_line(pytester: pytest.Pytester) -> None:
    from tests.contracts.fixtures import closed_port

    result = pytester.runpytest_inprocess(
        "-p", "contracts", "--contracts-api=selise", f"--contracts-base-url=http://127.0.0.1:{closed_port()}"
    )
    assert "failed" in result.parseoutcomes()
    result.stdout.fnmatch_lines(["*cannot connect*"])


def test_fixture_factory(pytester: pytest.Pytester, reference) -> None:
    with reference("selise") as url:
        pytester.makepyfile(
            f"""
            def test_target(contracts_run):
                result = contracts_run(api="selise", base_url="{url}", profile=r"{reference_profile("selise")}", max_examples=3)
                assert result.exit_code == 0, result.failures
            """
        )
        result = pytester.runpytest_inprocess("-p", "contracts")
    result.assert_outcomes(passed=1)
