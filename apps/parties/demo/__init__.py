"""Demo data for the parties domain, in two parts: the reference lookups, then the parties."""

from . import accounts, parties, reference


def seed(stdout):
    reference.seed(stdout)
    parties.seed(stdout)
    accounts.seed(stdout)


def seed_parties_bulk(count, stdout):
    parties.seed_parties_bulk(count, stdout)
