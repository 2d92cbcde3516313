"""The data migrations of issue 9: Cirrus's postal address becomes the party's main address
(parties 0008); a file's one party becomes its first connected party (content 0002)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("parties", "0007_profile_photo"), ("accounts", "0002_defaults"), ("content", "0001_initial")]
AFTER = [("parties", "0008_addresses_across_apis"), ("content", "0002_file_parties")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """Later migrations (e.g. parties 0009) exist: leave the database migrated to the end."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_postal_addresses_move_into_empty_main_addresses_and_files_keep_their_party():
    old = migrate(BEFORE)
    Party, Address, AddressType = (
        old.get_model("parties", name) for name in ("Party", "Address", "AddressType")
    )
    Account = old.get_model("accounts", "Account")
    main_type = AddressType.objects.get_or_create(
        is_default=True, defaults={"description": "C", "code": "c"}
    )[0]
    postal_type = AddressType.objects.get_or_create(code="postal", defaults={"description": "Postal"})[0]

    def party(name, **main):
        row = Party.objects.create(kind="organisation", name=name)
        Address.objects.create(party=row, address_type=main_type, is_default=True, country="BE", **main)
        return row

    moving, staying, plain = party("Moving"), party("Staying", street="Kerkstraat"), party("Plain")
    postal = Address.objects.create(
        party=moving, address_type=postal_type, street="Storgatan", number="12", box="B", country="SE"
    )
    kept = Address.objects.create(party=staying, address_type=postal_type, street="Box 1", country="SE")
    ledger = Account.objects.create(
        party=moving, currency="EUR", number="A1", name="A1", billing_address=postal
    )
    file = old.get_model("content", "File").objects.create(
        name="offer.txt", file="files/offer.txt", party=moving
    )

    new = migrate(AFTER)
    Address = new.get_model("parties", "Address")
    main = Address.objects.get(party_id=moving.pk, is_default=True)
    assert (main.street, main.number, main.box, main.country) == ("Storgatan", "12", "B", "SE")
    assert not Address.objects.filter(pk=postal.pk).exists()
    assert new.get_model("accounts", "Account").objects.get(pk=ledger.pk).billing_address_id == main.pk
    # a main address with content keeps it, and the postal one stays an address of its own
    assert Address.objects.get(party_id=staying.pk, is_default=True).street == "Kerkstraat"
    assert Address.objects.get(pk=kept.pk).street == "Box 1"
    # an empty address loses the country the old model default gave it
    assert Address.objects.get(party_id=plain.pk, is_default=True).country == ""
    assert Address.objects.get(party_id=staying.pk, is_default=True).country == "BE"
    # the file's party is its one connection
    connected = new.get_model("content", "File").objects.get(pk=file.pk).parties.all()
    assert [party.pk for party in connected] == [moving.pk]
