"""A recording as files: ``DIR/<api>.yaml`` (fixtures) and ``DIR/profiles/<api>.yaml`` (a harness profile).

YAML with comments saying where each identity and model came from. Every write is atomic: the text goes to
a temporary file in the same folder, is loaded back as the mock (fixtures) or the harness (profile) would
load it, and only then replaces the file (``os.replace``), so a crash never leaves half a file and the mock
serving the folder never reads one. Nothing is written while nothing changed.
"""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

import vendor_specs
from mock_server.errors import UsageError
from mock_server.fixtures import FixtureSet, load_fixtures
from mock_server.record.learning import Recording
from mock_server.record.roles import recorded_profile

__all__ = ["Output", "render_fixtures", "render_profile"]

_WIDTH = 116


def _comment(lines: Iterable[str], indent: int, *, wrap: bool = True) -> str:
    out = []
    for line in lines:
        text = " ".join(str(line).split())  # one line each: no newline may end a comment early
        wrapped = textwrap.wrap(
            text, _WIDTH - indent - 2, subsequent_indent="  ", break_on_hyphens=False, break_long_words=False
        )
        out += (wrapped if wrap else [text]) or [""]
    return "".join(f"{' ' * indent}# {line}".rstrip() + "\n" for line in out)


def _yaml(value: Any, indent: int) -> str:
    text = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, default_flow_style=False, width=_WIDTH)
    return textwrap.indent(text, " " * indent)


def render_fixtures(recording: Recording, header: Iterable[str]) -> str:
    """The fixture file of ``recording``, each identity and model under a comment saying where it came from."""
    out = [_comment(header, 0, wrap=False), "identities:\n" if recording.identities else "identities: {}\n"]
    for ident in recording.identities:
        out += [_comment(ident.notes, 2), _yaml({ident.name: ident.fields}, 2)]
    out.append("models:\n" if recording.models else "models: []\n")
    for model in recording.models:
        out += [_comment(model.notes, 2), _yaml([model.record], 2)]
    return "".join(out)


def render_profile(data: dict[str, Any], notes: dict[str, str], header: Iterable[str]) -> str:
    """A harness profile; ``notes`` (``tokens.owner``, ``models.shared``, ...) go above the key they explain
    (or say why it is missing)."""
    out = [_comment(header, 0, wrap=False), _yaml({"api": data["api"], "base_url": data["base_url"]}, 0)]
    for section in ("tokens", "models"):
        out.append(f"{section}:\n" if data.get(section) else f"{section}: {{}}\n")
        for role, value in (data.get(section) or {}).items():
            out += [_comment([notes[f"{section}.{role}"]] if f"{section}.{role}" in notes else [], 2)]
            out.append(_yaml({role: value}, 2))
        missing = [
            note
            for key, note in notes.items()
            if key.startswith(section + ".") and key[len(section) + 1 :] not in (data.get(section) or {})
        ]
        out.append(_comment(missing, 2))
    return "".join(out)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file (mkstemp makes it 0600)


def _replace(path: Path, text: str, check: Callable[[Path], Any]) -> Any:
    """Write ``text`` to ``path`` atomically, once ``check(temporary file)`` accepted it; returns what it returned."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        result = check(Path(name))
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return result


class Output:
    """Where a recording of ``api`` goes: ``directory/<api>.yaml`` and ``directory/profiles/<api>.yaml``."""

    def __init__(
        self, api: str, directory: str | Path, *, header: list[str], base_url: str, serve: str | None = None
    ) -> None:
        self.api = api  # a spec key: with an overlay, the fixtures are still the vendor's, page-shaped
        vendor, overlay = vendor_specs.vendor_of(api), vendor_specs.overlay_ref(api)
        self.options = f"--api {vendor}" + (f" --overlay {overlay}" if overlay else "")
        self.serve = serve or f"mock-server {self.options} --fixtures {directory}"
        self.directory = Path(directory)
        self.fixture_path = self.directory / f"{vendor}.yaml"
        self.profile_path = self.directory / "profiles" / f"{vendor}.yaml"
        self.header = header
        self.base_url = base_url
        self._written: tuple[str, str] | None = None

    def check(self) -> None:
        """``UsageError`` unless both files can be written and neither exists yet (a recording starts from
        nothing, so that every fact in it was seen). Leaves nothing behind."""
        for path in (self.fixture_path, self.profile_path):
            if path.exists():
                raise UsageError(
                    f"--out {self.directory}: {path} already exists; record into a new directory (or delete it): "
                    "a recording starts from nothing, so that every fact in it was seen"
                )
        folder = self.directory
        while not folder.exists():
            folder = folder.parent
        try:
            if not folder.is_dir():
                raise NotADirectoryError(f"{folder} is not a directory")
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise UsageError(
                f"--out {self.directory} cannot be written ({exc.strerror or exc}); choose a directory you can write to"
            ) from None

    def write(self, recording: Recording) -> bool:
        """Write both files if they would change; True when they did. ``FixtureError`` / ``OSError`` leave the
        previous files as they were."""
        fixtures_text = render_fixtures(recording, self.header)
        if self._written is not None and self._written[0] == fixtures_text:
            return False
        fixtures: FixtureSet = _replace(self.fixture_path, fixtures_text, lambda temp: load_fixtures(self.api, temp))
        data, notes = recorded_profile(self.api, fixtures, self.base_url)
        header = [
            f"Harness profile for the recorded fixtures {self.fixture_path} (made by mock-server record):",
            f"contracts check {self.options} --base-url {self.base_url} --profile {self.profile_path}",
            f"with the mock serving them: {self.serve}",
        ]
        profile_text = render_profile(data, notes, header)
        _replace(self.profile_path, profile_text, lambda temp: vendor_specs.read_profile(temp))
        self._written = (fixtures_text, profile_text)
        return True
