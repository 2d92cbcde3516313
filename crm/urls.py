from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from apps.core.views import healthz


def api(name: str, mount: str, urlconf: str, title: str, description: str) -> list:
    """One public API: its routes under `mount`, its OpenAPI schema at /api/schema/<name>/ and a
    docs page at /api/docs/<name>/."""
    schema = SpectacularAPIView.as_view(
        urlconf=urlconf,
        custom_settings={
            "TITLE": title,
            "DESCRIPTION": description,
            "SERVERS": [{"url": "/" + mount.rstrip("/")}],
        },
    )
    docs = SpectacularRedocView.as_view(url_name=f"schema-{name}")
    return [
        path(f"api/schema/{name}/", schema, name=f"schema-{name}"),
        path(f"api/docs/{name}/", docs, name=f"docs-{name}"),
        path(mount, include(urlconf)),
    ]


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    *api(
        "peepl",
        "peepl/v1/admin/",
        "apps.api.peepl.urls",
        "Peepl admin API",
        "Peepl's admin API. Authenticate with `Authorization: Token <key>`.",
    ),
    *api(
        "crmcom-ri",
        "crmapi/rest/v2/",
        "apps.api.crmcom_ri.urls",
        "CRM.COM R-series contact_information API",
        "RPC-style methods: log in with `authentication/token`, then pass the `token` parameter on "
        "every call. Every answer is `{status:{code,message,description}, data}`; errors have a "
        "non-2xx HTTP status and `status.code` other than `OK`.",
    ),
    path("crm/", include("apps.api.crmcom_ri.urls_download")),
    *api(
        "crmcom",
        "backoffice/v2/",
        "apps.api.crmcom.urls",
        "CRM.COM Back-Office API v2",
        "Accounts, activities, analytics and insights. Authenticate every call with the `api_key` "
        "header or `authorization: Bearer <JWT>` (from `POST /users/authenticate`). Ids are GUIDs. "
        "Lists are `{content, paging:{page,size,total}}` with `sort`, `order`, `page` and `size`; "
        "errors are `{status, message, error, parameters}` (e.g. 404 "
        "`CRM.EXCEPTIONS.NOTFOUNDEXCEPTION`). Every path also answers with a trailing slash.",
    ),
    *api(
        "incwo",
        "incwo/",
        "apps.api.incwo.urls",
        "incwo contacts API",
        "XML in and out (`application/xml`), HTTP Basic with a user's login and password, paths under "
        "`/incwo/<business_file_id>/`. Errors are `<errors><error>…</error></errors>`: 422 "
        "validation, 404, 400 malformed XML.",
    ),
    *api(
        "cirrus",
        "cirrus/",
        "apps.api.cirrus.urls",
        "Cirrus 2 RESTful API",
        "Authenticate with `X-Token: <key>` or `Authorization: Bearer <key>`. The `X-Fields` header "
        "masks responses (`{id,name,addresses{visiting}}`). Lists are `{page, pages, per_page, total, "
        "items}` with `page` and `per_page` (at most 50); string filters take `%` as a wildcard. "
        "Errors are `{message}`, with `errors` by field on a 400. Paths have no trailing slash.",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
