"""pytest plugin (entry point ``contracts``): thin over :func:`contracts.runner.run`.

``pytest --contracts-api=respan --contracts-base-url=http://127.0.0.1:9002 --contracts-profile=mock`` adds one
test per check, all fed by one harness run per session::

    contracts::respan::access_control     node ids: select one on the command line, with -k or --deselect

Or use the fixtures in your own tests::

    def test_my_server(contracts_run):
        result = contracts_run(api="respan", base_url=url, profile="profile.yaml")
        assert not result.failures, result.failures

pytest loads this module into every run of a project that installs the package, so it imports only pytest
and the standard library; the harness (Schemathesis, openapi-core, httpx, the specs) is imported when a
``--contracts-*`` option or a fixture asks for it. ``tests/contracts/test_plugin_cost.py`` holds it to that.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from contracts.diagnosis import Diagnosis
    from contracts.errors import ContractsError
    from contracts.findings import Finding
    from contracts.runner import RunConfig, RunResult

__all__ = ["NODE_ROOT", "ContractCheck", "Contracts", "VendorContracts", "contracts_result", "contracts_run"]

#: the first part of every contract test's node id (``contracts::<api>::<check>``)
NODE_ROOT = "contracts"

_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("api", dict(metavar="API", help="vendor spec the target implements, e.g. respan (enables the contract tests)")),
    ("base-url", dict(metavar="URL", help="target base URL (may carry a path prefix); default: the profile's")),
    (
        "profile",
        dict(
            metavar="PROFILE",
            help="target profile: a YAML file, or `mock` (the mock-server's built-in fixtures, for --contracts-api)",
        ),
    ),
    ("token", dict(help="owner credential (overrides tokens.owner)")),
    (
        "overlay",
        dict(metavar="NAME|FILE", help="judge by an implementation's overlay of the vendor's spec, not the page"),
    ),
    (
        "max-examples",
        dict(type=int, metavar="N", help="examples per operation and phase (default: as contracts check)"),
    ),
    ("seed", dict(type=int, help="Hypothesis seed")),
    ("baseline", dict(metavar="FILE", help="YAML of accepted findings")),
    ("timeout", dict(type=float, metavar="SECONDS", help="seconds for a whole answer (default: as contracts check)")),
    ("max-body-mb", dict(type=float, metavar="MB", help="largest answer body read (default: as contracts check)")),
    ("max-time", dict(type=float, metavar="SECONDS", help="seconds for the whole run (default: unbounded)")),
    ("wait", dict(type=float, metavar="SECONDS", help="first wait up to SECONDS for the target to answer")),
    ("header", dict(action="append", metavar="'NAME: VALUE'", help="add a header to every request (repeatable)")),
    (
        "fail-on",
        dict(
            choices=("failure", "warning"),
            help="the lowest severity that fails a check: failure (default) or warning (what the spec infers, texts)",
        ),
    ),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "conformance harness (contracts check); tests are contracts::<api>::<check>")
    for name, kwargs in _OPTIONS:
        group.addoption(f"--contracts-{name}", dest=f"contracts_{name.replace('-', '_')}", **kwargs)
    group.addoption(
        "--contracts-strict-messages",
        action="store_true",
        dest="contracts_strict_messages",
        help="texts the page gives verbatim are failures, not warnings",
    )


# ----------------------------------------------------------------------------------------------- the plan
class _SessionRun:
    """Runs the harness at most once per session; every check item and ``contracts_result`` read the same result."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self._result: RunResult | ContractsError | None = None

    @property
    def done(self) -> RunResult | None:
        """The run's result if it ran and judged the target (never starts it)."""
        result = self._result
        return None if result is None or isinstance(result, Exception) else result

    @property
    def unjudged(self) -> bool:
        """The run ended without a verdict on the target (unreachable, a refused token, a target that is not the
        API: exit 2 in the CLI)."""
        return isinstance(self._result, Exception) or (self._result is not None and self._result.not_the_api)

    def get(self) -> RunResult:
        from contracts.errors import ContractsError
        from contracts.runner import run

        if self._result is None:
            try:
                self._result = run(self.config)
            except ContractsError as exc:
                self._result = exc
        if isinstance(self._result, ContractsError):
            raise self._result
        return self._result


