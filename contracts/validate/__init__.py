"""Payload validation: response bodies, NDJSON files and HAR captures against the vendor specs.

openapi-core decides; a predicate compiled from each response schema (``fast``) answers valid
bodies ~50x faster with the same verdict, and only invalid bodies go to openapi-core for findings.
"""

from contracts.validate.errors import UnsupportedSchema, UnusableInput, UsageError, ValidateError
from contracts.validate.fast import compile_schema
from contracts.validate.findings import Report, Result, Violation
from contracts.validate.har import validate_har, validate_har_file
from contracts.validate.ndjson import validate_ndjson, validate_ndjson_file
from contracts.validate.payload import fast_predicate, validate_payload, validate_value

__all__ = [
    "Report",
    "Result",
    "UnsupportedSchema",
    "UnusableInput",
    "UsageError",
    "ValidateError",
    "Violation",
    "compile_schema",
    "fast_predicate",
    "validate_har",
    "validate_har_file",
    "validate_ndjson",
    "validate_ndjson_file",
    "validate_payload",
    "validate_value",
]
