"""The address mapping (apps/parties/addresses.py, docs/addresses.md): street lines split and
rendered, countries by name or code, the main address, the kinds the APIs list, and the address
services that write them (default country, one-line streets, listed adds and removals)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from apps.parties import addresses, services
from apps.parties.addresses import country_code, country_name, split_street, street_line
from apps.parties.data.reference import install
from apps.parties.models import Address, AddressType
from tests.factories import OrganisationFactory

# --- street lines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "country", "parts"),
    [
        ("Nieuwstraat 173", "BE", ("Nieuwstraat", "173", "")),
        ("Kerkstraat 5A", "BE", ("Kerkstraat", "5A", "")),
        ("Kerkstraat 5-7", "NL", ("Kerkstraat", "5-7", "")),
        ("Storgatan 12 B", "SE", ("Storgatan", "12", "B")),
        ("Storgatan 12 lgh 1102", "SE", ("Storgatan", "12", "lgh 1102")),
        ("Rue de la Loi 16 bte 3", "BE", ("Rue de la Loi", "16", "bte 3")),
        ("Nieuwstraat 173 bus 3", "BE", ("Nieuwstraat", "173", "bus 3")),
        ("Rue du 2 Mai 5", "BE", ("Rue du 2 Mai", "5", "")),
        ("1 rue de la Paix", "FR", ("rue de la Paix", "1", "")),
        ("12 bis rue Victor Hugo", "FR", ("rue Victor Hugo", "12 bis", "")),
        ("173 Main Street", "US", ("Main Street", "173", "")),
        ("173 Main Street Apt 5", "US", ("Main Street", "173", "Apt 5")),
    ],
)
def test_a_street_line_splits_into_street_number_and_box(line, country, parts):
    assert split_street(line, country) == parts
    assert street_line(*parts, country) == line


@pytest.mark.parametrize(
    ("line", "country"),
    [
        ("173 Main Street", "BE"),  # number first where the country writes it last: kept whole
        ("Nieuwstraat 173", "US"),
        ("Avenue du 11 Novembre", "BE"),  # a number inside the name is no house number
        ("Nieuwstraat  173", "BE"),  # two spaces would not read back the same
        ("Postbus 12345678901234567890123", "NL"),  # longer than a house number
        ("Kerkstraat", "BE"),
        ("", "BE"),
    ],
)
def test_a_line_that_would_not_read_back_the_same_stays_whole(line, country):
    assert split_street(line, country) == (line, "", "")
    assert street_line(*split_street(line, country), country) == line


def test_parts_render_in_the_countrys_order():
    assert street_line("Storgatan", "12", "B", "SE") == "Storgatan 12 B"
    assert street_line("rue de la Paix", "1", "", "FR") == "1 rue de la Paix"
    assert street_line("Kerkstraat", "", "", "BE") == "Kerkstraat"
    assert street_line("", "", "", "BE") == ""


# --- countries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Belgique", "BE"),
        ("belgium", "BE"),
        ("BELGIQUE", "BE"),
        ("be", "BE"),
        ("BEL", "BE"),
        ("Suède", "SE"),
        ("suede", "SE"),
        ("Sweden", "SE"),
        ("États-Unis", "US"),
        ("Etats Unis", "US"),
        ("United States", "US"),
        ("Royaume-Uni", "GB"),
        ("Côte d'Ivoire", "CI"),
        ("cote d ivoire", "CI"),
        ("Russian Federation", "RU"),
        ("Allemagne", "DE"),
    ],
)
def test_a_country_is_found_by_english_or_french_name_or_iso_code(value, code):
    assert country_code(value) == code


@pytest.mark.parametrize("value", ["Atlantis", "", "XX", "Belgiquee"])
def test_an_unknown_country_is_none(value):
    assert country_code(value) is None


def test_country_names_come_from_django_countries():
    assert country_name("BE", "fr") == "Belgique"
    assert country_name("SE", "fr") == "Suède"
    assert country_name("BE") == "Belgium"
    assert country_name("") == ""
    assert addresses.country_alpha3("SE") == "SWE"


# --- the main address and the kinds the APIs list -------------------------------------------------


@pytest.fixture
def reference(db):
    install(apps)


@pytest.fixture
def person(db):
    return services.create_person(None, first_name="Ann", last_name="Smith")


def main_of(party) -> Address:
    return party.addresses.get(is_default=True)


def listed(party):
    rows = party.addresses.select_related("address_type")
    return [(row.pk, kind) for row, kind in addresses.listed(rows, party)]


@pytest.mark.django_db
def test_a_new_party_has_an_empty_main_address_without_a_country(person):
    main = main_of(person)
    assert not addresses.has_content(main) and main.country == "" and main.main_kind == ""
    assert listed(person) == []  # the empty placeholder is not listed


@pytest.mark.django_db
def test_the_main_address_is_listed_first_with_its_kind(reference, person):
    home = services.add_address(None, person, address_type=AddressType.objects.get(code="home"), city="A")
    assert listed(person) == [(home.pk, "home")]
    main = services.update_address(None, main_of(person), city="B")
    assert listed(person) == [(main.pk, "home"), (home.pk, "home")]  # a person's main: home
    services.update_address(None, main, kind="business")
    assert listed(person) == [(main.pk, "business"), (home.pk, "home")]
    organisation = OrganisationFactory()
    services.update_address(None, main_of(organisation), city="C")
    assert listed(organisation) == [(main_of(organisation).pk, "business")]


@pytest.mark.django_db
def test_incwo_and_crmcom_codes_of_kinds(reference, person):
    main = services.update_address(None, main_of(person), city="B", kind="other")
    visiting = AddressType.objects.create(description="Visiting", code="visiting")
    extra = services.add_address(None, person, address_type=visiting, city="V")
    assert [addresses.incwo_code(kind) for _row, kind in addresses.listed([main, extra], person)] == [22, 22]
    # R has no "other" kind: the main address shows as the party's (HOME), a visiting one not at all
    assert addresses.crmcom_code(main, person) == "HOME"
    assert addresses.crmcom_code(extra, person) is None


# --- writing addresses ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_address_written_without_a_country_gets_the_installs_default(reference, person, settings):
    settings.DEFAULT_COUNTRY = "SE"
    home = AddressType.objects.get(code="home")
    assert services.add_address(None, person, address_type=home, city="Umeå").country == "SE"
    assert services.add_address(None, person, address_type=home, city="Gent", country="BE").country == "BE"
    assert services.add_address(None, person, address_type=home, city="X", country="").country == ""
    # the empty main address takes it with its first content, not before
    main = services.update_address(None, main_of(person), care_of="")
    assert main.country == ""
    assert services.update_address(None, main, city="Umeå").country == "SE"
    # later writes without a country keep the one it has
    settings.DEFAULT_COUNTRY = "BE"
    assert services.update_address(None, main, city="Luleå").country == "SE"


@pytest.mark.django_db
def test_a_street_line_is_stored_as_parts_and_kept_when_written_back(person):
    main = services.update_address(None, main_of(person), street_line="Nieuwstraat 173", city="Gent")
    assert (main.street, main.number, main.box, main.country) == ("Nieuwstraat", "173", "", "BE")
    # parts written elsewhere that would not split the same way: the line they show keeps them
    main = services.update_address(None, main, street="Kerkstraat 5", number="12", box="3")
    assert addresses.address_line(main) == "Kerkstraat 5 12 3"
    services.update_address(None, main, street_line="Kerkstraat 5 12 3")
    main.refresh_from_db()
    assert (main.street, main.number, main.box) == ("Kerkstraat 5", "12", "3")
    # a changed line is split again, in the order of the address's country
    services.update_address(None, main, street_line="1 rue de la Paix", country="FR")
    main.refresh_from_db()
    assert (main.street, main.number, main.box, main.country) == ("rue de la Paix", "1", "", "FR")


@pytest.mark.django_db
def test_writing_what_is_stored_changes_nothing(person):
    main = services.update_address(None, main_of(person), street_line="Nieuwstraat 173", city="Gent")
    updated = main.updated
    party_updated = type(person).objects.get(pk=person.pk).updated
    services.update_address(None, main, street_line="Nieuwstraat 173", city="Gent", country="BE")
    main.refresh_from_db()
    assert main.updated == updated
    assert type(person).objects.get(pk=person.pk).updated == party_updated


@pytest.mark.django_db
def test_the_first_listed_address_fills_the_main_one(reference, person):
    first = services.add_listed_address(None, person, kind="business", street="Latisa", city="Nicosia")
    assert first.is_default and first.main_kind == "business" and first.country == "BE"
    second = services.add_listed_address(None, person, kind="business", street="Other", city="Limassol")
    assert not second.is_default and second.address_type.code == "business"
    assert person.addresses.count() == 2


@pytest.mark.django_db
def test_a_listed_address_does_not_fill_the_main_one_when_others_exist(reference, person):
    services.add_address(None, person, address_type=AddressType.objects.get(code="home"), city="A")
    added = services.add_listed_address(None, person, kind="home", city="B")
    assert not added.is_default and not addresses.has_content(main_of(person))
    # nor an address without content
    other = services.create_person(None, first_name="Bo", last_name="Ek")
    empty = services.add_listed_address(None, other, kind="home", street="")
    assert not empty.is_default


@pytest.mark.django_db
def test_removing_a_listed_main_address_empties_it(reference, person):
    main = services.add_listed_address(None, person, kind="home", street_line="Storgatan 12 B", country="SE")
    services.remove_listed_address(None, main)
    main.refresh_from_db()
    assert not addresses.has_content(main) and main.country == "" and main.main_kind == ""
    home = services.add_address(None, person, address_type=AddressType.objects.get(code="home"), city="A")
    services.remove_listed_address(None, home)
    assert list(person.addresses.all()) == [main]
    with pytest.raises(ValidationError):
        services.delete_address(None, main)  # Peepl's rule stands


@pytest.mark.django_db
def test_a_kind_changes_the_type_of_another_address(reference, person):
    home = services.add_address(None, person, address_type=AddressType.objects.get(code="home"), city="A")
    services.update_address(None, home, kind="business")
    home.refresh_from_db()
    assert home.address_type.code == "business" and home.main_kind == ""
    with pytest.raises(ValidationError):
        services.update_address(None, home, kind="no-such-kind")


@pytest.mark.django_db
def test_main_kind_only_on_the_main_address(reference, person):
    from django.db import IntegrityError, transaction

    home = services.add_address(None, person, address_type=AddressType.objects.get(code="home"), city="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.filter(pk=home.pk).update(main_kind="home")
