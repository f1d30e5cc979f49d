"""Spec pointers name the subschema where a rule is written (``$ref`` followed), for every validator's path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from vendor_specs import (
    OperationMatch,
    examples_for,
    instance_pointer,
    json_pointer,
    model_operation,
    response_pointer,
    response_violations,
    schema_at,
    schema_pointer,
)

OWUI = model_operation("openwebui")
SCHEMA_200 = "#/paths/~1models~1model/get/responses/200/content/application~1json/schema"


def test_json_pointer_escapes_slashes_and_tildes() -> None:
    assert json_pointer("paths", "/api/models/{model_name}/", "get") == "#/paths/~1api~1models~1{model_name}~1/get"
    assert json_pointer("a~b") == "#/a~0b"


def test_response_pointer() -> None:
    assert response_pointer(OWUI) == "#/paths/~1models~1model/get/responses"
    assert response_pointer(OWUI, 404) == "#/paths/~1models~1model/get/responses/404"
    assert response_pointer(OWUI, 200, "application/json; charset=utf-8") == SCHEMA_200
    assert response_pointer(OWUI, 200, "text/html") == "#/paths/~1models~1model/get/responses/200/content"
    assert response_pointer(OWUI, 500) == "#/paths/~1models~1model/get/responses"  # undocumented


@pytest.mark.parametrize(
    ("schema_path", "expected"),
    [
        # openapi-core: the inlined path, no $ref in it
        (
            ["properties", "meta", "properties", "profile_image_url"],
            "#/components/schemas/ModelMeta/properties/profile_image_url",
        ),
        (
            ["properties", "access_grants", "items", "properties", "permission"],
            "#/components/schemas/AccessGrant/properties/permission",
        ),
        # jsonschema-rs: the reference it followed is in the path
        (
            ["properties", "meta", "$ref", "properties", "description"],
            "#/components/schemas/ModelMeta/properties/description",
        ),
        ([], "#/components/schemas/ModelAccessResponse"),
        (
            ["properties", "nope", "type"],
            "#/components/schemas/ModelAccessResponse/properties",
        ),  # stops where it exists
    ],
)
def test_schema_pointer_follows_refs(schema_path: list[str], expected: str) -> None:
    assert schema_pointer("openwebui", SCHEMA_200, schema_path) == expected


def test_schema_pointer_from_the_document_root() -> None:
    """Schemathesis reports bundled references; unbundled, they are paths from the document root."""
    path = ["components", "schemas", "ModelMeta", "properties", "profile_image_url"]
    assert schema_pointer("openwebui", "#", path) == "#/components/schemas/ModelMeta/properties/profile_image_url"
    assert schema_pointer("openwebui", "#/no/such/place", ["x"]) == "#/no/such/place"


def test_instance_pointer_walks_a_body_path() -> None:
    assert instance_pointer("openwebui", SCHEMA_200, ["meta", "capabilities"]) == (
        "#/components/schemas/ModelMeta/properties/capabilities"
    )
    assert instance_pointer("openwebui", SCHEMA_200, ["access_grants", 3, "permission"]) == (
        "#/components/schemas/AccessGrant/properties/permission"
    )
    # an undocumented key of an open object: the object is where the rule (additionalProperties) is written
    assert instance_pointer("openwebui", SCHEMA_200, ["version_id"]) == "#/components/schemas/ModelAccessResponse"


def test_schema_at_reads_the_raw_spec() -> None:
    assert schema_at("openwebui", "#/components/schemas/ModelMeta/properties/profile_image_url")["type"] == "string"
    assert schema_at("openwebui", SCHEMA_200)["required"][0] == "id"  # $ref followed
    assert schema_at("openwebui", "#/nope") is None


def test_every_openapi_core_violation_names_its_subschema() -> None:
    body = copy.deepcopy(examples_for("openwebui", 200)["documented"]["value"])  # the spec's is cached: copied
    body["meta"]["profile_image_url"] = None  # what a real Open WebUI 0.12.4 serves for a model without an image
    body["access_grants"][0]["permission"] = "sudo"
    del body["name"]
    found = response_violations(OperationMatch(OWUI, {}), 200, json.dumps(body).encode(), "application/json")
    assert {v.path: v.pointer for v in found} == {
        "$.name": "#/components/schemas/ModelAccessResponse/properties/name",
        "$.meta.profile_image_url": "#/components/schemas/ModelMeta/properties/profile_image_url",
        "$.access_grants[0].permission": "#/components/schemas/AccessGrant/properties/permission",
    }
    (null,) = [v for v in found if v.path == "$.meta.profile_image_url"]
    assert str(null) == (
        "response body $.meta.profile_image_url: is null, but the schema is string and not nullable "
        "[rule type: string; value null] at #/components/schemas/ModelMeta/properties/profile_image_url"
    )


def test_status_and_media_type_violations_point_at_the_responses() -> None:
    (status,) = response_violations(OperationMatch(OWUI, {}), 500, b"{}", "application/json")
    assert status.pointer == "#/paths/~1models~1model/get/responses"
    (media,) = response_violations(OperationMatch(OWUI, {}), 200, b"<html>", "text/html")
    assert media.pointer == "#/paths/~1models~1model/get/responses/200/content"


def test_a_spec_file_outside_the_registry(tmp_path: Path) -> None:
    """Pointers work for any spec file (a VENDOR_PATH vendor, a path given to the validators)."""
    spec = Path(__file__).resolve().parents[2] / "openapi" / "respan.yaml"
    copy = tmp_path / "respan-copy.yaml"
    copy.write_text(spec.read_text(encoding="utf-8"), encoding="utf-8")
    assert schema_pointer(
        copy, "#/components/schemas/Model", ["properties", "provider", "properties", "organization_id"]
    ) == ("#/components/schemas/Provider/properties/organization_id")
