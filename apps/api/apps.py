from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apps.api"
    label = "api"
    verbose_name = "APIs"

    def ready(self):
        from .common import schema  # noqa: F401  (registers the OpenAPI extensions)
