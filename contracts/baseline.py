"""Known deviations: findings a team has accepted (check + operation + reason), so CI fails only on new ones.

File format (YAML)::

    accepted:
      - check: error_contract
        operation: GET /api/models/{model_name}/   # optional: omitted = every operation
        reason: our 404 body is problem+json until TICKET-12 ships
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from contracts.checks import CHECKS
from contracts.errors import BaselineError
from contracts.findings import Finding

__all__ = ["Accepted", "apply_baseline", "load_baseline"]


@dataclass(frozen=True)
class Accepted:
    check: str
    operation: str | None
    reason: str

    def matches(self, finding: Finding) -> bool:
        return finding.check == self.check and self.operation in (None, finding.operation)


def load_baseline(path: str | Path) -> list[Accepted]:
    source = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"baseline {source}: cannot be read ({exc.strerror or exc}); check the path") from None
    except UnicodeDecodeError:
        raise BaselineError(f"baseline {source}: is not UTF-8 text; save it as UTF-8 YAML") from None
    except yaml.YAMLError:
        raise BaselineError(f"baseline {source}: is not valid YAML; fix the file") from None
    entries = data.get("accepted") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BaselineError(
            f"baseline {source}: needs a top-level `accepted:` list of {{check, operation, reason}} entries"
        )
    out = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise BaselineError(f"baseline {source}: entry {i} must be a mapping with check, operation and reason")
        check, reason = entry.get("check"), entry.get("reason")
        if not isinstance(check, str) or not check:
            raise BaselineError(f"baseline {source}: entry {i} has no `check`; name the check the finding came from")
        if not isinstance(reason, str) or not reason.strip():
            raise BaselineError(
                f"baseline {source}: entry {i} ({check}) has no `reason`; say why the deviation is accepted"
            )
        unknown = sorted(set(entry) - {"check", "operation", "reason"})
        if unknown:
            raise BaselineError(f"baseline {source}: entry {i} has unknown key(s) {', '.join(unknown)}")
        if check not in CHECKS:
            raise BaselineError(
                f"baseline {source}: entry {i} names unknown check `{check}`; known checks: {', '.join(CHECKS.names())}"
            )
        operation = entry.get("operation")
        out.append(Accepted(check, str(operation) if operation is not None else None, reason.strip()))
    return out


def apply_baseline(findings: list[Finding], accepted: list[Accepted]) -> tuple[list[Finding], list[Accepted]]:
    """Findings with ``accepted`` set where an entry matches (their consequences too: an entry may name the
    check a consequence was reported by), and the entries that matched nothing (stale)."""
    used: set[int] = set()

    def mark(finding: Finding) -> Finding:
        for i, entry in enumerate(accepted):
            if entry.matches(finding):
                used.add(i)
                finding = replace(finding, accepted=entry.reason)
                break
        if finding.consequences:
            finding = replace(finding, consequences=tuple(mark(c) for c in finding.consequences))
        return finding

    out = [mark(finding) for finding in findings]
    return out, [entry for i, entry in enumerate(accepted) if i not in used]
