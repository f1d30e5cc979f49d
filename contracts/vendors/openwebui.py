"""Open WebUI: no access -> 401; read-only callers get ``params == {}`` and ``write_access == false``."""

from __future__ import annotations

from contracts.cases import Case, CaseContext
from contracts.findings import Finding


def reader_case(ctx: CaseContext) -> list[Finding]:
    """`reader` (read grant only) sees models.own with params stripped; `owner` sees write_access true."""
    own = ctx.profile.model("own")
    out: list[Finding] = []
    if ctx.profile.token("reader") is not None:
        ex = ctx.send(own, "reader")
        body = ex.json()
        if ex.error is not None:
            pass  # reported as `timeout` by response_checks
        elif ex.status != 200 or not isinstance(body, dict):
            out.append(
                ctx.finding(
                    "access_control",
                    f"`reader` reading models.own {own!r}: expected 200, got {ex.status or ex.error}",
                    ex,
                    "responses",
                    200,
                )
            )
        else:
            if body.get("params") != {}:
                out.append(
                    ctx.finding(
                        "access_control",
                        f"`reader` got params {body.get('params')!r}; documented: {{}} for read-only callers",
                        ex,
                        "responses",
                        200,
                    )
                )
            if body.get("write_access") is not False:
                out.append(
                    ctx.finding(
                        "access_control",
                        f"`reader` got write_access {body.get('write_access')!r}; documented: false",
                        ex,
                        "responses",
                        200,
                    )
                )
        out += ctx.response_checks(ex)
    ex = ctx.send(own, "owner")
    body = ex.json()
    if isinstance(body, dict) and ex.status == 200 and body.get("write_access") is not True:
        out.append(
            ctx.finding(
                "access_control",
                f"`owner` got write_access {body.get('write_access')!r} on its own model; expected true",
                ex,
                "responses",
                200,
            )
        )
    return out


CASES: tuple[Case, ...] = (Case("access_control", ("owner",), ("own",), reader_case),)