@dataclass
class _Plan:
    """What the ``--contracts-*`` options asked for: the run, and which checks the command line selected."""

    session_run: _SessionRun
    checks: tuple[str, ...]  # in the registry's (report) order
    selected: set[str] | None = None  # None: every check
    claimed: list[str] = field(default_factory=list)  # the command-line arguments that were contract node ids

    @property
    def api(self) -> str:
        return self.session_run.config.api


_PLAN = pytest.StashKey[_Plan]()


def _headers(given: list[str] | None) -> dict[str, str] | None:
    if not given:
        return None
    from contracts.errors import ContractsError
    from contracts.runner import parse_header

    try:
        return dict(parse_header(h) for h in given)
    except ContractsError as exc:
        raise pytest.UsageError(f"contracts: {exc}") from None


def _run_config(config: pytest.Config) -> RunConfig | None:
    opt = config.option
    if not opt.contracts_api:
        return None
    from contracts.runner import RunConfig

    given = {
        "base_url": opt.contracts_base_url,
        "profile": opt.contracts_profile,
        "token": opt.contracts_token,
        "overlay": opt.contracts_overlay,
        "max_examples": opt.contracts_max_examples,
        "seed": opt.contracts_seed,
        "timeout": opt.contracts_timeout,
        "max_body_mb": opt.contracts_max_body_mb,
        "max_time": opt.contracts_max_time,
        "wait": opt.contracts_wait,
        "headers": _headers(opt.contracts_header),
        "baseline": opt.contracts_baseline,
        "fail_on": opt.contracts_fail_on,
    }
    return RunConfig(
        api=opt.contracts_api,
        strict_messages=opt.contracts_strict_messages,
        **{key: value for key, value in given.items() if value is not None},
    )


def _contract_args(config: pytest.Config) -> list[tuple[str, list[str]]]:
    """The command-line arguments that name contract tests (``contracts::respan``, ``contracts::respan::auth``,
    relative to the rootdir as pytest prints them), with their ``::`` parts."""
    root = Path(os.path.normpath(config.rootpath / NODE_ROOT))
    if root.is_file():  # a real file of that name is the host's, not ours
        return []
    found = []
    for arg in config.args:
        path, sep, rest = arg.partition("::")
        if sep and Path(os.path.normpath(config.invocation_params.dir / path)) == root:
            found.append((arg, rest.split("::")))
    return found


def _select(plan: _Plan, args: list[tuple[str, list[str]]]) -> None:
    """Restrict ``plan`` to the checks the node-id arguments name; a name that matches nothing is a usage error."""
    selected: set[str] = set()
    for arg, parts in args:
        api, *names = parts
        if api != plan.api or len(names) > 1 or (names and names[0] not in plan.checks):
            why = (
                f"the contract tests are for --contracts-api={plan.api} (node ids {NODE_ROOT}::{plan.api}::<check>)"
                if api != plan.api
                else f"checks: {', '.join(plan.checks)}"
            )
            raise pytest.UsageError(f"not found: {arg}: {why}")
        if not names:
            plan.selected = None
            return
        selected.add(names[0])
    plan.selected = selected


