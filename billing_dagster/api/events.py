"""POST /v1/events: one event or a batch, answered 202 once the accepted events are committed to the inbox."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from billing_dagster.api.auth import api_key
from billing_dagster.api.body import MAX_BATCH, MAX_BODY_BYTES, BodyError
from billing_dagster.api.ingestion import ingest
from billing_dagster.api.payloads import IngestResult, Problem
from billing_dagster.store.api_keys import ApiKeyInfo

router = APIRouter(tags=["events"])

_REQUEST_BODY = {"required": True, "content": {"application/json": {"schema": {"oneOf": [
    {"$ref": "#/components/schemas/IngestEvent"}, {"$ref": "#/components/schemas/EventBatch"}]}}}}
_PROBLEMS = {
    400: "The body is empty, not UTF-8 or not JSON.",
    401: "No API key, a malformed or unknown one, or a revoked one.",
    413: f"More than {MAX_BATCH:,} events, or a body over {MAX_BODY_BYTES // 2**20} MiB.",
    422: 'The body is JSON but neither an event object nor {"events": [...]}.',
}


@router.post(
    "/v1/events", status_code=202, response_model=IngestResult, summary="Send usage events",
    response_description="Counted per outcome, with the errors of rejected records; accepted events are committed.",
    description=(
        f"One event object, or `{{\"events\": [...]}}` with up to {MAX_BATCH:,} of them. Each record is checked "
        "against the Event contract on its own: valid records are stored even when others in the batch are "
        "rejected. `tenant_id` may be left out (it is the key's tenant); naming another tenant is rejected. "
        "The 202 is sent only after the accepted events are committed, so an acknowledged event is never "
        "lost. Retrying is safe: an event_id already received with the same body counts as a duplicate."),
    responses={status: {"model": Problem, "description": text} for status, text in _PROBLEMS.items()},
    openapi_extra={"requestBody": _REQUEST_BODY})
async def post_events(request: Request, key: Annotated[ApiKeyInfo, Depends(api_key)]) -> JSONResponse:
    body = await _read_body(request)
    try:
        result = await run_in_threadpool(ingest, request.app.state.engine, key.tenant_id, body)
    except BodyError as error:
        raise HTTPException(status_code=error.status, detail=error.message) from None
    return JSONResponse(result, status_code=202)


async def _read_body(request: Request) -> bytes:
    too_large = HTTPException(status_code=413, detail=f"request body over {MAX_BODY_BYTES:,} bytes; "
                                                      f"send at most {MAX_BATCH:,} events per request")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
