"""Merging one record into another of the same model, with every relation found from the model
registry (never a hand-written list), so a model added later that points at the merged model is
merged without code changes.

What points at a record (`relations_to`):
- every foreign key and one-to-one field of any model whose target is the model (or one of its
  proxies): `Model._meta.get_fields(include_hidden=True)`, so relations named "+" count too;
- many-to-many fields, in either direction, through the foreign keys of their link tables (an
  auto-created or explicit `through` model is just a model with a foreign key to the record);
- generic keys: every `GenericForeignKey` of any model (e.g. core.CustomFieldValue), matched on
  the content types of the model and its proxies.

How a relation moves (`Merger.move`): one UPDATE per relation repoints the source's rows at the
target (and stamps `auto_now` fields). Before it, the unique rules of that model that include the
column are read from the model (`unique=True`, `unique_together`, `UniqueConstraint` with its
condition), and the source rows that would break one are resolved by a generic rule, in this
order:

1. A per-model hook registered for the relation or the constraint (the policy's), where the
   generic rule is wrong.
2. A link table of a many-to-many field: the duplicate link is deleted (a union; a link carries
   nothing of its own).
3. A conditional rule whose condition is one boolean flag (`is_primary=True`, `is_default=True`,
   "one primary per party"): the target keeps its flagged row; the source's is demoted (flag
   flipped) and moves as a secondary row.
4. Any other unique rule (`(party, activity)`, `(field, content_type, object_id)`...): the
   target's row wins; the source's row is removed and its snapshot is kept in the merge record
   (`dropped`). Loose references to it (foreign keys that are set null on delete, e.g. an order's
   delivery address) are repointed at the target's row that won, not lost. If removing it would
   take other rows with it, or is protected (money records, say), the merge is refused with a
   MergeError naming the rows: nothing changes, and staff decide.

Rows that link the two merged records to each other through two columns (a relation between
them) would link the target to itself; when that breaks one of the model's check constraints the
row is dropped and recorded. A unique rule over an expression that names the column is not
handled generically: `relations_to` raises unless a hook covers it, so such a model fails loudly.

The caller (e.g. apps.parties.merge) holds the transaction and the locks; this module only moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, ProtectedError, Q, RestrictedError
from django.utils import timezone

from .changelog import snapshot


class MergeError(ValidationError):
    """A merge that must not happen (two kinds, a record into itself, a conflict no rule resolves).
    Raised inside the merge's transaction, so nothing has changed."""


@dataclass(frozen=True)
class Relation:
    """A column that can point at the merged record: a foreign key (link tables of many-to-many
    fields included) or the object id of a generic key (with its content-type column)."""

    model: type[models.Model]
    field: models.Field
    ct_field: models.Field | None = None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def is_generic(self) -> bool:
        return self.ct_field is not None

    @property
    def is_link_table(self) -> bool:
        return bool(self.model._meta.auto_created)

    def value_for(self, obj):
        if self.is_generic:
            return self.field.to_python(obj.pk)
        return getattr(obj, self.field.target_field.attname)

    def rows(self, obj, content_type_ids=()):
        rows = self.model._base_manager.filter(**{self.field.attname: self.value_for(obj)})
        if self.is_generic:
            rows = rows.filter(**{f"{self.ct_field.attname}__in": content_type_ids})
        return rows

    def link_columns(self) -> list[models.Field]:
        """The other foreign keys of a link table (e.g. `tag` beside `party`)."""
        return [f for f in self.model._meta.concrete_fields if f.is_relation and f is not self.field]


@dataclass(frozen=True)
class UniqueRule:
    """A unique rule of a model that includes the relation's column."""

    name: str
    fields: tuple[str, ...]
    condition: Q | None = None


def _proxies(model) -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.proxy and m._meta.concrete_model is model]


def relations_to(model) -> list[Relation]:
    """Every column of every installed model that can point at a `model` row."""
    model = model._meta.concrete_model
    found = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.many_to_many or not rel.field.concrete:
            continue  # forward fields; many-to-many moves through its link table's foreign key
        if getattr(rel, "parent_link", False):
            raise MergeError(
                f"{rel.related_model._meta.label} inherits from {model._meta.label}: not merged."
            )
        found.append(Relation(rel.related_model, rel.field))
    for other in apps.get_models():
        for private in other._meta.private_fields:
            if isinstance(private, GenericForeignKey):
                found.append(
                    Relation(
                        other,
                        other._meta.get_field(private.fk_field),
                        other._meta.get_field(private.ct_field),
                    )
                )
    return sorted(set(found), key=lambda r: r.label)


