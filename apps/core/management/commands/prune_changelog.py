from django.core.management.base import BaseCommand

from apps.core.tasks import prune_change_log


class Command(BaseCommand):
    help = "Delete change log entries older than --days (default: CHANGELOG_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        self.stdout.write(f"Deleted {prune_change_log(days)} change log entries.")
