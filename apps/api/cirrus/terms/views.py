"""Delivery terms and types (O58-O65) and payment terms (P2-005-P2-008). Writes go through the
domain services with the caller as actor: apps.sales.services_orders.save_lookup (delivery terms
and types) and apps.accounts.services.save_lookup (payment terms, shared with CRM.COM's financial
accounts); marking one default un-marks the previous one."""

from apps.accounts import services as financial
from apps.accounts.models import PaymentTerm
from apps.sales import services_orders
from apps.sales.models import DeliveryTerm, DeliveryType

from ..toolkit.views import RecordDetail, RecordList
from . import serializers as s
from .filters import DeliveryTermFilter, DeliveryTypeFilter, PaymentTermFilter


class DeliveryTermList(RecordList):
    records = DeliveryTerm.objects.all
    serializer_class = s.DeliveryTermSerializer
    error_field_map = s.DELIVERY_TERM.errors
    filterset_class = DeliveryTermFilter
    create_body = s.DeliveryTermIn
    fields = s.DELIVERY_TERM
    save = services_orders.save_lookup
    summaries = {
        "get": "Returns a paginated list of deliveryterms (O59)",
        "post": "Creates a new deliveryterm (O58)",
    }


class DeliveryTermDetail(RecordDetail, DeliveryTermList):
    update_body = s.DeliveryTermIn
    summaries = {"get": "Returns a deliveryterm (O61)", "put": "Updates a deliveryterm (O60)"}


class DeliveryTypeList(RecordList):
    records = DeliveryType.objects.all
    serializer_class = s.DeliveryTypeSerializer
    error_field_map = s.DELIVERY_TYPE.errors
    filterset_class = DeliveryTypeFilter
    create_body = s.DeliveryTypeIn
    fields = s.DELIVERY_TYPE
    save = services_orders.save_lookup
    summaries = {
        "get": "Returns a paginated list of deliverytypes (O63)",
        "post": "Creates a new deliverytype (O62)",
    }


class DeliveryTypeDetail(RecordDetail, DeliveryTypeList):
    update_body = s.DeliveryTypeIn
    summaries = {"get": "Returns a deliverytype (O65)", "put": "Updates a deliverytype (O64)"}


class PaymentTermList(RecordList):
    records = PaymentTerm.objects.all
    serializer_class = s.PaymentTermSerializer
    error_field_map = s.PAYMENT_TERM.errors
    filterset_class = PaymentTermFilter
    create_body = s.PaymentTermIn
    fields = s.PAYMENT_TERM
    save = financial.save_lookup
    summaries = {
        "get": "Returns a paginated list of paymentterms (P2-006)",
        "post": "Creates a new paymentterm (P2-005)",
    }


class PaymentTermDetail(RecordDetail, PaymentTermList):
    update_body = s.PaymentTermIn
    summaries = {"get": "Returns a paymentterm (P2-008)", "put": "Updates a paymentterm (P2-007)"}
