"""The API's documentation page: our own HTML, rendered on the server from the OpenAPI schema.

drf-spectacular's Swagger UI and Redoc pages load their scripts from a CDN, which the system
may not use (DESIGN.md: it must work in-country and offline) and the CSP would block anyway;
this page needs nothing but the site's own stylesheet."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    name: str
    kind: str
    required: bool
    description: str = ""
    where: str = ""  # path, query, header; empty for a body field


@dataclass
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    tag: str
    parameters: list[Field] = field(default_factory=list)
    body: list[Field] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)
    needs_token: bool = False


def _kind(schema: dict, components: dict) -> str:
    """A short type name: integer, string (date), list of string, Booking…"""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema:
        return " & ".join(_kind(part, components) for part in schema["allOf"])
    if "oneOf" in schema:
        return " | ".join(_kind(part, components) for part in schema["oneOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        return f"list of {_kind(schema.get('items', {}), components)}"
    if "enum" in schema:
        return f"{kind}: " + ", ".join(repr(v) for v in schema["enum"] if v not in ("", None))
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return kind + (" | null" if schema.get("nullable") else "")


def _body_fields(schema: dict, components: dict) -> list[Field]:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    required = set(schema.get("required", []))
    return [
        Field(name, _kind(prop, components), name in required, prop.get("description", ""))
        for name, prop in schema.get("properties", {}).items()
    ]


def endpoints(schema: dict) -> list[Endpoint]:
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            op = operations.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            found.append(
                Endpoint(
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    tag=(op.get("tags") or [""])[0],
                    parameters=[
                        Field(
                            p["name"],
                            _kind(p.get("schema", {}), components),
                            p.get("required", False),
                            p.get("description", ""),
                            p["in"],
                        )
                        for p in op.get("parameters", [])
                    ],
                    body=_body_fields(body, components) if body else [],
                    responses=[(code, answer.get("description", "")) for code, answer in op.get("responses", {}).items()],
                    needs_token=op.get("tags") == ["staff"],
                )
            )
    return found


def api_docs(request: HttpRequest) -> HttpResponse:
    """The endpoints, their parameters, bodies and answers, from the same schema the schema
    address serves (in the reader's language: the summaries are translated)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    context = {"endpoints": endpoints(schema), "schema": schema}
    return render(request, "api/docs.html", context)
