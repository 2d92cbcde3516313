from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "apps.content"
    label = "content"
    verbose_name = "Content"

    def ready(self):
        from . import signals  # noqa: F401  (stored blobs leave with their rows, after commit)
