"""The pytest plugin (entry point `contracts`), run through pytester: real items under a collector, node ids
selectable on the command line, a true `collected N items`, JUnit as pytest writes it, usage errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

# The plugin imports the harness on first use, and pytester's in-process runs drop the modules first imported
# inside them: import it here once, so that the in-process collection runs below share one copy. The runs that
# send requests (lazily importing more) use subprocesses, as a user's pytest does.
import contracts.runner  # noqa: F401
from contracts.checks import CHECKS as REGISTRY
from tests.contracts.fixtures import closed_port, mock_process, reference_profile

pytest_plugins = ["pytester"]
CHECKS = list(REGISTRY.names())


def options(api: str, url: str, *extra: str, profile: str | None = None) -> list[str]:
    args = [f"--contracts-api={api}", f"--contracts-base-url={url}", "--contracts-max-examples=3", "--contracts-seed=2"]
    if profile is not None:
        args.append(f"--contracts-profile={profile}")
    return [*args, *extra]


# ----------------------------------------------------------------------------------------------- collection
def test_collect_only_lists_node_ids_and_counts_them(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess(*options("respan", "http://127.0.0.1:1"), "--collect-only", "-q")
    assert result.ret == 0
    assert result.outlines[: len(CHECKS)] == [f"contracts::respan::{check}" for check in CHECKS]
    result.stdout.fnmatch_lines([f"{len(CHECKS)} tests collected in *"])


def test_collection_tree_is_a_collector_per_vendor(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess(*options("selise", "http://127.0.0.1:1"), "--collect-only")
    result.stdout.fnmatch_lines(
        [
            f"collected {len(CHECKS)} items",
            "<Contracts contracts>",
            "  <VendorContracts selise>",
            "    <ContractCheck auth>",
        ]
    )


def test_node_id_on_the_command_line_selects_one_check(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_host="def test_host():\n    pass\n")
    result = pytester.runpytest_inprocess(
        *options("respan", "http://127.0.0.1:1"), "contracts::respan::auth", "--collect-only", "-q"
    )
    assert result.ret == 0
    assert result.outlines[0] == "contracts::respan::auth"
    result.stdout.fnmatch_lines(["1 test collected in *"])  # the host's test is not selected either


def test_node_ids_combine_with_paths_and_vendor_ids(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_host="def test_host():\n    pass\n")
    result = pytester.runpytest_inprocess(
        *options("respan", "http://127.0.0.1:1"), "test_host.py", "contracts::respan", "--collect-only", "-q"
    )
    assert result.outlines[0] == "test_host.py::test_host"
    result.stdout.fnmatch_lines([f"{len(CHECKS) + 1} tests collected in *"])


def test_node_id_relative_to_a_subdirectory(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """As for pytest's own node ids, the path part is relative to the invocation directory (which is how
    `pytest -v` prints it there); `--collect-only -q` prints the rootdir-relative id, as for any test."""
    pytester.makeini("[pytest]\n")  # rootdir = pytester.path
    sub = pytester.mkdir("sub")
    monkeypatch.chdir(sub)
    result = pytester.runpytest_inprocess(
        *options("respan", "http://127.0.0.1:1"), "../contracts::respan::identity", "--collect-only", "-q"
    )
    assert result.ret == 0, result.stdout.str()
    assert result.outlines[0] == "contracts::respan::identity"
    result.stdout.fnmatch_lines(["1 test collected in *"])


def test_keyword_selection_counts_deselected(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess(*options("respan", "http://127.0.0.1:1"), "-k", "access_control", "--co")
    result.stdout.fnmatch_lines([f"collected {len(CHECKS)} items / {len(CHECKS) - 1} deselected / 1 selected"])


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("contracts::respan::nope", "*not found: contracts::respan::nope: checks: not_a_server_error, *"),
        (
            "contracts::selise::auth",
            "*not found: contracts::selise::auth: the contract tests are for --contracts-api=respan*",
        ),
    ],
)
def test_node_id_that_matches_nothing_is_a_usage_error(pytester: pytest.Pytester, arg: str, message: str) -> None:
    result = pytester.runpytest_inprocess(*options("respan", "http://127.0.0.1:1"), arg)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_node_id_without_options_says_what_is_missing(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("contracts::respan::auth")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*contracts::respan::auth is a contract test: pass --contracts-api=API*"])


def test_unknown_api_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--contracts-api=acme", "--contracts-base-url=http://127.0.0.1:1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown API 'acme': choose one of openwebui, respan, selise*"])


def test_unknown_profile_name_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess(*options("respan", "http://127.0.0.1:1", profile="mok"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown profile name 'mok'; named profiles: `mock`: *"])


def test_options_are_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--help")
    result.stdout.fnmatch_lines(
        [
            "*conformance harness (contracts check)*",
            "*--contracts-api=API*",
            "*--contracts-profile=PROFILE*",
            "*`mock`*",
        ]
    )


def test_without_options_nothing_is_added(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_host="def test_host():\n    pass\n")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["collected 1 item"])
    assert "contracts" not in result.stdout.str().split("collected", 1)[1]


# ----------------------------------------------------------------------------------------------- runs (subprocesses)
@pytest.mark.slow
def test_plugin_runs_one_test_per_check_with_junit_and_shares_its_run(
    pytester: pytest.Pytester, reference, tmp_path: Path
) -> None:
    """One item per check, JUnit as pytest writes it; a host test asking for `contracts_result` gets the same
    session run (no second run: the host test passes on the run's exit code)."""
    junit = tmp_path / "junit.xml"
    pytester.makepyfile(
        test_summary="""
        def test_summary(contracts_result):
            assert contracts_result.exit_code == 0
            assert {f.check for f in contracts_result.findings} == set()
        """
    )
    with reference("respan") as url:
        result = pytester.runpytest_subprocess(
            *options("respan", url, profile=reference_profile("respan")), "-v", "-rs", f"--junitxml={junit}"
        )
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            f"contracts: respan at {url}, profile *",
            f"*collected {len(CHECKS) + 1} items",
            "test_summary.py::test_summary PASSED*",
            "contracts::respan::auth PASSED*",
        ]
    )
    cases = ET.parse(junit).getroot().iter("testcase")
    assert [(case.get("classname"), case.get("name")) for case in cases] == [("test_summary", "test_summary")] + [
        ("contracts.respan", check) for check in CHECKS
    ]


