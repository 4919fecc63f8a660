"""Editing of Fields, Schemas and the schema metadata of tables, as pyarrow.

Fields and schemas are immutable: each method returns a new object built
through ``quiver.field`` / ``quiver.schema``; ``replace_schema_metadata``
rebuilds a Table or RecordBatch over the same columns (nothing copied).
Index errors are pyarrow's (``ArrowInvalid: Invalid column index to add
field.``) and so are type errors for arguments that are not Fields.
"""
from . import _quiver


def _qv():
    import quiver

    return quiver


def _require(obj, cls, argument):
    if not isinstance(obj, cls):
        raise TypeError("Argument '%s' has incorrect type (expected quiver.%s, got %s)"
                        % (argument, cls.__name__, type(obj).__name__))
    return obj


# ---------------------------------------------------------------- Field


def _field(name, type_, nullable, metadata):
    return _qv().field(name, type_, nullable, metadata or None)


def field_with_name(self, name):
    return _field(name, self.type, self.nullable, self.metadata)


def field_with_type(self, new_type):
    return _field(self.name, _require(new_type, _quiver.DataType, "new_type"), self.nullable, self.metadata)


def field_with_nullable(self, nullable):
    return _field(self.name, self.type, bool(nullable), self.metadata)


def field_with_metadata(self, metadata):
    return _field(self.name, self.type, self.nullable, metadata)


def field_remove_metadata(self):
    return _field(self.name, self.type, self.nullable, None)


# ---------------------------------------------------------------- Schema


def _schema(fields, metadata):
    return _qv().schema(list(fields), metadata=metadata or None)


def _position(self, i, limit, what):
    i = int(i)
    if not 0 <= i < limit:
        raise _quiver.ArrowInvalid("Invalid column index to %s field." % what)
    return i


def schema_with_metadata(self, metadata):
    return _schema(self, metadata)


def schema_remove_metadata(self):
    return _schema(self, None)


def schema_append(self, field):
    return _schema(list(self) + [_require(field, _quiver.Field, "field")], self.metadata)


def schema_insert(self, i, field):
    fields = list(self)
    fields.insert(_position(self, i, len(fields) + 1, "add"), _require(field, _quiver.Field, "field"))
    return _schema(fields, self.metadata)


def schema_remove(self, i):
    fields = list(self)
    del fields[_position(self, i, len(fields), "remove")]
    return _schema(fields, self.metadata)


def schema_set(self, i, field):
    fields = list(self)
    fields[_position(self, i, len(fields), "set")] = _require(field, _quiver.Field, "field")
    return _schema(fields, self.metadata)


def schema_get_all_field_indices(self, name):
    return [i for i, n in enumerate(self.names) if n == name]


def schema_pandas_metadata(self):
    """The ``pandas`` schema metadata as a dict (None without it), as pyarrow's Schema.pandas_metadata."""
    import json

    raw = (self.metadata or {}).get(b"pandas")
    return None if raw is None else json.loads(raw)


def schema_empty_table(self):
    """A Table of no rows: one empty batch, as pyarrow's one empty chunk per column."""
    qv = _qv()
    batch = _quiver._batch_from_arrays([qv.array([], f.type) for f in self], self)
    return _quiver._table_from_batches([batch], self)


# ---------------------------------------------------------------- Table / RecordBatch


def replace_schema_metadata(self, metadata=None):
    """The same columns under the schema with `metadata` (None removes it)."""
    schema = schema_with_metadata(self.schema, metadata)
    if isinstance(self, _quiver.RecordBatch):
        return _quiver._batch_from_arrays(self.columns, schema)
    return _quiver._table_from_columns(schema, self.columns)
