"""vendor_specs.Hider: credentials hidden whole, longest first, unknown ones too; never a piece of one."""

from __future__ import annotations

import pytest

from vendor_specs import Hider

KNOWN = {"T": "acme", "T-77119": "globex"}


@pytest.fixture
def selise() -> Hider:
    return Hider.for_spec("selise", KNOWN)


def test_the_spec_says_where_credentials_go() -> None:
    assert Hider.for_spec("selise").headers == {"x-blocks-key": ""}
    assert Hider.for_spec("selise").query == {"project_key"}  # an x-credential parameter
    assert Hider.for_spec("respan").headers == {"authorization": "Bearer"}


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("T", "<acme>"),
        ("T-77119", "<globex>"),  # a token that extends another: its own label, not <acme>-77119
        ("T-99", "<unknown token>"),  # an unknown one that starts like a known one: no tail
        ("T-771190", "<unknown token>"),  # one that extends the longer known one
        ("xT", "<unknown token>"),
        ("sk-live-whatever", "<unknown token>"),
    ],
)
def test_a_credential_in_its_place_is_hidden_whole(selise: Hider, sent: str, shown: str) -> None:
    assert selise.header("Authorization", f"Bearer {sent}") == f"Bearer {shown}"
    assert selise.header("X-Blocks-Key", sent) == shown
    assert selise.header("Proxy-Authorization", f"Basic {sent}") == f"Basic {shown}"
    assert selise.parameter("project_key", sent) == shown
    assert selise.target(f"/models/m?project_key={sent}&x=1") == f"/models/m?project_key={shown}&x=1"
    owner = KNOWN.get(sent)
    assert selise.header_owner("Authorization", f"Bearer {sent}") == owner
    assert selise.header_owner("X-Blocks-Key", sent) == owner


def test_names_that_say_credential_are_credentials_without_a_spec() -> None:
    hider = Hider(KNOWN)
    for name in ("X-Api-Key", "X-Blocks-Key", "X-Auth-Token", "Authorization"):
        assert hider.header(name, "T-5") == "<unknown token>", name
    assert hider.target("/m?api_key=abc&access_token=T&project_key=zz&id=T-5") == (
        "/m?api_key=<unknown token>&access_token=<acme>&project_key=<unknown token>&id=<unknown token>"
    )
    assert hider.header("Accept", "application/json") == "application/json"


def test_free_text_hides_known_tokens_longest_first_and_longer_tokens_whole() -> None:
    hider = Hider(KNOWN)
    text = 'key T-77119, key T. {"ProjectKey":"T","other":"T-123","id":"xT"} /models/T?n=1'
    assert hider.text(text) == (
        'key <globex>, key <acme>. {"ProjectKey":"<acme>","other":"<unknown token>","id":"<unknown token>"}'
        " /models/<acme>?n=1"
    )
    # a placeholder written for one token is never rewritten for another (one pass)
    assert Hider({"k": "owner token", "invalid-key-1": "invalid token"}).text("invalid-key-1 k") == (
        "<invalid token> <owner token>"
    )


def test_credential_shaped_values_are_hidden_whole() -> None:
    hider = Hider(KNOWN)
    text = "a sk-live-0123456789abcdefXYZ b Bearer abcdefghijklmnopqrstu c eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl"
    assert hider.text(text) == "a <unknown token> b Bearer <unknown token> c <unknown token>"


def test_cookies_show_known_tokens_by_name_and_nothing_else() -> None:
    hider = Hider(KNOWN)
    assert hider.header("Cookie", "token=T-77119; a=T; b=T-1; theme=dark; flag") == (
        "token=<globex>; a=<acme>; b=<redacted>; theme=<redacted>; <redacted>"
    )


def test_percent_encoded_credentials_are_hidden() -> None:
    hider = Hider({"a b/c": "acme"})
    assert hider.target("/m?q=a+b%2Fc") == "/m?q=<acme>"
    assert hider.target("/m?project_key=a%20b%2Fc") == "/m?project_key=<acme>"
