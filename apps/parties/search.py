"""Party search on the match keys (matchkeys.py), for every API and the admin.

Every condition compares a key column with a key of the term, so search is case-, accent- and
punctuation-insensitive everywhere (`lumiere` finds `Lumière`) and a phone is found whatever way
it is written (`0493 51 13 38`, `+32 493 51 13 38`, `493511338`). On PostgreSQL each condition is
served by an index of migration 0009_match_keys: a b-tree for exact and prefix matches, a trigram
GIN index for `contains` and `%` patterns. SQLite gives the same answers by scanning.

A `Match` is a condition on one table (parties, or a child table with its party column). One
match, or several ANDed, filter the parties directly (the planner turns each child match into a
semi-join driven by its index). Several ORed become one `id IN (... UNION ...)` of per-table
index searches: an OR of correlated EXISTS would make PostgreSQL scan every party.
"""

import functools
import operator
from dataclasses import dataclass

from django.db.models import CharField, Lookup, Q, TextField

from . import matchkeys
from .models import Address, CompanyPosition, EmailAddress, Party, Phone


@CharField.register_lookup
@TextField.register_lookup
class KeyLike(Lookup):
    """`column LIKE pattern` as written (case-sensitive on PostgreSQL, so the trigram and
    pattern indexes serve it; the keys and patterns are folded alike beforehand)."""

    lookup_name = "key_like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")


@dataclass(frozen=True)
class Match:
    """Rows of `model` satisfying `condition`; `column` is their party id."""

    model: type
    condition: Q
    column: str = "party_id"

    @property
    def on_party(self) -> bool:
        return self.model is Party

    def ids(self):
        return self.model._default_manager.filter(self.condition).order_by().values_list(self.column)

    def q(self) -> Q:
        """The condition on parties."""
        return self.condition if self.on_party else Q(pk__in=self.ids())


NOTHING = Match(Party, Q(pk__in=[]), "id")


def all_of(*matches: Match) -> Q:
    return functools.reduce(operator.and_, (m.q() for m in matches), Q())


def any_of(*matches: Match) -> Q:
    """Parties satisfying any of the matches: the party-table ones ORed in one branch (bitmap OR
    of their indexes), each child-table one its own branch, all in one UNION."""
    matches = [m for m in matches if m is not NOTHING]
    if not matches:
        return Q(pk__in=[])
    own = [m.condition for m in matches if m.on_party]
    branches = [m for m in matches if not m.on_party]
    if own:
        if not branches:
            return functools.reduce(operator.or_, own)
        branches.insert(0, Match(Party, functools.reduce(operator.or_, own), "id"))
    if len(branches) == 1:
        return branches[0].q()
    first, *rest = (m.ids() for m in branches)
    return Q(pk__in=first.union(*rest))


# --- Text on the folded keys ------------------------------------------------------------------


def contains(model, column: str, term, *, party_column: str = "party_id", **where) -> Match:
    """The folded term anywhere in a folded key column (`icontains`, accent-insensitive)."""
    pattern = f"%{_escape(matchkeys.fold(term))}%"
    return Match(model, Q(**{f"{column}__key_like": pattern}, **where), party_column)


def like(model, column: str, value: str, *, party_column: str = "party_id", key=None, **where) -> Match:
    """Cirrus's `%` wildcard filter on a key column: with `%`, a LIKE pattern of the folded
    parts; without, an exact match of the key. `key` folds a part (default: matchkeys.fold)."""
    key = key or matchkeys.fold
    value = str(value)
    if "%" in value:
        pattern = "%".join(_escape(key(part)) for part in value.split("%"))
        return Match(model, Q(**{f"{column}__key_like": pattern}, **where), party_column)
    return Match(model, Q(**{column: key(value)}, **where), party_column)


def name_contains(term, column: str = "name_key") -> Match:
    """Parties whose name key (name_key, first_name_key, last_name_key) contains the term."""
    return contains(Party, column, term, party_column="id")


def document_contains(term) -> Match:
    """The party's own searchable fields (matchkeys.party_keys: names, id, VAT, account numbers)."""
    return contains(Party, "search_document", term, party_column="id")


def city_contains(term, **where) -> Match:
    return contains(Address, "city_key", term, **where)


def address_contains(term, **where) -> Match:
    """Street, number, postal code or city of an address (and the care-of / addressee of an
    address other than the main one)."""
    return contains(Address, "search_document", term, **where)


def title_contains(term, **where) -> Match:
    return contains(CompanyPosition, "title_key", term, party_column="person_id", **where)


# --- E-mails ----------------------------------------------------------------------------------


def email_contains(term, **where) -> Match:
    pattern = f"%{_escape(matchkeys.email_key(term))}%"
    return Match(EmailAddress, Q(email_key__key_like=pattern, **where))


def email_is(email, **where) -> Match:
    return Match(EmailAddress, Q(email_key=matchkeys.email_key(email), **where))


