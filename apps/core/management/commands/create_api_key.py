from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.core.api_keys import issue_api_key


class Command(BaseCommand):
    help = "Issue an API key for a user. The raw key is printed once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API key")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f'No user "{username}".')
        key, raw = issue_api_key(user, name)
        self.stderr.write(
            f'Issued key "{key.name}" ({key.prefix}…) for {username}. It will not be shown again.'
        )
        self.stdout.write(raw)