def pytest_configure(config: pytest.Config) -> None:
    """Without ``--contracts-api``: nothing (no import). With it: options that cannot make a run (URL, profile,
    baseline) are a usage error, not one failure per check; node-id arguments select checks."""
    run_config = _run_config(config)
    args = _contract_args(config)
    if run_config is None:
        if args:
            raise pytest.UsageError(
                f"{args[0][0]} is a contract test: pass --contracts-api=API and --contracts-base-url=URL "
                "(see the `contracts` group in pytest --help)"
            )
        return
    from contracts.checks import CHECKS
    from contracts.errors import ContractsError
    from contracts.runner import validate_config

    try:
        validate_config(run_config)
    except ContractsError as exc:
        raise pytest.UsageError(f"contracts: {exc}") from None
    plan = _Plan(_SessionRun(run_config), CHECKS.names())
    config.pluginmanager.register(_ExitStatus(plan), "contracts-exit-status")
    if args:
        _select(plan, args)
        plan.claimed = [arg for arg, _ in args]
        # pytest resolves every argument as a path; ours are not, so they leave the list it sees
        config.args[:] = [arg for arg in config.args if arg not in plan.claimed]
    config.stash[_PLAN] = plan


class _ExitStatus:
    """A target the harness cannot judge makes the session's exit status 2, as ``contracts check`` does, when
    nothing else failed: CI tells "the server is down" from "the server breaks its contract"."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.others_failed = False

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed and not report.nodeid.startswith(f"{NODE_ROOT}::"):
            self.others_failed = True

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if (
            self.plan.session_run.unjudged
            and not self.others_failed
            and session.exitstatus == pytest.ExitCode.TESTS_FAILED
        ):
            session.exitstatus = pytest.ExitCode.INTERRUPTED  # 2


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    """The run's likely causes (:mod:`contracts.diagnosis`) once, after the failures: at a wrong prefix every
    check fails with ``expected 401, got 404``, and this says why and what to do. Then its warnings (what the
    spec infers where the page is silent, texts the page gives verbatim), apart from the failures its check items
    show: they fail no check unless --contracts-fail-on=warning."""
    plan = config.stash.get(_PLAN, None)
    result = None if plan is None else plan.session_run.done
    if result is None:
        return
    if result.diagnoses:
        terminalreporter.write_sep("=", "contracts: likely cause")
        for diagnosis in result.diagnoses:
            terminalreporter.write_line(str(diagnosis))
    failing = {id(f) for f in result.failures}
    warnings = [f for f in result.open if id(f) not in failing]
    for fit in result.overlays:
        terminalreporter.write_sep("-", "contracts: an implementation's overlay describes this run")
        terminalreporter.write_line(str(fit))
    if result.notes:
        terminalreporter.write_sep("-", "contracts: notes")
        for note in result.notes:
            terminalreporter.write_line(note)
    if warnings:
        terminalreporter.write_sep("-", f"contracts: {len(warnings)} warning(s) (they do not fail the run)")
        for finding in warnings:
            terminalreporter.write_line(str(finding))


def pytest_report_header(config: pytest.Config) -> list[str]:
    plan = config.stash.get(_PLAN, None)
    if plan is None:
        return []
    run_config = plan.session_run.config
    where = run_config.base_url or "the profile's base_url"
    profile = f", profile {run_config.profile}" if run_config.profile else ""
    return [f"contracts: {plan.api} at {where}{profile}"]


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """The contract tests hang under the session, beside what pytest collected from the path arguments."""
    report = yield
    if isinstance(collector, pytest.Session) and report.passed:
        plan = collector.config.stash.get(_PLAN, None)
        if plan is not None:
            report.result.append(Contracts.from_parent(collector, plan=plan))
    return report


# ----------------------------------------------------------------------------------------------- the nodes
class Contracts(pytest.Collector):
    """Node id ``contracts``: the contract tests of this session, one :class:`VendorContracts` per vendor."""

    def __init__(self, *, plan: _Plan, **kwargs: Any) -> None:
        parent = kwargs["parent"]
        kwargs.setdefault("name", NODE_ROOT)
        kwargs.setdefault("nodeid", NODE_ROOT)  # under the session, pytest would make it "::contracts"
        kwargs.setdefault("path", parent.config.rootpath / NODE_ROOT)
        super().__init__(**kwargs)
        self.plan = plan

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        return [VendorContracts.from_parent(self, name=self.plan.api, plan=self.plan)]


class VendorContracts(pytest.Collector):
    """Node id ``contracts::<api>``: one :class:`ContractCheck` per check (or those the command line selected)."""

    def __init__(self, *, plan: _Plan, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        wanted = self.plan.selected
        return [
            ContractCheck.from_parent(self, name=check, session_run=self.plan.session_run)
            for check in self.plan.checks
            if wanted is None or check in wanted
        ]


class ContractFailure(Exception):
    """A check's findings; ``follows`` are (finding, cause) pairs where it only saw what follows from another
    check's finding (an HTML page breaks every body check): shown with the finding they follow from."""

    def __init__(
        self,
        findings: list[Finding],
        follows: Sequence[tuple[Finding, Finding]] = (),
        diagnoses: Sequence[Diagnosis] = (),
    ) -> None:
        lines = [line for d in diagnoses for line in (*str(d).splitlines(), "")]  # the likely cause first, once
        lines += [str(f) for f in findings]
        lines += [f"{str(f).splitlines()[0]}\n  follows from: {str(cause).splitlines()[0]}" for f, cause in follows]
        super().__init__("\n".join(lines))


