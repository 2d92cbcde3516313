"""Turning the domain's ValidationError into what an API shows."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def error_messages(exc: ValidationError, field_map: dict[str, str] | None = None) -> tuple[dict, list]:
    """Split a domain ValidationError into ({api_field: [messages]}, [general messages]), renaming
    domain field names through `field_map`."""
    field_map = field_map or {}
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            if name == NON_FIELD_ERRORS:
                general.extend(errors)
            else:
                fields.setdefault(field_map.get(name, name), []).extend(errors)
    else:
        general.extend(exc.messages)
    return fields, general
