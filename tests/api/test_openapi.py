"""The committed schemas/openapi.json is exactly what the app publishes at /openapi.json."""

import json

from billing_dagster.api import openapi_file
from billing_dagster.api.app import create_app
from billing_dagster.schemas import schema_documents


def test_committed_openapi_matches_the_app():
    assert openapi_file.OPENAPI_FILE.read_text(encoding="utf-8") == openapi_file.text(), (
        "schemas/openapi.json is stale: run python -m billing_dagster.api.openapi_file")


def test_check_flags_drift_and_write_repairs_it(tmp_path):
    path = tmp_path / "openapi.json"
    assert openapi_file.main(["--check", "--file", str(path)]) == 1
    assert openapi_file.main(["--file", str(path)]) == 0
    assert openapi_file.main(["--check", "--file", str(path)]) == 0
    path.write_text("{}\n")
    assert openapi_file.main(["--check", "--file", str(path)]) == 1


def test_the_request_body_is_the_published_event_contract_with_tenant_id_optional():
    document = create_app("sqlite://").openapi()
    event = json.loads(schema_documents()["event.schema.json"])
    ingest = document["components"]["schemas"]["IngestEvent"]
    assert ingest["properties"].keys() == event["properties"].keys()
    assert set(event["required"]) - set(ingest["required"]) == {"tenant_id"}
    batch = document["components"]["schemas"]["EventBatch"]["properties"]["events"]
    assert batch["maxItems"] == 10_000
    assert set(document["paths"]) == {"/healthz", "/v1/events"}
