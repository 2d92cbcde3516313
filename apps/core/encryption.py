"""Secrets kept at rest encrypted (spec Cirrus Q22: users' SMTP passwords): Fernet (AES-128-CBC
with HMAC-SHA256) from `cryptography`, with keys from the environment.

FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys (`python -c "from cryptography.fernet import
Fernet; print(Fernet.generate_key().decode())"`); the first encrypts, all decrypt, so a key is
rotated by putting a new one first and re-saving (`manage.py shell`) before dropping the old one.
Unset, one key is derived from SECRET_KEY (the embedded default); set it in production, so the
secrets are not readable by whoever holds SECRET_KEY and a copy of the database.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        derived = hashlib.sha256(b"crm field encryption:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def encrypt(value: str) -> str:
    if not value:
        return ""
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    """The clear text of a stored value; a value without the prefix is a clear one from before
    encryption (it is encrypted when next saved)."""
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise ValueError("An encrypted field could not be decrypted: check FIELD_ENCRYPTION_KEYS.") from None


class EncryptedTextField(models.TextField):
    """Text encrypted in the database and clear in Python. Not searchable, not orderable."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)
