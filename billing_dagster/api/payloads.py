"""The JSON documents the ingestion API answers with (published in its OpenAPI document)."""

from pydantic import BaseModel, Field


class RecordProblem(BaseModel):
    """Why one record of the request was rejected (a record may have two: its tenant and its contract)."""

    index: int = Field(description="Position of the record in the request (0 for a single event).")
    event_id: str | None = Field(description="The record's event_id when it is a string, else null.")
    field: str = Field(description='The field at fault ("quantity", "dimensions", ...), or "record" for the '
                                   "record as a whole (not JSON, not an object, a repeated key).")
    reason: str = Field(description='Starts with the field: "quantity: negative (-1)".')


class IngestResult(BaseModel):
    """Every record of the request is counted exactly once: accepted + duplicate + rejected = records sent."""

    accepted: int = Field(description="Events stored by this request, durably, before this answer was sent.")
    duplicate: int = Field(description="Events already received with the same event_id and the same body "
                                       "(in this batch or before): stored once, not again.")
    rejected: int = Field(description="Records refused; each has one entry or more in errors.")
    errors: list[RecordProblem]


class Problem(BaseModel):
    """The request as a whole was refused."""

    detail: str


class Health(BaseModel):
    status: str = Field(description='"ok" when the service can reach the billing database.')
