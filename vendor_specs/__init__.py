"""The vendor specs and everything the mock and the harness both need from them.

The YAML files in ``openapi/`` are the contracts (shipped inside this package in a wheel). This
package loads them (``load_spec``; a key such as ``openwebui@openwebui-0.12.4`` with its OpenAPI Overlay
applied, ``spec_key``), knows which vendors exist (``APIS``, ``VENDOR_PATH``), matches
request paths to operations, resolves server prefixes, places credentials, reads the vendor facts the
specs state as ``x-`` extensions, adapts HTTP exchanges to openapi-core and turns its verdicts into
:class:`Violation` data, and validates bodies fast with jsonschema-rs and requests fast
(``request_validator``, openapi-core's verdict without openapi-core), and shows requests without their
credentials (``Hider``). ``mock_server`` and ``contracts``
import it; it imports neither.
"""

from vendor_specs._adapter import CoreRequest, CoreResponse, core_request, core_response
from vendor_specs._distribution import __version__ as __version__  # both commands print it for --version
from vendor_specs._drafting import Deviation, draft, jsonpath_of, schema_deviation, schema_of_value, value_at
from vendor_specs._errors import SpecError
from vendor_specs._facts import (
    Answer,
    ModelFacts,
    Situation,
    check_facts,
    documented_refusal,
    json_body_schema,
    mask,
    message_field,
    message_of,
    mock_port,
    model_facts,
    model_operation,
    secret_fields,
    situation,
    situations,
    varying_message,
    walk,
    with_message,
)
from vendor_specs._har import HAR_NOT_ANSWERS, HostRule, InvalidHar, har_body, har_entries, har_pairs
from vendor_specs._hiding import KEY_SHAPES, SECRET_NAME, Hider, credential_name
from vendor_specs._json_schema import (
    Predicate,
    UnsupportedSchema,
    body_validator,
    compile_schema,
    format_checker,
    to_json_schema,
)
from vendor_specs._keys import spec_key
from vendor_specs._load import (
    base_spec,
    documented_statuses,
    examples_for,
    load_spec,
    openapi_core_spec,
    raw_spec,
    response_schema,
)
from vendor_specs._match import Operation, OperationMatch, match_operation, operations
from vendor_specs._overlay import (
    ABSENT,
    Action,
    Change,
    Overlay,
    load_overlay,
    overlay_changes,
    overlay_of,
    overlays,
)
from vendor_specs._pointers import instance_pointer, json_pointer, response_pointer, schema_at, schema_pointer
from vendor_specs._profile import MODEL_ROLES, TOKEN_ROLES, InvalidProfile, Profile, parse_profile, read_profile
from vendor_specs._registry import (
    ENV_VAR,
    KEY_SEP,
    apis,
    is_api,
    missing_roots,
    overlay_ref,
    require_api,
    roots,
    spec_dir,
    spec_path,
    vendor_module,
    vendor_of,
)
from vendor_specs._request_check import RequestPredicate, request_validator
from vendor_specs._rules import CALLERS, Expect, Relation, Rule, rule, rule_at, rules
from vendor_specs._security import Credential, credentials, placements, schemathesis_auth
from vendor_specs._servers import Server, base_path, normalize_prefix, prefixes, servers
from vendor_specs._upstream import Upstream, UpstreamError, UpstreamResponse, decoded
from vendor_specs._violations import (
    MISSING,
    Violation,
    Violations,
    json_path,
    media_type_violation,
    render_value,
    request_violations,
    response_violations,
    schema_violations,
    status_violation,
)

#: every vendor's name (the packaged ones, then those under ``VENDOR_PATH``), read once at import
APIS: tuple[str, ...] = apis()

__all__ = [
    "ABSENT",
    "APIS",
    "CALLERS",
    "ENV_VAR",
    "HAR_NOT_ANSWERS",
    "KEY_SEP",
    "KEY_SHAPES",
    "MISSING",
    "MODEL_ROLES",
    "SECRET_NAME",
    "TOKEN_ROLES",
    "Action",
    "Answer",
    "Change",
    "CoreRequest",
    "CoreResponse",
    "Credential",
    "Deviation",
    "Expect",
    "Hider",
    "HostRule",
    "InvalidHar",
    "InvalidProfile",
    "ModelFacts",
    "Operation",
    "OperationMatch",
    "Overlay",
    "Predicate",
    "Profile",
    "Relation",
    "RequestPredicate",
    "Rule",
    "Server",
    "Situation",
    "SpecError",
    "UnsupportedSchema",
    "Upstream",
    "UpstreamError",
    "UpstreamResponse",
    "Violation",
    "Violations",
    "apis",
    "base_path",
    "base_spec",
    "body_validator",
    "check_facts",
    "compile_schema",
    "core_request",
    "core_response",
    "credential_name",
    "credentials",
    "decoded",
    "documented_refusal",
    "documented_statuses",
    "draft",
    "examples_for",
    "format_checker",
    "har_body",
    "har_entries",
    "har_pairs",
    "instance_pointer",
    "is_api",
    "json_body_schema",
    "json_path",
    "json_pointer",
    "jsonpath_of",
    "load_overlay",
    "load_spec",
    "mask",
    "match_operation",
    "media_type_violation",
    "message_field",
    "message_of",
    "mock_port",
    "model_facts",
    "model_operation",
    "normalize_prefix",
    "openapi_core_spec",
    "operations",
    "overlay_changes",
    "overlay_of",
    "overlay_ref",
    "overlays",
    "placements",
    "parse_profile",
    "prefixes",
    "raw_spec",
    "read_profile",
    "render_value",
    "request_validator",
    "request_violations",
    "response_pointer",
    "response_schema",
    "require_api",
    "response_violations",
    "rule",
    "rule_at",
    "rules",
    "missing_roots",
    "roots",
    "schema_at",
    "schema_deviation",
    "schema_of_value",
    "schema_pointer",
    "schema_violations",
    "schemathesis_auth",
    "secret_fields",
    "servers",
    "situation",
    "situations",
    "spec_dir",
    "spec_key",
    "spec_path",
    "status_violation",
    "to_json_schema",
    "value_at",
    "varying_message",
    "vendor_module",
    "vendor_of",
    "walk",
    "with_message",
]
