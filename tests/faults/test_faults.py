"""Each broken server of the catalogue makes the harness exit 1 and name the responsible check."""

from __future__ import annotations

import pytest

from contracts.cli import main
from tests.faults.catalogue import FAULTS, Fault
from tests.faults.reference import DATA, make_app
from tests.faults.serve import serve
from vendor_specs import base_path

pytestmark = pytest.mark.slow


def _check(api: str, url: str, *args: str) -> list[str]:
    return [
        "check",
        "--api",
        api,
        "--base-url",
        url,
        "--profile",
        str(DATA / f"{api}.yaml"),
        "--seed",
        "7",
        "--max-examples",
        "10",
        *args,
    ]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f.api}-{f.name}")
def test_fault_is_caught_by_its_check(fault: Fault, capsys: pytest.CaptureFixture[str]) -> None:
    with serve(make_app(fault.api, {fault.name}, prefix=base_path(fault.api))) as url:
        code = main(_check(fault.api, url, *fault.args))
    out = capsys.readouterr().out
    assert code == 1, out
    assert f"== {fault.check}:" in out, out
    if fault.message:
        assert fault.message in out.split(f"== {fault.check}:", 1)[1].split("\n== ", 1)[0], out
    if fault.alone:
        assert [line for line in out.splitlines() if line.startswith("== ")] == [
            line for line in out.splitlines() if line.startswith(f"== {fault.check}:")
        ], out


@pytest.mark.parametrize("api", ["openwebui", "respan", "selise"])
def test_reference_apps_pass(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The unbroken reference apps are conformant, so every fault above is caught for its fault alone."""
    with serve(make_app(api, prefix=base_path(api))) as url:
        code = main(_check(api, url, "--strict-messages"))
    out = capsys.readouterr().out
    assert code == 0, out


def test_catalogue_is_large_and_distinct() -> None:
    assert len(FAULTS) >= 15
    assert len({(f.api, f.name) for f in FAULTS}) == len(FAULTS)
