"""The harness's pages are tested: the profiles and the baseline of docs/contracts-check.md load, and the fault
table of docs/fault-catalogue.md is the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from contracts.baseline import load_baseline
from contracts.profile import parse_profile
from tests.docs import blocks, section
from tests.faults.catalogue import FAULTS

CHECK = "docs/contracts-check.md"


@pytest.mark.parametrize("api", ["openwebui", "respan", "selise"])
def test_the_page_has_a_loadable_profile_per_vendor(api: str) -> None:
    blocks_ = [yaml.safe_load(b) for b in blocks(section(CHECK, "Target profile"), "yaml")]
    (data,) = [b for b in blocks_ if isinstance(b, dict) and b.get("api") == api]
    env = {name: "x" for name in re.findall(r"\$\{(\w+)\}", yaml.safe_dump(data))}
    profile = parse_profile(data, env=env)
    assert profile.token("owner") and profile.token("stranger") and profile.model("own")


def test_the_baseline_example_loads(tmp_path: Path) -> None:
    (block,) = blocks(section(CHECK, "Baseline (known deviations)"), "yaml")
    path = tmp_path / "baseline.yaml"
    path.write_text(block)
    assert load_baseline(path)[0].check == "error_contract"


def test_the_fault_table_is_the_catalogue() -> None:
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \| .*? \| `(\w+)` \|$", section("docs/fault-catalogue.md"), flags=re.M)
    assert rows == [(f.name, f.api, f.check) for f in FAULTS]
