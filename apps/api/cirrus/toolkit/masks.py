"""The `X-Fields` response mask, as Flask-RESTPlus parses and applies it.

`{id,name,addresses{visiting{city}}}` keeps `id`, `name` and, of `addresses`, only `visiting`'s
`city`. Braces nest into an object or into every element of a list; `*` keeps every other key of
its level; the outer braces are optional and whitespace is ignored. A key the object does not have
is skipped. A malformed mask raises MaskParseError with Flask-RESTPlus's message.
"""

import re

TOKENS = re.compile(r"\{|\}|,|[\w:\-*]+")


class MaskParseError(ValueError):
    pass


class Mask(dict):
    """key -> True (keep whole) or a nested Mask."""

    def apply(self, data):
        if isinstance(data, list | tuple):
            return [self.apply(item) for item in data]
        if isinstance(data, dict):
            return self._filter(data)
        return data  # a nested mask on a plain value keeps the value

    def _filter(self, data: dict) -> dict:
        out = {}
        for key, nested in self.items():
            if key == "*" or key not in data:
                continue
            value = data[key]
            out[key] = nested.apply(value) if isinstance(nested, Mask) and value is not None else value
        if "*" in self:
            for key, value in data.items():
                out.setdefault(key, value)
        return out


def parse_mask(text: str | None) -> Mask | None:
    """The mask of a header value; None for an absent or empty one (no masking)."""
    if text is None:
        return None
    text = re.sub(r"\s+", "", text)
    if not text:
        return None
    if text[0] == "{":
        if text[-1] != "}":
            raise MaskParseError("Missing closing bracket")
        text = text[1:-1]
    root = fields = Mask()
    stack: list[Mask] = []
    previous = None
    for token in TOKENS.findall(text):
        if token == "{":
            if previous not in fields:
                raise MaskParseError("Unexpected opening bracket")
            fields[previous] = Mask()
            stack.append(fields)
            fields = fields[previous]
        elif token == "}":
            if not stack:
                raise MaskParseError("Unexpected closing bracket")
            fields = stack.pop()
        elif token == ",":
            if previous in (",", "{", None):
                raise MaskParseError("Unexpected comma")
        else:
            fields[token] = True
        previous = token
    if stack:
        raise MaskParseError("Missing closing bracket")
    return root or None


ENVELOPE_KEYS = frozenset({"page", "pages", "per_page", "total", "items"})


def apply_mask(mask: Mask | None, data, *, envelope: bool = False):
    """Mask a response body. On a list envelope the mask applies to the envelope when one of its
    top-level keys is an envelope key, and otherwise to every item (the envelope kept whole)."""
    if not mask:
        return data
    if envelope and isinstance(data, dict) and not (ENVELOPE_KEYS & set(mask)):
        return {**data, "items": mask.apply(data.get("items", []))}
    return mask.apply(data)
