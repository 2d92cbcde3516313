import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from apps.core.api_keys import issue_api_key, revoke_api_key
from apps.core.models import ApiKey

DEMO_KEY_NAME = "demo (printed by make run)"


class Command(BaseCommand):
    help = "Create or reset the demo superuser with a fresh random password and API key, and print them."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": "admin@example.com"}
        )
        password = secrets.token_urlsafe(12)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        for old in ApiKey.objects.filter(user=user, name=DEMO_KEY_NAME, revoked__isnull=True):
            revoke_api_key(old)
        _, raw = issue_api_key(user, DEMO_KEY_NAME)
        self.stdout.write(f"Admin login: {username} / {password}")
        self.stdout.write(f"API key:     {raw}")
