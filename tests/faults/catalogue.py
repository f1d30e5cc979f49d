"""The catalogue of deliberately broken servers: one fault each, the page's rule it breaks and the check that must
catch it.

Every entry is a fault flag of the reference apps in ``reference.py``. ``test_faults.py`` runs the harness
against each and requires ``check`` to report it under ``rule`` (as a finding of its own, or under the finding it
follows from), and the exit code of the rule's severity: 1 for a rule the page states, 0 (a warning) for one the
spec infers or a text. Every rule of every vendor has a fault that breaks it alone (``alone=True``: every
top-level finding is that rule's); the README table lists the same rows.
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
    message: str = ""  # if set: the check's finding must say this (proves the branch that fired)
    alone: bool = False  # True: no other rule is broken (every top-level finding is this rule's)
    rule: str = ""  # the page's rule it breaks (x-rules); '' for the run's own bounds (timeout, body size)
    code: int | None = None  # the exit code when not the rule's severity's (2: the target is not the API)
    generated: bool = False  # only Schemathesis' generated requests show it (else the harness's own requests do)


FAULTS: tuple[Fault, ...] = (
    Fault(
        "missing_model_400",
        "respan",
        "wrong status for a missing model (400 instead of the documented 404)",
        "error_contract",
        rule="not-found",
    ),
    Fault(
        "missing_required_field",
        "respan",
        "200 body lacks the required `display_name`",
        "response_schema_conformance",
        rule="model-fields",
    ),
    Fault(
        "wrong_field_type",
        "openwebui",
        "`created_at` is a string instead of an integer",
        "response_schema_conformance",
        rule="model-fields",
    ),
    Fault(
        "null_profile_image_url",
        "openwebui",
        "`meta.profile_image_url` is null (a real server's model created without an image)",
        "response_schema_conformance",
        message="$.meta.profile_image_url is null, but the schema is string and not nullable",
        rule="meta-fields",
    ),
    Fault(
        "undocumented_400",
        "openwebui",
        "extra undocumented status: 400 for ids with unusual characters",
        "status_code_conformance",
        rule="documented-answers",
    ),
    Fault(
        "problem_json",
        "respan",
        "error bodies are `application/problem+json` instead of documented JSON",
        "content_type_conformance",
        rule="error-bodies",
    ),
    Fault(
        "html_200",
        "openwebui",
        "HTML 200 for everything (an SPA at the wrong prefix)",
        "content_type_conformance",
        code=2,  # the target is not the API: could not judge
        rule="model-fields",
    ),
    Fault("unmasked_api_key", "selise", "`ApiKey` returned unmasked", "secrets", rule="credentials-masked"),
    Fault("auth_ignored", "respan", "requests without credentials are served", "auth", rule="no-credentials"),
    Fault("bad_token_accepted", "openwebui", "an unknown bearer token is accepted", "auth", rule="bad-credentials"),
    Fault(
        "project_key_optional",
        "selise",
        "a request without a project key is served (no 400)",
        "auth",
        rule="no-project",
    ),
    Fault(
        "leak_other_model",
        "respan",
        "another organisation's custom model is returned (no 403)",
        "access_control",
        rule="owned-by-others",
    ),
    Fault(
        "leak_other_model",
        "selise",
        "another project's model is returned (no 422)",
        "access_control",
        rule="other-project",
    ),
    Fault(
        "params_not_stripped",
        "openwebui",
        "read-only callers get the model's `params`",
        "access_control",
        rule="read-only-params",
    ),
    Fault(
        "wrong_id_returned",
        "respan",
        "the returned `id`/`model_name` is not the requested one",
        "identity",
        rule="name-echoed",
    ),
    Fault(
        "percent_2f_not_decoded",
        "respan",
        "`%2F` in the model name is not decoded (404)",
        "identity",
        rule="names-with-slashes",
    ),
    Fault(
        "literal_slash_not_routed",
        "respan",
        "a literal `/` in the model name is not routed (404)",
        "identity",
        rule="names-with-slashes",
    ),
    Fault(
        "crash_on_unusual_id",
        "openwebui",
        "500 text/plain for ids with unusual characters (space, non-ASCII, `%`, ...)",
        "not_a_server_error",
        rule="documented-answers",
    ),
    Fault("hang_on_own_model", "respan", "the endpoint hangs for one model", "timeout", ("--timeout", "1"), rule=""),
    Fault(
        "error_body_shape",
        "openwebui",
        'error bodies `{"error": ...}` instead of `{"detail": ...}`',
        "error_contract",
        rule="error-bodies",
    ),
    Fault(
        "real_server_wording",
        "openwebui",
        "undocumented `detail` texts (the real server's wording)",
        "error_contract",
        ("--strict-messages",),
        rule="not-found-text",
    ),
    Fault(
        "updated_before_created",
        "respan",
        "`updated_at` earlier than `created_at`",
        "consistency",
        rule="updated-after-created",
    ),
    Fault(
        "timestamps_in_milliseconds",
        "openwebui",
        "`created_at`/`updated_at` in milliseconds, documented as Unix seconds",
        "consistency",
        rule="unix-seconds",
    ),
    Fault(
        "bad_timestamp",
        "selise",
        "`LastUpdatedDate` earlier than `CreatedDate`",
        "consistency",
        rule="updated-after-created",
    ),
    Fault(
        "missing_id_accepted",
        "openwebui",
        "a request without the required `id` gets 200",
        "negative_data_rejection",
        rule="id-required",
    ),
    Fault(
        "legacy_token_accepted",
        "respan",
        "upper-case bearer tokens (legacy service keys) are never looked up; the harness's own bad token is refused",
        "ignored_auth",
        alone=True,
        rule="bad-credentials",
    ),
    Fault("bad_token_accepted", "respan", "an unknown API key is accepted", "auth", rule="bad-credentials"),
    Fault(
        "bad_token_accepted",
        "selise",
        "an unknown project key is accepted (treated as the owner's)",
        "access_control",
        rule="project-permissions",
    ),
    Fault(
        "owner_refused_own_model",
        "respan",
        "the owning organisation gets 403 on its own model",
        "access_control",
        message="`owner` reading models.own",
        rule="owning-organization",
    ),
    Fault(
        "owner_refused_own_model",
        "openwebui",
        "the owner gets 401 `Access prohibited` on its own model (not the invalid-token answer)",
        "access_control",
        message="`owner` reading models.own",
        rule="owner-reads",
    ),
    Fault(
        "reader_write_access",
        "openwebui",
        "a read-only caller gets `write_access: true`",
        "access_control",
        message="`reader` reading models.own 'acme/test-model:v1': `write_access` is True, expected False",
        rule="read-only-write-access",
    ),
    Fault(
        "non_iso_timestamp",
        "selise",
        "`CreatedDate` is an RFC 1123 date string, not ISO 8601",
        "consistency",
        message="is not an ISO 8601 date-time",
        rule="iso-dates",
    ),
    Fault(
        "error_text_plain",
        "respan",
        "404 answered as `text/plain` instead of documented JSON",
        "error_contract",
        message="404 answered with Content-Type 'text/plain'",
        rule="error-bodies",
    ),
    Fault(
        "hang_on_unknown_model",
        "respan",
        "the endpoint hangs for every name it does not know (run with `--timeout 1`)",
        "timeout",
        ("--timeout", "1"),
        message="no complete answer within the 1 s timeout",
    ),
    # Each fault below is visible to one judging path only, so the test fails if that path stops judging.
    Fault(
        "example_id_wrong_identity",
        "respan",
        "the spec's example name (sent by Schemathesis only) gets another model's body",
        "identity",
        message="asked for 'my-custom-gpt-4'",
        rule="name-echoed",
    ),
    Fault(
        "example_id_bad_error",
        "respan",
        'the spec\'s example name (sent by Schemathesis only) gets a 404 `{"message"}` body',
        "error_contract",
        message="404 body lacks the documented field detail",
        rule="error-bodies",
    ),
    Fault(
        "example_id_bad_timestamps",
        "respan",
        "the spec's example name (sent by Schemathesis only) gets `updated_at` before `created_at`",
        "consistency",
        message="`updated_at` ('2024-01-01T00:00:00Z') is before `created_at`",
        rule="updated-after-created",
    ),
    Fault(
        "example_key_unmasked",
        "selise",
        "the spec's example `project_key` (sent by Schemathesis only) gets the `ApiKey` unmasked",
        "secrets",
        message="`ApiKey` is returned unmasked",
        rule="credentials-masked",
    ),
    Fault(
        "literal_slash_missing_field",
        "respan",
        "a name sent with a literal `/` (by the explicit cases only) gets a body without `display_name`",
        "response_schema_conformance",
        message="$.display_name is required but missing",
        rule="model-fields",
    ),
)
