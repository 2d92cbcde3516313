from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from apps.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "api/schema/peepl/",
        SpectacularAPIView.as_view(
            urlconf="apps.api.peepl.urls",
            custom_settings={
                "TITLE": "Peepl admin API",
                "DESCRIPTION": "Peepl's admin API. Authenticate with `Authorization: Token <key>`.",
                "SERVERS": [{"url": "/peepl/v1/admin"}],
            },
        ),
        name="schema-peepl",
    ),
    path("api/docs/peepl/", SpectacularRedocView.as_view(url_name="schema-peepl"), name="docs-peepl"),
    path("peepl/v1/admin/", include("apps.api.peepl.urls")),
    path(
        "api/schema/crmcom-ri/",
        SpectacularAPIView.as_view(
            urlconf="apps.api.crmcom_ri.urls",
            custom_settings={
                "TITLE": "CRM.COM R-series contact_information API",
                "DESCRIPTION": "RPC-style methods: log in with `authentication/token`, then pass the "
                "`token` parameter on every call. Every answer is `{status:{code,message,description}, "
                "data}`; errors have a non-2xx HTTP status and `status.code` other than `OK`.",
                "SERVERS": [{"url": "/crmapi/rest/v2"}],
            },
        ),
        name="schema-crmcom-ri",
    ),
    path(
        "api/docs/crmcom-ri/",
        SpectacularRedocView.as_view(url_name="schema-crmcom-ri"),
        name="docs-crmcom-ri",
    ),
    path("crmapi/rest/v2/", include("apps.api.crmcom_ri.urls")),
    path("crm/", include("apps.api.crmcom_ri.urls_download")),
    path(
        "api/schema/crmcom/",
        SpectacularAPIView.as_view(
            urlconf="apps.api.crmcom.urls",
            custom_settings={
                "TITLE": "CRM.COM Back-Office API v2",
                "DESCRIPTION": "Accounts, activities, analytics and insights. Authenticate every call "
                "with the `api_key` header or `authorization: Bearer <JWT>` (from "
                "`POST /users/authenticate`). "
                "Ids are GUIDs. Lists are `{content, paging:{page,size,total}}` with `sort`, `order`, "
                "`page` and `size`; errors are `{status, message, error, parameters}` (e.g. 404 "
                "`CRM.EXCEPTIONS.NOTFOUNDEXCEPTION`). Every path also answers with a trailing slash.",
                "SERVERS": [{"url": "/backoffice/v2"}],
            },
        ),
        name="schema-crmcom",
    ),
    path("api/docs/crmcom/", SpectacularRedocView.as_view(url_name="schema-crmcom"), name="docs-crmcom"),
    path("backoffice/v2/", include("apps.api.crmcom.urls")),
    path(
        "api/schema/incwo/",
        SpectacularAPIView.as_view(
            urlconf="apps.api.incwo.urls",
            custom_settings={
                "TITLE": "incwo contacts API",
                "DESCRIPTION": "XML in and out (`application/xml`), HTTP Basic with a user's login and "
                "password, paths under `/incwo/<business_file_id>/`. Errors are "
                "`<errors><error>…</error></errors>`: 422 validation, 404, 400 malformed XML.",
                "SERVERS": [{"url": "/incwo"}],
            },
        ),
        name="schema-incwo",
    ),
    path("api/docs/incwo/", SpectacularRedocView.as_view(url_name="schema-incwo"), name="docs-incwo"),
    path("incwo/", include("apps.api.incwo.urls")),
    path(
        "api/schema/cirrus/",
        SpectacularAPIView.as_view(
            urlconf="apps.api.cirrus.urls",
            custom_settings={
                "TITLE": "Cirrus 2 RESTful API",
                "DESCRIPTION": "Authenticate with `X-Token: <key>` or `Authorization: Bearer <key>`. "
                "The `X-Fields` header masks responses (`{id,name,addresses{visiting}}`). Lists are "
                "`{page, pages, per_page, total, items}` with `page` and `per_page` (at most 50); "
                "string filters take `%` as a wildcard. Errors are `{message}`, with `errors` by field "
                "on a 400. Paths have no trailing slash.",
                "SERVERS": [{"url": "/cirrus"}],
            },
        ),
        name="schema-cirrus",
    ),
    path("api/docs/cirrus/", SpectacularRedocView.as_view(url_name="schema-cirrus"), name="docs-cirrus"),
    path("cirrus/", include("apps.api.cirrus.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
