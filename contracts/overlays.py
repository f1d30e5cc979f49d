"""``contracts overlays`` and ``contracts diff``: which overlays are shipped, and what one changes from the page.

An overlay (``openapi/overlays/<name>.yaml``, OpenAPI Overlay 1.0.0) is what a real implementation does
differently from the vendor's page. ``diff`` shows, per difference (an action, or the actions one
``x-deviation`` names), its evidence and every node of the spec it changes, page value beside overlay value.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from vendor_specs import (
    ABSENT,
    Action,
    Change,
    Overlay,
    add_overlay_argument,
    base_spec,
    load_overlay,
    overlay_changes,
    overlays,
)

__all__ = ["diff_document", "register", "render_diff", "render_overlays"]

_WIDTH = 44  # characters of a value shown in the table


def _shown(value: Any) -> str:
    if value is ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 3] + "..."


def _groups(overlay: Overlay) -> list[tuple[str, list[tuple[Action, tuple[Change, ...]]]]]:
    """The differences in file order: each deviation name with its actions and their changes."""
    groups: dict[str, list[tuple[Action, tuple[Change, ...]]]] = {}
    for action, changes in overlay_changes(overlay, base_spec(overlay.vendor)):
        groups.setdefault(action.deviation, []).append((action, changes))
    return list(groups.items())


def render_overlays(out: TextIO) -> None:
    rows = [("name", "extends", "actions", "title")]
    for name, path in overlays().items():
        found = load_overlay(path)
        rows.append((name, f"{found.vendor}.yaml", str(len(found.actions)), found.title))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip(), file=out)
    print(
        "\nshow one: contracts diff --overlay NAME; use one: --overlay NAME (mock-server, contracts check/validate)",
        file=out,
    )


def diff_document(overlay: Overlay) -> dict[str, Any]:
    """The diff as JSON data: the overlay and, per difference, its actions with their changes."""
    differences = []
    for name, actions in _groups(overlay):
        differences.append(
            {
                "deviation": name,
                "page_silent": all(action.page_silent for action, _ in actions),
                "actions": [
                    {
                        "number": action.number,
                        "target": action.target,
                        "description": action.description,
                        "changes": [
                            {"pointer": c.pointer}
                            | ({} if c.page is ABSENT else {"page": c.page})
                            | ({} if c.overlay is ABSENT else {"overlay": c.overlay})
                            for c in changes
                        ],
                    }
                    for action, changes in actions
                ],
            }
        )
    return {
        "overlay": overlay.name,
        "title": overlay.title,
        "version": overlay.version,
        "extends": f"{overlay.vendor}.yaml",
        "file": str(overlay.path),
        "differences": differences,
    }


def render_diff(overlay: Overlay, out: TextIO) -> None:
    """The diff as a table a person reads: per difference its evidence, then each changed node."""
    groups = _groups(overlay)
    silent = sum(1 for _, actions in groups if all(a.page_silent for a, _ in actions))
    print(f"{overlay.name}: {overlay.title}", file=out)
    print(
        f"extends {overlay.vendor}.yaml; {len(groups) - silent} deviation(s) from the page, "
        f"{silent} where the page is silent ({len(overlay.actions)} action(s))",
        file=out,
    )
    rows: list[tuple[str, str, str]] = []
    for _deviation, actions in groups:
        kind = "where the page is silent" if all(a.page_silent for a, _ in actions) else "deviation"
        numbers = ", ".join(str(a.number) for a, _ in actions)
        rows.append(("", "", ""))
        rows.append((f"[{kind}] action {numbers}", "", ""))
        for action, changes in actions:
            rows.append((f"  {action.target}", "", ""))
            for line in _wrap(action.description, 100):
                rows.append((f"  | {line}", "", ""))
            base = _common(changes)
            rows.append((f"    at {base or '/'}:", "", ""))
            rows += [(f"      {c.pointer[len(base) + 1 :] or '.'}", _shown(c.page), _shown(c.overlay)) for c in changes]
    width = max([len(r[0]) for r in rows if r[1] or r[2]] + [len("where")])
    print(f"\n{'where'.ljust(width)}  {'page'.ljust(_WIDTH)}  {overlay.name}", file=out)
    for where, page, changed in rows:
        print(f"{where.ljust(width)}  {page.ljust(_WIDTH)}  {changed}".rstrip() if page or changed else where, file=out)


def _common(changes: tuple[Change, ...]) -> str:
    """The pointer every change lies under (the parent of a single change)."""
    paths = [c.pointer.split("/") for c in changes]
    if not paths:
        return ""
    common = paths[0][:-1] if len(paths) == 1 else paths[0]
    for parts in paths[1:]:
        while parts[: len(common)] != common:
            common = common[:-1]
    return "/".join(common)


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def _overlays(args: argparse.Namespace) -> int:
    if args.json:
        data = [
            {
                "name": name,
                "extends": f"{o.vendor}.yaml",
                "title": o.title,
                "actions": len(o.actions),
                "file": str(path),
            }
            for name, path in overlays().items()
            for o in [load_overlay(path)]
        ]
        print(json.dumps(data, indent=2))
    else:
        render_overlays(sys.stdout)
    return 0


def _diff(args: argparse.Namespace) -> int:
    overlay = load_overlay(args.overlay)
    if args.json:
        print(json.dumps(diff_document(overlay), indent=2, ensure_ascii=False))
    else:
        render_diff(overlay, sys.stdout)
    return 0


def register(sub: Any) -> None:
    """Add the ``overlays`` and ``diff`` subcommands."""
    listing = sub.add_parser("overlays", help="list the shipped overlays (what real implementations do differently)")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=_overlays)
    diff = sub.add_parser(
        "diff",
        help="show what an overlay's implementation does differently from the vendor's page",
        description="Per difference: its evidence and every node of the spec it changes, page value beside the "
        "overlay's. Deviations are what `contracts check` without the overlay reports against that implementation.",
    )
    add_overlay_argument(diff, "show the differences of", required=True)
    diff.add_argument("--json", action="store_true", help="print JSON instead of a table")
    diff.set_defaults(func=_diff)
