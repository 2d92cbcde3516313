"""Routes of the activities part of the Peepl admin API (operations #54-#80).

Literal segments (`internal`, `since`, `products`...) never collide with ids, which use the `int`
converter. Q7: `annoucement` is an alias of `announcement`. Anything that matches no route falls
to the JSON 404 in urls.py."""

from django.urls import path

from apps.sales.models import Activity

from . import activity_views as v

Kind = Activity.Kind
CREATE_PATHS = {
    "internal": Kind.INTERNAL,
    "external": Kind.EXTERNAL,
    "announcement": Kind.ANNOUNCEMENT,
    "annoucement": Kind.ANNOUNCEMENT,
    "sale": Kind.SALE,
}
DETAIL_PATHS = {**CREATE_PATHS, "session": Kind.SESSION}


class SessionCollection(v.ActivityMixin, v.BaseView):
    """`/activities/session/`: sessions are read-only, so every verb here is 405."""

    permission_model = Activity


urlpatterns = [
    path("activities/", v.ActivityList.as_view(), name="activity-list"),
    *[
        path(f"activities/{segment}/", v.ActivityCreate.as_view(kind=kind), name=f"activity-create-{segment}")
        for segment, kind in CREATE_PATHS.items()
    ],
    path("activities/session/", SessionCollection.as_view(), name="activity-create-session"),
    path("activities/since/<str:since>/", v.ActivityRange.as_view(), name="activity-since"),
    path("activities/before/<str:before>/", v.ActivityRange.as_view(), name="activity-before"),
    path("activities/between/<str:since>/<str:before>/", v.ActivityRange.as_view(), name="activity-between"),
    path("activities/<int:pk>/", v.ActivityDetail.as_view(), name="activity-detail"),
    *[
        path(
            f"activities/{segment}/<int:pk>/",
            v.TypedActivityDetail.as_view(kind=kind),
            name=f"activity-{segment}",
        )
        for segment, kind in DETAIL_PATHS.items()
    ],
    path("activities/<int:pk>/attendance/", v.AttendanceList.as_view(), name="activity-attendance"),
    path("activities/<int:pk>/attachments/", v.ActivityAttachmentList.as_view(), name="activity-attachments"),
    path(
        "activities/<int:pk>/attachments/<int:attachment_id>/",
        v.ActivityAttachmentDetail.as_view(),
        name="activity-attachment",
    ),
    path("activities/<int:pk>/products/", v.ProductList.as_view(), name="activity-products"),
    path(
        "activities/<int:pk>/products/<int:product_id>/", v.ProductDetail.as_view(), name="activity-product"
    ),
    path(
        "activities/<int:pk>/productprices/",
        v.ActivityProductPriceList.as_view(),
        name="activity-productprices",
    ),
    path(
        "activities/<int:pk>/products/<int:product_id>/productprices/",
        v.ProductPriceList.as_view(),
        name="activity-product-prices",
    ),
    path(
        "activities/<int:pk>/products/<int:product_id>/productprices/<int:price_id>/",
        v.ProductPriceDetail.as_view(),
        name="activity-product-price",
    ),
]
