"""Admin screens of the parties domain: `parties` (persons, organisations, groups, segments...)
and `reference` (the lookups the APIs reference: categories, privacy levels...); `merge` adds
"Merge into…" to the persons and organisations screens and shows the merge records."""

from . import accounts, merge, parties, reference  # noqa: F401
