"""Fast writes for the synthetic population: reserved primary keys, COPY on PostgreSQL,
executemany elsewhere (SQLite, for small populations), and a delete that does not load
a row into Python.

These bypass the services on purpose (the generator writes hundreds of thousands of
rows); reports.synthetic.history builds rows of the same shape as the services store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.deletion import DO_NOTHING, SET_NULL

Row = tuple[Any, ...]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


class TableRows:
    """Rows for one table, given in ``fields`` order, written in one go.

    Values are plain: JSON columns take the JSON text already encoded (the generator
    caches and reuses encodings), datetimes are aware.
    """

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.fields: list[models.Field[Any, Any]] = []
        for name in fields:
            field = model._meta.get_field(name)
            assert isinstance(field, models.Field) and field.column, name
            self.fields.append(field)
        self.rows: list[Row] = []

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def __len__(self) -> int:
        return len(self.rows)

    def write(self) -> int:
        """Insert the rows (call inside a transaction) and forget them; return the count."""
        if not self.rows:
            return 0
        table = _quote(self.model._meta.db_table)
        columns = ", ".join(_quote(str(field.column)) for field in self.fields)
        count = len(self.rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                adapters = [_adapter(field) for field in self.fields]
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    [
                        tuple(
                            value if adapt is None or value is None else adapt(value)
                            for adapt, value in zip(adapters, row, strict=True)
                        )
                        for row in self.rows
                    ],
                )
        self.rows = []
        return count


def _adapter(field: Any) -> Callable[[Any], Any] | None:
    """How a plain value becomes a parameter for a backend without COPY."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: connection.ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, so that rows can reference each other
    before they are written.

    PostgreSQL draws them from the table's sequence (safe beside other writers). Other
    backends take the ones after the highest key used; call inside the transaction
    that writes them (SQLite lets one writer in at a time).
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX({_quote(column)}) FROM {_quote(table)}")  # noqa: S608
        highest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            highest = max(highest, found[0] if found else 0)
    return list(range(highest + 1, highest + 1 + count))


def _reverse_relations(model: type[models.Model]) -> Iterable[Any]:
    """Foreign keys pointing at ``model`` (hidden ones included), as Django's deletion
    collector finds them."""
    return (
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    )


def delete_where(model: type[models.Model], where: str, params: Sequence[Any]) -> int:
    """Delete the rows of ``model`` matching the SQL condition ``where``, and everything
    that depends on them, in SQL only; return how many ``model`` rows went.

    Dependants are deleted whatever their on_delete says (CASCADE, PROTECT, RESTRICT):
    this removes generated data wholesale, as a TRUNCATE would. SET_NULL references are
    cleared. Call inside a transaction.
    """
    table = _quote(model._meta.db_table)
    pk = _quote(model._meta.pk.column)
    selected = f"SELECT {pk} FROM {table} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        for relation in _reverse_relations(model):
            field = relation.field
            related = relation.related_model
            on_delete = relation.on_delete
            column = _quote(field.column)
            if on_delete is DO_NOTHING:
                continue
            if on_delete is SET_NULL:
                cursor.execute(
                    f"UPDATE {_quote(related._meta.db_table)} SET {column} = NULL "  # noqa: S608
                    f"WHERE {column} IN ({selected})",
                    params,
                )
                continue
            if related is model:
                raise ValueError(f"{model.__name__}.{field.name}: a cascading self-reference")
            delete_where(related, f"{column} IN ({selected})", params)
        cursor.execute(f"DELETE FROM {table} WHERE {where}", params)  # noqa: S608
        return cursor.rowcount


def vacuum(models_: Iterable[type[models.Model]]) -> None:
    """Make the space of the rows a wholesale delete left reusable, so that the next load
    fills it instead of growing the tables (PostgreSQL outside a transaction; elsewhere
    nothing)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"VACUUM {_quote(model._meta.db_table)}")


def analyze(models_: Iterable[type[models.Model]]) -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL, SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in models_:
                cursor.execute(f"ANALYZE {_quote(model._meta.db_table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
