"""GET /healthz: the service is up and reaches the billing database."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from billing_dagster.api.payloads import Health, Problem

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness and database reachability",
            responses={503: {"model": Problem,
            "description": "The billing database cannot be reached."}})
async def healthz(request: Request):
    try:
        await run_in_threadpool(_ping, request.app.state.engine)
    except SQLAlchemyError as error:
        return JSONResponse({"detail": f"billing database unreachable: {type(error).__name__}"}, status_code=503)
    return {"status": "ok"}


def _ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
