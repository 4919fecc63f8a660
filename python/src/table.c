/* quiver Python binding: the Table object.
 *
 * A Table owns one reference to an immutable qv_table (a schema and record
 * batches); columns are ChunkedArrays of zero-copy Array wrappers, slices
 * slice the batches, and the C Stream export hands the batches out without
 * copying. Data from another producer is fully validated once before Python
 * reads values from it.
 */
#include "qvpy.h"

/* ======================= Table ======================= */

PyObject *qvpy_wrap_table(qv_table *table, bool validated) {
  QvTableObject *o = PyObject_New(QvTableObject, &QvTable_Type);
  if (o == NULL) {
    QVPY_KEEP_ERROR(qv_table_release(table));
    return NULL;
  }
  o->table = table;
  o->validated = validated;
  return (PyObject *)o;
}

static void table_dealloc(QvTableObject *self) {
  QVPY_KEEP_ERROR(qv_table_release(self->table));
  Py_TYPE(self)->tp_free((PyObject *)self);
}

static qv_table *tb(PyObject *self) { return ((QvTableObject *)self)->table; }

static int table_ensure_valid(QvTableObject *self) {
  if (self->validated) return 0;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_table_validate(self->table, QV_VALIDATE_FULL, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_raise_int(st, &err);
  self->validated = true;
  return 0;
}

static Py_ssize_t table_len(PyObject *self) { return (Py_ssize_t)tb(self)->n_rows; }
static PyObject *table_schema(PyObject *self, void *c) { return qvpy_wrap_schema(qv_schema_retain(tb(self)->schema)); }
static PyObject *table_num_rows(PyObject *self, void *c) { return PyLong_FromLongLong(tb(self)->n_rows); }
static PyObject *table_num_columns(PyObject *self, void *c) { return PyLong_FromLong(tb(self)->schema->n_fields); }
static PyObject *table_column_names(PyObject *self, void *c) { return qvpy_names_list(tb(self)->schema); }
static PyObject *table_num_batches(PyObject *self, void *c) { return PyLong_FromLongLong(tb(self)->n_batches); }

static PyObject *table_column_at(PyObject *self, int i) {
  const qv_table *t = tb(self);
  PyObject *chunks = PyTuple_New((Py_ssize_t)t->n_batches);
  for (int64_t k = 0; chunks != NULL && k < t->n_batches; k++) {
    PyObject *a = qvpy_wrap_array_ref(t->batches[k]->columns[i], ((QvTableObject *)self)->validated);
    if (a == NULL) {
      Py_CLEAR(chunks);
      break;
    }
    PyTuple_SET_ITEM(chunks, k, a);
  }
  if (chunks == NULL) return NULL;
  return qvpy_wrap_chunked(chunks, qv_type_retain(t->schema->fields[i]->type));
}

static PyObject *table_column(PyObject *self, PyObject *key) {
  int i = qvpy_schema_index(tb(self)->schema, key);
  if (i < 0) return NULL;
  return table_column_at(self, i);
}

static PyObject *table_columns(PyObject *self, void *c) {
  int n = tb(self)->schema->n_fields;
  PyObject *l = PyList_New(n);
  for (int i = 0; l != NULL && i < n; i++) {
    PyObject *col = table_column_at(self, i);
    if (col == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, i, col);
  }
  return l;
}

static PyObject *table_to_batches(PyObject *self, PyObject *unused) {
  const qv_table *t = tb(self);
  PyObject *l = PyList_New((Py_ssize_t)t->n_batches);
  for (int64_t k = 0; l != NULL && k < t->n_batches; k++) {
    PyObject *b = qvpy_wrap_batch(qv_batch_retain(t->batches[k]), ((QvTableObject *)self)->validated);
    if (b == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, k, b);
  }
  return l;
}

static PyObject *table_do_slice(PyObject *self, int64_t offset, int64_t length) {
  const qv_table *t = tb(self);
  qv_batch **parts = PyMem_Calloc((size_t)(t->n_batches > 0 ? t->n_batches : 1), sizeof(qv_batch *));
  if (parts == NULL) return PyErr_NoMemory();
  int64_t n = 0, pos = 0;
  qv_error err;
  qv_status st = QV_OK;
  for (int64_t k = 0; k < t->n_batches && st == QV_OK; k++) {
    qv_batch *b = t->batches[k];
    int64_t lo = offset > pos ? offset - pos : 0;
    int64_t hi = offset + length - pos < b->length ? offset + length - pos : b->length;
    if (hi > lo) st = qv_batch_slice(b, lo, hi - lo, &parts[n++], &err);
    pos += b->length;
  }
  qv_table *out = NULL;
  if (st == QV_OK) st = qv_table_new(t->schema, parts, n, &out, &err);
  for (int64_t k = 0; k < n; k++) qv_batch_release(parts[k]);
  PyMem_Free(parts);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_table(out, ((QvTableObject *)self)->validated);
}

static PyObject *table_slice(PyObject *self, PyObject *args, PyObject *kw) {
  int64_t off, len;
  if (qvpy_clamp_slice(args, kw, tb(self)->n_rows, &off, &len) < 0) return NULL;
  return table_do_slice(self, off, len);
}

static PyObject *table_subscript(PyObject *self, PyObject *key) {
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return NULL;
    Py_ssize_t n = PySlice_AdjustIndices((Py_ssize_t)tb(self)->n_rows, &start, &stop, step);
    if (step != 1) return PyErr_Format(QvExc_ArrowNotImplementedError, "Table slices must have step 1");
    return table_do_slice(self, start, n);
  }
  return table_column(self, key);
}

