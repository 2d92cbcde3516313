from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from apps.api.common.errors import error_messages


def test_a_plain_message_is_general():
    assert error_messages(ValidationError("The default address cannot be deleted.")) == (
        {},
        ["The default address cannot be deleted."],
    )


def test_a_list_of_messages_is_general():
    assert error_messages(ValidationError(["One.", "Two."])) == ({}, ["One.", "Two."])


def test_field_messages_are_keyed_by_field():
    exc = ValidationError({"max_amount": "Too low.", "description": ["Required.", "Too long."]})
    assert error_messages(exc) == (
        {"max_amount": ["Too low."], "description": ["Required.", "Too long."]},
        [],
    )


def test_non_field_errors_are_general():
    exc = ValidationError({NON_FIELD_ERRORS: ["Broken."], "email": "Invalid."})
    assert error_messages(exc) == ({"email": ["Invalid."]}, ["Broken."])


def test_field_names_are_renamed_and_merged():
    exc = ValidationError({"number": "Too long.", "kind": "Bad kind.", "city": "Required."})
    fields, general = error_messages(exc, {"number": "phone", "kind": "phone"})
    assert fields == {"phone": ["Too long.", "Bad kind."], "city": ["Required."]}
    assert general == []


def test_message_parameters_are_filled_in():
    exc = ValidationError({"value": ValidationError("%(value)s is not valid.", params={"value": "x"})})
    assert error_messages(exc) == ({"value": ["x is not valid."]}, [])
    plain = ValidationError("%(n)s too many.", params={"n": 3})
    assert error_messages(plain) == ({}, ["3 too many."])
