"""pytest plugin (entry point ``contracts``): thin over :func:`contracts.runner.run`.

``pytest --contracts-api=respan --contracts-base-url=http://127.0.0.1:9002 [--contracts-profile=FILE]``
adds one test per check, all fed by one run per session. Or use the fixtures in your own tests::

    def test_my_server(contracts_run):
        result = contracts_run(api="respan", base_url=url, profile="profile.yaml")
        assert not result.failures, result.failures
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from contracts.checks import CHECK_DOCS
from contracts.errors import ContractsError
from contracts.findings import Finding
from contracts.runner import (
    DEFAULT_MAX_BODY_MB,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_TIMEOUT,
    RunConfig,
    RunResult,
    run,
    validate_config,
)
from vendor_specs import APIS

_OPTIONS = (
    ("api", dict(choices=APIS, help="vendor spec the target implements (enables the contract tests)")),
    ("base-url", dict(help="target base URL (may carry a path prefix)")),
    ("profile", dict(help="target profile YAML")),
    ("token", dict(help="owner credential (overrides tokens.owner)")),
    ("max-examples", dict(type=int, default=DEFAULT_MAX_EXAMPLES, help="examples per operation and phase")),
    ("seed", dict(type=int, help="Hypothesis seed")),
    ("baseline", dict(help="YAML of accepted findings")),
    ("timeout", dict(type=float, default=DEFAULT_TIMEOUT, help="seconds for a whole answer")),
    ("max-body-mb", dict(type=float, default=DEFAULT_MAX_BODY_MB, help="largest answer body read, in MB")),
    ("max-time", dict(type=float, help="seconds for the whole run")),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "conformance harness (contracts check)")
    for name, kwargs in _OPTIONS:
        group.addoption(f"--contracts-{name}", dest=f"contracts_{name.replace('-', '_')}", **kwargs)  # type: ignore[arg-type]
    group.addoption(
        "--contracts-strict-messages",
        action="store_true",
        dest="contracts_strict_messages",
        help="require documented detail texts",
    )


def _config_from_options(config: pytest.Config) -> RunConfig | None:
    opt = config.option
    if not opt.contracts_api:
        return None
    return RunConfig(
        api=opt.contracts_api,
        base_url=opt.contracts_base_url,
        profile=opt.contracts_profile,
        token=opt.contracts_token,
        max_examples=opt.contracts_max_examples,
        seed=opt.contracts_seed,
        timeout=opt.contracts_timeout,
        max_body_mb=opt.contracts_max_body_mb,
        max_time=opt.contracts_max_time,
        strict_messages=opt.contracts_strict_messages,
        baseline=opt.contracts_baseline,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Bad ``--contracts-*`` options (URL, profile, baseline) are a usage error, not one failure per check."""
    run_config = _config_from_options(config)
    if run_config is None:
        return
    try:
        validate_config(run_config)
    except ContractsError as exc:
        raise pytest.UsageError(f"contracts: {exc}") from None


class _SessionRun:
    """Runs the harness at most once per session; every check item reads the same result."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self._result: RunResult | ContractsError | None = None

    def get(self) -> RunResult:
        if self._result is None:
            try:
                self._result = run(self.config)
            except ContractsError as exc:
                self._result = exc
        if isinstance(self._result, ContractsError):
            raise self._result
        return self._result


class ContractFailure(Exception):
    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\n".join(str(f) for f in findings))


class ContractsItem(pytest.Item):
    def __init__(self, *, check: str, session_run: _SessionRun, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.session_run = session_run

    def runtest(self) -> None:
        result = self.session_run.get()
        failures = [f for f in result.failures if f.check == self.check]
        if failures:
            raise ContractFailure(failures)
        ran = {o.check for o in result.outcomes if not o.skipped} | {f.check for f in result.findings}
        if self.check not in ran:
            reasons = sorted({o.skipped for o in result.outcomes if o.check == self.check and o.skipped})
            pytest.skip(f"{self.check}: {'; '.join(reasons) or 'not run for this target'}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, (ContractFailure, ContractsError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        return "contracts", None, f"contracts[{self.session_run.config.api}]::{self.check}"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    run_config = _config_from_options(config)
    if run_config is None:
        return
    shared = _SessionRun(run_config)
    for check in CHECK_DOCS:
        items.append(
            ContractsItem.from_parent(
                session, name=f"contracts[{run_config.api}]::{check}", check=check, session_run=shared
            )
        )


@pytest.fixture(scope="session")
def contracts_result(pytestconfig: pytest.Config) -> RunResult:
    """The session's run against the target given by the ``--contracts-*`` options (skips without them)."""
    run_config = _config_from_options(pytestconfig)
    if run_config is None:
        pytest.skip("no --contracts-api given")
    return run(run_config)


@pytest.fixture
def contracts_run() -> Callable[..., RunResult]:
    """Factory: ``contracts_run(api=..., base_url=..., **RunConfig fields) -> RunResult``."""

    def factory(**kwargs: Any) -> RunResult:
        return run(RunConfig(**kwargs))

    return factory
