"""Secrets in answers: what looks masked, what looks like a credential, and excerpts that never repeat one.

A field the spec marks ``x-secret`` must only ever carry a masked value; any other field whose name says it
holds a credential (``api_key``, ``ApiKey``, ``token``, ``password``, ``Authorization``...) or whose value has the
shape of a well-known key (``sk-...``, ``AKIA...``, a JWT, ``Bearer ...``) is a leak too, wherever in the body
it sits, and also when a lenient parser hides it behind a later value of the same key. Every excerpt a report
prints goes through :func:`redacted`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from contracts.reply import parse_json
from vendor_specs import KEY_SHAPES, SECRET_NAME, secret_fields

__all__ = ["looks_masked", "redact_value", "redacted", "secret_looking", "unmasked"]

_MASK_RUN = re.compile(r"[*\u2022x]{3,}|\.{3,}|\u2026", re.IGNORECASE)
_MASK_WORDS = re.compile(r"masked|redacted|hidden", re.IGNORECASE)
# which names and values are credentials: vendor_specs.SECRET_NAME and KEY_SHAPES (the credential hider's too)
_MIN_SECRET = 8  # a value under a credential's name shorter than this reveals nothing worth hiding
#: what a masked value may show in clear: an auth scheme (`Bearer ***`), a key's kind (`sk-proj-****cdef`)
_PUBLIC_PREFIX = re.compile(
    r"^(?:(?:Bearer|Basic|Token)\s+)?(?:(?:sk|pk|rk)[-_](?:proj|live|test|ant|svcacct)?[-_]?)?", re.IGNORECASE
)
_SCHEME = re.compile(r"^(?:Bearer|Basic|Token|Digest)\s+", re.IGNORECASE)
#: a value under a credential's name that is no credential: text with spaces or markup (`<|eot_id|>`), a URL or a
#: reference to a secret store (`@Microsoft.KeyVault(...)`, `${VAR}`), a placeholder in capitals (`YOUR_API_KEY`)
_NOT_A_KEY = re.compile(r"\s|[<>{}]|://|^@|^\$\{|^[A-Z][A-Z0-9_]*$")


def looks_masked(value: Any) -> bool:
    """A common masking style: a run of mask characters and at most 4 characters of the secret left
    visible (``sk-****abcd``, ``••••1234``, ``[REDACTED]``). Anything longer reveals the key."""
    if not isinstance(value, str):
        return False
    if value == "":
        return True  # reveals nothing
    if not (_MASK_RUN.search(value) or _MASK_WORDS.search(value)):
        return False
    shown = _PUBLIC_PREFIX.sub("", value.strip())  # an auth scheme, a key's public kind: no part of the secret
    visible = re.sub(r"[^0-9A-Za-z]", "", _MASK_WORDS.sub("", _MASK_RUN.sub("", shown)))
    prefix = re.match(r"(sk|pk|key|api)", visible, re.IGNORECASE)
    return len(visible) - (len(prefix.group(0)) if prefix else 0) <= 4


def secret_looking(name: str | int, value: Any) -> bool:
    """Whether ``value`` of the field ``name`` looks like an unmasked credential (by its name or its shape)."""
    if not isinstance(value, str) or looks_masked(value):
        return False
    if any(not _placeholder(m.group(0)) for m in KEY_SHAPES.finditer(value)):
        return True
    return isinstance(name, str) and _credential_like(value) and bool(SECRET_NAME.search(name))


def _placeholder(shaped: str) -> bool:
    """``Bearer YOUR_API_KEY``: a credential's shape around a placeholder in capitals, in documentation text."""
    return _NOT_A_KEY.search(_SCHEME.sub("", shaped)) is not None and _SCHEME.match(shaped) is not None


def _credential_like(value: str) -> bool:
    core = _SCHEME.sub("", value.strip())  # `Basic dXNlcjpwYXNz`: the credential after its scheme
    return len(core) >= _MIN_SECRET and _NOT_A_KEY.search(core) is None


def _named_secret(key: str, name: str | int, value: Any) -> bool:
    """A value that is a secret by its field: an ``x-secret`` field's other than a masked one, or a value under a
    credential's name."""
    declared = secret_fields(key)
    if isinstance(name, str) and name in declared:
        return value is not None and value not in declared[name] and not looks_masked(value)
    return (
        isinstance(name, str)
        and isinstance(value, str)
        and _credential_like(value)
        and bool(SECRET_NAME.search(name))
        and not looks_masked(value)
    )


def unmasked(key: str, name: str | int, value: Any) -> bool:
    """A value that must not be shown: an ``x-secret`` field's value other than a masked one, a value under a
    credential's name, or one with a well-known key's shape."""
    return _named_secret(key, name, value) or secret_looking(name, value)


def redact_value(value: Any) -> str:
    """How a leaked value is shown: its first 3 characters and its length (``sk-…(24 chars)``)."""
    text = str(value)
    return f"{text[:3]}…({len(text)} chars)" if len(text) > 6 else "a short unmasked value"


_NESTED_MAX = 1 << 16  # a string this long at most is read as the JSON document it may hold


def _nested(value: str) -> Any:
    """The JSON object or array a string field holds (a service account's JSON, serialised headers), else None."""
    text = value.strip()
    if not (text[:1] in "{[" and text[-1:] in "}]") or len(text) > _NESTED_MAX:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def fields(body: Any, parts: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every (path, value) of an object's fields in a JSON value, depth first, and in the JSON a string holds."""
    if isinstance(body, dict):
        for key, value in body.items():
            yield (*parts, key), value
            yield from fields(value, (*parts, key))
    elif isinstance(body, list):
        for index, item in enumerate(body):
            yield from fields(item, (*parts, index))
    elif isinstance(body, str) and parts:
        nested = _nested(body)
        if nested is not None:
            yield from fields(nested, parts)


def redacted(key: str, body: bytes) -> bytes:
    """``body`` with every value that must not be shown replaced as in findings (``sk-…(24 chars)``): the
    ``x-secret`` fields' and every credential-looking one, duplicate keys' hidden values included, and in a body
    that is not JSON every credential-shaped string. A report never repeats a leaked key."""
    value, duplicates = parse_json(body)
    leaks: set[str] = set()
    for parts, item in fields(value):
        if parts and isinstance(item, str) and _named_secret(key, parts[-1], item):
            leaks.add(item)
    for dup in duplicates:
        leaks.update(v for v in dup.values if isinstance(v, str) and _named_secret(key, dup.key, v))
    text = body.decode("utf-8", "replace")
    leaks.update(m.group(0) for m in KEY_SHAPES.finditer(text))
    if not leaks:
        return body
    for leak in sorted(leaks, key=len, reverse=True):
        text = text.replace(json.dumps(leak, ensure_ascii=False)[1:-1], redact_value(leak))
        text = text.replace(json.dumps(leak)[1:-1], redact_value(leak))
        text = text.replace(leak, redact_value(leak))
    return text.encode()
