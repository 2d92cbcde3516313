"""OpenAPI (drf-spectacular) support shared by the APIs."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
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
