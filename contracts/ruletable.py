"""``contracts rules``: the page's rules of one vendor as a table (or JSON), each with the page's own words.

The table is the spec's ``x-rules`` (``vendor_specs.rules``): what the harness judges, why it is a failure or a
warning, where in the spec it lives, and which check judges it.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any, TextIO

from contracts.errors import UsageError
from contracts.findings import spec_file
from vendor_specs import APIS, SpecError, add_overlay_argument, rules, spec_key

__all__ = ["register", "render_rules", "rules_document"]


def rules_document(key: str) -> dict[str, Any]:
    """The table as JSON data: the spec file and every rule."""
    return {"api": key, "spec": spec_file(key), "rules": [r.as_dict() for r in rules(key)]}


def render_rules(key: str, out: TextIO) -> None:
    found = rules(key)
    states = sum(1 for r in found if r.severity == "failure")
    print(
        f"{key}: {len(found)} rules of the page ({states} it states: breaking one is a failure; "
        f"{len(found) - states} the spec infers or texts it shows: a warning) - {spec_file(key)}#/x-rules",
        file=out,
    )
    for r in found:
        print("", file=out)
        print(
            f"{r.id}  [{r.severity}: {'text the page gives verbatim' if r.text else r.basis}]  check: {', '.join(r.checks)}",
            file=out,
        )
        for line in textwrap.wrap(f"page: “{r.page}”", 110, subsequent_indent="      "):
            print(f"  {line}", file=out)
        if r.reason:
            for line in textwrap.wrap(f"why inferred: {r.reason}", 110, subsequent_indent="      "):
                print(f"  {line}", file=out)
        if r.when:
            print("  predicts: " + ", ".join(f"{k} {'/'.join(v)}" for k, v in r.when.items()), file=out)
        print(f"  spec: {', '.join(r.where)}", file=out)


def _rules(args: argparse.Namespace) -> int:
    try:
        key = spec_key(args.api, args.overlay)
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        json.dump(rules_document(key), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        render_rules(key, sys.stdout)
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "rules",
        help="list the page's rules of a vendor: its words, failure or warning, spec location, check",
        description="Every normative statement of the vendor's documentation page, as the harness judges it: "
        "the page's words, whether the page states it (a deviation is a failure) or the spec infers it where the "
        "page is silent (a warning), where it lives in the spec, and the check that judges it.",
    )
    parser.add_argument("--api", required=True, choices=APIS, help="which vendor")
    add_overlay_argument(parser, "list the rules as left by")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.set_defaults(func=_rules)
