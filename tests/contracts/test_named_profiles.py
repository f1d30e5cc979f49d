"""`--profile mock` (and `profile="mock"`) is the mock's shipped profile for the API under test; paths still work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from contracts import ProfileError, load_profile
from contracts.cli import main
from contracts.named_profiles import NAMED_PROFILES, is_profile_name, named_profile_path
from tests.contracts.fixtures import MOCK_PROFILES, mock_process
from vendor_specs import APIS

CONTRACTS = str(Path(sys.executable).with_name("contracts"))


@pytest.mark.parametrize("api", APIS)
def test_mock_names_the_shipped_profile_of_each_api(api: str) -> None:
    assert named_profile_path("mock", api) == MOCK_PROFILES / f"{api}.yaml"
    profile = load_profile("mock", api=api)
    assert profile.api == api and profile.token("owner") and profile.model("own")
    assert profile.source == f"mock ({MOCK_PROFILES / f'{api}.yaml'})"


@pytest.mark.parametrize("value", ["respan.yaml", "./mock", "profiles/mock", "mock.yml", Path("mock"), ""])
def test_paths_are_not_names(value: object) -> None:
    assert not is_profile_name(value)


def test_a_path_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "mock"  # a file called like a name is reached by its path
    path.write_text((MOCK_PROFILES / "selise.yaml").read_text())
    assert load_profile(path).source == str(path)


def test_unknown_name_lists_the_names() -> None:
    with pytest.raises(ProfileError, match=r"unknown profile name 'mok'; named profiles: `mock`: .*pass its path"):
        load_profile("mok", api="respan")


def test_name_needs_the_api() -> None:
    with pytest.raises(ProfileError, match="profile `mock` depends on the API under test: pass --api"):
        load_profile("mock")


def test_vendor_path_vendor_finds_its_own_mock_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mock_server" / "data" / "profiles"
    folder.mkdir(parents=True)
    (folder / "acme.yaml").write_text("api: respan\n")
    monkeypatch.setenv("VENDOR_PATH", str(tmp_path))
    assert named_profile_path("mock", "acme") == folder / "acme.yaml"
    with pytest.raises(ProfileError, match=r"the mock ships no profile for 'nope' .*profiles for: acme, openwebui"):
        named_profile_path("mock", "nope")


def test_help_documents_the_names(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "or a name: `mock` = " in text and "built-in fixtures" in text and set(NAMED_PROFILES) == {"mock"}


@pytest.mark.slow
def test_cli_check_with_the_mock_profile() -> None:
    with mock_process("respan") as url:
        proc = subprocess.run(
            [CONTRACTS, "check", "--api", "respan", "--base-url", url, "--profile", "mock", "--no-property-based"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "mock (" in proc.stdout
