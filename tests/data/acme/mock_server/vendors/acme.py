"""Acme (made up): an X-Acme-Key per team; a team reads its own things only."""

from __future__ import annotations

from typing import Any

from mock_server.vendors import Asked, Vendor
from mock_server.vendors._common import Context
from mock_server.vendors._learn import Identified, generated_id


class Acme(Vendor):
    IDENTITY_SCHEMA: dict[str, Any] = {
        "type": "object",
        "required": ["token", "team"],
        "properties": {"token": {"type": "string"}, "team": {"type": "string"}},
    }

    def readable(self, ctx: Context, record: dict[str, Any]) -> bool:
        assert ctx.identity is not None
        return bool(record["team"] == ctx.identity["team"])

    def identify(self, asked: Asked) -> Identified:
        """A team reads its own things: the team of what it was shown, else a team that owns nothing recorded."""
        if asked.seen:
            return Identified({"team": asked.seen[0].record["team"]}, ("team: the team of the things it was shown",))
        return Identified({"team": generated_id(asked.key, asked.name)}, ("team generated: it was shown nothing",))


VENDOR = Acme()
