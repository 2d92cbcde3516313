"""The Cirrus 2 API, mounted at /cirrus/. Each resource keeps its routes in its own module;
paths have no trailing slash. Anything else under the mount is Cirrus's JSON 404 (crm.urls.api())."""

from . import urls_accounts, urls_contacts, urls_dynamic, urls_files, urls_users

app_name = "cirrus"

urlpatterns = [
    # Part 1: accounts, contacts, dynamic fields and data, files and folders.
    *urls_accounts.urlpatterns,
    *urls_contacts.urlpatterns,
    *urls_dynamic.urlpatterns,
    *urls_files.urlpatterns,
    # Part 2 resources: add their route modules here (urls_users, ...).
    *urls_users.urlpatterns,  # users, budgets, departments, roles, KPIs, settings, add-ons, sort groups
]
