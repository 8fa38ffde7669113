"""The API's documentation page: our own HTML, rendered on the server from the OpenAPI schema.

drf-spectacular's Swagger UI and Redoc pages load their scripts from a CDN, which the system
may not use (DESIGN.md: it must work in-country and offline) and the CSP would block anyway;
this page needs nothing but the site's own stylesheet."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")

# Where a parameter goes, in the reader's words (OpenAPI's "in").
WHERE = {
    "path": gettext_lazy("in the address"),
    "query": gettext_lazy("in the query string"),
    "header": gettext_lazy("header"),
    "cookie": gettext_lazy("cookie"),
}

# drf-spectacular lists a choice field's values in Markdown ("* `kk` - Қазақша"); the page is not
# Markdown, so they are shown as "kk — Қазақша".
CHOICE_LINE = re.compile(r"^\* `([^`]*)` - (.*)$", re.MULTILINE)


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


def _component(schema: dict, components: dict) -> dict:
    """The schema a $ref points at (itself otherwise)."""
    if "$ref" in schema:
        return components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema


def _is_blank_choice(schema: dict, components: dict) -> bool:
    """drf-spectacular's BlankEnum: the empty value a choice field also takes."""
    return [v for v in _component(schema, components).get("enum", [None]) if v != ""] == []


def _kind(schema: dict, components: dict) -> str:
    """A short type name: integer, string (date), list of string, string: 'kk', 'ru', Booking…"""
    if "$ref" in schema:
        target = _component(schema, components)
        # A choice field's own type (BookingLanguageEnum) means nothing to a reader: its values do.
        return _kind(target, components) if "enum" in target else schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema:
        return " & ".join(_kind(part, components) for part in schema["allOf"])
    if "oneOf" in schema:
        parts = [part for part in schema["oneOf"] if not _is_blank_choice(part, components)]
        return " | ".join(_kind(part, components) for part in parts)
    kind = schema.get("type", "object")
    if kind == "array":
        return f"list of {_kind(schema.get('items', {}), components)}"
    if "enum" in schema:
        return f"{kind}: " + ", ".join(repr(v) for v in schema["enum"] if v not in ("", None))
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return kind + (" | null" if schema.get("nullable") else "")


def _description(schema: dict, components: dict) -> str:
    """The field's description, its choices written out ("kk — Қазақша; ru — Русский.")."""
    text = schema.get("description", "")
    if not CHOICE_LINE.search(text):
        # A choice field behind a $ref keeps its list of values on the component.
        inner = schema.get("schema", {})  # a parameter's own schema
        for part in [schema, inner, *schema.get("allOf", []), *schema.get("oneOf", []), *inner.get("oneOf", [])]:
            listed = _component(part, components).get("description", "")
            if "$ref" in part and CHOICE_LINE.search(listed):
                text = f"{text}\n{listed}"
                break
    choices = "; ".join(f"{value} — {label}" for value, label in CHOICE_LINE.findall(text) if value)
    prose = CHOICE_LINE.sub("", text).strip()
    return " ".join(part for part in (prose, f"{choices}." if choices else "") if part)


def _body_fields(schema: dict, components: dict) -> list[Field]:
    schema = _component(schema, components)
    required = set(schema.get("required", []))
    return [
        Field(name, _kind(prop, components), name in required, _description(prop, components))
        for name, prop in schema.get("properties", {}).items()
    ]


def _answer(code: str, answer: dict) -> tuple[str, str]:
    return code, answer.get("description", "") or (_("Success.") if code.startswith("2") else "")


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
                            _description(p, components),
                            str(WHERE.get(p["in"], p["in"])),
                        )
                        for p in op.get("parameters", [])
                    ],
                    body=_body_fields(body, components) if body else [],
                    responses=[_answer(code, answer) for code, answer in op.get("responses", {}).items()],
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
