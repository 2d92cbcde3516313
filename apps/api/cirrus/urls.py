"""The Cirrus 2 API, mounted at /cirrus/. Each resource keeps its routes in its own module;
paths have no trailing slash, and anything else under the mount answers a JSON 404."""

from django.urls import re_path

from . import urls_accounts, urls_contacts, urls_dynamic, urls_files, urls_users
from .toolkit.views import not_found

app_name = "cirrus"

urlpatterns = [
    # Part 1: accounts, contacts, dynamic fields and data, files and folders.
    *urls_accounts.urlpatterns,
    *urls_contacts.urlpatterns,
    *urls_dynamic.urlpatterns,
    *urls_files.urlpatterns,
    # Part 2 resources: add their route modules here (urls_users, ...).
    *urls_users.urlpatterns,  # users, budgets, departments, roles, KPIs, settings, add-ons, sort groups
    # Must stay last: the JSON 404 for every other path under the mount.
    re_path(r"^.*$", not_found),
]
