"""The README's harness section is tested: its profiles load, its fault table is the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from contracts.baseline import load_baseline
from contracts.profile import parse_profile
from tests.faults.catalogue import FAULTS

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    assert "## Conformance harness" in text
    return text.split("## Conformance harness", 1)[1]


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", _section(), flags=re.S)


@pytest.mark.parametrize("api", ["openwebui", "respan", "selise"])
def test_readme_has_a_loadable_profile_per_vendor(api: str) -> None:
    blocks = [yaml.safe_load(b) for b in _yaml_blocks()]
    (data,) = [b for b in blocks if isinstance(b, dict) and b.get("api") == api]
    env = {name: "x" for name in re.findall(r"\$\{(\w+)\}", yaml.safe_dump(data))}
    profile = parse_profile(data, env=env)
    assert profile.token("owner") and profile.token("stranger") and profile.model("own")


def test_readme_baseline_example_loads(tmp_path: Path) -> None:
    (block,) = [b for b in _yaml_blocks() if b.startswith("accepted:")]
    path = tmp_path / "baseline.yaml"
    path.write_text(block)
    assert load_baseline(path)[0].check == "error_contract"


def test_readme_fault_table_is_the_catalogue() -> None:
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \| .*? \| `(\w+)` \|$", _section(), flags=re.M)
    assert rows == [(f.name, f.api, f.check) for f in FAULTS]