def email_like(value, **where) -> Match:
    return like(EmailAddress, "email_key", value, key=matchkeys.email_key, **where)


# --- Phones -----------------------------------------------------------------------------------


def phone_contains(term, **where) -> Match:
    """Phones with the term's number: a complete valid number by its E.164 key; else phones
    holding the term's digits (without a trunk or international prefix's leading zeros) anywhere
    in their key. Every written form of a number finds it."""
    complete = matchkeys.valid_phone_key(term)
    if complete:  # a whole valid number: the same E.164 key (a b-tree look-up)
        return Match(Phone, Q(phone_key=complete, **where))
    found = matchkeys.phone_search_digits(term)
    if not found:
        return NOTHING
    return Match(Phone, Q(phone_key__key_like=f"%{found}%", **where))


def phone_is(number, **where) -> Match:
    """Phones with the same E.164 number; a number written nationally (no `+` or `00`) also
    finds the same national number in another country (`99849996` finds `+53 99849996`)."""
    key = matchkeys.phone_key(number)
    if not key:
        return NOTHING
    same = Q(phone_key=key)
    text = str(number).strip()
    national = matchkeys.phone_search_digits(text)
    if national and not text.startswith(("+", "00")):
        same |= Q(phone_key__key_like=f"%{national}")
    return Match(Phone, same & Q(**where))


def phone_like(value, **where) -> Match:
    """Cirrus's phone filters: without `%` the same number; with `%` the digits of each part in
    that order (the number's prefix is not anchored: the key starts with the country code)."""
    value = str(value)
    if "%" not in value:
        return phone_is(value, **where)
    parts = [matchkeys.digits(part) for part in value.split("%")]
    parts[0] = parts[0].lstrip("0")
    pattern = "%" + "%".join(parts) + ("%" if value.endswith("%") else "")
    return Match(Phone, Q(phone_key__key_like=pattern.replace("%%", "%"), **where))


# --- Id numbers -------------------------------------------------------------------------------


def id_is(column: str, value) -> Match:
    """A party whose id key (vat_key, registration_key, id_number_key) equals the value's."""
    return Match(Party, Q(**{column: matchkeys.id_key(value)}), "id")


# --- Whole searches ---------------------------------------------------------------------------


def text_search(term, *, phones=None) -> Q:
    """One term anywhere: the party's own fields, any e-mail, any phone (a phone-like term)."""
    matches = [document_contains(term), email_contains(term)]
    if matchkeys.looks_like_phone(term):
        matches.append(phone_contains(term, **({"kind__in": phones} if phones else {})))
    return any_of(*matches)


def admin_search(queryset, search_term: str):
    """The admin's party search: every word of the term in the party's own fields, an e-mail or
    a phone; or the whole term as a phone number ("0475 12 34 56")."""
    from django.utils.text import smart_split, unescape_string_literal

    words = [unescape_string_literal(w) if w[0] in "\"'" else w for w in smart_split(search_term)]
    if not words:
        return queryset
    if matchkeys.looks_like_phone(search_term):  # a number (a phone, or an id number)
        return queryset.filter(any_of(phone_contains(search_term), document_contains(search_term)))
    condition = Q()
    for word in words:
        condition &= any_of(document_contains(word), email_contains(word), phone_contains(word))
    return queryset.filter(condition)


class SearchMixin:
    """For the parties' ModelAdmins: the search box searches the match keys (admin_search)."""

    def get_search_results(self, request, queryset, search_term):
        return admin_search(queryset, search_term), False


# --- Duplicate candidates (issue 15's blocking) -----------------------------------------------


def sharing_keys(party: Party) -> Q:
    """Other parties of the same kind sharing an exact key with `party`: its folded name, an
    e-mail, an E.164 phone, a postal code with street, a VAT / registration / id number. One UNION
    of b-tree look-ups (the keys' `_pattern` indexes), never a scan."""
    matches = []
    if party.name_key:
        matches.append(Match(Party, Q(name_key=party.name_key), "id"))
    for column in ("vat_key", "registration_key", "id_number_key"):
        if getattr(party, column):
            matches.append(Match(Party, Q(**{column: getattr(party, column)}), "id"))
    emails = [e for e in party.email_addresses.values_list("email_key", flat=True) if e]
    if emails:
        matches.append(Match(EmailAddress, Q(email_key__in=emails)))
    phones = [p for p in party.phones.values_list("phone_key", flat=True) if p]
    if phones:
        matches.append(Match(Phone, Q(phone_key__in=phones)))
    for postal, street in party.addresses.exclude(street_key="").values_list("postal_code_key", "street_key"):
        matches.append(Match(Address, Q(postal_code_key=postal, street_key=street)))
    if not matches:
        return Q(pk__in=[])
    return any_of(*matches) & Q(kind=party.kind) & ~Q(pk=party.pk)
