"""OpenAPI (drf-spectacular) support shared by the APIs."""

import re
from dataclasses import dataclass, field

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema


class ApiSchema(AutoSchema):
    """Operation ids from the path and verb, so list and detail views never collide."""

    def get_operation_id(self):
        tokens = [t for t in re.split(r"[^A-Za-z0-9]+", self.path) if t]
        return "_".join([*tokens, self.method.lower()])


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.common.authentication.ApiKeyAuthentication"
    match_subclasses = True
    priority = -1

    @property
    def name(self):
        return type(self.target).__name__

    def get_security_definition(self, auto_schema):
        header = self.target.header.removeprefix("HTTP_").replace("_", "-").title()
        definition = {"type": "apiKey", "in": "header", "name": header}
        if self.target.keyword:
            definition["description"] = f"`{header}: {self.target.keyword} <api key>`"
        return definition


@dataclass(frozen=True)
class ErrorDocs:
    """How an API documents its errors: the error body (`schema`, an OpenAPI schema object, kept
    as the component `component`) in `media_type`, and the statuses every operation may answer
    besides its own (the API's 400/401/403/404). Used by `error_responses_hook(errors)`."""

    component: str
    schema: dict
    media_type: str = "application/json"
    statuses: dict = field(
        default_factory=lambda: {
            400: "Invalid parameters or body.",
            401: "No credentials, or credentials that are not valid.",
            403: "The credentials do not allow this operation.",
            404: "No such record.",
        }
    )


def error_responses_hook(errors: ErrorDocs):
    """A drf-spectacular postprocessing hook: every operation documents each of the API's error
    statuses it does not document already, with the API's error body."""

    def hook(result, generator, request, public):
        components = result.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault(errors.component, errors.schema)
        reference = {"$ref": f"#/components/schemas/{errors.component}"}
        for operations in result.get("paths", {}).values():
            for method, operation in operations.items():
                if method not in HTTP_METHODS:
                    continue
                responses = operation.setdefault("responses", {})
                for status_code, description in errors.statuses.items():
                    responses.setdefault(
                        str(status_code),
                        {"description": description, "content": {errors.media_type: {"schema": reference}}},
                    )
        return result

    return hook


HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def optional_response_fields(result: dict) -> dict:
    """No field of a success response is `required`: for an API whose callers may mask responses
    down to the fields they name (Cirrus's `X-Fields`). Request bodies keep theirs (their
    components are apart, COMPONENT_SPLIT_REQUEST)."""
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def relax(schema):
        if isinstance(schema, list):
            for item in schema:
                relax(item)
            return
        if not isinstance(schema, dict):
            return
        reference = schema.get("$ref", "")
        if reference.startswith("#/components/schemas/"):
            name = reference.rsplit("/", 1)[1]
            if name not in seen and name in components:
                seen.add(name)
                relax(components[name])
            return
        schema.pop("required", None)
        for key, value in schema.items():
            if key in ("properties", "patternProperties"):
                for sub in value.values():
                    relax(sub)
            elif key in ("items", "additionalProperties", "allOf", "anyOf", "oneOf", "not"):
                relax(value)

    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            for status_code, response in operation.get("responses", {}).items():
                if str(status_code).startswith("2"):
                    for media in response.get("content", {}).values():
                        relax(media.get("schema"))
    return result


class NullableInResponses:
    """Mixin for a serializer field that a request must fill but a response may show as null (a
    record made through another API, or in the back office, without it): documented nullable in
    response components only (see NullableInResponsesScheme)."""


class NullableInResponsesScheme(OpenApiSerializerFieldExtension):
    target_class = NullableInResponses
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "response":
            schema["nullable"] = True
        return schema


def non_negative_path_integers(result, generator, request, public):
    """A drf-spectacular postprocessing hook: an integer path parameter (Django's `int` converter,
    digits only) is documented `minimum: 0`; a negative id names another route, or none."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "integer":
                    schema.setdefault("minimum", 0)
    return result
