"""Routes of price lists (P2-009, P2-010, P2-015, P2-016) and price groups (P2-011-P2-014)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("pricelists", v.PriceListList.as_view()),
    path("pricelists/<int:id>", v.PriceListDetail.as_view()),
    path("pricegroups", v.PriceGroupList.as_view()),
    path("pricegroups/<int:id>", v.PriceGroupDetail.as_view()),
]
