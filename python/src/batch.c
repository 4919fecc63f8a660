/* quiver Python binding: the RecordBatch object, and helpers the Table and
 * ChunkedArray objects (table.c, chunked.c) share.
 *
 * A RecordBatch owns one reference to an immutable qv_batch; columns handed
 * to Python are new Array wrappers around retained qv_arrays (no copy). As
 * for arrays, data from another producer is fully validated once, before
 * Python reads values from it (to_pydict / to_pylist).
 */
#include "qvpy.h"

#include <string.h>

PyObject *qvpy_text_result(qv_status st, char *text, const qv_error *err) {
  if (st != QV_OK) return qvpy_raise(st, err);
  PyObject *r = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
  qv_free_string(text);
  return r;
}

PyObject *qvpy_invalid_text(void) {
  if (PyErr_ExceptionMatches(PyExc_MemoryError)) return NULL;
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyObject *msg = value != NULL ? PyObject_Str(value) : NULL;
  PyErr_Clear();
  PyObject *r = PyUnicode_FromFormat("<invalid: %S>", msg != NULL ? msg : Py_None);
  Py_XDECREF(msg);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  return r;
}

PyObject *qvpy_wrap_array_ref(qv_array *a, bool validated) {
  return qvpy_wrap_array(qv_array_retain(a), validated);
}

/* Parses an optional length argument into [offset, offset + length) within n. */
int qvpy_clamp_slice(PyObject *args, PyObject *kw, int64_t n, int64_t *offset, int64_t *length) {
  static char *kwlist[] = {"offset", "length", NULL};
  long long off = 0;
  PyObject *length_obj = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|LO:slice", kwlist, &off, &length_obj)) return -1;
  if (off < 0) {
    PyErr_Format(QvExc_ArrowIndexError, "slice offset %lld is negative", off);
    return -1;
  }
  if (off > n) off = n;
  *offset = off;
  *length = n - off;
  if (length_obj != Py_None) {
    long long l = PyLong_AsLongLong(length_obj);
    if (l == -1 && PyErr_Occurred()) return -1;
    if (l < 0) {
      PyErr_Format(QvExc_ArrowIndexError, "slice length %lld is negative", l);
      return -1;
    }
    if (l < *length) *length = l;
  }
  return 0;
}

PyObject *qvpy_names_list(const qv_schema *s) {
  PyObject *l = PyList_New(s->n_fields);
  for (int32_t i = 0; l != NULL && i < s->n_fields; i++) {
    PyObject *n = PyUnicode_FromString(s->fields[i]->name);
    if (n == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, i, n);
  }
  return l;
}

/* {name: values} from per-column value lists; rows -> list of row dicts. */
PyObject *qvpy_rows_from_columns(const qv_schema *s, PyObject *cols, int64_t n) {
  PyObject *rows = PyList_New((Py_ssize_t)n);
  for (int64_t r = 0; rows != NULL && r < n; r++) {
    PyObject *d = PyDict_New();
    if (d == NULL) {
      Py_CLEAR(rows);
      break;
    }
    for (int32_t c = 0; c < s->n_fields; c++) {
      if (PyDict_SetItemString(d, s->fields[c]->name, PyList_GET_ITEM(PyList_GET_ITEM(cols, c), r)) < 0) {
        Py_DECREF(d);
        Py_CLEAR(rows);
        return NULL;
      }
    }
    PyList_SET_ITEM(rows, r, d);
  }
  return rows;
}

/* ======================= RecordBatch ======================= */

PyObject *qvpy_wrap_batch(qv_batch *batch, bool validated) {
  QvBatchObject *o = PyObject_New(QvBatchObject, &QvBatch_Type);
  if (o == NULL) {
    QVPY_KEEP_ERROR(qv_batch_release(batch));
    return NULL;
  }
  o->batch = batch;
  o->validated = validated;
  return (PyObject *)o;
}

static void batch_dealloc(QvBatchObject *self) {
  QVPY_KEEP_ERROR(qv_batch_release(self->batch));
  Py_TYPE(self)->tp_free((PyObject *)self);
}

static qv_batch *bt(PyObject *self) { return ((QvBatchObject *)self)->batch; }

