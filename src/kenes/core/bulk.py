"""Fast bulk inserts of model instances: PostgreSQL ``COPY``, elsewhere ``bulk_create``.

On PostgreSQL the rows of a batch are streamed with ``COPY ... FROM STDIN`` (psycopg writes
them in C) after drawing their primary keys from the table's sequence in one statement, so the
instances come back with their ``pk`` set, as ``bulk_create`` leaves them. Compared with
``bulk_create`` (an ``INSERT ... SELECT * FROM UNNEST`` whose arrays psycopg quotes value by
value in Python) this costs about a tenth of the client CPU per row.

What it does not do, like ``bulk_create``: send signals or call ``save()``. Fields are written
as the ORM would write them: plain columns as they are, fields with their own conversion
(encrypted text, JSON, ``auto_now`` dates) through ``pre_save`` and ``get_db_prep_save``.
Errors are Django's (a duplicate key raises :class:`django.db.IntegrityError`).
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=models.Model)

# Field classes (exactly these, not subclasses) whose attribute value is already what the
# database stores; every other field goes through the ORM's own conversion.
_PLAIN: tuple[type[models.Field[Any, Any]], ...] = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BooleanField,
    models.FloatField,
    models.ForeignKey,
    models.OneToOneField,
)

_SEQUENCES: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class _Blueprint:
    defaults: dict[str, Any]  # attname -> a constant default
    factories: tuple[tuple[str, Callable[[], Any]], ...]  # attname -> a callable default
    relations: dict[str, str]  # relation name -> attname (``version`` -> ``version_id``)
    names: frozenset[str]  # every name a keyword may use


_BLUEPRINTS: dict[type[models.Model], _Blueprint | None] = {}
_CONSTANT = (str, int, float, bool, type(None))


def _blueprint(model: type[models.Model]) -> _Blueprint | None:
    if model in _BLUEPRINTS:
        return _BLUEPRINTS[model]
    defaults: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    relations: dict[str, str] = {}
    plan: _Blueprint | None = None
    for field in model._meta.concrete_fields:
        if field.is_relation:
            relations[field.name] = field.attname
        if field.has_default() and callable(field.default):
            factories.append((field.attname, field.default))
            continue
        value = field.get_default()
        if not isinstance(value, _CONSTANT):
            break  # a mutable constant default: let Model.__init__ copy it
        defaults[field.attname] = value
    else:
        names = frozenset(defaults) | {a for a, _f in factories} | set(relations)
        plan = _Blueprint(defaults, tuple(factories), relations, names)
    _BLUEPRINTS[model] = plan
    return plan


def unsaved(model: type[M], **values: Any) -> M:
    """``model(**values)`` for a bulk insert, without ``Model.__init__``'s walk over every
    field (≈ 50 µs for a 40-field model; this is a few µs): constant defaults are copied from a
    table made once per model, callable ones called, a related instance given by its name sets
    its id and is cached as ``model(...)`` would. Falls back to ``model(**values)`` when the
    model has init signal receivers, a mutable constant default, or a keyword that is not a
    concrete field (a property, a reverse relation)."""
    plan = _blueprint(model)
    if (
        plan is None
        or not values.keys() <= plan.names
        or signals.pre_init.has_listeners(model)
        or signals.post_init.has_listeners(model)
    ):
        return model(**values)
    obj = model.__new__(model)
    state = obj._state = ModelState()
    data = obj.__dict__
    data.update(plan.defaults)
    for made, factory in plan.factories:
        if made not in values:
            data[made] = factory()
    for name, value in values.items():
        column = plan.relations.get(name)
        if column is None or column == name:
            data[name] = value
        elif value is None:
            data[column] = None
        else:
            data[column] = value.pk
            state.fields_cache[name] = value
    return obj


def _getter(field: models.Field[Any, Any], connection: Any) -> Callable[[models.Model], Any]:
    if type(field) in _PLAIN:
        get = attrgetter(field.attname)
        if isinstance(field, models.CharField | models.TextField) and field.choices:
            # A TextChoices member is a str; give the driver the plain value.
            def plain(obj: models.Model) -> Any:
                value = get(obj)
                return value if value is None or type(value) is str else str(value)

            return plain
        return get
    if isinstance(field, models.DateField) and not (field.auto_now or field.auto_now_add):
        return attrgetter(field.attname)  # DateField and DateTimeField: the driver adapts them

    def converted(obj: models.Model) -> Any:
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    return converted


def _sequence(cursor: Any, table: str, column: str) -> str:
    sequence = _SEQUENCES.get((table, column))
    if sequence is None:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        sequence = _SEQUENCES[(table, column)] = cursor.fetchone()[0]
    return sequence


# Primary keys drawn ahead by :func:`held_ids`, per connection and table.
_HELD = "_kenes_held_ids"


def _next_ids(connection: Any, cursor: Any, table: str, column: str, n: int) -> list[int]:
    held: deque[int] | None = getattr(connection, _HELD, {}).get(table)
    ids: list[int] = []
    while held and len(ids) < n:
        ids.append(held.popleft())
    if len(ids) < n:
        sequence = _sequence(cursor, table, column)
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, n - len(ids)])
        ids.extend(row[0] for row in cursor.fetchall())
    return ids


def ids_query(
    connection: Any, wanted: Sequence[tuple[type[models.Model], int]]
) -> tuple[str, list[Any]]:
    """One statement drawing the primary keys of several tables (PostgreSQL): rows of
    (position in ``wanted``, id). Run it, then pass its rows to :func:`held_ids`."""
    parts: list[str] = []
    params: list[Any] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for n, (model, count) in enumerate(wanted):
            pk = model._meta.pk
            assert pk is not None and pk.column is not None
            parts.append("SELECT %s::int, nextval(%s) FROM generate_series(1, %s)")
            params += [n, _sequence(raw, model._meta.db_table, pk.column), count]
    return " UNION ALL ".join(parts), params


@contextlib.contextmanager
def held_ids(
    connection: Any,
    wanted: Sequence[tuple[type[models.Model], int]],
    rows: Sequence[tuple[int, int]],
) -> Iterator[None]:
    """Let the :func:`bulk_insert` calls inside take their keys from ``rows`` (from
    :func:`ids_query`) before drawing more: a batch writing several tables then spends one
    round trip on its keys instead of one per table. Ids left unused are dropped at the end
    (sequences have gaps anyway), so keys are always drawn during the transaction using them.
    """
    held: dict[str, deque[int]] = {model._meta.db_table: deque() for model, _n in wanted}
    for position, ident in sorted(rows):
        held[wanted[position][0]._meta.db_table].append(ident)
    setattr(connection, _HELD, held)
    try:
        yield
    finally:
        setattr(connection, _HELD, {})


def bulk_insert(model: type[M], objs: Sequence[M], *, batch_size: int = 5000) -> list[M]:
    """Insert new instances of ``model`` (their ``pk`` unset) and return them with it set."""
    objs = list(objs)
    if not objs:
        return objs
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return model._default_manager.using(alias).bulk_create(objs, batch_size=batch_size)
    opts = model._meta
    pk = opts.pk
    assert pk is not None and pk.column is not None
    # A key the caller chooses (a leaf's index) is written as it is; an auto key is drawn.
    auto = isinstance(pk, AutoFieldMixin)
    fields = [f for f in opts.concrete_fields if not (auto and f is pk)]
    getters = [_getter(f, connection) for f in fields]
    qn = connection.ops.quote_name
    keys = [pk.column] if auto else []
    columns = ", ".join(qn(str(c)) for c in [*keys, *(f.column for f in fields)])
    sql = f"COPY {qn(opts.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        for start in range(0, len(objs), batch_size):
            chunk = objs[start : start + batch_size]
            ids = _next_ids(connection, raw, opts.db_table, pk.column, len(chunk)) if auto else []
            with raw.copy(sql) as copy:
                for n, obj in enumerate(chunk):
                    values = [get(obj) for get in getters]
                    copy.write_row([ids[n], *values] if auto else values)
            for n, obj in enumerate(chunk):
                if auto:
                    obj.pk = ids[n]
                obj._state.adding = False
                obj._state.db = alias
    return objs