@pytest.mark.slow
def test_plugin_fails_the_responsible_check(pytester: pytest.Pytester, reference) -> None:
    with reference("respan", faults=("leak_other_model",)) as url:
        result = pytester.runpytest_subprocess(*options("respan", url, profile=reference_profile("respan")))
    assert result.parseoutcomes()["failed"] == 1
    result.stdout.fnmatch_lines(
        ["*_ contracts::respan::access_control _*", "*stranger*", "FAILED contracts::respan::access_control*"]
    )


@pytest.mark.slow
def test_a_check_that_only_sees_what_follows_from_another_says_so(pytester: pytest.Pytester, reference) -> None:
    """problem+json errors: content_type_conformance holds the cause; error_contract, auth and access_control saw
    the same answers, so each fails pointing at it rather than restating it as its own."""
    with reference("respan", faults=("problem_json",)) as url:
        result = pytester.runpytest_subprocess(*options("respan", url, profile=reference_profile("respan")))
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] == 4, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*_ contracts::respan::error_contract _*",
            "[[]error_contract[]] GET /api/models/{model_name}/: * answered with Content-Type 'application/problem+json'*",
            "  follows from: [[]content_type_conformance[]] GET /api/models/{model_name}/: *application/problem+json*",
        ]
    )


@pytest.mark.slow
def test_plugin_without_profile_says_which_rules_it_could_not_judge(pytester: pytest.Pytester, reference) -> None:
    with reference("respan") as url:
        result = pytester.runpytest_subprocess(*options("respan", url), "-rs")
    out = result.stdout.str()
    assert "rule owned-by-others (access_control) not judged: the profile has no tokens.stranger" in out, out
    assert "failed" not in result.parseoutcomes()


