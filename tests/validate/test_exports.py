"""The public surface of contracts.validate is explicit; this fails when it drifts."""

from __future__ import annotations

from pathlib import Path

import contracts.validate
import mock_server.proxy

EXPECTED = {
    "Report",
    "Result",
    "UnusableInput",
    "UsageError",
    "ValidateError",
    "Violation",
    "validate_har",
    "validate_har_file",
    "validate_ndjson",
    "validate_ndjson_file",
    "validate_payload",
    "validate_value",
}


def test_contracts_validate_exports() -> None:
    assert set(contracts.validate.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(contracts.validate, name) is not None


def test_every_error_is_in_the_harness_one_tree() -> None:
    """One exception root per package: validation's errors are the harness's (`ContractsError`), its usage error
    the harness's one `UsageError`."""
    from contracts.errors import ContractsError, UsageError

    assert issubclass(contracts.validate.UnusableInput, contracts.validate.ValidateError)
    assert issubclass(contracts.validate.ValidateError, ContractsError)
    assert contracts.validate.UsageError is UsageError


def test_proxy_exports_and_layering() -> None:
    assert set(mock_server.proxy.__all__) == {"ExchangeObserver", "Note", "ProxyApp", "create_proxy_app", "register"}
    source = Path(mock_server.proxy.__file__).read_text(encoding="utf-8")
    assert "import contracts" not in source and "from contracts" not in source
