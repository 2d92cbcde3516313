"""Fill the database with demo data. Each domain app contributes a `demo.py` module with
`seed(stdout)` (idempotent realistic records) and optionally `seed_parties_bulk(count, stdout)`;
they run in INSTALLED_APPS order, so later apps can build on earlier ones."""

import importlib
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise


class Command(BaseCommand):
    help = "Create realistic demo data for every model (idempotent). --parties N adds N bulk parties."

    def add_arguments(self, parser):
        parser.add_argument("--parties", type=int, default=0, help="Also bulk-create N parties (benchmarks).")

    def handle(self, *args, parties, **options):
        started = time.monotonic()
        modules = list(demo_modules())
        with transaction.atomic():
            for module in modules:
                module.seed(self.stdout)
        if parties:
            for module in modules:
                if hasattr(module, "seed_parties_bulk"):
                    module.seed_parties_bulk(parties, self.stdout)
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s.")
