"""One self-contained HTML page for one run or several (``--html PATH``, ``contracts report ... --html PATH``).

The page needs nothing from the network: styles are inline, there is no script. It shows, in this order, the
verdict of each run, the likely causes (:mod:`contracts.diagnosis`), a check x operation matrix (one column per
run and operation, so the three vendors or one vendor's deployments sit side by side), each finding with its
field, rule, value, spec pointer, reproduction and the request and response excerpts (what follows from it
nested under it), and the checks that were skipped with their reasons.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING

from contracts.checks import CHECKS
from contracts.findings import Finding
from contracts.report import cells, verdict
from vendor_specs import __version__

if TYPE_CHECKING:
    from contracts.runner import RunResult

__all__ = ["render_html"]

_STYLE = """
:root { --fail: #b42318; --fail-bg: #fef3f2; --follow: #b54708; --follow-bg: #fffaeb; --pass: #067647;
  --pass-bg: #ecfdf3; --skip: #475467; --skip-bg: #f2f4f7; --accept: #175cd3; --accept-bg: #eff8ff;
  --line: #d0d5dd; --ink: #101828; --muted: #475467; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  margin: 0 auto; padding: 24px 32px 48px; max-width: 1280px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 12px; }
h3 { font-size: 15px; margin: 0 0 8px; font-weight: 600; } h4 { margin: 0 0 4px; font-size: 12px;
  text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.meta { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; }
code, pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f9fafb; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 0;
  white-space: pre-wrap; word-break: break-all; }
.verdict { display: inline-block; font-weight: 700; padding: 2px 10px; border-radius: 999px; color: #fff; }
.verdict.PASSED { background: var(--pass); } .verdict.FAILED { background: var(--fail); }
.verdict.INCOMPLETE, .verdict.NOT-JUDGED { background: var(--follow); }
.error, .overlayfit { border-left: 5px solid var(--follow); background: var(--follow-bg); padding: 12px 16px;
  border-radius: 6px; margin: 12px 0; }
.diagnosis { border-left: 5px solid var(--follow); background: var(--follow-bg); padding: 12px 16px;
  border-radius: 6px; margin: 12px 0; }
.diagnosis p { margin: 4px 0; }
.matrix td.cell { text-align: center; white-space: nowrap; font-weight: 600; }
.matrix td.cell a { color: inherit; }
.cell.failed { color: var(--fail); background: var(--fail-bg); }
.cell.follows { color: var(--follow); background: var(--follow-bg); }
.cell.passed { color: var(--pass); background: var(--pass-bg); }
.cell.accepted { color: var(--accept); background: var(--accept-bg); }
.cell.warned { color: var(--follow); background: var(--follow-bg); }
.cell.skipped, .cell.none { color: var(--skip); background: var(--skip-bg); font-weight: 400; }
.matrix th.checkname { white-space: nowrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; } .matrix th small { font-weight: 400; color: var(--muted); }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--fail); border-radius: 6px;
  padding: 12px 16px; margin: 12px 0; }
.finding.accepted { border-left-color: var(--accept); }
.finding.warning { border-left-color: var(--follow); } .finding.warning .check { color: var(--follow); }
.severity { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; padding: 1px 6px;
  border-radius: 4px; margin-right: 6px; }
