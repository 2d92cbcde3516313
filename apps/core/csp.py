"""The admin's Content-Security-Policy (django-csp), on the paths in CSP_PATH_PREFIXES only: the
APIs answer JSON and XML, and the API docs pages run Redoc, which needs more than the admin."""

from csp.middleware import CSPMiddleware
from django.conf import settings


class AdminCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if not request.path_info.startswith(tuple(settings.CSP_PATH_PREFIXES)):
            return response
        return super().process_response(request, response)
