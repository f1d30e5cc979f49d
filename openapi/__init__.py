"""The vendor specs: the single source of truth for paths, parameters, statuses and bodies.

The YAML files beside this module are the contracts. This package (installed as
``vendor_specs``) only loads them and answers questions about them, so that
``mock_server`` and ``contracts`` never restate a field, a path or a status code.
"""

from vendor_specs._core import core_request, core_response
from vendor_specs._load import (
    APIS,
    SpecError,
    documented_statuses,
    examples_for,
    load_spec,
    openapi_core_spec,
    raw_spec,
    response_schema,
    spec_path,
)
from vendor_specs._match import Operation, OperationMatch, match_operation, operations, server_base_path

__all__ = [
    "APIS",
    "Operation",
    "OperationMatch",
    "SpecError",
    "core_request",
    "core_response",
    "documented_statuses",
    "examples_for",
    "load_spec",
    "match_operation",
    "openapi_core_spec",
    "raw_spec",
    "operations",
    "response_schema",
    "server_base_path",
    "spec_path",
]
