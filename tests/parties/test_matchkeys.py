"""The match keys: pure functions (accents, phone formats of several countries, e-mail case), the
keys every save keeps, and the bulk refresh after writes that bypass save()."""

import io

import pytest
from django.core.management import call_command

from apps.parties import keystore, matchkeys, services
from apps.parties.models import Address, CompanyPosition, EmailAddress, Party, Phone


@pytest.mark.parametrize(
    "text, key",
    [
        ("Lumière", "lumiere"),
        ("  ÉLODIE   Müller-Lüdenscheidt ", "elodie muller ludenscheidt"),
        ("O'Brien", "obrien"),
        ("D’Alembert", "dalembert"),
        ("Straße", "strasse"),
        ("Ørsted & Æble", "orsted aeble"),
        ("Łódź", "lodz"),
        ("Çağlayan Ş.A.", "caglayan s a"),
        ("François, S.A.", "francois s a"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, key):
    assert matchkeys.fold(text) == key


def test_fold_like_keeps_the_wildcards():
    assert matchkeys.fold_like("%Lumière%") == "%lumiere%"
    assert matchkeys.fold_like("Jean-%") == "jean%"
    assert matchkeys.fold_like("exact_name") == "exact name"


@pytest.mark.parametrize("email", ["Lotte.Martin@Example.COM", "  lotte.martin@example.com "])
def test_email_key(email):
    assert matchkeys.email_key(email) == "lotte.martin@example.com"


@pytest.mark.parametrize(
    "number, country, area_code, key",
    [
        ("0493 51 13 38", "", "", "+32493511338"),  # PHONE_DEFAULT_REGION (BE)
        ("+32 493 51 13 38", "", "", "+32493511338"),
        ("0032 493 51 13 38", "", "", "+32493511338"),
        ("493511338", "", "", "+32493511338"),
        ("+32 (0)493/51.13.38", "", "", "+32493511338"),
        ("06 12 34 56 78", "FR", "", "+33612345678"),
        ("(415) 555-2671", "US", "", "+14155552671"),
        ("020 7946 0958", "GB", "", "+442079460958"),
        ("06 1234 5678", "IT", "", "+390612345678"),  # Italy keeps its leading 0
        ("030 901820", "DE", "", "+4930901820"),
        ("22114455", "", "357", "+35722114455"),  # CRM.COM's area code: the country calling code
        ("+31 20 123 4567", "BE", "", "+31201234567"),  # written internationally: its own country
        ("12", "", "", "12"),  # unreadable: the digits
        ("n/a", "", "", ""),
    ],
)
def test_phone_key(number, country, area_code, key):
    assert matchkeys.phone_key(number, country, area_code) == key


def test_phone_default_region_setting(settings):
    settings.PHONE_DEFAULT_REGION = "NL"
    assert matchkeys.phone_key("020 123 4567") == "+31201234567"


@pytest.mark.parametrize("term", ["0493 51 13 38", "+32 493 51 13 38", "493511338", "0032493511338"])
def test_phone_search_digits_are_in_the_key(term):
    assert matchkeys.looks_like_phone(term)
    assert matchkeys.phone_search_digits(term) in matchkeys.phone_key("0493511338")


def test_not_a_phone():
    assert not matchkeys.looks_like_phone("Lumière 12")
    assert not matchkeys.looks_like_phone("12")


def test_postal_code_and_id_numbers():
    assert matchkeys.postal_code_key("sw1a 1aa") == "SW1A1AA"
    assert matchkeys.postal_code_key("B-1000") == "B1000"
    assert matchkeys.id_key("BE 0123.456.789") == "BE0123456789"
    assert matchkeys.id_key("be0123456789") == "BE0123456789"


@pytest.mark.django_db
def test_every_save_keeps_the_keys():
    person = services.create_person(
        None,
        first_name="Élodie",
        last_name="Lumière",
        id_number="85.07.30-033.61",
        email="Elodie.Lumiere@Example.com",
        mobile="0493 51 13 38",
    )
    person.refresh_from_db()
    assert (person.name_key, person.first_name_key, person.last_name_key) == (
        "elodie lumiere",
        "elodie",
        "lumiere",
    )
    assert person.id_number_key == "85073003361"
    assert EmailAddress.objects.get(party=person).email_key == "elodie.lumiere@example.com"
    assert Phone.objects.get(party=person).phone_key == "+32493511338"
    address = Address.objects.get(party=person)
    services.update_address(None, address, street="Rue de l'Église", postal_code="1000", city="Bruxelles")
    address.refresh_from_db()
    assert (address.street_key, address.postal_code_key, address.city_key) == (
        "rue de leglise",
        "1000",
        "bruxelles",
    )
    services.update_party(None, person, last_name="Dupré")
    person.refresh_from_db()
    assert person.name_key == "elodie dupre"
    organisation = services.create_organisation(None, name="Café Noël", vat_number="BE 0123.456.789")
    assert organisation.vat_key == "BE0123456789"
    position = services.add_company_position(
        None, person, organisation=organisation, title="Directrice générale"
    )
    assert position.title_key == "directrice generale"
    # update_fields saves keep the keys of the fields they write
    person.last_name = "Ångström"
    person.save(update_fields=["last_name"])
    person.refresh_from_db()
    assert person.last_name_key == "angstrom"


@pytest.mark.django_db
def test_refresh_after_bulk_writes():
    person = services.create_person(
        None, first_name="Noé", last_name="Brûlé", email="N@X.be", phone="02 555 12 12"
    )
    organisation = services.create_organisation(None, name="Société Générale")
    services.add_company_position(None, person, organisation=organisation, title="Garçon")
    # writes that bypass save() leave the keys stale
    Party.objects.filter(pk=person.pk).update(last_name="Müller", name="Noé Müller")
    EmailAddress.objects.filter(party=person).update(email="Noe@Example.COM")
    Phone.objects.filter(party=person).update(number="+33 1 23 45 67 89")
    Address.objects.filter(party=person).update(city="Liège", postal_code="4000")
    CompanyPosition.objects.filter(person=person).update(title="Maître")
    assert keystore.refresh_keys([person.pk]) == 5
    assert keystore.refresh_keys([person.pk]) == 0  # nothing left to change
    person.refresh_from_db()
    assert person.last_name_key == "muller"
    assert EmailAddress.objects.get(party=person).email_key == "noe@example.com"
    assert Phone.objects.get(party=person).phone_key == "+33123456789"
    assert Address.objects.get(party=person).city_key == "liege"
    assert CompanyPosition.objects.get(person=person).title_key == "maitre"
    Party.objects.filter(pk=organisation.pk).update(name="Banque Lumière", name_key="")
    call_command("refresh_match_keys", stdout=io.StringIO())
    organisation.refresh_from_db()
    assert organisation.name_key == "banque lumiere"


@pytest.mark.django_db
def test_candidates_sharing_a_key():
    from apps.parties import search

    lotte = services.create_person(None, first_name="Lotte", last_name="Martin", email="lotte@example.com")
    same_email = services.create_person(None, first_name="L.", last_name="Martin", email="LOTTE@example.com")
    same_name = services.create_person(None, first_name="Lotte", last_name="Martín")
    same_phone = services.create_person(None, first_name="Other", last_name="One", phone="0493 51 13 38")
    services.set_phone(None, lotte, "mobile", "+32 493 51 13 38")
    services.create_person(None, first_name="Nobody", last_name="Else", email="else@example.com")
    services.create_organisation(None, name="Lotte Martin")  # another kind
    found = set(Party.objects.filter(search.sharing_keys(lotte)).values_list("pk", flat=True))
    assert found == {same_email.pk, same_name.pk, same_phone.pk}
