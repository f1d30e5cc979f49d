"""What installing the package costs each pytest run of a host project that never uses the harness.

A one-test host project in a temporary folder, run with this venv's ``python -m pytest -q`` (no
``--contracts-*`` option): each configuration N times, interleaved, the median wall time. Configurations: every
auto-loaded plugin (what a host gets by default); Schemathesis' and Hypothesis' plugins off (``-p
no:schemathesis -p no:hypothesispytest``, the one-line way the docs give); the same with this package's plugin
off too (``-p no:contracts``). Target: this plugin itself (the last two rows' difference) under 150 ms.
``tests/contracts/test_plugin_cost.py`` proves the cause: the plugin imports nothing heavy until used.

    .venv/bin/python benchmarks/bench_plugin.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.contracts.test_plugin_cost import CONFTEST, OTHERS, run  # noqa: E402  (the test's own host runs)

TARGET_MS = 150.0
CONFIGURATIONS = {
    "every auto-loaded plugin (the default)": (),
    "-p no:schemathesis -p no:hypothesispytest": OTHERS,
    "... and -p no:contracts": (*OTHERS, "-p", "no:contracts"),
}


def main(runs: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        host = Path(folder)
        (host / "test_trivial.py").write_text("def test_trivial():\n    assert True\n")
        (host / "conftest.py").write_text(CONFTEST)
        times: dict[str, list[float]] = {name: [] for name in CONFIGURATIONS}
        for _ in range(runs):
            for name, args in CONFIGURATIONS.items():
                times[name].append(run(host, *args)[0])
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["... and -p no:contracts"]
    print(f"host project's pytest run, median of {runs} interleaved runs each")
    print(f"{'configuration':<44} {'seconds':>8} {'vs no plugin':>13}")
    for name, seconds in medians.items():
        print(f"{name:<44} {seconds:>8.3f} {seconds / base:>12.2f}x")
    cost_ms = (medians["-p no:schemathesis -p no:hypothesispytest"] - base) * 1000
    verdict = "met" if cost_ms < TARGET_MS else "NOT met"
    print(f"this plugin's own cost: {cost_ms:.0f} ms (target < {TARGET_MS:g} ms: {verdict})")
    return 0 if cost_ms < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
