"""The library surface: exports, vendor names that must exist in the specs, the runner as a library call."""

from __future__ import annotations

import pytest

import contracts
from contracts import RunConfig, UsageError, run
from contracts.checks import CHECKS
from contracts.vendors import vendor_cases
from tests.contracts.fixtures import reference_profile
from vendor_specs import APIS


def test_exported_members() -> None:
    exported = {name for name in dir(contracts) if name.isidentifier() and not name.startswith("_")}
    modules = {
        "baseline",
        "cases",
        "checks",
        "errors",
        "findings",
        "fuzz",
        "guard",
        "profile",
        "report",
        "runner",
        "target",
        "vendors",
        "cli",
        "pytest_plugin",
        "validate",
        "diagnosis",
        "failures",
        "html",
        "merge",
        "observed",
        "progress",
        "runfile",
        "registry",
        "reply",
        "plan",
        "expect",
        "relations",
        "masking",
        "ruletable",
        "overlays",
        "named_profiles",
    }
    assert exported - modules == set(contracts.__all__)


def test_exports_resolve_lazily_from_their_modules() -> None:
    """``contracts`` imports its names on first use (the pytest plugin must stay cheap); each one resolves."""
    assert set(contracts._MODULE_OF) == set(contracts.__all__)
    for name in contracts.__all__:
        assert getattr(contracts, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        contracts.nope  # noqa: B018


def test_every_check_is_registered_once_with_a_description() -> None:
    names = CHECKS.names()
    assert len(names) == len(set(names)) and len(names) >= 12
    assert all(check.description for check in CHECKS)
    assert set(CHECKS.names("harness")) >= {"error_contract", "auth", "access_control", "identity", "secrets"}


@pytest.mark.parametrize("api", APIS)
def test_the_shipped_vendors_need_no_cases_of_their_own(api: str) -> None:
    """The page's rules generate every request; a vendor module is only for what cannot be derived."""
    assert vendor_cases(api) == ()


def test_harness_module_for_unknown_api_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="choose one of"):
        vendor_cases("nope")


def test_library_call(reference) -> None:
    with reference("respan") as url:
        result = run(RunConfig(api="respan", base_url=url, profile=reference_profile("respan"), max_examples=5, seed=1))
    assert result.exit_code == 0 and result.failures == [] and result.requests > 20
    assert {o.check for o in result.outcomes if not o.skipped} >= {
        "auth",
        "access_control",
        "identity",
        "secrets",
        "error_contract",
    }


def test_library_call_rejects_wrong_api() -> None:
    with pytest.raises(UsageError, match="choose one of"):
        run(RunConfig(api="nope", base_url="http://127.0.0.1:1"))