static int batch_ensure_valid(QvBatchObject *self) {
  if (self->validated) return 0;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_batch_validate(self->batch, QV_VALIDATE_FULL, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_raise_int(st, &err);
  self->validated = true;
  return 0;
}

static Py_ssize_t batch_len(PyObject *self) { return (Py_ssize_t)bt(self)->length; }
static PyObject *batch_schema(PyObject *self, void *c) { return qvpy_wrap_schema(qv_schema_retain(bt(self)->schema)); }
static PyObject *batch_num_rows(PyObject *self, void *c) { return PyLong_FromLongLong(bt(self)->length); }
static PyObject *batch_num_columns(PyObject *self, void *c) { return PyLong_FromLong(bt(self)->n_columns); }
static PyObject *batch_column_names(PyObject *self, void *c) { return qvpy_names_list(bt(self)->schema); }

static PyObject *batch_columns(PyObject *self, void *c) {
  const qv_batch *b = bt(self);
  PyObject *l = PyList_New(b->n_columns);
  for (int32_t i = 0; l != NULL && i < b->n_columns; i++) {
    PyObject *a = qvpy_wrap_array_ref(b->columns[i], ((QvBatchObject *)self)->validated);
    if (a == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, i, a);
  }
  return l;
}

static PyObject *batch_column(PyObject *self, PyObject *key) {
  int i = qvpy_schema_index(bt(self)->schema, key);
  if (i < 0) return NULL;
  return qvpy_wrap_array_ref(bt(self)->columns[i], ((QvBatchObject *)self)->validated);
}

static PyObject *batch_do_slice(PyObject *self, int64_t offset, int64_t length) {
  qv_error err;
  qv_batch *out = NULL;
  qv_status st = qv_batch_slice(bt(self), offset, length, &out, &err);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_batch(out, ((QvBatchObject *)self)->validated);
}

static PyObject *batch_slice(PyObject *self, PyObject *args, PyObject *kw) {
  int64_t off, len;
  if (qvpy_clamp_slice(args, kw, bt(self)->length, &off, &len) < 0) return NULL;
  return batch_do_slice(self, off, len);
}

static PyObject *batch_subscript(PyObject *self, PyObject *key) {
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return NULL;
    Py_ssize_t n = PySlice_AdjustIndices((Py_ssize_t)bt(self)->length, &start, &stop, step);
    if (step != 1) return PyErr_Format(QvExc_ArrowNotImplementedError, "RecordBatch slices must have step 1");
    return batch_do_slice(self, start, n);
  }
  return batch_column(self, key);
}

static PyObject *batch_column_values(PyObject *self) {
  if (batch_ensure_valid((QvBatchObject *)self) < 0) return NULL;
  const qv_batch *b = bt(self);
  PyObject *cols = PyList_New(b->n_columns);
  for (int32_t i = 0; cols != NULL && i < b->n_columns; i++) {
    PyObject *v = qvpy_values_list(b->columns[i], 0, b->columns[i]->length);
    if (v == NULL) {
      Py_CLEAR(cols);
      break;
    }
    PyList_SET_ITEM(cols, i, v);
  }
  return cols;
}

static PyObject *batch_to_pydict(PyObject *self, PyObject *unused) {
  PyObject *cols = batch_column_values(self);
  if (cols == NULL) return NULL;
  const qv_schema *s = bt(self)->schema;
  PyObject *d = PyDict_New();
  for (int32_t i = 0; d != NULL && i < s->n_fields; i++)
    if (PyDict_SetItemString(d, s->fields[i]->name, PyList_GET_ITEM(cols, i)) < 0) Py_CLEAR(d);
  Py_DECREF(cols);
  return d;
}

static PyObject *batch_to_pylist(PyObject *self, PyObject *unused) {
  PyObject *cols = batch_column_values(self);
  if (cols == NULL) return NULL;
  PyObject *rows = qvpy_rows_from_columns(bt(self)->schema, cols, bt(self)->length);
  Py_DECREF(cols);
  return rows;
}

static PyObject *batch_validate(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"full", NULL};
  int full = 0; /* pyarrow's default: the O(buffers) structural checks */
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|p:validate", kwlist, &full)) return NULL;
  if (full) {
    if (batch_ensure_valid((QvBatchObject *)self) < 0) return NULL;
    Py_RETURN_NONE;
  }
  qv_error err;
  qv_status st = qv_batch_validate(bt(self), QV_VALIDATE_STRUCTURE, &err);
  if (st != QV_OK) return qvpy_raise(st, &err);
  Py_RETURN_NONE;
}

static qv_batch *coerce_batch(PyObject *o, PyObject **holder) {
  if (PyObject_TypeCheck(o, &QvBatch_Type)) {
    *holder = qvpy_newref(o);
    return bt(o);
  }
  *holder = qvpy_import_batch(o);
  return *holder ? bt(*holder) : NULL;
}

