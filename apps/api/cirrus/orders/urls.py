"""Routes of orders (O104-O107), order types (P2-001-P2-004) and order statuses (P2-044-P2-047)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("orders", v.OrderList.as_view()),
    path("orders/<int:id>", v.OrderDetail.as_view()),
    path("ordertypes", v.OrderTypeList.as_view()),
    path("ordertypes/<int:id>", v.OrderTypeDetail.as_view()),
    path("orderstatus", v.OrderStatusList.as_view()),
    path("orderstatus/<int:id>", v.OrderStatusDetail.as_view()),
]
