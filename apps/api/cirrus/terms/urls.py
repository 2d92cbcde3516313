"""Routes of delivery terms (O58-O61), delivery types (O62-O65) and payment terms (P2-005-P2-008)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("deliveryterms", v.DeliveryTermList.as_view()),
    path("deliveryterms/<int:id>", v.DeliveryTermDetail.as_view()),
    path("deliverytypes", v.DeliveryTypeList.as_view()),
    path("deliverytypes/<int:id>", v.DeliveryTypeDetail.as_view()),
    path("paymentterms", v.PaymentTermList.as_view()),
    path("paymentterms/<int:id>", v.PaymentTermDetail.as_view()),
]