static PyObject *batch_equals(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"other", "check_metadata", NULL};
  PyObject *other, *holder;
  int md = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p:equals", kwlist, &other, &md)) return NULL;
  qv_batch *o = coerce_batch(other, &holder);
  if (o == NULL) return NULL;
  qv_equal_options opts = {false, md != 0};
  bool eq = qv_batch_equals_opts(bt(self), o, &opts);
  Py_DECREF(holder);
  return PyBool_FromLong(eq);
}

static PyObject *batch_richcompare(PyObject *a, PyObject *b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(a, &QvBatch_Type) || !PyObject_TypeCheck(b, &QvBatch_Type))
    Py_RETURN_NOTIMPLEMENTED;
  bool eq = qv_batch_equals(bt(a), bt(b));
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

/* pyarrow's layout (quiver/_printing.py); never raises on invalid data. */
static PyObject *batch_repr(PyObject *self) { return qvpy_delegate("tabular_repr", self, NULL, NULL); }

static PyObject *batch_arrow_c_array(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"requested_schema", NULL};
  PyObject *requested = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:__arrow_c_array__", kwlist, &requested)) return NULL;
  if (qvpy_check_requested_schema(requested) < 0) return NULL;
  PyObject *schema = qvpy_schema_capsule_from_schema(bt(self)->schema);
  if (schema == NULL) return NULL;
  PyObject *array = qvpy_batch_capsule(bt(self));
  if (array == NULL) {
    Py_DECREF(schema);
    return NULL;
  }
  PyObject *r = PyTuple_Pack(2, schema, array);
  Py_DECREF(schema);
  Py_DECREF(array);
  return r;
}

static PyObject *batch_arrow_c_stream(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"requested_schema", NULL};
  PyObject *requested = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:__arrow_c_stream__", kwlist, &requested)) return NULL;
  if (qvpy_check_requested_schema(requested) < 0) return NULL;
  return qvpy_stream_capsule_from_batch(bt(self));
}

