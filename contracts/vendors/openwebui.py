"""Open WebUI: no access -> 401; read-only callers get ``params == {}`` and ``write_access == false``."""

from __future__ import annotations

from contracts.cases import Case, CaseContext
from contracts.checks import Problem
from contracts.findings import Finding


def reader_case(ctx: CaseContext) -> list[Finding]:
    """`reader` (read grant only) sees models.own with params stripped; `owner` sees write_access true."""
    own = ctx.profile.model("own")
    out: list[Finding] = []
    where = ("responses", 200)
    if ctx.profile.token("reader") is not None:
        ex = ctx.send(own, "reader")
        body = ex.json()
        if ex.error is not None:
            pass  # reported as `timeout` by response_checks
        elif ex.status != 200:
            message = f"`reader` reading models.own {own!r}: expected 200, got {ex.status}"
            out.append(ctx.finding("access_control", message, ex, *where, rule="reader reads models.own: 200"))
        elif not isinstance(body, dict):
            # follows from the body itself (not JSON, an HTML page): nested under that finding
            message = f"`reader` reading models.own {own!r}: the 200 body is not a JSON object, so params and write_access cannot be checked"
            out.append(ctx.problem("access_control", ex, Problem(message, where, "JSON object", ())))
        else:
            if body.get("params") != {}:
                message = f"`reader` got params {body.get('params')!r}; documented: {{}} for read-only callers"
                problem = Problem(message, where, "params: {} for read-only callers", ("params",), body.get("params"))
                out.append(ctx.problem("access_control", ex, problem))
            if body.get("write_access") is not False:
                message = f"`reader` got write_access {body.get('write_access')!r}; documented: false"
                problem = Problem(
                    message,
                    where,
                    "write_access: false for read-only callers",
                    ("write_access",),
                    body.get("write_access"),
                )
                out.append(ctx.problem("access_control", ex, problem))
        out += ctx.response_checks(ex)
    ex = ctx.send(own, "owner")
    body = ex.json()
    if isinstance(body, dict) and ex.status == 200 and body.get("write_access") is not True:
        message = f"`owner` got write_access {body.get('write_access')!r} on its own model; expected true"
        problem = Problem(
            message, where, "write_access: true for the owner", ("write_access",), body.get("write_access")
        )
        out.append(ctx.problem("access_control", ex, problem))
    return out


CASES: tuple[Case, ...] = (Case("access_control", ("owner",), ("own",), reader_case),)
