"""Target profiles: which token plays which role, and which model ids are known, for one vendor's server.

The harness reads a profile to test a server (``contracts check --profile``); the mock's recorder reads one to
name the callers it sees and writes one for the fixtures it records (``mock-server record``). The format is
written here once::

    api: respan
    base_url: http://127.0.0.1:9002
    tokens: {owner: ${RESPAN_OWNER_KEY}, stranger: ${RESPAN_OTHER_KEY}}
    models: {own: acme/custom-gpt-4, shared: openai/gpt-4, missing: no-such-model-0000}

``${ENV_VAR}`` is replaced from the environment. Problems raise :class:`InvalidProfile` with a sentence
saying what to fix; each package turns it into its own error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vendor_specs._registry import apis

__all__ = ["MODEL_ROLES", "TOKEN_ROLES", "InvalidProfile", "Profile", "parse_profile", "read_profile"]

#: token roles: owner may read models.own; stranger is valid but must not; reader (Open WebUI) has a read
#: grant only; admin (Open WebUI) is optional.
TOKEN_ROLES = ("owner", "stranger", "reader", "admin")
#: model roles: own is readable by owner only; shared by every valid token; missing must not exist.
MODEL_ROLES = ("own", "shared", "missing")
_KEYS = ("api", "base_url", "tokens", "models")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class InvalidProfile(ValueError):
    """A profile that cannot be read or is not valid; the message says what to fix."""


@dataclass(frozen=True)
class Profile:
    """A typed target profile. Every field is optional except ``api``; checks needing a missing one are skipped."""

    api: str
    base_url: str | None = None
    tokens: Mapping[str, str] = field(default_factory=dict)
    models: Mapping[str, str] = field(default_factory=dict)
    source: str = "(no profile)"

    def token(self, role: str) -> str | None:
        return self.tokens.get(role)

    def model(self, role: str) -> str | None:
        return self.models.get(role)


def _interpolate(value: str, where: str, source: str, env: Mapping[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in env:
            raise InvalidProfile(
                f"profile {source}: {where} uses ${{{name}}}, but the environment variable {name} is not set; "
                f"export it (e.g. `export {name}=...`) or write the value into the profile"
            )
        return env[name]

    return _VAR.sub(repl, value)


def _section(
    data: dict[str, Any], key: str, roles: tuple[str, ...], source: str, env: Mapping[str, str]
) -> dict[str, str]:
    raw = data.get(key) or {}
    if not isinstance(raw, dict):
        raise InvalidProfile(f"profile {source}: `{key}` must be a mapping of role to value, got {type(raw).__name__}")
    out = {}
    for role, value in raw.items():
        if role not in roles:
            raise InvalidProfile(f"profile {source}: unknown {key} role `{role}`; known roles: {', '.join(roles)}")
        if not isinstance(value, str):
            hint = f"; quote it: `{role}: '{value}'`" if isinstance(value, (int, float)) else ""
            raise InvalidProfile(
                f"profile {source}: `{key}.{role}` must be a string, got {type(value).__name__} {value!r}{hint}"
            )
        out[role] = _interpolate(value, f"`{key}.{role}`", source, env)
    return out


def parse_profile(data: Any, *, source: str = "(inline)", env: Mapping[str, str] | None = None) -> Profile:
    """A :class:`Profile` from already-parsed YAML data."""
    env = os.environ if env is None else env
    if not isinstance(data, dict):
        raise InvalidProfile(f"profile {source}: must be a YAML mapping with keys {', '.join(_KEYS)}")
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise InvalidProfile(f"profile {source}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(_KEYS)}")
    api = data.get("api")
    known = apis()
    if api not in known:
        raise InvalidProfile(f"profile {source}: `api` must be one of {', '.join(known)}, got {api!r}")
    base_url = data.get("base_url")
    if base_url is not None:
        if not isinstance(base_url, str):
            raise InvalidProfile(f"profile {source}: `base_url` must be a string, got {type(base_url).__name__}")
        base_url = _interpolate(base_url, "`base_url`", source, env)
        if not re.match(r"^https?://", base_url):
            raise InvalidProfile(f"profile {source}: `base_url` must start with http:// or https://, got {base_url!r}")
    return Profile(
        api=str(api),
        base_url=base_url,
        tokens=_section(data, "tokens", TOKEN_ROLES, source, env),
        models=_section(data, "models", MODEL_ROLES, source, env),
        source=source,
    )


def read_profile(path: str | Path, *, source: str | None = None, env: Mapping[str, str] | None = None) -> Profile:
    """Read and validate the profile file at ``path`` (named ``source`` in messages, by default the path)."""
    source = str(path) if source is None else source
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidProfile(f"profile {source}: cannot be read ({exc.strerror or exc}); check the path") from None
    except UnicodeDecodeError as exc:
        raise InvalidProfile(f"profile {source}: is not UTF-8 text (byte {exc.start}); save it as UTF-8 YAML") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidProfile(f"profile {source}: is not valid YAML{where}; fix the file") from None
    return parse_profile(data, source=source, env=env)
