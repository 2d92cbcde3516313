"""The Redoc viewer of the API docs pages (/api/docs/<api>/), served from here so that the pages
work without internet: the bundle drf-spectacular-sidecar ships, with the one thing it would load
from outside, Redocly's logo under the side menu (from cdn.redoc.ly), replaced by an empty image.
settings.SPECTACULAR_SETTINGS["REDOC_DIST"] points the pages here; templates/api/redoc.html
leaves out the Google web fonts of drf-spectacular's page."""

import functools
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
OUTSIDE_IMAGE = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@functools.cache
def redoc_bundle_source() -> bytes:
    return Path(finders.find(BUNDLE)).read_bytes().replace(OUTSIDE_IMAGE, EMPTY_IMAGE)


def redoc_bundle(request):
    response = HttpResponse(redoc_bundle_source(), content_type="text/javascript; charset=utf-8")
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
