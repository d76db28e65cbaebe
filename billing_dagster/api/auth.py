"""Bearer authentication with a tenant API key: the dependency that yields the key's record, or 401."""

from typing import Annotated

from fastapi import HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from billing_dagster.store.api_keys import ApiKeyInfo, InvalidKey, RevokedKey, authenticate

bearer = HTTPBearer(auto_error=False, scheme_name="TenantApiKey",
                    description="A tenant API key from `billing-dagster api-keys create`: "
                                "`Authorization: Bearer bdk_...`. The key decides the tenant of every event.")


def api_key(request: Request,
            credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]) -> ApiKeyInfo:
    if credentials is None:
        raise _unauthorized("missing credentials: send Authorization: Bearer <API key>")
    try:
        return authenticate(request.app.state.engine, credentials.credentials)
    except (InvalidKey, RevokedKey) as error:
        raise _unauthorized(str(error)) from None


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})