def unique_rules(relation: Relation) -> list[UniqueRule]:
    """The unique rules of the relation's model that name its column."""
    model, name = relation.model, relation.field.name
    rules = []
    if relation.field.unique and not relation.field.primary_key:
        rules.append(UniqueRule(f"{name}_unique", (name,)))
    for together in model._meta.unique_together:
        if name in together:
            rules.append(UniqueRule("unique_together_" + "_".join(together), tuple(together)))
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint):
            continue
        if constraint.fields and name in constraint.fields:
            rules.append(UniqueRule(constraint.name, tuple(constraint.fields), constraint.condition))
        elif constraint.expressions and _names_column(constraint.expressions, relation.field):
            rules.append(UniqueRule(constraint.name, (), None))  # no generic rule: needs a hook
    return rules


def _names_column(expressions, field) -> bool:
    text = repr(expressions)
    return f"F({field.name})" in text or f"F({field.attname})" in text


def flag_inversion(model, condition: Q | None) -> dict | None:
    """For a condition that is one boolean flag (`Q(is_primary=True)`), the values that take a
    row out of it (`{"is_primary": False}`); None for any other condition."""
    if condition is None or condition.negated or len(condition.children) != 1:
        return None
    child = condition.children[0]
    if not isinstance(child, tuple):
        return None
    lookup, value = child
    name = lookup.removesuffix("__exact")
    if "__" in name or not isinstance(value, bool):
        return None
    try:
        flag = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - not a field of the model
        return None
    if not isinstance(flag, models.BooleanField):
        return None
    return {flag.attname: not value}


# A hook resolves a relation's rows before it moves; it records what it does on the merger.
Hook = Callable[["Merger", Relation], None]
# A conflict hook resolves the source rows (a queryset) that break one unique rule.
ConflictHook = Callable[["Merger", Relation, UniqueRule, models.QuerySet], None]


@dataclass
class MergePolicy:
    """What a domain adds to the generic rules: hooks keyed by relation label
    ("parties.Address.party") and conflict hooks keyed by "<relation label>:<constraint name>"."""

    relation_hooks: dict[str, Hook] = field(default_factory=dict)
    conflict_hooks: dict[str, ConflictHook] = field(default_factory=dict)


