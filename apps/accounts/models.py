"""Financial accounts of a party (CRM.COM's accounts): a ledger in one currency with a state,
credit terms and a running balance. Payment terms are shared with Cirrus (its `paymentterms`).

The balance is stored for reads, but only `services` change it, always together with a
LedgerEntry, under a row lock: an account's balance is the sum of its entries.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import BaseModel, PublicIdModel

MONEY = {"max_digits": 18, "decimal_places": 2}


class PaymentTerm(BaseModel):
    """Net days until an invoice is due (CRM.COM's payment terms, Cirrus's PaymentTerm)."""

    name = models.CharField(max_length=100, unique=True)
    days = models.PositiveIntegerField(help_text="Net days until due.")
    is_default = models.BooleanField(default=False, help_text="Offered first (Cirrus's `default`).")
    external_key = models.CharField(max_length=100, blank=True, help_text="The ERP's key (Cirrus).")

    class Meta:
        ordering = ["days", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_payment_term"
            )
        ]

    def __str__(self):
        return self.name


class Classification(BaseModel):
    """A class of accounts (e.g. retail, wholesale); a new account gets the default one."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_account_classification"
            )
        ]

    def __str__(self):
        return self.name


class Account(BaseModel):
    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        TERMINATED = "terminated", "Terminated"

    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,  # money records never vanish with a party: terminate first
        related_name="financial_accounts",
    )
    number = models.CharField(max_length=20, unique=True, null=True, editable=False)
    name = models.CharField(max_length=255)
    is_primary = models.BooleanField(default=False, editable=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE, editable=False)
    currency = models.CharField(max_length=3, help_text="ISO 4217 code, e.g. EUR.")
    balance = models.DecimalField(default=0, editable=False, **MONEY)
    overdue_amount = models.DecimalField(default=0, editable=False, **MONEY)
    credit_limit = models.DecimalField(null=True, blank=True, help_text="Empty: no limit.", **MONEY)
    payment_terms = models.ForeignKey(
        PaymentTerm, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    classification = models.ForeignKey(
        Classification, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    billing_address = models.ForeignKey(
        "parties.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    terminated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["party", "created"]),
            models.Index(fields=["party", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["party", "currency"], name="one_account_per_party_and_currency"),
            models.UniqueConstraint(
                fields=["party"], condition=Q(is_primary=True), name="one_primary_account_per_party"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["active", "suspended", "terminated"]), name="account_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="terminated") | Q(balance=0), name="terminated_account_has_no_balance"
            ),
            models.CheckConstraint(
                condition=Q(credit_limit__isnull=True) | Q(credit_limit__gte=0),
                name="account_credit_limit_not_negative",
            ),
            models.CheckConstraint(condition=Q(overdue_amount__gte=0), name="account_overdue_not_negative"),
        ]

    def __str__(self):
        return self.name or self.number or f"#{self.pk}"


class LedgerEntry(PublicIdModel):
    """One change of an account's balance. Entries are never changed or deleted."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        PAYMENT = "payment", "Payment"
        CREDIT_NOTE = "credit_note", "Credit note"
        REFUND = "refund", "Refund"
        ADJUSTMENT = "adjustment", "Adjustment"
        TRANSFER_IN = "transfer_in", "Transfer in"
        TRANSFER_OUT = "transfer_out", "Transfer out"
        WRITE_OFF = "write_off", "Written off on termination"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(help_text="Signed: what the entry adds to the balance.", **MONEY)
    balance_after = models.DecimalField(**MONEY)
    description = models.CharField(max_length=255, blank=True)
    transfer = models.UUIDField(null=True, blank=True, help_text="Groups the two legs of a transfer.")
    counter_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True, help_text="Kept when the user is deleted.")

    class Meta:
        verbose_name_plural = "ledger entries"
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["account", "id"]),
            models.Index(fields=["kind", "created"]),
        ]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} on {self.account}"