.severity.failure { color: #fff; background: var(--fail); } .severity.warning { color: #fff; background: var(--follow); }
.severity.note { color: #fff; background: var(--skip); }
.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
.finding dt { color: var(--muted); } .finding dd { margin: 0; }
.exchange { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin-top: 8px; }
.check { color: var(--fail); } .finding.accepted .check { color: var(--accept); }
.follows-list { margin: 8px 0 0; padding-left: 18px; } .follows-list li { margin: 4px 0; }
details summary { cursor: pointer; color: var(--muted); margin-top: 8px; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border-radius: 4px; }
"""

_LEGEND = (
    ("failed", "failed: findings of its own"),
    ("warned", "warned: only warnings (the page is silent; the spec infers) or texts"),
    ("follows", "follows: only findings that follow from another check's"),
    ("accepted", "accepted by the baseline"),
    ("passed", "passed"),
    ("skipped", "skipped (hover for the reason)"),
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _anchor(run: int, finding: Finding) -> str:
    return f"r{run}-{finding.id}"


def _run_label(result: RunResult) -> str:
    return f"{result.api} at {result.root}"


def _summary(results: list[RunResult]) -> str:
    rows = []
    for i, r in enumerate(results):
        v = verdict(r)
        follows = sum(len(f.consequences) for f in r.open)
        rows.append(
            "<tr>"
            f'<td><span class="verdict {v.replace(" ", "-")}">{v}</span></td>'
            f"<td><strong>{_e(r.api)}</strong></td><td><code>{_e(r.root)}</code></td>"
            f"<td>{len(r.failures)}" + (f" <small>(+{follows} that follow)</small>" if follows else "") + "</td>"
            f"<td>{len(r.warnings)}</td><td>{len(r.accepted)}</td><td>{r.requests}</td><td>{r.seconds:.1f} s</td>"
            f"<td><small>{_e(r.profile)}, seed {r.seed}</small></td>"
            f'<td><a href="#run-{i}">findings</a></td>'
            "</tr>"
        )
    head = "<tr><th>verdict</th><th>API</th><th>base URL</th><th>failures</th><th>warnings</th><th>accepted</th><th>requests</th><th>time</th><th>profile</th><th></th></tr>"
    return f'<section id="runs"><table class="runs">{head}{"".join(rows)}</table></section>'


def _diagnoses(results: list[RunResult]) -> str:
    parts = []
    for i, r in enumerate(results):
        ids = {f.id: f for f in r.findings}
        for d in r.diagnoses:
            first: dict[str, Finding] = {}
            counts: dict[str, int] = {}
            for x in d.findings:
                if x in ids:
                    first.setdefault(ids[x].check, ids[x])
                    counts[ids[x].check] = counts.get(ids[x].check, 0) + 1
            links = [
                f'<a href="#{_anchor(i, f)}">{_e(check)}</a>' + (f" ({counts[check]})" if counts[check] > 1 else "")
                for check, f in first.items()
            ]
            follows = f"<p>The findings that follow from it: {', '.join(links)}</p>" if links else ""
            parts.append(
                f'<div class="diagnosis" data-kind="{_e(d.kind)}"><h3>Likely cause ({_e(_run_label(r))})</h3>'
                f'<p class="cause"><strong>{_e(d.cause[:1].upper() + d.cause[1:])}.</strong></p>'
                f'<p class="evidence">{_e(d.evidence)}</p>'
                f'<p class="advice"><strong>What to do:</strong> {_e(d.advice)}</p>{follows}</div>'
            )
    return f'<section id="diagnoses">{"".join(parts)}</section>' if parts else ""


def _matrix(results: list[RunResult]) -> str:
    columns: list[tuple[int, str]] = []
    table = []
    for i, r in enumerate(results):
        found = cells(r)
        table.append(found)
        for op in dict.fromkeys(op for _, op in sorted(found) if op != "*"):
            columns.append((i, op))
    checks = [c for c in CHECKS.names() if any(c == k for t in table for k, _ in t)]
    checks += sorted({k for t in table for k, _ in t if k not in CHECKS})
    head = "".join(
        f"<th>{_e(results[i].api)}<br><small>{_e(op)}</small>"
        + (f"<br><small>{_e(results[i].root)}</small>" if len(results) > 1 else "")
        + "</th>"
        for i, op in columns
    )
    rows = []
    for check in checks:
        tds = []
        for i, op in columns:
            state, text = table[i].get((check, op)) or table[i].get((check, "*")) or ("none", "not run")
            first = next((f for f in results[i].findings if f.key == (check, op)), None)
            if first is None and state == "follows":
                first = next(
                    (f for f in results[i].findings if any(c.key == (check, op) for c in f.consequences)), None
                )
            body = f'<a href="#{_anchor(i, first)}">{_e(text)}</a>' if first is not None else _e(text)
            title = f' title="{_e(text)}"' if state == "skipped" else ""
            shown = "skipped" if state == "skipped" else body
            tds.append(f'<td class="cell {state}" data-check="{_e(check)}" data-run="{i}"{title}>{shown}</td>')
        rows.append(
            f'<tr><th class="checkname" title="{_e(CHECKS[check].description if check in CHECKS else "")}">{_e(check)}</th>{"".join(tds)}</tr>'
        )
    legend = "".join(f'<span class="cell {s}">{_e(t)}</span>' for s, t in _LEGEND)
    return (
        '<section id="matrix"><h2>Checks × operations</h2>'
        f'<table class="matrix"><tr><th>check</th>{head}</tr>{"".join(rows)}</table>'
        f'<p class="legend">{legend}</p></section>'
    )


def _finding(run: int, f: Finding) -> str:
    rows = []
    if f.path:
        rows.append(("field", f"<code>{_e(f.path)}</code>"))
    if f.rule_id:
        rows.append(("page rule", f"<code>{_e(f.rule_id)}</code>"))
    if f.rule:
        rows.append(("rule", f"<code>{_e(f.rule)}</code>"))
    if f.value is not None:
        rows.append(("value", f"<code>{_e(f.value)}</code>"))
    rows.append(("spec", f'<code class="pointer">{_e(f.location)}</code>'))
    if f.count > 1:
        rows.append(("seen", f"{f.count} times" + (f" ({_e(', '.join(f.sources))})" if f.sources else "")))
    elif f.sources:
        rows.append(("seen", f"once ({_e(', '.join(f.sources))})"))
    if f.accepted:
        rows.append(("accepted", _e(f.accepted)))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    parts = [
        f'<article class="finding {" accepted" if f.accepted else f.severity}" id="{_anchor(run, f)}">',
        f'<h3><span class="severity {_e(f.severity)}">{_e(f.severity)}</span>'
        f'<span class="check">[{_e(f.check)}]</span> {_e(f.operation)}: {_e(f.message)}</h3><dl>{dl}</dl>',
    ]
    if f.curl:
        parts.append(f"<h4>Reproduce{' (the shortest of them)' if f.count > 1 else ''}</h4><pre>{_e(f.curl)}</pre>")
    if f.request or f.response:
        parts.append(
            '<div class="exchange">'
            f"<div><h4>Request</h4><pre>{_e(f.request or '(not recorded)')}</pre></div>"
            f"<div><h4>Response</h4><pre>{_e(f.response or '(no answer)')}</pre></div></div>"
        )
    if f.consequences:
        items = "".join(
            f'<li><span class="check">[{_e(c.check)}]</span> {_e(c.message)}'
            + (f" <small>({c.count} times)</small>" if c.count > 1 else "")
            + (
                f"<br><small>field <code>{_e(c.path)}</code>, spec <code>{_e(c.location)}</code></small>"
                if c.path
                else ""
            )
            + "</li>"
            for c in f.consequences
        )
        parts.append(
            f"<details open><summary>{len(f.consequences)} finding(s) follow from it (not counted separately)"
            f'</summary><ul class="follows-list">{items}</ul></details>'
        )
    parts.append("</article>")
    return "".join(parts)


def _run_details(i: int, r: RunResult) -> str:
    parts = [f'<section id="run-{i}"><h2>Findings: {_e(_run_label(r))}</h2>']
    if not r.findings:
        parts.append("<p>No findings.</p>")
    rank = {"failure": 0, "warning": 1, "note": 2}
    for f in sorted(r.findings, key=lambda f: (f.accepted is not None, rank.get(f.severity, 3), CHECKS.order(f.check))):
        parts.append(_finding(i, f))
    if r.skipped:
        rows = "".join(
            f"<tr><td>{_e(o.check)}</td><td>{_e(o.operation)}</td><td>{_e(o.skipped)}</td></tr>" for o in r.skipped
        )
        parts.append(
            f'<h3>Skipped checks</h3><table class="skipped"><tr><th>check</th><th>operation</th><th>why</th></tr>{rows}</table>'
        )
    for title, items in (
        ("Notes", r.notes),
        ("Where the vendor's page allows several answers", r.observations),
        (
            "Baseline entries that matched nothing",
            [f"{e.check} {e.operation or '(any operation)'}: {e.reason}" for e in r.stale_baseline],
        ),
    ):
        if items:
            parts.append(f"<h3>{_e(title)}</h3><ul>" + "".join(f"<li>{_e(x)}</li>" for x in items) + "</ul>")
    if r.incomplete:
        parts.append(f"<p><strong>INCOMPLETE:</strong> {_e(r.incomplete)}</p>")
    parts.append("</section>")
    return "".join(parts)


def _errors(results: list[RunResult]) -> str:
    """Why a run could not judge its target, and the overlays that describe what a run found: first, where a
    person looks."""
    parts = []
    for r in results:
        if r.error:
            parts.append(f'<div class="error"><h3>Could not judge {_e(_run_label(r))}</h3><p>{_e(r.error)}</p></div>')
        for fit in r.overlays:
            parts.append(f'<div class="overlayfit"><h3>{_e(_run_label(r))}</h3><p>{_e(str(fit))}</p></div>')
    return "".join(parts)


def render_html(results: list[RunResult], generated: dt.datetime | None = None) -> str:
    """The page for ``results`` (one run, or several side by side)."""
    when = (generated or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    overall = (
        "FAILED"
        if any(r.exit_code == 1 for r in results)
        else "NOT JUDGED"
        if any(r.not_the_api or r.error for r in results)
        else "INCOMPLETE"
        if any(r.exit_code for r in results)
        else "PASSED"
    )
    apis = ", ".join(dict.fromkeys(r.api for r in results))
    body = "".join(
        [
            f'<header><h1>Contract check: <span class="verdict {overall.replace(" ", "-")}">{overall}</span></h1>',
            f'<p class="meta">{_e(apis)} · {len(results)} run(s) · contracts {_e(__version__)} · {when}</p></header>',
            _errors(results),
            _summary(results),
            _diagnoses(results),
            _matrix(results),
            *(_run_details(i, r) for i, r in enumerate(results)),
        ]
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Contract check: {overall} ({_e(apis)})</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )
