"""Errors as pages for browsers and as JSON for the API and feeds: the same status codes and
headers (``WWW-Authenticate``), the security headers of every answer, no traceback, and what
the request said shown only as escaped text."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from advisorywatch.web.pages import render

_MACHINE = ("/api/", "/feeds/")


def _for_browser(request: Request) -> bool:
    return not request.url.path.startswith(_MACHINE)


def _page(
    request: Request,
    status: int,
    message: str,
    headers: Mapping[str, str] | None = None,
    problems: list[dict[str, str]] | None = None,
) -> Response:
    response = render(
        request,
        "error.html",
        "",
        status=status,
        reason=HTTPStatus(status).phrase,
        message=message,
        problems=problems or [],
    )
    response.status_code = status
    response.headers.update(headers or {})
    return response


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if not _for_browser(request):
        return await http_exception_handler(request, exc)
    if exc.status_code == 404 and exc.detail == HTTPStatus.NOT_FOUND.phrase:
        message = f"There is no page at {request.url.path}."  # the path, escaped
    else:
        message = str(exc.detail)
    return _page(request, exc.status_code, message, exc.headers)


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if not _for_browser(request):
        return await request_validation_exception_handler(request, exc)
    problems = [
        {"where": ".".join(str(p) for p in e["loc"]), "what": str(e["msg"])} for e in exc.errors()
    ]
    message = "The address asks for something this page cannot show."
    return _page(request, 422, message, None, problems)


async def _crash(request: Request, exc: Exception) -> Response:
    """A bug or a database that is gone: the server logs it with its traceback (Starlette
    raises it again once this answer is sent); the client never sees it."""
    message = "Something went wrong on the server; its log says what."
    if not _for_browser(request):
        return JSONResponse({"detail": message}, status_code=500)
    return _page(request, 500, message)


def install(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _crash)
