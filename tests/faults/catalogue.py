"""The catalogue of deliberately broken servers: one fault each, and the check that must catch it.

Every entry is a fault flag of the reference apps in ``reference.py``. ``test_faults.py`` runs the
harness against each and requires exit code 1 with ``check`` named; the README table lists the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    name: str
    api: str
    description: str
    check: str
    args: tuple[str, ...] = ()


FAULTS: tuple[Fault, ...] = (
    Fault(
        "missing_model_400",
        "respan",
        "wrong status for a missing model (400 instead of the documented 404)",
        "error_contract",
    ),
    Fault(
        "missing_required_field", "respan", "200 body lacks the required `display_name`", "response_schema_conformance"
    ),
    Fault(
        "wrong_field_type", "openwebui", "`created_at` is a string instead of an integer", "response_schema_conformance"
    ),
    Fault(
        "undocumented_400",
        "openwebui",
        "extra undocumented status: 400 for ids with unusual characters",
        "status_code_conformance",
    ),
    Fault(
        "problem_json",
        "respan",
        "error bodies are `application/problem+json` instead of documented JSON",
        "content_type_conformance",
    ),
    Fault("html_200", "openwebui", "HTML 200 for everything (an SPA at the wrong prefix)", "content_type_conformance"),
    Fault("unmasked_api_key", "selise", "`ApiKey` returned unmasked", "secrets"),
    Fault("auth_ignored", "respan", "requests without credentials are served", "auth"),
    Fault("bad_token_accepted", "openwebui", "an unknown bearer token is accepted", "auth"),
    Fault("project_key_optional", "selise", "a request without a project key is served (no 400)", "auth"),
    Fault("leak_other_model", "respan", "another organisation's custom model is returned (no 403)", "access_control"),
    Fault("leak_other_model", "selise", "another project's model is returned (no 422)", "access_control"),
    Fault("params_not_stripped", "openwebui", "read-only callers get the model's `params`", "access_control"),
    Fault("wrong_id_returned", "respan", "the returned `id`/`model_name` is not the requested one", "identity"),
    Fault("percent_2f_not_decoded", "respan", "`%2F` in the model name is not decoded (404)", "identity"),
    Fault("literal_slash_not_routed", "respan", "a literal `/` in the model name is not routed (404)", "identity"),
    Fault(
        "crash_on_unusual_id",
        "openwebui",
        "500 text/plain for ids with unusual characters (space, non-ASCII, `%`, ...)",
        "not_a_server_error",
    ),
    Fault("hang_on_own_model", "respan", "the endpoint hangs for one model", "timeout", ("--timeout", "1")),
    Fault(
        "error_body_shape", "openwebui", 'error bodies `{"error": ...}` instead of `{"detail": ...}`', "error_contract"
    ),
    Fault(
        "real_server_wording",
        "openwebui",
        "undocumented `detail` texts (the real server's wording)",
        "error_contract",
        ("--strict-messages",),
    ),
    Fault("updated_before_created", "respan", "`updated_at` earlier than `created_at`", "consistency"),
    Fault(
        "timestamps_in_milliseconds",
        "openwebui",
        "`created_at`/`updated_at` in milliseconds, documented as Unix seconds",
        "consistency",
    ),
    Fault("bad_timestamp", "selise", "`LastUpdatedDate` earlier than `CreatedDate`", "consistency"),
    Fault(
        "missing_id_accepted", "openwebui", "a request without the required `id` gets 200", "negative_data_rejection"
    ),
)
