import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from apps.api.cirrus.toolkit.errors import mount_error as cirrus_errors
from apps.api.common import docs, mounts
from apps.api.crmcom.conventions import mount_error as crmcom_errors
from apps.api.crmcom_ri.conventions import mount_error as crmcom_ri_errors
from apps.api.incwo.conventions import mount_error as incwo_errors
from apps.api.peepl.conventions import mount_error as peepl_errors
from apps.content import downloads
from apps.core.views import healthz


def mounted(mount: str, urlconf: str, errors) -> list:
    """`urlconf`'s routes under `mount`, then the API's own 404 for every other path under it
    (any method), with `errors` rendering its error bodies (apps.api.common.mounts)."""
    mounts.register(mount, errors)
    unknown = mounts.unknown_path_view(errors)
    return [
        path(mount, include(urlconf)),
        re_path(rf"^{re.escape(mount)}", unknown),
        re_path(rf"^{re.escape(mount.rstrip('/'))}$", unknown),
    ]


def api(name: str, mount: str, urlconf: str, title: str, description: str, errors) -> list:
    """One public API: its routes under `mount` (see mounted()), its OpenAPI schema at
    /api/schema/<name>/ and a docs page titled `title` at /api/docs/<name>/ (works offline).
    `errors` is the API's conventions module function rendering its error bodies; the module's
    `schema_hook` documents them on every operation (apps.api.common.schema.ErrorDocs)."""
    schema = SpectacularAPIView.as_view(
        urlconf=urlconf,
        custom_settings={
            "TITLE": title,
            "DESCRIPTION": description,
            "SERVERS": [{"url": "/" + mount.rstrip("/")}],
            "POSTPROCESSING_HOOKS": [
                "drf_spectacular.hooks.postprocess_schema_enums",
                "apps.api.common.schema.non_negative_path_integers",
                f"{errors.__module__}.schema_hook",
            ],
        },
    )
    docs_page = SpectacularRedocView.as_view(
        url_name=f"schema-{name}", title=title, template_name="api/redoc.html"
    )
    return [
        path(f"api/schema/{name}/", schema, name=f"schema-{name}"),
        path(f"api/docs/{name}/", docs_page, name=f"docs-{name}"),
        *mounted(mount, urlconf, errors),
    ]


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Stored files on local disk, by signed expiring URL (apps.content.downloads).
    path("files/<str:token>/<str:filename>", downloads.download, name="file-download"),
    path("api/docs/redoc/bundles/redoc.standalone.js", docs.redoc_bundle, name="redoc-bundle"),
    path("admin/", admin.site.urls),
    *api(
        "peepl",
        "peepl/v1/admin/",
        "apps.api.peepl.urls",
        "Peepl admin API",
        "Peepl's admin API. Authenticate with `Authorization: Token <key>`.",
        peepl_errors,
    ),
    *api(
        "crmcom-ri",
        "crmapi/rest/v2/",
        "apps.api.crmcom_ri.urls",
        "CRM.COM R-series contact_information API",
        "RPC-style methods: log in with `authentication/token`, then pass the `token` parameter on "
        "every call. Every answer is `{status:{code,message,description}, data}`; errors have a "
        "non-2xx HTTP status and `status.code` other than `OK`.",
        crmcom_ri_errors,
    ),
    *mounted("crm/", "apps.api.crmcom_ri.urls_download", crmcom_ri_errors),
    *api(
        "crmcom",
        "backoffice/v2/",
        "apps.api.crmcom.urls",
        "CRM.COM Back-Office API v2",
        "Accounts, activities, analytics and insights. Authenticate every call with the `api_key` "
        "header or `authorization: Bearer <JWT>` (from `POST /users/authenticate`). Ids are GUIDs. "
        "Lists are `{content, paging:{page,size,total,has_more}}` with `sort`, `order`, `page` and `size`; "
        "errors are `{status, message, error, parameters}` (e.g. 404 "
        "`CRM.EXCEPTIONS.NOTFOUNDEXCEPTION`). Every path also answers with a trailing slash.",
        crmcom_errors,
    ),
    *api(
        "incwo",
        "incwo/",
        "apps.api.incwo.urls",
        "incwo contacts API",
        "XML in and out (`application/xml`), HTTP Basic with a user's login and password, paths under "
        "`/incwo/<business_file_id>/`. Errors are `<errors><error>…</error></errors>`: 422 "
        "validation, 404, 400 malformed XML.",
        incwo_errors,
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
        cirrus_errors,
    ),
]

# Errors raised outside the APIs' views (a bad Host header, an unhandled exception) are answered
# in the API's format under its mount, and as Django does everywhere else.
handler400 = mounts.error_handler(400)
handler403 = mounts.error_handler(403)
handler404 = mounts.error_handler(404)
handler500 = mounts.error_handler(500)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.BENCHMARK_VIEWS:
    from crm.benchmark import bare_page

    urlpatterns.insert(0, path("benchmark/bare", bare_page))