static PyObject *table_column_values(PyObject *self) {
  if (table_ensure_valid((QvTableObject *)self) < 0) return NULL;
  const qv_table *t = tb(self);
  int n = t->schema->n_fields;
  PyObject *cols = PyList_New(n);
  for (int i = 0; cols != NULL && i < n; i++) {
    PyObject *all = PyList_New(0);
    for (int64_t k = 0; all != NULL && k < t->n_batches; k++) {
      qv_array *a = t->batches[k]->columns[i];
      PyObject *v = qvpy_values_list(a, 0, a->length);
      if (v == NULL || PyList_SetSlice(all, PY_SSIZE_T_MAX, PY_SSIZE_T_MAX, v) < 0) Py_CLEAR(all);
      Py_XDECREF(v);
    }
    if (all == NULL) {
      Py_CLEAR(cols);
      break;
    }
    PyList_SET_ITEM(cols, i, all);
  }
  return cols;
}

static PyObject *table_to_pydict(PyObject *self, PyObject *unused) {
  PyObject *cols = table_column_values(self);
  if (cols == NULL) return NULL;
  const qv_schema *s = tb(self)->schema;
  PyObject *d = PyDict_New();
  for (int32_t i = 0; d != NULL && i < s->n_fields; i++)
    if (PyDict_SetItemString(d, s->fields[i]->name, PyList_GET_ITEM(cols, i)) < 0) Py_CLEAR(d);
  Py_DECREF(cols);
  return d;
}

static PyObject *table_to_pylist(PyObject *self, PyObject *unused) {
  PyObject *cols = table_column_values(self);
  if (cols == NULL) return NULL;
  PyObject *rows = qvpy_rows_from_columns(tb(self)->schema, cols, tb(self)->n_rows);
  Py_DECREF(cols);
  return rows;
}

static PyObject *table_validate(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"full", NULL};
  int full = 0; /* pyarrow's default: the O(buffers) structural checks */
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|p:validate", kwlist, &full)) return NULL;
  if (full) {
    if (table_ensure_valid((QvTableObject *)self) < 0) return NULL;
    Py_RETURN_NONE;
  }
  qv_error err;
  qv_status st = qv_table_validate(tb(self), QV_VALIDATE_STRUCTURE, &err);
  if (st != QV_OK) return qvpy_raise(st, &err);
  Py_RETURN_NONE;
}

