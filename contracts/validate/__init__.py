"""Payload validation: response bodies, NDJSON files and HAR captures against the vendor specs.

openapi-core decides; jsonschema-rs on each translated response schema (``vendor_specs.body_validator``)
answers valid bodies with the same verdict, many times faster, and only invalid bodies go to
openapi-core for its findings.
"""

from contracts.validate.errors import UnusableInput, UsageError, ValidateError
from contracts.validate.findings import Report, Result, Violation
from contracts.validate.har import validate_har, validate_har_file
from contracts.validate.ndjson import validate_ndjson, validate_ndjson_file
from contracts.validate.payload import validate_payload, validate_value

__all__ = [
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
]
