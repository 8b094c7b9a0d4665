"""The OpenAPI 3.1 document of the API, generated from the operations and their pydantic
models (`model_json_schema`: JSON Schema 2020-12, which OpenAPI 3.1 uses as is)."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic.json_schema import models_json_schema

from api.operations import MAX_ID, OPERATIONS, Operation
from api.schemas import ErrorOut

REF = "#/components/schemas/{model}"
ERRORS = {
    "401": "Missing, unknown or revoked API key",
    "403": "The key lacks the scope this operation needs",
    "429": "Too many calls for this key: wait the seconds given by Retry-After",
}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorOut")}}},
    }
    if headers:
        response["headers"] = headers
    return response


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    parameters = []
    for name, kind in operation.path_params:
        schema: dict[str, Any] = (
            {"type": "integer", "minimum": 1, "maximum": MAX_ID}
            if kind == "integer"
            else {"type": "string", "minLength": 1, "maxLength": 120}
        )
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _responses(operation: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "OK",
            "content": {
                "application/json": {
                    "schema": {"$ref": REF.format(model=operation.response.__name__)}
                }
            },
        },
        **{code: _error(text) for code, text in ERRORS.items()},
    }
    responses["429"]["headers"] = {
        "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
    }
    if operation.not_found:
        responses["404"] = _error("No such resource")
    if operation.conflict:
        responses["409"] = _error("The survey is anonymous: nobody's answers can be listed")
    if operation.writes:
        responses["413"] = _error("Request body too large")
        responses["422"] = _error("The body does not match the schema (or is not JSON)")
    return responses


def _operation(operation: Operation) -> dict[str, Any]:
    document: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "description": f"Scope: `{operation.scope}`.",
        "parameters": _parameters(operation),
        "responses": _responses(operation),
        "security": [{"bearer": []}],
    }
    if operation.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": REF.format(model=operation.body.__name__)}}
            },
        }
    return document


def _components() -> dict[str, Any]:
    models = [(ErrorOut, "serialization")]
    for operation in OPERATIONS:
        models.append((operation.response, "serialization"))
        if operation.body is not None:
            models.append((operation.body, "validation"))
    _, definitions = models_json_schema(models, ref_template=REF)
    return definitions.get("$defs", {})


@cache
def openapi_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Enquêtes qualité API",
            "version": "1.0.0",
            "description": (
                "Drive the survey platform from a training-management system. Send "
                "`Authorization: Bearer <key>` (keys are created by an admin on the API keys "
                "page) and `Accept-Language: fr` or `en` for the messages."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": _components(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
