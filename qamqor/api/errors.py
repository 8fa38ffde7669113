"""One error format for every answer that is not a success, in the caller's language
(Accept-Language, through Django's LocaleMiddleware):

    {"error": {"code": "invalid", "message": "…", "fields": {"phone": ["…"]}}}

`code` is stable and meant for programs; `message` is for people; `fields` names the fields
of the body or the query that were refused (empty otherwise)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApiError(exceptions.APIException):
    """A refusal with our own code and message (a service's refusal, a reused key…)."""

    def __init__(self, *, status_code: int, code: str, message: str, fields: dict | None = None) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.fields = fields or {}


def from_service(exc: DjangoValidationError, *, status_code: int = status.HTTP_400_BAD_REQUEST) -> ApiError:
    """A service's ValidationError as an API error: its messages by field, its code if it has
    one. `__all__` (the model's non-field errors) goes into the message."""
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    code = getattr(exc, "code", None)
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            code = code or next((e.code for e in errors if e.code), None)
            if name == "__all__":
                general.extend(messages)
            else:
                fields[name] = messages
    else:
        general.extend(exc.messages)
        code = code or next((e.code for e in exc.error_list if e.code), None)
    message = " ".join(general) or _("Some values were refused: see the fields.")
    return ApiError(status_code=status_code, code=code or "invalid", message=message, fields=fields)


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field": ["message", …]}; nested fields as "a.b"."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for name, value in detail.items():
            flat.update(_flatten(value, f"{prefix}{name}."))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            flat[prefix.rstrip(".") or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                flat.update(_flatten(item, f"{prefix}{index}."))
    else:
        flat[prefix.rstrip(".") or "non_field_errors"] = [str(detail)]
    return flat


def _describe(exc: Exception) -> tuple[str, str, dict]:
    """(code, message, fields) of an exception DRF knows."""
    if isinstance(exc, ApiError):
        return exc.code, exc.message, exc.fields
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        general = fields.pop("non_field_errors", [])
        return "invalid", " ".join(general) or _("Some values were refused: see the fields."), fields
    if isinstance(exc, exceptions.ParseError):
        return "malformed_json", _("The body of the request is not valid JSON."), {}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "unsupported_media_type", _("Send the body as JSON, with the header Content-Type: application/json."), {}
    if isinstance(exc, exceptions.NotAuthenticated):
        return "not_authenticated", _("This needs a token: send the header Authorization: Bearer <token>."), {}
    if isinstance(exc, exceptions.AuthenticationFailed):
        return "invalid_token", str(exc.detail), {}
    if isinstance(exc, exceptions.PermissionDenied | PermissionDenied):
        detail = getattr(exc, "detail", "")
        custom = str(detail) if detail and getattr(detail, "code", "") != "permission_denied" else ""
        return "forbidden", custom or _("This token's roles do not allow this."), {}
    if isinstance(exc, exceptions.NotFound | Http404):
        return "not_found", _("Nothing was found at this address."), {}
    if isinstance(exc, exceptions.MethodNotAllowed):
        return "method_not_allowed", _("This method is not allowed here."), {}
    if isinstance(exc, exceptions.NotAcceptable):
        return "not_acceptable", _("This address answers in JSON only."), {}
    if isinstance(exc, exceptions.Throttled):
        wait = exc.wait or 1
        return "throttled", _("Too many calls. Please try again in %(seconds)d seconds.") % {"seconds": wait}, {}
    return getattr(exc, "default_code", "error"), str(getattr(exc, "detail", exc)), {}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler (status and headers: WWW-Authenticate, Retry-After), our body."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's own 500 page and the error log
    code, message, fields = _describe(exc)
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response
