"""`vendor_specs` refuses bad specs with a message that names the file and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

import vendor_specs
from vendor_specs import SpecError, load_spec, spec_path


def test_public_surface_is_explicit() -> None:
    exported = {name for name in dir(vendor_specs) if not name.startswith("_")}
    assert set(vendor_specs.__all__) <= exported
    assert sorted(vendor_specs.__all__) == sorted(set(vendor_specs.__all__))


def test_unknown_api_names_the_choices() -> None:
    with pytest.raises(SpecError, match="unknown API 'acme': choose one of openwebui, respan, selise"):
        spec_path("acme")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"cannot be read .*check the path"):
        load_spec(tmp_path / "nope.yaml")


def test_not_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: [3.0.3\n", encoding="utf-8")
    with pytest.raises(SpecError, match="is not valid YAML"):
        load_spec(bad)


def test_not_openapi_3_0(tmp_path: Path) -> None:
    bad = tmp_path / "swagger.yaml"
    bad.write_text("swagger: '2.0'\n", encoding="utf-8")
    with pytest.raises(SpecError, match="is not an OpenAPI 3.0 document"):
        load_spec(bad)


def test_invalid_openapi_names_the_location(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text(
        spec_path("respan")
        .read_text(encoding="utf-8")
        .replace("operationId: retrieve_custom_model", "operationId: [1, 2]")
    )
    with pytest.raises(SpecError, match=r"invalid OpenAPI at paths/.*operationId"):
        load_spec(bad)


def test_resolved_spec_has_no_refs() -> None:
    assert "$ref" not in repr(load_spec("selise"))
