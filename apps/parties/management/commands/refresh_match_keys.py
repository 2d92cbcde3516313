"""Recompute every party's match keys (after a bulk load that wrote rows without save())."""

from django.core.management.base import BaseCommand

from apps.parties import keystore


class Command(BaseCommand):
    help = "Recompute the match keys of every party and its e-mails, phones, addresses and positions."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=keystore.BATCH, help="Parties per transaction.")

    def handle(self, *args, batch, **options):
        keystore.refresh_all(batch=batch, stdout=self.stdout)
