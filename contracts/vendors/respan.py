"""Respan: custom models are readable by the owning organisation only (403 for others)."""

from contracts.vendors import Situation, Vendor

VENDOR = Vendor(
    api="respan",
    id_param="model_name",
    id_fields=("id", "model_name"),
    timestamp_pairs=(("created_at", "updated_at"),),
    no_credentials=Situation("not_provided"),
    bad_credentials=Situation("invalid_token"),
    denied=Situation("owned_by_others"),
    not_found=Situation("not_found"),
)
