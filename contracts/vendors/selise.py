"""SELISE Blocks: project keys are the credentials; a model in another project answers the page's 422."""

from contracts.vendors import Situation, Vendor

VENDOR = Vendor(
    api="selise",
    id_param="model_id",
    id_fields=("_id",),
    timestamp_pairs=(("CreatedDate", "LastUpdatedDate"),),
    no_credentials=Situation("missing_project_key"),
    bad_credentials=Situation("missing_project_key", exact_message=False),  # message names the unknown key
    denied=Situation("documented"),
    not_found=Situation("model_not_found"),
)