static PyObject *table_equals(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"other", "check_metadata", NULL};
  PyObject *other, *holder;
  int md = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p:equals", kwlist, &other, &md)) return NULL;
  holder = PyObject_TypeCheck(other, &QvTable_Type) ? qvpy_newref(other) : qvpy_import_table(other);
  if (holder == NULL) return NULL;
  qv_equal_options opts = {false, md != 0};
  bool eq = qv_table_equals_opts(tb(self), tb(holder), &opts);
  Py_DECREF(holder);
  return PyBool_FromLong(eq);
}

static PyObject *table_richcompare(PyObject *a, PyObject *b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(a, &QvTable_Type) || !PyObject_TypeCheck(b, &QvTable_Type))
    Py_RETURN_NOTIMPLEMENTED;
  bool eq = qv_table_equals(tb(a), tb(b));
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

/* pyarrow's layout (quiver/_printing.py); never raises on invalid data. */
static PyObject *table_repr(PyObject *self) { return qvpy_delegate("tabular_repr", self, NULL, NULL); }

static PyObject *table_arrow_c_stream(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"requested_schema", NULL};
  PyObject *requested = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:__arrow_c_stream__", kwlist, &requested)) return NULL;
  if (qvpy_check_requested_schema(requested) < 0) return NULL;
  return qvpy_stream_capsule_from_table(tb(self));
}

