"""The vendor checks judge the harness's own Schemathesis run only, never another Schemathesis user's.

They run through an ``after_call`` hook on the harness's schema, not ``@schemathesis.check`` (Schemathesis'
global registry): a host project's own Schemathesis tests in the same process get exactly their checks.
"""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.checks import CHECKS
from schemathesis.engine import events, from_schema

from contracts.checks import CHECKS as HARNESS_CHECKS
from contracts.fuzz import fuzz
from contracts.guard import Guard
from contracts.profile import load_profile
from contracts.target import shape_of
from tests.contracts.fixtures import reference_profile
from vendor_specs import raw_spec, schemathesis_auth

pytestmark = pytest.mark.slow


def _host_run(url: str, token: str) -> tuple[set[str], list[str]]:
    """A host's own Schemathesis run of the same spec against the same server: the checks it ran and failed."""
    config = {
        "generation": {"max-examples": 5, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
        "auth": schemathesis_auth("selise", token),
        "suppress-health-check": ["all"],
        "seed": 1,
    }
    schema = schemathesis.openapi.from_dict(raw_spec("selise"), config=schemathesis.Config.from_dict(config))
    schema.config.base_url = url
    ran: set[str] = set()
    failed: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for nodes in event.recorder.checks.values():
                ran |= {node.name for node in nodes}
                failed += [node.name for node in nodes if node.failure_info is not None]
    return ran, failed


def test_vendor_checks_apply_to_the_harness_run_only(reference) -> None:
    token = load_profile(reference_profile("selise")).tokens["owner"]
    with reference("selise", faults=("unmasked_api_key",)) as url, Guard(10, 1 << 24, shape_of("selise", url)) as guard:
        harness = fuzz("selise", url, token=token, max_examples=5, seed=1, guard=guard, strict=False)
        host_ran, host_failed = _host_run(url, token)
    secrets = [f for f in harness.findings if f.check == "secrets"]
    assert secrets, harness.findings  # the generated responses were judged by the vendor check
    assert secrets[0].curl.startswith("curl ")
    assert secrets[0].location.endswith("#/components/schemas/AIModel/properties/ApiKey")  # the field's subschema
    assert "0123456789abcdef" not in secrets[0].response  # the excerpt never repeats a leaked key
    ours = set(HARNESS_CHECKS.names("harness"))
    assert not ours & set(CHECKS.get_all_names()), "vendor checks leaked into Schemathesis' registry"
    assert "not_a_server_error" in host_ran
    assert not ours & host_ran, host_ran
    assert "secrets" not in host_failed
