"""Small reference implementations of the three vendors, each fault switchable by name.

Without faults an app is conformant (the harness must pass it); every fault in ``catalogue.py`` turns
on exactly one deviation. Bodies are built from the spec's own examples and the app's profile
(``data/<api>.yaml``): tokens and model ids are read from there, nothing is restated here.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from vendor_specs import examples_for

DATA = Path(__file__).resolve().parent / "data"


def reference_profile(api: str) -> dict[str, Any]:
    return yaml.safe_load((DATA / f"{api}.yaml").read_text(encoding="utf-8"))


def _example(api: str, status: int, name: str) -> Any:
    return copy.deepcopy(examples_for(api, status)[name]["value"])


def _error(api: str, status: int, name: str, faults: frozenset[str]) -> Response:
    body = _example(api, status, name)
    if "problem_json" in faults:
        problem = {"type": "about:blank", "title": "Error", "status": status, "detail": str(body)}
        return JSONResponse(problem, status_code=status, media_type="application/problem+json")
    if "error_body_shape" in faults:
        return JSONResponse({"error": body}, status_code=status)
    if "real_server_wording" in faults and isinstance(body, dict) and isinstance(body.get("detail"), str):
        body["detail"] = "We could not find what you're looking for :/"
    return JSONResponse(body, status_code=status)


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _with_duplicate(body: dict[str, Any], name: str, status: int = 200) -> Response:
    """``body`` as JSON with ``name`` written twice, the same value both times (``json.loads`` keeps the last)."""
    text = json.dumps(body)
    extra = json.dumps({name: body[name]})[1:-1]
    return Response(f"{text[:-1]}, {extra}}}".encode(), status_code=status, media_type="application/json")


async def _maybe_hang(faults: frozenset[str], ident: str, own: str, known: object = ()) -> None:
    if "hang_on_own_model" in faults and ident == own:
        await asyncio.sleep(30)
    if "hang_on_unknown_model" in faults and ident not in known:  # type: ignore[operator]
        await asyncio.sleep(600)


# --------------------------------------------------------------------------- Open WebUI
def openwebui_app(faults: frozenset[str] = frozenset(), prefix: str = "") -> Starlette:
    api = "openwebui"
    prof = reference_profile(api)
    tokens, models = prof["tokens"], prof["models"]
    users = {tokens["owner"]: "u-owner", tokens["stranger"]: "u-stranger", tokens["reader"]: "u-reader"}
    users[tokens["admin"]] = "u-admin"
    template = _example(api, 200, "documented")

    def model(ident: str, owner: str, grants: list[dict[str, Any]]) -> dict[str, Any]:
        body = copy.deepcopy(template)
        body.update(id=ident, user_id=owner, access_grants=grants)
        body["user"] = {**body["user"], "id": owner}  # the page: both name the user who created the model
        return body

    store = {
        models["own"]: model(
            models["own"], "u-owner", [{"access_type": "user", "access_id": "u-reader", "permission": "read"}]
        ),
        models["shared"]: model(
            models["shared"], "u-admin", [{"access_type": "user", "access_id": "*", "permission": "read"}]
        ),
    }

    denials: dict[tuple[str, str], int] = {}

    async def get_model(request: Request) -> Response:
        if "html_200" in faults:
            return HTMLResponse("<!doctype html><html><body>Open WebUI</body></html>")
        token = _bearer(request)
        ident = request.query_params.get("id")
        if "percent_2f_not_decoded" in faults and "%2f" in request.url.query.lower():
            ident = (ident or "").replace("/", "%2F")  # every escape decoded but `%2F`
        if "id_case_insensitive" in faults and ident is not None:
            ident = next((k for k in store if k.lower() == ident.lower()), ident)
        user = users.get(token or "")
        if user is None and token and "token_prefix_match" in faults:  # compares the first 12 characters only
            user = next((u for known, u in users.items() if known[:12] == token[:12]), None)
        if user is None:  # no credentials (token None), or unknown ones
            served = "auth_ignored" if token is None else "bad_token_accepted"
            reads = "anonymous_reads_models" if token is None else "bad_token_reads_models"
            if served in faults or (reads in faults and ident in store):
                user = "u-admin"
            elif "lookup_before_credentials" in faults and ident is not None and ident not in store:
                return _error(api, 404, "model_not_found", faults)
            else:
                return _error(api, 401, "access_prohibited", faults)  # the page's one 401 body
        if ident is None:
            if "missing_id_accepted" in faults:
                return JSONResponse(store[models["shared"]])
            if "missing_id_400" in faults:
                return JSONResponse({"detail": "id is required"}, status_code=400)
            if "missing_id_not_json" in faults:
                return Response(b"Field required: id", status_code=422, media_type="application/json")
            body = _example(api, 422, "missing_id")
            return JSONResponse(body, status_code=422)
        await _maybe_hang(faults, ident, models["own"])
        if "crash_on_unusual_id" in faults and any(
            not (c.isascii() and c.isalnum()) and c not in "-_:/." for c in ident
        ):
            return PlainTextResponse("Internal Server Error", status_code=500)
        if "undocumented_400" in faults and any(not (c.isalnum() or c in "-_:/.") for c in ident):
            return JSONResponse({"detail": "Invalid model id"}, status_code=400)
        found = store.get(ident)
        if found is None:
            if "missing_model_401" in faults:
                return _error(api, 401, "access_prohibited", faults)
            if "not_found_not_json" in faults:
                return Response(b"Model not found", status_code=404, media_type="application/json")
            if "not_found_wording" in faults:
                return JSONResponse({"detail": "No such model"}, status_code=404)
            if "error_body_extra_field" in faults:
                return JSONResponse({"detail": "Model not found", "status_code": 404}, status_code=404)
            return _error(api, 404, "model_not_found", faults)
        admin = user == "u-admin" and "admin_not_special" not in faults
        write = admin or (found["user_id"] == user and "owner_refused_own_model" not in faults)
        grants = [g["access_id"] for g in found["access_grants"]]
        if "user_grant_ignored" in faults:
            grants = [g for g in grants if g == "*"]
        if "public_grant_ignored_for_creators" in faults and any(m["user_id"] == user for m in store.values()):
            grants = [g for g in grants if g != "*"]
        read = write or any(g in (user, "*") for g in grants)
        if not read and "denial_fails_open_third" in faults:  # a cache of refusals that gives way
            denials[(user, ident)] = denials.get((user, ident), 0) + 1
            read = denials[(user, ident)] >= 3
        if not read and "leak_other_model" not in faults:
            if "no_access_wording" in faults:
                return JSONResponse({"detail": "You do not have access to this model"}, status_code=401)
            return _error(api, 401, "access_prohibited", faults)
        if "write_access_always_false" in faults:
            write = False
        body = copy.deepcopy(found)
        body["write_access"] = write or (
            "reader_write_access" in faults and user == "u-reader" and ident == models["own"]
        )
        if "shared_writable_by_readers" in faults and ident == models["shared"] and user in ("u-reader", "u-stranger"):
            body["write_access"] = True  # the grants say read
        if "api_key_in_params" in faults:
            body["params"]["api_key"] = "sk-proj-0123456789abcdefghij"  # the provider's key, stored with the model
        if "subscription_key_in_params" in faults:
            body["params"]["headers"] = {"Ocp-Apim-Subscription-Key": "3f2a9c4e7b1d4a6f8e0c2b5d9a7f1e3c"}
        if not write and "params_not_stripped" not in faults:
            body["params"] = {}
        if "wrong_id_returned" in faults:
            body["id"] = ident.rsplit("/", 1)[-1]
        if "user_id_is_the_caller" in faults:  # the reader's id where the creator's should be
            body["user_id"] = user
            body["user"]["id"] = user
        if "creator_mismatch" in faults:
            body["user"]["id"] = "u-someone-else"
        if "wrong_field_type" in faults:
            body["created_at"] = "2024-01-01"
        if "null_profile_image_url" in faults:
            body["meta"]["profile_image_url"] = None
        if "timestamps_in_milliseconds" in faults:
            body["created_at"] *= 1000
            body["updated_at"] *= 1000
        if "updated_before_created" in faults:
            body["updated_at"] = body["created_at"] - 86400
        if "extra_model_field" in faults:
            body["owned_by"] = "u-owner"
        if "extra_meta_field" in faults:
            body["meta"]["tags"] = ["code"]
        if "user_without_email" in faults:
            del body["user"]["email"]
        if "extra_user_field" in faults:
            body["user"]["role"] = "user"
        if "grant_without_permission" in faults:
            for grant in body["access_grants"]:
                del grant["permission"]
        if "duplicate_key" in faults:
            return _with_duplicate(body, "is_active")
        return JSONResponse(body)

    return Starlette(routes=[Route(prefix + "/models/model", get_model)])


#: faults that only the spec's own example id triggers: only Schemathesis' examples phase sends it (the
#: explicit cases send the profile's ids), so each is caught by a check registered with Schemathesis or not at all
EXAMPLE_ID_FAULTS = frozenset({"example_id_wrong_identity", "example_id_bad_error", "example_id_bad_timestamps"})


def _example_id_answer(faults: frozenset[str], other: dict[str, Any], name: str) -> Response:
    if "example_id_bad_error" in faults:
        return JSONResponse({"message": f"{name} is gone"}, status_code=404)
    body = copy.deepcopy(other)
    if "example_id_bad_timestamps" in faults:
        body.update(id=name, model_name=name, updated_at="2024-01-01T00:00:00Z")
    return JSONResponse(body)  # example_id_wrong_identity: another model's body, its own id


# --------------------------------------------------------------------------- Respan
def respan_app(faults: frozenset[str] = frozenset(), prefix: str = "") -> Starlette:
    api = "respan"
    prof = reference_profile(api)
    tokens, models = prof["tokens"], prof["models"]
    orgs = {tokens["owner"]: 1, tokens["stranger"]: 2}
    template = _example(api, 200, "documented")

    def model(name: str, org: int | None) -> dict[str, Any]:
        body = copy.deepcopy(template)
        body.update(id=name, model_name=name)
        body["created_at"] = "2025-01-01T00:00:00Z"
        body["updated_at"] = "2025-06-01T00:00:00Z"
        if org is None:
            body.update(affiliation_category="openai", source="hardcoded", provider=None)
        else:
            body["provider"]["organization_id"] = org
        return body

    store = {models["own"]: (model(models["own"], 1), 1), models["shared"]: (model(models["shared"], None), None)}
    documented_name = _example(api, 200, "documented")["model_name"]

    async def get_model(request: Request) -> Response:
        if "variant_gateway_token" in faults and request.headers.get("x-gateway-token") != "gw-secret-1":
            return PlainTextResponse("gateway: missing X-Gateway-Token", status_code=502)
        if "literal_slash_not_routed" in faults and "/" in request.path_params["name"]:
            return _error(api, 404, "not_found", faults)
        raw_path = request.scope.get("raw_path", b"").decode("latin-1")
        if "percent_2f_not_decoded" in faults:
            name = raw_path[len(prefix + "/api/models/") : -1]
        else:
            name = request.path_params["name"]
        token = _bearer(request)
        if "slashed_missing_looked_up_first" in faults and "/" in name and name not in store and token not in orgs:
            return _error(api, 404, "not_found", faults)  # a name with `/` goes to the lookup before the key
        if token is None:
            if "auth_ignored" in faults or ("anonymous_reads_models" in faults and name in store):
                pass
            elif "lookup_before_credentials" in faults and name not in store:
                return _error(api, 404, "not_found", faults)
            elif "not_provided_wording" in faults:
                return JSONResponse({"detail": "Please provide your API key."}, status_code=401)
            else:
                return _error(api, 401, "not_provided", faults)
        elif token not in orgs:
            legacy = "legacy_token_accepted" in faults and token.isupper()  # "service keys": never looked up
            if "lookup_before_credentials" in faults and name not in store:
                return _error(api, 404, "not_found", faults)
            if not legacy and "bad_token_accepted" not in faults:
                # variant_bad_token_page_text is not a fault: the page gives no wrong-key text, its 401 text will do
                wording = "not_provided" if "variant_bad_token_page_text" in faults else "invalid_token"
                return _error(api, 401, wording, faults)
        org = orgs.get(token or "", 1)
        await _maybe_hang(faults, name, models["own"], store)
        if "variant_slow_answers" in faults:  # not a fault: a conformant server that takes its time
            await asyncio.sleep(0.05)
        if "crash_on_unusual_id" in faults and any(not (c.isascii() and c.isalnum()) and c not in "-_/." for c in name):
            return PlainTextResponse("Internal Server Error", status_code=500)
        if name == documented_name and faults & EXAMPLE_ID_FAULTS:
            return _example_id_answer(faults, store[models["shared"]][0], name)
        if "empty_name_served" in faults and name == "":
            return JSONResponse(store[models["shared"]][0])
        found = store.get(name)
        if found is None:
            if "missing_model_400" in faults:
                return JSONResponse({"detail": "Not found."}, status_code=400)
            if "missing_model_403" in faults:
                return _error(api, 403, "owned_by_others", faults)
            if "error_text_plain" in faults:
                return PlainTextResponse("Not found.", status_code=404)
            if "not_found_not_json" in faults:
                return Response(b"Not found.", status_code=404, media_type="application/json")
            if "not_found_extra_field" in faults:
                return JSONResponse({"detail": "Not found.", "code": "not_found"}, status_code=404)
            if "not_found_wording" in faults:
                return JSONResponse({"detail": "Model not found."}, status_code=404)
            return _error(api, 404, "not_found", faults)
        body, owner = copy.deepcopy(found[0]), found[1]
        if "owner_refused_own_model" in faults and owner is not None:
            org = 0  # the organisation lookup is broken: nobody owns a custom model
        if "global_models_owner_only" in faults and owner is None and org != 1:
            return _error(api, 403, "owned_by_others", faults)
        if owner is not None and owner != org and "leak_other_model" not in faults:
            if "owned_by_others_wording" in faults:
                return JSONResponse({"detail": "You do not have permission to perform this action."}, status_code=403)
            if "refusal_carries_model" in faults:
                refusal = {**_example(api, 403, "owned_by_others"), "object": body}
                return JSONResponse(refusal, status_code=403)
            return _error(api, 403, "owned_by_others", faults)
        if "missing_required_field" in faults:
            del body["display_name"]
        if "literal_slash_missing_field" in faults and "/" in raw_path[len(prefix + "/api/models/") : -1]:
            del body["display_name"]  # only a literal slash in the path (the explicit identity case sends one)
        if "wrong_id_returned" in faults:
            body["id"] = body["model_name"] = name.rsplit("/", 1)[-1]
        if "updated_before_created" in faults:
            body["updated_at"] = "2024-01-01T00:00:00Z"
        if "negative_cost" in faults:
            body["input_cost"] = -0.025
        if "flag_out_of_range" in faults:
            body["streaming_support"] = 2
        if "url_with_password" in faults and body["provider"] is not None:
            body["provider"]["base_url"] = "https://acme:S3cretPassw0rd2024@llm.acme.internal/v1"
        if "provider_is_the_callers" in faults and owner is None:  # a global model names the caller's organisation
            body["provider"] = {"id": "p", "provider_id": "p", "provider_name": "P", "organization_id": org}
        if "api_key_in_provider" in faults and body["provider"] is not None:
            body["provider"]["api_key"] = "sk-proj-0123456789abcdefghij"  # the organisation's provider key
        if "duplicate_key" in faults:
            return _with_duplicate(body, "display_name")
        if "body_cut_short" in faults and owner is not None:  # the custom model's body ends mid-way
            return Response(json.dumps(body).encode()[:200], media_type="application/json")
        return JSONResponse(body)

    return Starlette(routes=[Route(prefix + "/api/models/{name:path}/", get_model)])


# --------------------------------------------------------------------------- SELISE
def selise_app(faults: frozenset[str] = frozenset(), prefix: str = "") -> Starlette:
    api = "selise"
    prof = reference_profile(api)
    tokens, models = prof["tokens"], prof["models"]
    template = _example(api, 200, "documented")
    own = copy.deepcopy(template)
    own.update(_id=models["own"], ProjectKey=tokens["owner"])
    azure = copy.deepcopy(own)  # another model of the owner's project, served by Azure OpenAI
    azure.update(
        _id=models["shared"],
        Provider="azure",
        ServicePlatform="azure",
        DisplayName="GPT-4o on Azure",
        ModelName="gpt-4o",
        BaseUrl="https://acme.openai.azure.com",
        OpenAiOrganizationId=None,
        OpenAiProjectId=None,
        ApiVersion="2024-06-01",
        DeploymentName="gpt-4o-prod",
    )
    store = {models["own"]: own, models["shared"]: azure}
    known = (tokens["owner"], tokens["stranger"])
    reads = [0]
    secret = "sk-live-0123456789abcdef"

    def bad_request(status: int = 400) -> Response:
        if "bad_request_not_json" in faults:
            return Response(b"Bad Request", status_code=400, media_type="application/json")
        return _error(api, status, "bad_request", faults)

    async def get_model(request: Request) -> Response:
        query = request.query_params.get("project_key")
        header = request.headers.get("x-blocks-key")
        ident = request.path_params["model_id"]
        if "percent_3a_not_decoded" in faults:
            raw = request.scope.get("raw_path", b"").decode("latin-1")
            ident = raw[len(prefix + "/models/") :]
        if "blocks_key_ignored" in faults:
            header = None
        if "blocks_key_ignored_for_openai" in faults and store.get(ident, {}).get("Provider") == "openai":
            header = None
        if "query_key_needs_header" in faults and header is None:
            query = None  # read only beside the header
        key = (header or query) if "header_decides" in faults else (query or header)
        if "blocks_key_must_allow_too" in faults and query and header and query != header:
            model = store.get(ident)
            if model is None or model["ProjectKey"] != header:
                key = header  # the header's refusal stands: project_key does not change the context
        if key is None:
            if "project_key_optional" in faults or ("no_project_reads_models" in faults and ident in store):
                key = tokens["owner"]
            elif "lookup_before_credentials" in faults and ident not in store:
                return _error(api, 404, "model_not_found", faults)
            else:
                return bad_request()
        documented_key = _example(api, 200, "documented")["ProjectKey"]
        if "example_key_unmasked" in faults and request.query_params.get("project_key") == documented_key:
            return JSONResponse({**store[models["own"]], "ApiKey": secret})
        if "bad_token_accepted" in faults and key not in known:
            key = tokens["owner"]
        if "unknown_project_reads_models" in faults and key not in known and ident in store:
            key = tokens["owner"]
        if key not in known:
            if "lookup_before_credentials" in faults and ident not in store:
                return _error(api, 404, "model_not_found", faults)
            if "unknown_project_404" in faults and ident in store:
                return _error(api, 404, "model_not_found", faults)
            if "bad_request_not_json" in faults:
                return bad_request()
            unknown = _example(api, 400, "bad_request")
            unknown["detail"] = f"Unknown project key {key!r}"
            return JSONResponse(unknown, status_code=400)
        if "crash_on_unusual_id" in faults and " " in ident:
            return PlainTextResponse("Internal Server Error", status_code=500)
        found = store.get(ident)
        if found is None:
            if "variant_missing_422" in faults:  # not a fault: the page's own 422 "model not found" example
                return JSONResponse(_example(api, 422, "documented"), status_code=422)
            if "missing_model_400" in faults:
                return bad_request()
            if "not_found_not_json" in faults:
                return Response(b"Not Found", status_code=404, media_type="application/json")
            return _error(api, 404, "model_not_found", faults)
        if "owner_refused_own_model" in faults and key == tokens["owner"]:
            key = ""  # the project lookup is broken: no model is in the caller's project
        if found["ProjectKey"] != key and "leak_other_model" not in faults:
            if "validation_error_not_json" in faults:
                return Response(b"model not found", status_code=422, media_type="application/json")
            denied = _example(api, 422, "documented")
            if "denied_wording" in faults:
                denied["detail"][0]["msg"] = "model is not in this project"
            if "validation_error_extra_field" in faults:
                denied["trace_id"] = "4bf92f3577b34da6"
            if "refusal_names_the_project_key" in faults:  # the model's own project's key, to a stranger
                denied["detail"][0]["ctx"] = {"project_key": found["ProjectKey"]}
            return JSONResponse(denied, status_code=422)
        out = copy.deepcopy(found)
        if "project_key_from_header_when_mixed" in faults and header and query and header != query:
            out["ProjectKey"] = header
        if "touch_on_read" in faults:  # every read is an update
            reads[0] += 1
            out["LastUpdatedDate"] = f"2026-01-01T00:00:{reads[0] % 60:02d}Z"
        if "zoneless_dates" in faults:  # ISO 8601 without a zone (a .NET or naive Python datetime)
            out["CreatedDate"] = out["CreatedDate"].rstrip("Z")
            out["LastUpdatedDate"] = out["LastUpdatedDate"].rstrip("Z")
        if "unlisted_model_type" in faults:
            out["ModelType"] = "audio"
        if "pem_in_parameters" in faults:
            account = {"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n"}
            out["CustomParameters"] = {**(out["CustomParameters"] or {}), "service_account_json": json.dumps(account)}
        if "unmasked_api_key" in faults:
            out["ApiKey"] = secret
        if "wrong_id_returned" in faults:
            out["_id"] = ident.rsplit(":", 1)[-1]
        if "project_key_not_the_models" in faults:
            out["ProjectKey"] = documented_key
        if "bad_timestamp" in faults:
            out["LastUpdatedDate"] = "2020-01-01T00:00:00Z"
        if "non_iso_timestamp" in faults:
            out["CreatedDate"] = "Mon, 01 Jan 2024 10:00:00 GMT"  # RFC 1123 (an HTTP date), not ISO 8601
        if "date_trailing_newline" in faults:
            out["CreatedDate"] += "\n"  # not ISO 8601 (openapi-core's RFC 3339 pattern lets it through)
        if "wrong_field_type" in faults:
            out["IsActive"] = "true"
        if "extra_model_field" in faults:
            out["Version"] = "1"
        if "capabilities_wrong_type" in faults:
            out["Capabilities"]["max_tokens"] = "8192"
        if "unknown_status" in faults:
            out["Status"] = "pending"
        if "azure_without_api_version" in faults and out["Provider"] == "azure":
            out["ApiVersion"] = None
        if "azure_with_openai_ids" in faults and out["Provider"] == "azure":
            out["OpenAiOrganizationId"] = "org-123456"
        if "duplicate_key" in faults:
            return _with_duplicate(out, "DisplayName")
        return JSONResponse(out)

    async def unrouted(request: Request, exc: Exception) -> Response:  # FastAPI answers unrouted paths in JSON too
        return _error(api, 404, "model_not_found", faults)

    async def no_id(request: Request) -> Response:
        return JSONResponse(own)

    routes = [Route(prefix + "/models/{model_id}", get_model)]
    if "empty_id_served" in faults:
        routes.append(Route(prefix + "/models/", no_id))
    return Starlette(routes=routes, exception_handlers={404: unrouted})


APPS: dict[str, Callable[..., Starlette]] = {"openwebui": openwebui_app, "respan": respan_app, "selise": selise_app}


def make_app(api: str, faults: frozenset[str] | set[str] = frozenset(), prefix: str = "") -> Starlette:
    return APPS[api](frozenset(faults), prefix)