/* pyarrow-shaped methods whose argument handling is Python (quiver/_methods.py). */
QVPY_DELEGATE(table_from_pydict, "table_from_pydict")
QVPY_DELEGATE(table_to_string, "tabular_to_string")
QVPY_DELEGATE(table_to_batches_py, "table_to_batches")
QVPY_DELEGATE(table_itercolumns, "itercolumns")
QVPY_WITH_MAPS(table_to_pydict_py, table_to_pydict)
QVPY_WITH_MAPS(table_to_pylist_py, table_to_pylist)
QVPY_DELEGATE(table_from_pylist, "table_from_pylist")
QVPY_DELEGATE(table_from_pandas, "table_from_pandas")
QVPY_DELEGATE(table_from_arrays, "table_from_arrays")
QVPY_DELEGATE(table_select, "select")
QVPY_DELEGATE(table_drop_columns, "drop_columns")
QVPY_DELEGATE(table_rename_columns, "rename_columns")
QVPY_DELEGATE(table_append_column, "append_column")
QVPY_DELEGATE(table_add_column, "add_column")
QVPY_DELEGATE(table_set_column, "set_column")
QVPY_DELEGATE(table_remove_column, "remove_column")
QVPY_DELEGATE(table_field, "field")
QVPY_DELEGATE(table_reduce_ex, "reduce_ex")
static PyObject *table_shape(PyObject *self, void *c) { return qvpy_delegate("shape", self, NULL, NULL); }
static PyObject *table_nbytes(PyObject *self, void *c) { return qvpy_delegate("nbytes", self, NULL, NULL); }
static PyObject *table_iter(PyObject *self) { return qvpy_delegate("iter_columns", self, NULL, NULL); }
QVPY_DELEGATE(table_from_batches, "table_from_batches")
QVPY_DELEGATE(table_combine_chunks, "combine_chunks")
QVPY_DELEGATE(table_to_reader, "to_reader")
static PySequenceMethods table_as_sequence = {.sq_length = table_len, .sq_contains = qvpy_delegate_contains};
static PyMappingMethods table_as_mapping = {.mp_length = table_len, .mp_subscript = table_subscript};
static PyGetSetDef table_getset[] = {
    {"shape", table_shape, NULL, "(num_rows, num_columns)", NULL},
    {"nbytes", table_nbytes, NULL, "Bytes of the buffers the rows reference (as pyarrow counts them).", NULL},
    {"schema", table_schema, NULL, "The table's Schema.", NULL},
    {"num_rows", table_num_rows, NULL, "Number of rows (over all batches).", NULL},
    {"num_columns", table_num_columns, NULL, "Number of columns.", NULL},
    {"num_batches", table_num_batches, NULL, "Number of record batches.", NULL},
    {"column_names", table_column_names, NULL, "Column names (list of str).", NULL},
    {"columns", table_columns, NULL, "Columns (list of ChunkedArray).", NULL},
    {NULL},
};
QVPY_DELEGATE(table_to_pandas, "to_pandas")
QVPY_DELEGATE(table_filter, "table_filter")
QVPY_DELEGATE(table_take, "table_take")
QVPY_DELEGATE(table_sort_by, "table_sort_by")
QVPY_DELEGATE(table_group_by, "table_group_by")
QVPY_DELEGATE(table_drop_null, "table_drop_null")
QVPY_DELEGATE(table_flatten, "table_flatten")
QVPY_DELEGATE(table_cast, "table_cast")
QVPY_DELEGATE(table_replace_schema_metadata, "replace_schema_metadata")
static PyMethodDef table_methods[] = {
    QVPY_METHOD("to_string", table_to_string, "to_string(*, show_metadata=False, preview_cols=0) -> str"),
    QVPY_METHOD("to_pandas", table_to_pandas, "to_pandas(types_mapper=None) -> pandas.DataFrame"),
    QVPY_METHOD("filter", table_filter, "filter(mask, null_selection_behavior='drop') -> Table of the rows the mask keeps."),
    QVPY_METHOD("take", table_take, "take(indices) -> Table of those rows."),
    QVPY_METHOD("sort_by", table_sort_by, "sort_by(sorting) -> Table sorted by a column name or [(name, order), ...]."),
    QVPY_METHOD("group_by", table_group_by, "group_by(keys) -> TableGroupBy; .aggregate([(column, op), ...])."),
    QVPY_METHOD("flatten", table_flatten, "flatten() -> Table with every struct column replaced by its fields ('parent.child')."),
    QVPY_METHOD("drop_null", table_drop_null, "drop_null() -> Table without the rows holding a null."),
    QVPY_METHOD("cast", table_cast, "cast(target_schema, safe=None) -> Table with every column cast."),
    QVPY_METHOD("replace_schema_metadata", table_replace_schema_metadata, "replace_schema_metadata(metadata=None) -> Table (shares the columns)."),
    QVPY_CLASSMETHOD("from_pydict", table_from_pydict, "from_pydict(mapping, schema=None, metadata=None) -> Table"),
    QVPY_CLASSMETHOD("from_pandas", table_from_pandas, "from_pandas(df, schema=None, preserve_index=None, nthreads=None, columns=None) -> Table"),
    QVPY_CLASSMETHOD("from_pylist", table_from_pylist, "from_pylist(rows, schema=None, metadata=None) -> Table"),
    QVPY_CLASSMETHOD("from_arrays", table_from_arrays, "from_arrays(arrays, names=None, schema=None, metadata=None) -> Table"),
    QVPY_METHOD("select", table_select, "select(columns) -> Table: the columns (names or indices) in that order."),
    QVPY_METHOD("drop_columns", table_drop_columns, "drop_columns(columns) -> Table without the named column(s)."),
    QVPY_METHOD("rename_columns", table_rename_columns, "rename_columns(names) -> Table: a list of every new name or a {old: new} dict."),
    QVPY_METHOD("append_column", table_append_column, "append_column(field_, column) -> Table"),
    QVPY_METHOD("add_column", table_add_column, "add_column(i, field_, column) -> Table"),
    QVPY_METHOD("set_column", table_set_column, "set_column(i, field_, column) -> Table"),
    QVPY_METHOD("remove_column", table_remove_column, "remove_column(i) -> Table"),
    QVPY_METHOD("field", table_field, "field(i or name) -> Field"),
    QVPY_METHOD("__reduce_ex__", table_reduce_ex, "Pickles through the Arrow IPC stream format."),
    QVPY_CLASSMETHOD("from_batches", table_from_batches, "from_batches(batches, schema=None) -> Table"),
    QVPY_METHOD("combine_chunks", table_combine_chunks, "combine_chunks() -> Table of one batch."),
    QVPY_METHOD("to_reader", table_to_reader, "to_reader(max_chunksize=None) -> quiver.RecordBatchReader"),
    {"column", table_column, METH_O, "column(i or name) -> ChunkedArray"},
    {"_to_batches", table_to_batches, METH_NOARGS, "_to_batches() -> list of RecordBatch (zero-copy)."},
    QVPY_METHOD("to_batches", table_to_batches_py, "to_batches(max_chunksize=None) -> list of RecordBatch (zero-copy)."),
    QVPY_METHOD("itercolumns", table_itercolumns, "itercolumns() -> iterator of ChunkedArray"),
    {"slice", (PyCFunction)(void (*)(void))table_slice, METH_VARARGS | METH_KEYWORDS,
     "slice(offset=0, length=None) -> Table: zero-copy slice."},
    QVPY_METHOD("to_pydict", table_to_pydict_py, "to_pydict(*, maps_as_pydicts=None) -> {name: list of values}"),
    QVPY_METHOD("to_pylist", table_to_pylist_py, "to_pylist(*, maps_as_pydicts=None) -> list of {name: value} rows"),
    {"validate", (PyCFunction)(void (*)(void))table_validate, METH_VARARGS | METH_KEYWORDS,
     "validate(full=False): raises quiver.ArrowInvalid naming the batch, column and problem."},
    {"equals", (PyCFunction)(void (*)(void))table_equals, METH_VARARGS | METH_KEYWORDS,
     "equals(other, check_metadata=False) -> bool (batch boundaries do not matter)."},
    {"__arrow_c_stream__", (PyCFunction)(void (*)(void))table_arrow_c_stream, METH_VARARGS | METH_KEYWORDS,
     "__arrow_c_stream__(requested_schema=None) -> ArrowArrayStream capsule of the batches, zero-copy."},
    {NULL},
};
PyTypeObject QvTable_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver.Table",
    .tp_basicsize = sizeof(QvTableObject),
    .tp_dealloc = (destructor)table_dealloc,
    .tp_repr = table_repr,
    .tp_as_sequence = &table_as_sequence,
    .tp_as_mapping = &table_as_mapping,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_richcompare = table_richcompare,
    .tp_iter = table_iter,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A schema and a sequence of record batches (immutable). Create with quiver.table(...).",
    .tp_methods = table_methods,
    .tp_getset = table_getset,
};

