"""Target profile: what the harness cannot guess about a live server (tokens, known model ids).

YAML with ``${ENV_VAR}`` interpolation so secrets stay out of the file::

    api: respan
    base_url: http://127.0.0.1:9002
    tokens: {owner: ${RESPAN_OWNER_KEY}, stranger: ${RESPAN_OTHER_KEY}}
    models: {own: acme/custom-gpt-4, shared: openai/gpt-4, missing: no-such-model-0000}

The format is ``vendor_specs``' (the mock's recorder reads and writes the same files); here its problems
become :class:`ProfileError`. ``load_profile("mock", api="respan")`` loads a profile by name
(:mod:`contracts.named_profiles`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import vendor_specs
from contracts.errors import ProfileError
from contracts.named_profiles import is_profile_name, named_profile_path
from vendor_specs import MODEL_ROLES, TOKEN_ROLES, InvalidProfile, Profile

__all__ = ["MODEL_ROLES", "TOKEN_ROLES", "Profile", "load_profile", "parse_profile"]


def parse_profile(data: Any, *, source: str = "(inline)", env: Mapping[str, str] | None = None) -> Profile:
    """A :class:`Profile` from already-parsed YAML data."""
    try:
        return vendor_specs.parse_profile(data, source=source, env=env)
    except InvalidProfile as exc:
        raise ProfileError(str(exc)) from None


def load_profile(path: str | Path, *, api: str | None = None, env: Mapping[str, str] | None = None) -> Profile:
    """Read and validate the profile at ``path``, or the named one (``"mock"``) for ``api``; raises
    :class:`ProfileError` with a fix-it message."""
    source = str(path)
    if is_profile_name(path):
        path = named_profile_path(source, api)
        source = f"{source} ({path})"
    try:
        return vendor_specs.read_profile(path, source=source, env=env)
    except InvalidProfile as exc:
        raise ProfileError(str(exc)) from None
