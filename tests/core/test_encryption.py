"""SMTP passwords (Cirrus user e-mail settings) are encrypted at rest with keys from the
environment (FIELD_ENCRYPTION_KEYS) and never shown by the API (issue 16, spec Q22)."""

import importlib

import pytest
from cryptography.fernet import Fernet
from django.apps import apps as django_apps
from django.db import connection

from apps.core import encryption
from apps.core.api_keys import issue_api_key
from apps.core.models import UserEmailSettings
from tests.api.cirrus.support import CirrusClient

pytestmark = pytest.mark.django_db
SECRET = "s3cret-smtp-pässword"


def stored_password(row) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT password FROM {UserEmailSettings._meta.db_table} WHERE id = %s", [row.pk])
        return cursor.fetchone()[0]


def test_the_password_is_stored_encrypted_and_never_returned(admin_user):
    client = CirrusClient()
    client.credentials(HTTP_X_TOKEN=issue_api_key(admin_user, "me")[1])
    response = client.call("put", "users/me", {"emailsettings": {"password": SECRET, "smtpserver": "smtp.x"}})
    assert response.status_code == 200, response.content
    assert response.json()["emailsettings"]["password"] is None
    assert SECRET not in response.content.decode()
    assert client.call("get", "users/me").json()["emailsettings"]["password"] is None
    row = UserEmailSettings.objects.get(user=admin_user)
    assert row.password == SECRET  # clear in Python, for the code that sends mail
    raw = stored_password(row)
    assert raw.startswith("fernet:") and SECRET not in raw


def test_keys_come_from_the_environment_and_rotate(admin_user, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    row = UserEmailSettings.objects.create(user=admin_user, password=SECRET)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # rotation: the new key first, the old still reads
    assert UserEmailSettings.objects.get(pk=row.pk).password == SECRET
    UserEmailSettings.objects.get(pk=row.pk).save()
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert UserEmailSettings.objects.get(pk=row.pk).password == SECRET
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEYS"):
        UserEmailSettings.objects.get(pk=row.pk)


def test_the_migration_encrypts_passwords_stored_in_clear(admin_user):
    row = UserEmailSettings.objects.create(user=admin_user)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {UserEmailSettings._meta.db_table} SET password = %s WHERE id = %s", [SECRET, row.pk]
        )
    assert UserEmailSettings.objects.get(pk=row.pk).password == SECRET  # clear text still reads
    migration = importlib.import_module("apps.core.migrations.0011_encrypted_smtp_passwords")
    migration.encrypt_existing(django_apps, None)
    assert stored_password(row).startswith(encryption.PREFIX)
    assert UserEmailSettings.objects.get(pk=row.pk).password == SECRET
