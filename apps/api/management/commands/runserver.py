"""`runserver` (the embedded default `make run` serves) as Django's, with WhiteNoise serving the
static files, except that it keeps the `api_key` request header.

CRM.COM Back-Office v2 documents its key header as `api_key`, and public clients send exactly
that. Django's development server drops every header name with an underscore (a client could
otherwise pass `X_Forwarded_For` off as `X-Forwarded-For`); this one keeps that single header,
as `HTTP_API_KEY`, which no other header can be mistaken for. `apps.api` comes before
`whitenoise.runserver_nostatic` in INSTALLED_APPS so that this command is the one Django runs.
"""

from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from whitenoise.runserver_nostatic.management.commands.runserver import Command as RunserverCommand

KEPT_HEADER = "api_key"


class ApiKeyRequestHandler(WSGIRequestHandler):
    def get_environ(self):
        kept = [value.strip() for value in self.headers.get_all(KEPT_HEADER) or []]
        environ = super().get_environ()  # drops every header name with an underscore
        if kept:
            sent = [environ["HTTP_API_KEY"]] if "HTTP_API_KEY" in environ else []  # from `api-key`
            environ["HTTP_API_KEY"] = ",".join(sent + kept)
        return environ


class ApiKeyWSGIServer(WSGIServer):
    """Django's server with the handler above (runserver has no setting for the handler class)."""

    def __init__(self, server_address, handler_class, *args, **kwargs):
        super().__init__(server_address, ApiKeyRequestHandler, *args, **kwargs)


class Command(RunserverCommand):
    server_cls = ApiKeyWSGIServer
