"""The ingestion API's OpenAPI document, served at /openapi.json (committed copy: api/openapi_file.py).

The request body of POST /v1/events is described with the published Event schema (schemas/event.schema.json),
so the API and the landing files document one contract.
"""

import copy
import json

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from billing_dagster.api.body import MAX_BATCH


def document(app: FastAPI) -> dict:
    """The OpenAPI document of `app` (built once), with the event schemas the request body refers to."""
    if app.openapi_schema is None:
        spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        spec.setdefault("components", {}).setdefault("schemas", {}).update(_event_schemas())
        app.openapi_schema = spec
    return app.openapi_schema


def _event_schemas() -> dict:
    from billing_dagster import schemas

    event = json.loads(schemas.schema_documents()["event.schema.json"])
    components = {name: _rebased(value) for name, value in event.pop("$defs", {}).items()}
    event = _rebased({key: value for key, value in event.items() if key not in ("$schema", "$id")})
    event["title"] = "IngestEvent"
    event["required"] = [name for name in event.get("required", []) if name != "tenant_id"]
    event["description"] = (event.get("description", "") + "\n\nThrough the API, tenant_id may be left out: it "
                            "is then the API key's tenant, and any other tenant is rejected.").strip()
    components["IngestEvent"] = event
    components["EventBatch"] = {
        "title": "EventBatch", "type": "object", "required": ["events"], "additionalProperties": False,
        "properties": {"events": {"type": "array", "maxItems": MAX_BATCH,
                                  "items": {"$ref": "#/components/schemas/IngestEvent"}}}}
    return components


def _rebased(node):
    """A JSON Schema fragment with its local `#/$defs/` references pointed at the OpenAPI components."""
    node = copy.deepcopy(node)
    if isinstance(node, dict):
        return {key: (value.replace("#/$defs/", "#/components/schemas/") if key == "$ref" else _rebased(value))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_rebased(item) for item in node]
    return node
