"""The Peepl admin API, mounted at /peepl/v1/admin/. Every path ends with a slash; anything else
under the mount is Peepl's JSON 404, no redirects (crm.urls.api()). Each area keeps its routes in
its own module."""

from . import urls_activities, urls_content, urls_parties

app_name = "peepl"

urlpatterns = [
    *urls_parties.urlpatterns,
    *urls_activities.urlpatterns,
    *urls_content.urlpatterns,
]