/* pyarrow-shaped methods whose argument handling is Python (quiver/_methods.py). */
QVPY_DELEGATE(batch_from_pydict, "batch_from_pydict")
QVPY_DELEGATE(batch_to_string, "tabular_to_string")
QVPY_DELEGATE(batch_itercolumns, "itercolumns")
QVPY_WITH_MAPS(batch_to_pydict_py, batch_to_pydict)
QVPY_WITH_MAPS(batch_to_pylist_py, batch_to_pylist)
QVPY_DELEGATE(batch_from_pylist, "batch_from_pylist")
QVPY_DELEGATE(batch_from_pandas, "batch_from_pandas")
QVPY_DELEGATE(batch_from_arrays, "batch_from_arrays")
QVPY_DELEGATE(batch_select, "select")
QVPY_DELEGATE(batch_drop_columns, "drop_columns")
QVPY_DELEGATE(batch_rename_columns, "rename_columns")
QVPY_DELEGATE(batch_append_column, "append_column")
QVPY_DELEGATE(batch_add_column, "add_column")
QVPY_DELEGATE(batch_set_column, "set_column")
QVPY_DELEGATE(batch_remove_column, "remove_column")
QVPY_DELEGATE(batch_field, "field")
QVPY_DELEGATE(batch_reduce_ex, "reduce_ex")
static PyObject *batch_shape(PyObject *self, void *c) { return qvpy_delegate("shape", self, NULL, NULL); }
static PyObject *batch_nbytes(PyObject *self, void *c) { return qvpy_delegate("nbytes", self, NULL, NULL); }
static PyObject *batch_iter(PyObject *self) { return qvpy_delegate("iter_columns", self, NULL, NULL); }
static PySequenceMethods batch_as_sequence = {.sq_length = batch_len, .sq_contains = qvpy_delegate_contains};
static PyMappingMethods batch_as_mapping = {.mp_length = batch_len, .mp_subscript = batch_subscript};
static PyGetSetDef batch_getset[] = {
    {"shape", batch_shape, NULL, "(num_rows, num_columns)", NULL},
    {"nbytes", batch_nbytes, NULL, "Bytes of the buffers the rows reference (as pyarrow counts them).", NULL},
    {"schema", batch_schema, NULL, "The batch's Schema.", NULL},
    {"num_rows", batch_num_rows, NULL, "Number of rows.", NULL},
    {"num_columns", batch_num_columns, NULL, "Number of columns.", NULL},
    {"column_names", batch_column_names, NULL, "Column names (list of str).", NULL},
    {"columns", batch_columns, NULL, "Columns (list of Array).", NULL},
    {NULL},
};
QVPY_DELEGATE(batch_to_pandas, "to_pandas")
/* compute and metadata as methods, as pyarrow (quiver/_compute_methods.py, _metadata.py) */
QVPY_DELEGATE(batch_filter, "table_filter")
QVPY_DELEGATE(batch_take, "table_take")
QVPY_DELEGATE(batch_sort_by, "table_sort_by")
QVPY_DELEGATE(batch_drop_null, "table_drop_null")
QVPY_DELEGATE(batch_cast, "table_cast")
QVPY_DELEGATE(batch_replace_schema_metadata, "replace_schema_metadata")
static PyMethodDef batch_methods[] = {
    QVPY_METHOD("to_string", batch_to_string, "to_string(*, show_metadata=False, preview_cols=0) -> str"),
    QVPY_METHOD("to_pandas", batch_to_pandas, "to_pandas(types_mapper=None) -> pandas.DataFrame"),
    QVPY_METHOD("filter", batch_filter, "filter(mask, null_selection_behavior='drop') -> RecordBatch of the rows the mask keeps."),
    QVPY_METHOD("take", batch_take, "take(indices) -> RecordBatch of those rows."),
    QVPY_METHOD("sort_by", batch_sort_by, "sort_by(sorting) -> RecordBatch sorted by a column name or [(name, order), ...]."),
    QVPY_METHOD("drop_null", batch_drop_null, "drop_null() -> RecordBatch without the rows holding a null."),
    QVPY_METHOD("cast", batch_cast, "cast(target_schema, safe=None) -> RecordBatch with every column cast."),
    QVPY_METHOD("replace_schema_metadata", batch_replace_schema_metadata, "replace_schema_metadata(metadata=None) -> RecordBatch (shares the columns)."),
    QVPY_CLASSMETHOD("from_pydict", batch_from_pydict, "from_pydict(mapping, schema=None, metadata=None) -> RecordBatch"),
    QVPY_CLASSMETHOD("from_pandas", batch_from_pandas, "from_pandas(df, schema=None, preserve_index=None, nthreads=None, columns=None) -> RecordBatch"),
    QVPY_CLASSMETHOD("from_pylist", batch_from_pylist, "from_pylist(rows, schema=None, metadata=None) -> RecordBatch"),
    QVPY_CLASSMETHOD("from_arrays", batch_from_arrays, "from_arrays(arrays, names=None, schema=None, metadata=None) -> RecordBatch"),
    QVPY_METHOD("select", batch_select, "select(columns) -> RecordBatch: the columns (names or indices) in that order."),
    QVPY_METHOD("drop_columns", batch_drop_columns, "drop_columns(columns) -> RecordBatch without the named column(s)."),
    QVPY_METHOD("rename_columns", batch_rename_columns, "rename_columns(names) -> RecordBatch: a list of every new name or a {old: new} dict."),
    QVPY_METHOD("append_column", batch_append_column, "append_column(field_, column) -> RecordBatch"),
    QVPY_METHOD("add_column", batch_add_column, "add_column(i, field_, column) -> RecordBatch"),
    QVPY_METHOD("set_column", batch_set_column, "set_column(i, field_, column) -> RecordBatch"),
    QVPY_METHOD("remove_column", batch_remove_column, "remove_column(i) -> RecordBatch"),
    QVPY_METHOD("field", batch_field, "field(i or name) -> Field"),
    QVPY_METHOD("__reduce_ex__", batch_reduce_ex, "Pickles through the Arrow IPC stream format."),
    {"column", batch_column, METH_O, "column(i or name) -> Array"},
    {"slice", (PyCFunction)(void (*)(void))batch_slice, METH_VARARGS | METH_KEYWORDS,
     "slice(offset=0, length=None) -> RecordBatch: zero-copy slice of every column."},
    QVPY_METHOD("to_pydict", batch_to_pydict_py, "to_pydict(*, maps_as_pydicts=None) -> {name: list of values}"),
    QVPY_METHOD("to_pylist", batch_to_pylist_py, "to_pylist(*, maps_as_pydicts=None) -> list of {name: value} rows"),
    QVPY_METHOD("itercolumns", batch_itercolumns, "itercolumns() -> iterator of Array"),
    {"validate", (PyCFunction)(void (*)(void))batch_validate, METH_VARARGS | METH_KEYWORDS,
     "validate(full=False): raises quiver.ArrowInvalid naming the column and problem."},
    {"equals", (PyCFunction)(void (*)(void))batch_equals, METH_VARARGS | METH_KEYWORDS,
     "equals(other, check_metadata=False) -> bool"},
    {"__arrow_c_array__", (PyCFunction)(void (*)(void))batch_arrow_c_array, METH_VARARGS | METH_KEYWORDS,
     "__arrow_c_array__(requested_schema=None) -> (schema capsule, struct array capsule), zero-copy."},
    {"__arrow_c_stream__", (PyCFunction)(void (*)(void))batch_arrow_c_stream, METH_VARARGS | METH_KEYWORDS,
     "__arrow_c_stream__(requested_schema=None) -> ArrowArrayStream capsule of this one batch."},
    {NULL},
};
PyTypeObject QvBatch_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver.RecordBatch",
    .tp_basicsize = sizeof(QvBatchObject),
    .tp_dealloc = (destructor)batch_dealloc,
    .tp_repr = batch_repr,
    .tp_as_sequence = &batch_as_sequence,
    .tp_as_mapping = &batch_as_mapping,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_richcompare = batch_richcompare,
    .tp_iter = batch_iter,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Equal-length columns with a schema (immutable). Create with quiver.record_batch(...).",
    .tp_methods = batch_methods,
    .tp_getset = batch_getset,
};