class ContractCheck(pytest.Item):
    """Node id ``contracts::<api>::<check>``: fails with the check's findings, skips with the reason it did not run."""

    def __init__(self, *, session_run: _SessionRun, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session_run = session_run

    @property
    def check(self) -> str:
        return self.name

    def setup(self) -> None:
        """The session's run; a target it cannot judge is an error of each check (E), not a failure."""
        from contracts.errors import ContractsError

        try:
            result = self.session_run.get()
        except ContractsError as exc:
            pytest.fail(f"contracts: the target could not be judged: {exc}", pytrace=False)
        if result.not_the_api:
            causes = "\n".join(str(d) for d in result.diagnoses if d.not_the_api)
            pytest.fail(f"contracts: the target is not the API, so it could not be judged:\n{causes}", pytrace=False)

    def runtest(self) -> None:
        from contracts.report import consequences_by_check

        result = self.session_run.get()
        failures = [f for f in result.failures if f.check == self.check]
        follows = [
            pair for (check, _), pairs in consequences_by_check(result).items() if check == self.check for pair in pairs
        ]
        if failures or follows:
            ids = {f.id for f in failures} | {cause.id for _, cause in follows}
            raise ContractFailure(failures, follows, [d for d in result.diagnoses if ids & set(d.findings)])
        ran = {o.check for o in result.outcomes if not o.skipped} | {f.check for f in result.findings}
        if self.check not in ran:
            reasons = sorted({o.skipped for o in result.outcomes if o.check == self.check and o.skipped})
            pytest.skip(f"{self.check}: {'; '.join(reasons) or 'not run for this target'}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from contracts.errors import ContractsError

        if isinstance(excinfo.value, (ContractFailure, ContractsError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.nodeid


# ----------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def contracts_result(pytestconfig: pytest.Config) -> RunResult:
    """The session's run against the target given by the ``--contracts-*`` options (skips without them)."""
    plan = pytestconfig.stash.get(_PLAN, None)
    if plan is None:
        pytest.skip("no --contracts-api given")
    from contracts.errors import ContractsError

    try:
        return plan.session_run.get()
    except ContractsError as exc:
        pytest.fail(f"contracts: {exc}", pytrace=False)


@pytest.fixture
def contracts_run() -> Callable[..., RunResult]:
    """Factory: ``contracts_run(api=..., base_url=..., profile="mock" or a path, **RunConfig fields) -> RunResult``."""
    from contracts.runner import RunConfig, run

    def factory(**kwargs: Any) -> RunResult:
        return run(RunConfig(**kwargs))

    return factory
