"""Stored files reached by URL in every setup. On S3 a file's URL is the storage's own, signed
and expiring (AWS_QUERYSTRING_AUTH). On local disk nothing serves MEDIA_URL in production
(DEBUG=0; docker-compose has no web server for it), so a file's URL is this app's download view
with a signed, expiring token (FILE_URL_MAX_AGE seconds) naming the file and the user it was
given to: the URL works only while that user is active and until it expires, like an S3 one.
"""

import mimetypes
import posixpath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_safe

SALT = "apps.content.downloads"
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def _local() -> bool:
    return not settings.AWS_STORAGE_BUCKET_NAME


def file_url(stored, user=None, request=None) -> str | None:
    """The URL of a stored file (a FieldFile) for `user`: absolute when `request` is given."""
    if not stored or not stored.name:
        return None
    if not _local():
        return stored.storage.url(stored.name)
    token = signing.dumps({"n": stored.name, "u": getattr(user, "pk", None)}, salt=SALT, compress=True)
    url = reverse("file-download", args=[token, posixpath.basename(stored.name) or "file"])
    return request.build_absolute_uri(url) if request is not None else url


@require_safe
def download(request, token: str, filename: str):
    """A stored file for a valid, unexpired token (404 otherwise: nothing tells a wrong token
    from a missing file). Images show inline; anything else downloads, sandboxed."""
    try:
        claim = signing.loads(token, salt=SALT, max_age=settings.FILE_URL_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        raise Http404("No such file.") from None
    name, user_id = claim.get("n"), claim.get("u")
    if user_id is not None and not get_user_model().objects.filter(pk=user_id, is_active=True).exists():
        raise Http404("No such file.")
    if not name or not default_storage.exists(name):
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=content_type not in INLINE_TYPES,
        filename=posixpath.basename(name),
        content_type=content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, max-age=300"
    return response
