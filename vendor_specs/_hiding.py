"""Credentials out of everything that shows or stores a request: the one hider.

The mock's request journal and access log, the harness's reproductions and excerpts, the proxy's and the
recorder's log lines all show requests through a :class:`Hider`. It knows some credentials by value (a
fixture identity's token, a profile's token: value -> label, shown as ``<label>``) and where credentials go
(the spec's security schemes and ``x-credential`` parameters, plus any ``Authorization``, ``Cookie`` or
header or query parameter whose name says it holds one). Two rules:

- **Whole values.** A credential is replaced as a whole, never piecewise: a value in a credential's place is
  ``<label>`` when it *is* a known credential and ``<unknown token>`` otherwise, so a token that extends a known
  one (``T-77119`` when only ``T`` is known) shows neither ``<T's label>`` nor its tail. In free text (a URL, a
  body, a header no scheme names) known credentials are found longest first, in one pass, and one found inside a
  longer run of token characters hides that whole run as ``<unknown token>``.
- **Shapes.** Whatever has the shape of a well-known credential (``sk-...``, ``AKIA...``, a JWT,
  ``Bearer <16+ characters>``) and matches no known one is hidden whole as ``<unknown token>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote_plus

from vendor_specs._match import operations
from vendor_specs._security import credentials, placements

__all__ = ["KEY_SHAPES", "REDACTED", "SECRET_NAME", "UNKNOWN", "Hider", "credential_name"]

UNKNOWN = "<unknown token>"  # a credential no label is known for, hidden whole
REDACTED = "<redacted>"  # a cookie that is no known credential (browsers send every localhost cookie)

#: field, header or parameter names that say the value is a credential (the whole name, or its last word in
#: snake, kebab or camel case)
SECRET_NAME = re.compile(
    r"(?:^|[_\-. ]|(?<=[a-z0-9])(?=[A-Z]))"
    r"(?:api[_\-]?key|apikey|secret|secret[_\-]?key|client[_\-]?secret|(?:access|refresh|auth|bearer|api)?[_\-]?token"
    r"|password|passwd|private[_\-]?key|access[_\-]?key|subscription[_\-]?key|authorization|credentials?)$",
    re.IGNORECASE,
)
#: values with the shape of a well-known credential, whatever the field is called
KEY_SHAPES = re.compile(
    r"\bsk-(?:proj-|live-|test-|ant-)?[A-Za-z0-9_\-]{16,}"
    r"|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}"
    r"|\bxox[abprs]-[A-Za-z0-9\-]{10,}"
    r"|\bAIza[0-9A-Za-z_\-]{35}"
    r"|\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"
    r"|\b[Bb]earer\s+[A-Za-z0-9._~+/\-]{16,}"
    r"|-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"  # a PEM private key
    # a URL carrying a password (user:password@) or a credential in its query, unless masked
    r"|\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@\"']+:(?![*\u2022.]{3}|x{3})[^\s/@\"']{3,}@"
    r"|[?&](?:api[_\-]?key|apikey|key|access[_\-]?token|token|secret|password|sig)=(?=[A-Za-z0-9_\-%]*\d)"
    r"[A-Za-z0-9_\-%]{16,}(?![^&\s\"'#])"
)
# A header or query parameter holds a credential by its name: the names above, or a last word `key`
# (X-Blocks-Key, project_key, X-API-Key).
_CREDENTIAL_NAME = re.compile(rf"{SECRET_NAME.pattern[:-1]}|(?:^|[_\-.])key$", re.IGNORECASE)
_ALWAYS_HEADERS = frozenset({"authorization", "proxy-authorization"})
# Characters that continue a token: a known credential next to one of these is part of a longer value.
_JOINED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_RUN = _JOINED | frozenset(".~+")  # how far such a longer value reaches (a trailing '.' ends a sentence)


def credential_name(name: str) -> bool:
    """Whether a header or query parameter called ``name`` carries a credential by its name alone."""
    return name.lower() in _ALWAYS_HEADERS or bool(_CREDENTIAL_NAME.search(name))


class Hider:
    """Shows requests without their credentials. ``known``: credential value -> label (``<label>``);
    ``headers``: credential header names (any case) -> the scheme word before the token (``Bearer``, or '');
    ``query``/``cookies``: parameter and cookie names that carry one. :meth:`for_spec` reads them from a spec."""

    def __init__(
        self,
        known: Mapping[str, str] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        query: Iterable[str] = (),
        cookies: Iterable[str] = (),
    ) -> None:
        self.known = {value: f"<{label}>" for value, label in (known or {}).items() if value}
        self.headers = {name.lower(): word for name, word in (headers or {}).items()}
        self.query = frozenset(query)
        self.cookie_names = frozenset(cookies)
        ordered = sorted(self.known, key=len, reverse=True)  # one alternation, longest first
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    @classmethod
    def for_spec(cls, key: str, known: Mapping[str, str] | None = None) -> Hider:
        """A hider for requests to spec ``key``: its security schemes' places and every operation's
        ``x-credential`` parameters (SELISE's ``project_key``) count as credentials."""
        found = credentials(key)
        for op in operations(key):
            found += [c for c in placements(key, op) if c not in found]
        return cls(
            known,
            headers={c.name: c.prefix for c in found if c.where == "header"},
            query={c.name for c in found if c.where == "query"},
            cookies={c.name for c in found if c.where == "cookie"},
        )

    # ------------------------------------------------------------------ a credential in its place
    def owner(self, value: str) -> str | None:
        """The label of ``value`` when it is a known credential as a whole (None otherwise)."""
        shown = self.known.get(value)
        return shown[1:-1] if shown is not None else None

    def value(self, value: str) -> str:
        """A value in a credential's place: ``<label>`` when it is a known one, else ``<unknown token>``
        ('' stays '')."""
        if not value.strip():
            return value
        return self.known.get(value.strip(), UNKNOWN)

    def header(self, name: str, value: str) -> str:
        """One header's value as shown: a credential header's token whole (an HTTP auth scheme's word, such as
        ``Bearer``, kept), each cookie on its own, any other header as free text."""
        lower = name.lower()
        if lower == "cookie":
            return self.cookies(value)
        word = self.headers.get(lower)
        if word is None and not credential_name(lower):
            return self.text(value)
        scheme, token = self._split(lower, value)
        return f"{scheme} {self.value(token)}" if scheme else self.value(value)

    def header_owner(self, name: str, value: str) -> str | None:
        """The label of the known credential a credential header carries (None: none, or no credential's place)."""
        lower = name.lower()
        if lower not in self.headers and not credential_name(lower):
            return None
        return self.owner(self._split(lower, value)[1])

    def _split(self, lower: str, value: str) -> tuple[str, str]:
        """(scheme word, token) of an HTTP auth header (``Bearer``, ``Basic``...); ('', value) for an API key."""
        if lower in _ALWAYS_HEADERS or self.headers.get(lower):
            scheme, space, token = value.strip().partition(" ")
            if space:
                return scheme, token.strip()
        return "", value.strip()

    def cookies(self, value: str) -> str:
        """A Cookie header with each value shown as its label, or ``<redacted>``: browsers send the cookies of
        every localhost port (a real Open WebUI session's ``token`` among them)."""
        shown = []
        for pair in value.split(";"):
            name, eq, cookie = pair.strip().partition("=")
            shown.append(f"{name}={self.known.get(cookie.strip(), REDACTED)}" if eq else REDACTED)
        return "; ".join(shown)

    def parameter(self, name: str, value: str) -> str:
        """One query parameter's (decoded) value as shown."""
        if name in self.query or credential_name(name):
            return self.value(value)
        return self.text(value)

    # ------------------------------------------------------------------ free text
    def target(self, target: str) -> str:
        """A URL or request target (``/path?query``, percent-encoded as sent) as shown: each credential
        parameter's value whole (``project_key=<alpha>``), the rest as free text."""
        head, mark, query = target.partition("?")
        if not mark:
            return self.text(target)
        pieces = []
        for piece in query.split("&"):
            name, equals, value = piece.partition("=")
            decoded = unquote_plus(value)
            if equals and (unquote_plus(name) in self.query or credential_name(unquote_plus(name))):
                piece = f"{name}={self.value(decoded)}"  # a credential's place: its name says what it is
            elif equals and decoded != value and self.text(decoded) != decoded:  # hidden by percent-encoding
                piece = f"{self.text(name)}={self.text(decoded)}"
            else:
                piece = self.text(piece)
            pieces.append(piece)
        return f"{self.text(head)}?{'&'.join(pieces)}"

    def text(self, text: str) -> str:
        """Free text with every known credential as ``<label>`` (longest first, one pass), a known one inside a
        longer token as ``<unknown token>`` for the whole token, and every credential-shaped value as
        ``<unknown token>``."""
        if self._pattern is not None:
            text = self._known(text)
        if KEY_SHAPES.search(text) is None:
            return text
        return KEY_SHAPES.sub(_shape, text)

    def _known(self, text: str) -> str:
        assert self._pattern is not None
        out: list[str] = []
        done = 0
        found = self._pattern.search(text)
        while found is not None:
            start, end = found.span()
            if (start and text[start - 1] in _JOINED) or (end < len(text) and text[end] in _JOINED):
                while start and text[start - 1] in _RUN:  # a longer token: hidden whole
                    start -= 1
                while end < len(text) and text[end] in _RUN:
                    end += 1
                while text[end - 1] == "." and end - 1 > found.end():  # a sentence's full stop
                    end -= 1
                shown = self.known.get(text[start:end], UNKNOWN)
            else:
                shown = self.known[found.group(0)]
            start = max(start, done)
            out += [text[done:start], shown]
            done = end
            found = self._pattern.search(text, end)
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)


def _shape(found: re.Match[str]) -> str:
    text = found.group(0)
    if text[:6].lower() == "bearer":
        return text[: len(text) - len(text[6:].lstrip())] + UNKNOWN
    return UNKNOWN