@pytest.mark.slow
def test_plugin_unreachable_target_is_an_error_and_exit_2(pytester: pytest.Pytester) -> None:
    """Not one failure per check: each check is an error saying why, and the session ends 2 as the CLI does."""
    pytester.makepyfile("def test_host_own():\n    assert True\n")
    result = pytester.runpytest_subprocess(*options("selise", f"http://127.0.0.1:{closed_port()}"))
    outcomes = result.parseoutcomes()
    assert "failed" not in outcomes and outcomes["passed"] == 1 and outcomes["errors"] >= 10, outcomes
    assert result.ret == 2
    result.stdout.fnmatch_lines(
        [
            "*contracts: the target could not be judged: cannot reach http://127.0.0.1:*: nothing accepts connections on *"
        ]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.slow
def test_plugin_unreachable_target_and_a_failing_host_test_is_exit_1(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_host_own():\n    assert False\n")
    result = pytester.runpytest_subprocess(*options("selise", f"http://127.0.0.1:{closed_port()}"))
    assert result.ret == 1 and result.parseoutcomes()["failed"] == 1


def documented_plugin_example() -> str:
    """The `contracts_run` example of docs/pytest-plugin.md."""
    from tests.docs import blocks, section

    (example,) = blocks(section("docs/pytest-plugin.md", "In your own tests"), "python")
    return example


@pytest.fixture(scope="module")
def respan_mock() -> Iterator[str]:
    """Module-scoped, so it starts before `pytester` snapshots `sys.modules`: the modules its HTTP client
    imports on first use (httpcore) are not dropped after the test, under the other tests' feet."""
    with mock_process("respan") as url:
        yield url


@pytest.mark.slow
def test_documented_library_example_runs_against_the_mock(
    respan_mock: str, pytester: pytest.Pytester, reference
) -> None:
    """The `contracts_run(..., profile="mock")` example of docs/pytest-plugin.md, pointed at a mock on a free port;
    and the factory with a profile file, against a reference server (one pytest run for both)."""
    example = documented_plugin_example()
    assert 'profile="mock"' in example and "http://127.0.0.1:9002" in example
    pytester.makepyfile(test_readme=example.replace("http://127.0.0.1:9002", respan_mock))
    with reference("selise") as url:
        pytester.makepyfile(
            test_factory=f"""
            def test_target(contracts_run):
                result = contracts_run(api="selise", base_url="{url}", profile=r"{reference_profile("selise")}", max_examples=3)
                assert result.exit_code == 0, result.failures
            """
        )
        result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)


@pytest.mark.slow
def test_the_likely_cause_is_shown_once_per_failing_check_and_in_the_summary(
    respan_mock: str, pytester: pytest.Pytester
) -> None:
    """The mock behind a wrong prefix: the target is not the API, so every check is an error (could not judge, exit
    status 2), never a failure; the run's diagnosis says why and what to do, once in each check's report and once
    after them."""
    result = pytester.runpytest_subprocess(*options("respan", f"{respan_mock}/wrong", profile="mock"))
    out = result.stdout.str()
    outcomes = result.parseoutcomes()
    assert result.ret == 2 and "failed" not in outcomes and outcomes["errors"] >= 3, out
    cause = "Likely cause: every request is answered 404"
    advice = (
        f"What to do: point --base-url at the API's path prefix; the spec's servers suggest: --base-url {respan_mock}"
    )
    failures, summary = out.split("= ERRORS =", 1)[1].split("= contracts: likely cause =", 1)
    items = failures.split("\n_")[1:]  # one per check: `____ ERROR at setup of contracts::respan::auth ____`
    assert len(items) == outcomes["errors"]
    for item in items:
        assert item.count(cause) == 1 and item.count(advice) == 1, item
    summary = summary.split("short test summary info", 1)[0]
    assert summary.count(cause) == 1 and summary.count(advice) == 1, out
    assert f"Checked: {respan_mock} answers 200 application/json" in summary