@dataclass
class Merger:
    """One merge of `source` into `target` (both locked by the caller), recording what it does."""

    actor: object
    target: models.Model
    source: models.Model
    policy: MergePolicy = field(default_factory=MergePolicy)
    moved: list[dict] = field(default_factory=list)
    demoted: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    filled: dict = field(default_factory=dict)

    def __post_init__(self):
        model = self.target._meta.concrete_model
        self.relations = relations_to(model)
        types = ContentType.objects.get_for_models(model, *_proxies(model), for_concrete_models=False)
        self.content_type_ids = sorted(ct.pk for ct in types.values())
        for relation in self.relations:
            for rule in unique_rules(relation):
                if not rule.fields and f"{relation.label}:{rule.name}" not in self.policy.conflict_hooks:
                    raise MergeError(
                        f"{relation.label}: unique rule {rule.name} over an expression has no merge rule."
                    )

    # --- recording ---------------------------------------------------------------------------

    def drop(self, relation: Relation, rows, reason: str, winner: Callable | None = None) -> None:
        """Delete the source rows `rows` (a queryset), keeping their snapshots in the record.
        `winner(row)` names the target's row that wins over it: loose references to the dropped
        row (foreign keys that would be set to null, e.g. an order's address) are repointed at
        the winner. Refuses (MergeError) when the removal would take other rows with it or is
        protected (e.g. a financial account with ledger entries)."""
        rows = list(rows)
        if not rows:
            return
        model = relation.model
        label = model._meta.label
        repointed = {row.pk: self._repoint(model, row.pk, winner(row)) for row in rows} if winner else {}
        try:
            _, per_model = model._base_manager.filter(pk__in=[r.pk for r in rows]).delete()
        except (ProtectedError, RestrictedError) as error:
            raise MergeError(
                f"{label} #{', #'.join(str(r.pk) for r in rows)} of the source conflicts with the target's "
                f"({reason}) and cannot be removed: {error.args[0]}"
            ) from None
        taken = {name: n for name, n in per_model.items() if name != label and n}
        if taken:
            raise MergeError(
                f"{label} #{', #'.join(str(r.pk) for r in rows)} of the source conflicts with the target's "
                f"({reason}); removing it would also remove {taken}. Resolve it first."
            )
        for row in rows:
            entry = {
                "relation": relation.label,
                "model": label,
                "id": row.pk,
                "reason": reason,
                "row": {**snapshot(row), **creation_stamps(row)},
            }
            if repointed.get(row.pk):
                entry["repointed"] = repointed[row.pk]
            self.dropped.append(entry)

    @staticmethod
    def _repoint(model, dropped_pk, winner_pk) -> dict:
        """Point the loose references (on_delete SET_NULL / SET_DEFAULT / DO_NOTHING) to a dropped
        row at the row that won over it: one UPDATE per relation."""
        done = {}
        if winner_pk is None:
            return done
        for rel in model._meta.get_fields(include_hidden=True):
            if not (rel.auto_created and not rel.concrete) or rel.many_to_many or not rel.field.concrete:
                continue  # forward fields, many-to-many, generic relations
            if rel.on_delete not in (models.SET_NULL, models.SET_DEFAULT, models.DO_NOTHING):
                continue
            rows = rel.related_model._base_manager.filter(**{rel.field.attname: dropped_pk})
            ids = list(rows.values_list("pk", flat=True))
            if ids:
                rows.update(**{rel.field.attname: winner_pk})
                done[f"{rel.related_model._meta.label}.{rel.field.name}"] = ids
        return done

    def demote(self, relation: Relation, rows, values: dict, reason: str) -> None:
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            # Every row matched one condition, so they all held the same values (what undo restores).
            was = relation.model._base_manager.filter(pk=ids[0]).values(*values).get()
            relation.model._base_manager.filter(pk__in=ids).update(**values, **self._stamps(relation.model))
            self.demoted.append(
                {
                    "relation": relation.label,
                    "model": relation.model._meta.label,
                    "ids": ids,
                    "set": values,
                    "was": was,
                    "reason": reason,
                }
            )

    def fill_blanks(self, obj, source, names) -> dict:
        """Copy the source's value into each named field that is empty (None or "") on `obj`."""
        filled = {}
        merged = obj._meta.concrete_model
        for name in names:
            column = obj._meta.get_field(name)
            attname = column.attname
            mine, theirs = getattr(obj, attname), getattr(source, attname)
            points_at_merged = column.is_relation and column.related_model._meta.concrete_model is merged
            if points_at_merged and theirs in (obj.pk, source.pk):
                continue  # it would point at itself
            if mine in (None, "") and theirs not in (None, ""):
                setattr(obj, attname, theirs)
                filled[attname] = theirs
        return filled

    @staticmethod
    def _stamps(model) -> dict:
        now = timezone.now()
        return {f.attname: now for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}

    # --- the merge ---------------------------------------------------------------------------

    def move_all(self) -> None:
        for relation in self.relations:
            self.move(relation)

    def source_rows(self, relation: Relation):
        return relation.rows(self.source, self.content_type_ids)

    def target_rows(self, relation: Relation):
        return relation.rows(self.target, self.content_type_ids)

    def conflicts(self, relation: Relation, rule: UniqueRule):
        """The source rows that would break `rule` once repointed at the target."""
        condition = rule.condition or Q()
        same = {name: OuterRef(name) for name in rule.fields if name != relation.field.name}
        clash = self.target_rows(relation).filter(condition).filter(**same)
        return self.source_rows(relation).filter(condition).filter(Exists(clash))

    def _winner(self, relation: Relation, rule: UniqueRule) -> Callable:
        """For a source row breaking `rule`, the pk of the target's row it clashes with."""

        def winner(row):
            same = {name: getattr(row, relation.model._meta.get_field(name).attname) for name in rule.fields}
            same.pop(relation.field.name)
            rows = self.target_rows(relation).filter(rule.condition or Q())
            return rows.filter(**same).values_list("pk", flat=True).first()

        return winner

    def move(self, relation: Relation) -> None:
        if relation.model._meta.concrete_model is self.target._meta.concrete_model:
            self._unlink_target_from_source(relation)
        hook = self.policy.relation_hooks.get(relation.label)
        if hook is not None:
            hook(self, relation)
        self._drop_self_links(relation)
        for rule in unique_rules(relation):
            conflict_hook = self.policy.conflict_hooks.get(f"{relation.label}:{rule.name}")
            rows = self.conflicts(relation, rule) if rule.fields else None
            if conflict_hook is not None:
                conflict_hook(self, relation, rule, rows)
            elif relation.is_link_table:
                self.drop(relation, rows, f"already linked ({rule.name})")
            elif (values := flag_inversion(relation.model, rule.condition)) is not None:
                self.demote(relation, rows, values, f"the target keeps its own ({rule.name})")
            else:
                self.drop(
                    relation, rows, f"the target's row wins ({rule.name})", self._winner(relation, rule)
                )
        rows = self.source_rows(relation)
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            return
        entry = {
            "relation": relation.label,
            "model": relation.model._meta.label,
            "field": relation.field.name,
            "ids": ids,
        }
        if relation.is_link_table:
            for column in relation.link_columns():
                entry[column.name] = list(rows.values_list(column.attname, flat=True))
        rows.update(
            **{relation.field.attname: relation.value_for(self.target)}, **self._stamps(relation.model)
        )
        self.moved.append(entry)

    def _unlink_target_from_source(self, relation: Relation) -> None:
        """A self-relation (a parent organisation, say) from the target to the source would make
        the target point at itself: it is cleared instead (or the merge refused if required)."""
        own = self.source_rows(relation).filter(pk=self.target.pk)
        if not own.exists():
            return
        if not relation.field.null:
            raise MergeError(f"{relation.label}: the target points at the source and cannot point at itself.")
        self.demote(relation, own, {relation.field.attname: None}, "it would point at itself")

    def _drop_self_links(self, relation: Relation) -> None:
        """Rows linking source and target through two columns would link the target to itself:
        drop those that then break one of the model's check constraints."""
        if relation.is_generic:
            return
        checks = [c for c in relation.model._meta.constraints if isinstance(c, models.CheckConstraint)]
        others = [
            r.field
            for r in self.relations
            if r.model is relation.model and r.field is not relation.field and not r.is_generic
        ]
        if not checks or not others:
            return
        ends = [relation.value_for(self.source), relation.value_for(self.target)]
        linking = Q()
        for other in others:
            linking |= Q(**{f"{other.attname}__in": ends})
        broken = []
        for row in self.source_rows(relation).filter(linking):
            for column in [relation.field, *others]:
                if getattr(row, column.attname) == ends[0]:
                    setattr(row, column.attname, ends[1])
            for check in checks:
                try:
                    check.validate(relation.model, row)
                except ValidationError:
                    broken.append(row)
                    break
        self.drop(
            relation,
            relation.model._base_manager.filter(pk__in=[r.pk for r in broken]),
            "it would link the target to itself",
        )


