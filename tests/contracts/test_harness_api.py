"""The library surface: exports, vendor names that must exist in the specs, the runner as a library call."""

from __future__ import annotations

import pytest

import contracts
from contracts import RunConfig, UsageError, run
from contracts.checks import CHECK_DOCS, example_for, secret_fields
from contracts.fuzz import BUILTIN_CHECKS, CUSTOM_CHECKS
from contracts.vendors import get_vendor
from tests.contracts.fixtures import reference_profile
from vendor_specs import APIS, load_spec, operations


def test_exported_members() -> None:
    exported = {name for name in dir(contracts) if name.isidentifier() and not name.startswith("_")}
    modules = {
        "baseline",
        "cases",
        "checks",
        "errors",
        "findings",
        "fuzz",
        "profile",
        "report",
        "runner",
        "target",
        "vendors",
        "cli",
        "pytest_plugin",
        "validate",
    }
    assert exported - modules == set(contracts.__all__)


def test_every_reported_check_is_documented() -> None:
    assert set(BUILTIN_CHECKS) | set(CUSTOM_CHECKS) <= set(CHECK_DOCS)


@pytest.mark.parametrize("api", APIS)
def test_vendor_names_exist_in_the_spec(api: str) -> None:
    vendor = get_vendor(api)
    (op,) = operations(api)
    assert vendor.id_param in {p["name"] for p in op.parameters}
    props = op.responses["200"]["content"]["application/json"]["schema"]["properties"]
    for name in vendor.id_fields + tuple(n for pair in vendor.timestamp_pairs for n in pair):
        assert name in props, name
    for situation in (vendor.no_credentials, vendor.bad_credentials, vendor.denied, vendor.not_found):
        _, status, body = example_for(api, situation)
        assert status >= 400 and isinstance(body, dict)


def test_secret_fields_come_from_the_spec() -> None:
    assert dict(secret_fields("selise")) == {"ApiKey": frozenset({"***masked***"})}
    assert secret_fields("respan") == {} and secret_fields("openwebui") == {}
    assert "x-secret" in str(load_spec("selise")["components"]["schemas"]["AIModel"]["properties"]["ApiKey"])


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


def test_registered_checks_stay_silent_for_other_schemas() -> None:
    """The vendor checks are registered in Schemathesis globally; other users' schemas must not trip them."""
    from types import SimpleNamespace

    from contracts import fuzz

    case = SimpleNamespace(operation=SimpleNamespace(schema=SimpleNamespace(raw_schema={"openapi": "3.0.3"})))
    response = SimpleNamespace(status_code=200, headers={}, json=lambda: {"ApiKey": "sk-live"})
    for check in (fuzz.error_contract, fuzz.secrets, fuzz.consistency, fuzz.identity):
        assert check(None, response, case) is None