/* ======================= module functions ======================= */

/* _table_from_batches(batches, schema=None) */
static PyObject *f_table_from_batches(PyObject *m, PyObject *args) {
  PyObject *batches_obj, *schema_obj = Py_None;
  if (!PyArg_ParseTuple(args, "O|O", &batches_obj, &schema_obj)) return NULL;
  PyObject *batches = qvpy_sequence_snapshot(batches_obj, "batches must be a sequence of quiver.RecordBatch");
  if (batches == NULL) return NULL;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(batches);
  qv_batch **parts = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(qv_batch *));
  PyObject *result = NULL;
  bool validated = true;
  qv_schema *schema = NULL;
  if (parts == NULL) {
    PyErr_NoMemory();
    goto done;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *b = PySequence_Fast_GET_ITEM(batches, i);
    if (!PyObject_TypeCheck(b, &QvBatch_Type)) {
      PyErr_Format(PyExc_TypeError, "batch %zd must be a quiver.RecordBatch, not %.100s", i, Py_TYPE(b)->tp_name);
      goto done;
    }
    parts[i] = ((QvBatchObject *)b)->batch;
    validated = validated && ((QvBatchObject *)b)->validated;
  }
  if (schema_obj != Py_None) {
    if ((schema = qvpy_as_schema(schema_obj, "schema")) == NULL) goto done;
  } else if (n > 0) {
    schema = parts[0]->schema;
  } else {
    PyErr_SetString(QvExc_ArrowInvalid, "a table of no batches needs a schema");
    goto done;
  }
  qv_error err;
  qv_table *t = NULL;
  qv_status st = qv_table_new(schema, parts, n, &t, &err);
  result = st != QV_OK ? qvpy_raise(st, &err) : qvpy_wrap_table(t, validated);
done:
  PyMem_Free(parts);
  Py_DECREF(batches);
  return result;
}

PyMethodDef qvpy_table_functions[] = {
    {"_table_from_batches", f_table_from_batches, METH_VARARGS, NULL},
    {NULL},
};