/* ======================= module functions ======================= */

/* _batch_from_arrays(arrays, names_or_schema, metadata=None) */
static PyObject *f_batch_from_arrays(PyObject *m, PyObject *args) {
  PyObject *arrays_obj, *names_obj, *md_obj = Py_None;
  if (!PyArg_ParseTuple(args, "OO|O", &arrays_obj, &names_obj, &md_obj)) return NULL;
  PyObject *arrays = qvpy_sequence_snapshot(arrays_obj, "arrays must be a sequence of quiver.Array");
  if (arrays == NULL) return NULL;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(arrays);
  PyObject *result = NULL, *names = NULL;
  qv_array **cols = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(qv_array *));
  qv_field **fields = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(qv_field *));
  qv_schema *schema = NULL;
  qv_metadata *md = NULL;
  qv_batch *batch = NULL;
  qv_error err;
  qv_status st;
  bool validated = true;
  if (cols == NULL || fields == NULL) {
    PyErr_NoMemory();
    goto done;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *a = PySequence_Fast_GET_ITEM(arrays, i);
    if (!PyObject_TypeCheck(a, &QvArray_Type)) {
      PyErr_Format(PyExc_TypeError, "column %zd must be a quiver.Array, not %.100s", i, Py_TYPE(a)->tp_name);
      goto done;
    }
    cols[i] = ((QvArrayObject *)a)->array;
    validated = validated && ((QvArrayObject *)a)->validated;
  }
  if (PyObject_TypeCheck(names_obj, &QvSchema_Type)) {
    schema = qv_schema_retain(((QvSchemaObject *)names_obj)->schema);
  } else {
    names = qvpy_sequence_snapshot(names_obj, "names must be a sequence of str");
    if (names == NULL) goto done;
    if (PySequence_Fast_GET_SIZE(names) != n) {
      PyErr_Format(QvExc_ArrowInvalid, "%zd arrays but %zd names", n, PySequence_Fast_GET_SIZE(names));
      goto done;
    }
    if (n > INT32_MAX) {
      PyErr_SetString(QvExc_ArrowInvalid, "too many columns");
      goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
      const char *name = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(names, i));
      if (name == NULL) goto done;
      st = qv_field_new(name, cols[i]->type, true, NULL, &fields[i], &err);
      if (st != QV_OK) {
        qvpy_raise(st, &err);
        goto done;
      }
    }
    if (qvpy_metadata_from_dict(md_obj, &md) < 0) goto done;
    st = qv_schema_new(fields, (int32_t)n, md, &schema, &err);
    if (st != QV_OK) {
      qvpy_raise(st, &err);
      goto done;
    }
  }
  if (schema->n_fields != n) {
    PyErr_Format(QvExc_ArrowInvalid, "schema has %d fields but %zd arrays were given", (int)schema->n_fields, n);
    goto done;
  }
  st = qv_batch_new(schema, n == 0 ? 0 : -1, cols, NULL, &batch, &err);
  if (st != QV_OK) {
    qvpy_raise(st, &err);
    goto done;
  }
  result = qvpy_wrap_batch(batch, validated);
done:
  for (Py_ssize_t i = 0; fields != NULL && i < n; i++) qv_field_release(fields[i]);
  PyMem_Free(fields);
  PyMem_Free(cols);
  qv_metadata_free(md);
  qv_schema_release(schema);
  Py_XDECREF(names);
  Py_DECREF(arrays);
  return result;
}

PyMethodDef qvpy_batch_functions[] = {
    {"_batch_from_arrays", f_batch_from_arrays, METH_VARARGS, NULL},
    {NULL},
};
