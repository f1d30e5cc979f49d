"""The likely cause first: what the pattern of a run's answers says, and what to do about it.

The guard counts every answer the target gave (status, media type, a redirect's target, an HTML page's title).
When the pattern is clear, findings are symptoms of one cause that is not in any single finding: every answer is
an HTML page (a web app, not the API: the base URL misses the API's prefix), every request is 404 (a missing or
wrong prefix), every request is redirected to a login page (a gateway wants its own credentials), every answer
is a redirect, a 5xx, or of one undocumented media type; or every error is ``application/problem+json`` (a
framework's default error handler). A :class:`Diagnosis` says so, what to do, and which findings follow from it;
the findings stay, grouped under it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from contracts.findings import Finding
from contracts.guard import AnswerKind
from vendor_specs import operations, servers

__all__ = ["Diagnosis", "diagnose"]

#: the share of answers that makes a pattern "every answer" (a stray probe answered otherwise does not hide it)
SHARE = 0.95
_LOGIN = re.compile(r"log-?in|sign-?in|auth|sso|oauth|session", re.IGNORECASE)


@dataclass(frozen=True)
class Diagnosis:
    """A likely cause: ``cause`` what it is, ``evidence`` the answers that show it, ``advice`` what to do;
    ``findings`` the ids of the findings that follow from it; ``base_urls`` base URLs worth trying instead
    (with ``advice`` saying what each answered when the runner could ask)."""

    kind: str
    cause: str
    evidence: str
    advice: str
    findings: tuple[str, ...] = ()
    base_urls: tuple[str, ...] = ()

    @property
    def not_the_api(self) -> bool:
        """The target is not the API at all (a web app, every path missing, a login or another site): nothing it
        answered can be judged by the spec, so the run could not judge (exit 2), whatever the findings say."""
        return self.kind in NOT_THE_API

    def __str__(self) -> str:
        return f"Likely cause: {self.cause} ({self.evidence})\n  What to do: {self.advice}"


#: the diagnoses that say the target is not the API
NOT_THE_API = frozenset({"login_redirect", "redirect", "html", "not_found"})


def _share(answers: Counter[AnswerKind], test: Callable[[AnswerKind], bool]) -> tuple[int, int]:
    total = sum(answers.values())
    return sum(n for a, n in answers.items() if test(a)), total


def _every(answers: Counter[AnswerKind], test: Callable[[AnswerKind], bool]) -> bool:
    hits, total = _share(answers, test)
    return total >= 3 and hits >= SHARE * total


def _kinds(answers: Counter[AnswerKind], test: Callable[[AnswerKind], bool]) -> str:
    """``64 of 64 answers: 200 text/html`` (the most frequent kinds first)."""
    hits, total = _share(answers, test)
    kinds: Counter[str] = Counter()
    for a, n in answers.items():
        if test(a):
            kinds[f"{a.status} {a.media_type or '(no Content-Type)'}"] += n
    shown = ", ".join(k for k, _ in kinds.most_common(3))
    return f"{hits} of {total} answers: {shown}"


def _alternatives(api: str, root: str) -> list[tuple[str, str]]:
    """Base URLs the spec's servers suggest for the target's origin: (URL, the server's description)."""
    parts = urlsplit(root)
    origin, current = f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")
    out = []
    for server in servers(api):
        if server.prefix != current and (origin + server.prefix, server.description) not in out:
            out.append((origin + server.prefix, server.description))
    return out


def _prefix_advice(api: str, root: str) -> tuple[str, tuple[str, ...]]:
    found = _alternatives(api, root)
    if not found:
        return (
            f"find the path prefix the API is mounted under and add it to --base-url (it is now {root}).",
            (),
        )
    tries = "; ".join(f"--base-url {url}" + (f" ({why.rstrip('.')})" if why else "") for url, why in found)
    return f"point --base-url at the API's path prefix; the spec's servers suggest: {tries}.", tuple(
        u for u, _ in found
    )


def _documented_media(api: str) -> set[str]:
    return {m.lower() for op in operations(api) for r in op.responses.values() for m in (r.get("content") or {})}


def _login(a: AnswerKind) -> bool:
    return 300 <= a.status < 400 and bool(_LOGIN.search(a.location))


def _html(a: AnswerKind) -> bool:
    return a.media_type == "text/html"


def diagnose(
    api: str,
    root: str,
    answers: Counter[AnswerKind],
    findings: Iterable[Finding],
    probe: Callable[[str], str | None] | None = None,
) -> list[Diagnosis]:
    """The likely causes a run's ``answers`` show (the first that fits of the target-wide ones, else a pattern
    of the error answers). ``probe(base_url)`` may say what an alternative base URL answers (None: nothing
    useful), to confirm an advice."""
    findings = list(findings)
    every = tuple(f.id for f in findings)
    prefix_advice, candidates = _prefix_advice(api, root)
    documented = _documented_media(api)
    statuses = {str(code) for op in operations(api) for code in op.responses}
    success = Counter({a: n for a, n in answers.items() if 200 <= a.status < 300})
    pages = _share(answers, _html)[0]
    found: list[Diagnosis] = []
    if _every(answers, lambda a: a.status >= 500):
        found.append(
            Diagnosis(
                "server_error",
                "every request fails with a server error: the target is broken or misconfigured (a missing "
                "database, an upstream it cannot reach)",
                _kinds(answers, lambda a: a.status >= 500),
                "look at the target's own log for the first error; the findings below are all its symptoms.",
                every,
            )
        )
    elif any(_login(a) for a in answers) and _every(answers, lambda a: _login(a) or _html(a)):
        # the gateway's redirects, and its login page where a client followed them
        target = Counter({a.location: n for a, n in answers.items() if _login(a)}).most_common(1)[0][0]
        found.append(
            Diagnosis(
                "login_redirect",
                f"every request is redirected to a login page ({target}): something in front of the API "
                "(a gateway, a web app's session check) wants its own sign-in",
                _kinds(answers, lambda a: _login(a) or _html(a)),
                "send the credentials that gateway expects (e.g. -H 'Cookie: ...' or its token header), or point "
                "--base-url past it at the API itself; the spec's credentials (the profile's tokens) are sent as "
                "documented and do not reach the API.",
                every,
            )
        )
    elif _every(answers, lambda a: 300 <= a.status < 400):
        locations = Counter({a.location: n for a, n in answers.items() if a.location}).most_common(1)
        where = urljoin(root + "/", locations[0][0]) if locations else "(no Location header)"
        found.append(
            Diagnosis(
                "redirect",
                f"every request is redirected (to {where}): the API is not at this base URL",
                _kinds(answers, lambda a: 300 <= a.status < 400),
                "use the URL it redirects to as --base-url (another scheme, host, or a trailing-slash form); "
                "the harness does not follow redirects, because an API answers where its spec says it does.",
                every,
            )
        )
    elif success and _every(success, _html) and pages * 2 >= sum(answers.values()):
        # a web app answers its pages (and its framework's own 404/405 for what it does not route)
        titles = Counter({a.title: n for a, n in answers.items() if a.title})
        titled = f" (titled {titles.most_common(1)[0][0]!r})" if titles else ""
        found.append(
            Diagnosis(
                "html",
                f"the target answers with HTML pages{titled}, never with the API's JSON: the base URL reaches a "
                "web app, not the API",
                _kinds(answers, _html),
                prefix_advice,
                every,
                candidates,
            )
        )
    elif _every(answers, lambda a: a.status == 404):
        found.append(
            Diagnosis(
                "not_found",
                "every request is answered 404, with the credentials the spec documents and without, for every "
                "id: the operation's path does not exist at this base URL (a missing or wrong path prefix)",
                _kinds(answers, lambda a: a.status == 404),
                prefix_advice,
                every,
                candidates,
            )
        )
    else:
        spec_answers = Counter({a: n for a, n in answers.items() if str(a.status) in statuses})
        if spec_answers and _every(spec_answers, lambda a: a.media_type not in documented):
            found.append(
                Diagnosis(
                    "undocumented_media_type",
                    "no answer has a media type the spec documents: this is not the API the spec describes, or "
                    "a proxy in front of it rewrites its answers",
                    _kinds(spec_answers, lambda a: a.media_type not in documented),
                    f"check that --base-url is the API (documented media types: {', '.join(sorted(documented))}); "
                    + prefix_advice,
                    every,
                    candidates,
                )
            )
    errors = Counter({a: n for a, n in answers.items() if 400 <= a.status < 500 and str(a.status) in statuses})
    problem = "application/problem+json"
    if not found and errors and _every(errors, lambda a: a.media_type == problem) and problem not in documented:
        covered = tuple(
            f.id
            for f in findings
            if f.rule == "documented media type" and f.status is not None and 400 <= f.status < 500
        )
        found.append(
            Diagnosis(
                "problem_json",
                "every error is answered as application/problem+json (RFC 9457), the default of a framework's "
                "error handler (Connexion, Spring, ASP.NET); the spec documents the vendor's own JSON error bodies",
                _kinds(errors, lambda a: a.media_type == problem),
                "register error handlers that answer every error status as the spec documents it "
                "(application/json, the vendor's body shape), also for the framework's own errors (404, 405, 422).",
                covered,
            )
        )
    if probe is not None:
        found = [_confirmed(d, probe) for d in found]
    return found


def _confirmed(diagnosis: Diagnosis, probe: Callable[[str], str | None]) -> Diagnosis:
    """``diagnosis`` with what each suggested base URL answered, the ones that look like the API first."""
    if not diagnosis.base_urls:
        return diagnosis
    said = [(url, probe(url)) for url in diagnosis.base_urls]
    notes = [f"{url} answers {what}" for url, what in said if what]
    if not notes:
        return diagnosis
    return replace(diagnosis, advice=f"{diagnosis.advice} Checked: {'; '.join(notes)}.")
