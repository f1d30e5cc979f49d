"""Without the vendors' pages (a bare clone), the coverage tests skip and say where they looked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.specs import seed_pages


def test_missing_pages_say_where_they_were_looked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(seed_pages.ENV_VAR, str(tmp_path))
    reason = seed_pages.missing_pages()
    assert reason is not None and str(tmp_path) in reason and "SEED_PAGES_DIR" in reason and "../shared/seeds" in reason
    with pytest.raises(FileNotFoundError, match="documentation pages are not in"):
        seed_pages.seed_text("respan")


def test_pages_in_the_named_folder_are_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in seed_pages.SEED_OF.values():
        (tmp_path / name).write_text("page")
    monkeypatch.setenv(seed_pages.ENV_VAR, str(tmp_path))
    assert seed_pages.missing_pages() is None
    assert seed_pages.seed_text("selise") == "page"


def test_default_is_the_shared_folder_beside_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(seed_pages.ENV_VAR, raising=False)
    assert seed_pages.seeds_dir() == Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
