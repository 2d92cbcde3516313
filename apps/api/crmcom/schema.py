"""OpenAPI security schemes of the Back-Office v2 API (loaded by the app's ready())."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyHeaderScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.crmcom.conventions.ApiKeyHeaderAuthentication"
    name = "api_key"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "api_key",
            "description": "An API key (Core → API keys in the admin, or `manage.py create_api_key`). "
            "`api-key` is accepted too.",
        }


class JwtScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.crmcom.conventions.JwtAuthentication"
    name = "jwt"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "`authorization: Bearer <token>` with a token from `POST /users/authenticate`.",
        }
