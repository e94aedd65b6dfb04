"""Service errors and the handlers that turn every failure into `{"detail": one line}`.

A refusal a user caused is a 4xx with a line naming the field, the value and what is
allowed; anything else is logged here and reaches the client only as a generic 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from medtwin.actions import ActionError
from medtwin.patients import PatientError

log = logging.getLogger("medtwin.service")


class ServiceError(Exception):
    """A refused request: `status` is the HTTP status, `detail` the one-line reason."""

    status = 400

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = one_line(detail)
        if status is not None:
            self.status = status


class UnauthorizedError(ServiceError):
    status = 401


class ForbiddenError(ServiceError):
    status = 403


class NotFoundError(ServiceError):
    status = 404


class ConflictError(ServiceError):
    status = 409


class InvalidError(ServiceError):
    status = 422


class UnsupportedMediaTypeError(ServiceError):
    status = 415


class TooManyRequestsError(ServiceError):
    """Refused for a while (rate limit, lockout); `retry_after_s` says how long."""

    status = 429

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


def one_line(text: str) -> str:
    """Several problem lines joined into one."""
    return "; ".join(line.strip() for line in str(text).splitlines() if line.strip())


def validation_line(errors: list[dict]) -> str:
    """One line for pydantic's request errors: field, value given, what is allowed."""
    parts = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query")]
        field = ".".join(location) or "body"
        message = error.get("msg", "is invalid")
        if error.get("type") == "missing":
            parts.append(f"{field}: is required")
        elif error.get("type") == "json_invalid":
            parts.append("body: is not valid JSON")
        else:
            value = error.get("input")
            given = f" (got {value!r})" if isinstance(value, str | int | float | bool) else ""
            parts.append(f"{field}: {message}{given}")
    return one_line("; ".join(parts)) or "the request is invalid"


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception to a `{"detail": one line}` body."""

    @app.exception_handler(ServiceError)
    async def _service(_request: Request, error: ServiceError) -> JSONResponse:
        headers = {}
        if isinstance(error, TooManyRequestsError):
            headers["Retry-After"] = str(error.retry_after_s)
        return JSONResponse({"detail": error.detail}, status_code=error.status, headers=headers)

    @app.exception_handler(ActionError)
    async def _action(_request: Request, error: ActionError) -> JSONResponse:
        return JSONResponse({"detail": one_line(str(error))}, status_code=422)

    @app.exception_handler(PatientError)
    async def _patient(_request: Request, error: PatientError) -> JSONResponse:
        return JSONResponse({"detail": one_line(f"patient: {error}")}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_line(list(error.errors()))}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": one_line(str(error.detail))},
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error in %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal server error"}, status_code=500)