# --- undo ------------------------------------------------------------------------------------


class UndoRefused(MergeError):
    """An undo that must not happen (too old, or a later change conflicts). Nothing changed."""


def _field_value(field: models.Field, value):
    return None if value is None else field.to_python(value)


def _row_from_snapshot(model, values: dict) -> models.Model:
    """An unsaved instance of `model` holding the snapshot's values (attnames, JSON-safe)."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    known = {name: v for name, v in values.items() if name in by_attname}
    return model(**{name: _field_value(by_attname[name], v) for name, v in known.items()})


def creation_stamps(row: models.Model) -> dict:
    """The creation stamps a snapshot leaves out, so that undo can give them back."""
    return {
        f.attname: getattr(row, f.attname).isoformat()
        for f in row._meta.concrete_fields
        if getattr(f, "auto_now_add", False) and getattr(row, f.attname) is not None
    }


def _insert_as_was(model, values: dict) -> models.Model:
    """Insert a row again from its snapshot, as it was: no save() rules re-run, and its own
    creation stamp (an insert stamps it anew)."""
    row = _row_from_snapshot(model, values)
    stamped = {
        f.attname: getattr(row, f.attname)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now_add", False) and f.attname in values
    }
    model._base_manager.bulk_create([row])
    if stamped:
        model._base_manager.filter(pk=row.pk).update(**stamped)
        for name, value in stamped.items():
            setattr(row, name, value)
    return row


@dataclass
class Unmerger:
    """The reverse of one merge, read from its record: the source comes back with its id and
    values, the rows that moved go back to it, the rows demoted get their flag back, the rows
    dropped are inserted again (and what was repointed at the winner points at them again), and
    the target's filled blanks are emptied. `check()` lists every later change that conflicts;
    the caller holds the transaction and refuses when the list is not empty."""

    record: object  # apps.core.models.MergeRecord
    model: type[models.Model]
    target: models.Model

    def _rows(self, label: str, ids):
        return apps.get_model(label)._base_manager.filter(pk__in=ids)

    def check(self) -> list[str]:
        problems = []
        if self.model._base_manager.filter(pk=self.record.source_id).exists():
            problems.append(f"#{self.record.source_id} exists again.")
        for entry in self.record.moved:
            model = apps.get_model(entry["model"])
            column = model._meta.get_field(entry["field"])
            here = self._rows(entry["model"], entry["ids"]).filter(
                **{column.attname: _field_value(column, self.target.pk)}
            )
            missing = sorted(set(entry["ids"]) - set(here.values_list("pk", flat=True)))
            if missing:
                name = model._meta.verbose_name_plural
                problems.append(f"{name} #{', #'.join(map(str, missing))} no longer belong to the target.")
        for entry in self.record.demoted:
            found = self._rows(entry["model"], entry["ids"]).count()
            if found != len(entry["ids"]):
                model = apps.get_model(entry["model"])
                name = model._meta.verbose_name_plural
                problems.append(f"Some {name} the merge changed were deleted since.")
        for entry in self.record.dropped:
            if self._rows(entry["model"], [entry["id"]]).exists():
                problems.append(f"{entry['model']} #{entry['id']} exists again.")
        current = snapshot(self.target)
        for attname, value in self.record.filled.items():
            if attname in current and current[attname] != value:
                field = next(f for f in self.model._meta.concrete_fields if f.attname == attname)
                problems.append(f"The target's {field.verbose_name} changed since the merge.")
        return problems

    def restore_source(self) -> models.Model:
        return _insert_as_was(self.model, self.record.source)

    def restore_dropped(self) -> None:
        for entry in self.record.dropped:
            _insert_as_was(apps.get_model(entry["model"]), entry["row"])
            for label, ids in entry.get("repointed", {}).items():
                model_label, _, name = label.rpartition(".")
                column = apps.get_model(model_label)._meta.get_field(name)
                self._rows(model_label, ids).update(**{column.attname: entry["id"]})

    def move_back(self) -> None:
        for entry in self.record.moved:
            column = apps.get_model(entry["model"])._meta.get_field(entry["field"])
            value = _field_value(column, self.record.source_id)
            self._rows(entry["model"], entry["ids"]).update(**{column.attname: value})

    def promote_back(self) -> None:
        """Give the demoted rows their values back: a flag flipped back, a link to the source
        that was cleared set again (records before undo existed carry no `was`)."""
        for entry in self.record.demoted:
            was = entry.get("was") or {
                name: (not value if isinstance(value, bool) else self.record.source_id)
                for name, value in entry["set"].items()
            }
            self._rows(entry["model"], entry["ids"]).update(**was)

    def empty_filled(self) -> list[str]:
        """Empty again the target's fields the merge filled; returns their names."""
        by_attname = {f.attname: f for f in self.model._meta.concrete_fields}
        emptied = []
        for attname in self.record.filled:
            field = by_attname.get(attname)
            if field is None:
                continue  # a domain's own entry (e.g. addresses that took content)
            setattr(self.target, attname, None if field.null else "")
            emptied.append(field.name)
        return emptied
