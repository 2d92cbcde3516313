"""The Peepl admin API, mounted at /peepl/v1/admin/. Every path ends with a slash; anything else
under the mount answers a JSON 404 (no redirects). Each area keeps its routes in its own module."""

from django.urls import re_path

from . import urls_activities, urls_content, urls_parties
from .conventions import not_found

app_name = "peepl"

urlpatterns = [
    *urls_parties.urlpatterns,
    *urls_activities.urlpatterns,
    *urls_content.urlpatterns,
    # Must stay last: the JSON 404 for every other path under the mount.
    re_path(r"^.*$", not_found),
]
