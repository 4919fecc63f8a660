/* quiver Python binding: column editing, concatenation and chunk combining.
 *
 * Thin module functions over include/quiver/table.h and concat.h: the
 * pyarrow-shaped methods (quiver/_methods.py) resolve names and coerce
 * arguments in Python, then call these, which only convert Python objects to
 * C arrays of indices, names, arrays or chunked arrays. Results share the
 * inputs' buffers; they are marked validated only when every input was.
 */
#include "qvpy.h"

static PyObject *methods_module;

PyObject *qvpy_delegate(const char *name, PyObject *self, PyObject *args, PyObject *kw) {
  if (methods_module == NULL && (methods_module = PyImport_ImportModule("quiver._methods")) == NULL) return NULL;
  PyObject *fn = PyObject_GetAttrString(methods_module, name);
  if (fn == NULL) return NULL;
  Py_ssize_t n = args != NULL ? PyTuple_GET_SIZE(args) : 0;
  PyObject *full = PyTuple_New(n + 1);
  if (full == NULL) {
    Py_DECREF(fn);
    return NULL;
  }
  PyTuple_SET_ITEM(full, 0, qvpy_newref(self));
  for (Py_ssize_t i = 0; i < n; i++) PyTuple_SET_ITEM(full, i + 1, qvpy_newref(PyTuple_GET_ITEM(args, i)));
  PyObject *r = PyObject_Call(fn, full, kw);
  Py_DECREF(full);
  Py_DECREF(fn);
  return r;
}

PyObject *qvpy_values_with_maps(PyObject *self, PyObject *args, PyObject *kw, PyObject *(*values)(PyObject *, PyObject *)) {
  static char *kwlist[] = {"maps_as_pydicts", NULL};
  PyObject *mode = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|$O", kwlist, &mode)) return NULL;
  PyObject *r = values(self, NULL);
  if (r == NULL || mode == Py_None) return r;
  PyObject *pass = PyTuple_Pack(2, r, mode);
  Py_DECREF(r);
  if (pass == NULL) return NULL;
  PyObject *out = qvpy_delegate("apply_maps_as_pydicts", self, pass, NULL);
  Py_DECREF(pass);
  return out;
}

int qvpy_delegate_contains(PyObject *self, PyObject *key) {
  PyObject *args = PyTuple_Pack(1, key);
  PyObject *r = args != NULL ? qvpy_delegate("contains", self, args, NULL) : NULL;
  Py_XDECREF(args);
  int v = r != NULL ? PyObject_IsTrue(r) : -1;
  Py_XDECREF(r);
  return v;
}

/* ---- argument conversion ---- */

static qv_batch *as_batch(PyObject *o, bool *validated) {
  if (!PyObject_TypeCheck(o, &QvBatch_Type)) {
    PyErr_Format(PyExc_TypeError, "expected a quiver.RecordBatch, not %.100s", Py_TYPE(o)->tp_name);
    return NULL;
  }
  *validated = ((QvBatchObject *)o)->validated;
  return ((QvBatchObject *)o)->batch;
}

static qv_table *as_table(PyObject *o, bool *validated) {
  if (!PyObject_TypeCheck(o, &QvTable_Type)) {
    PyErr_Format(PyExc_TypeError, "expected a quiver.Table, not %.100s", Py_TYPE(o)->tp_name);
    return NULL;
  }
  *validated = ((QvTableObject *)o)->validated;
  return ((QvTableObject *)o)->table;
}

static qv_array *as_array(PyObject *o, bool *validated) {
  if (!PyObject_TypeCheck(o, &QvArray_Type)) {
    PyErr_Format(PyExc_TypeError, "expected a quiver.Array, not %.100s", Py_TYPE(o)->tp_name);
    return NULL;
  }
  *validated = ((QvArrayObject *)o)->validated;
  return ((QvArrayObject *)o)->array;
}

/* int32 indices out of a sequence of ints (PyMem_Free the result). */
static int32_t *as_indices(PyObject *seq, int32_t *n) {
  PyObject *items = qvpy_sequence_snapshot(seq, "indices must be a sequence of int");
  if (items == NULL) return NULL;
  Py_ssize_t k = PySequence_Fast_GET_SIZE(items);
  int32_t *out = PyMem_Calloc((size_t)(k > 0 ? k : 1), sizeof(int32_t));
  if (out == NULL) PyErr_NoMemory();
  for (Py_ssize_t i = 0; out != NULL && i < k; i++) {
    long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(items, i));
    if ((v == -1 && PyErr_Occurred()) || v < INT32_MIN || v > INT32_MAX) {
      if (!PyErr_Occurred()) PyErr_Format(QvExc_ArrowIndexError, "column index %ld out of range", v);
      PyMem_Free(out);
      out = NULL;
      break;
    }
    out[i] = (int32_t)v;
  }
  Py_DECREF(items);
  *n = (int32_t)k;
  return out;
}

/* UTF-8 names out of a sequence of str; the pointers live as long as
 * *holder (a tuple snapshot; Py_DECREF it and PyMem_Free the result). */
static const char **as_names(PyObject *seq, int32_t *n, PyObject **holder) {
  PyObject *items = qvpy_sequence_snapshot(seq, "names must be a sequence of str");
  if (items == NULL) return NULL;
  Py_ssize_t k = PySequence_Fast_GET_SIZE(items);
  const char **out = PyMem_Calloc((size_t)(k > 0 ? k : 1), sizeof(char *));
  if (out == NULL) PyErr_NoMemory();
  for (Py_ssize_t i = 0; out != NULL && i < k; i++) {
    PyObject *s = PySequence_Fast_GET_ITEM(items, i);
    out[i] = PyUnicode_Check(s) ? PyUnicode_AsUTF8(s) : NULL;
    if (out[i] == NULL) {
      if (!PyErr_Occurred()) PyErr_Format(PyExc_TypeError, "name %zd must be str, not %.100s", i, Py_TYPE(s)->tp_name);
      PyMem_Free(out);
      out = NULL;
    }
  }
  if (out == NULL) {
    Py_DECREF(items);
    return NULL;
  }
  *holder = items;
  *n = (int32_t)k;
  return out;
}

/* The C call runs first (its own statement), then its result is wrapped:
 * `out` must not be read in the same full expression as the call that fills it. */
#define BATCH_RESULT(call, out, err, validated) \
  do {                                          \
    qv_status st_ = (call);                     \
    r = st_ != QV_OK ? qvpy_raise(st_, err) : qvpy_wrap_batch(out, validated); \
  } while (0)
#define TABLE_RESULT(call, out, err, validated) \
  do {                                          \
    qv_status st_ = (call);                     \
    r = st_ != QV_OK ? qvpy_raise(st_, err) : qvpy_wrap_table(out, validated); \
  } while (0)

/* ---- select / drop / rename ---- */

static PyObject *f_select(PyObject *m, PyObject *args) {
  PyObject *obj, *seq;
  if (!PyArg_ParseTuple(args, "OO", &obj, &seq)) return NULL;
  int32_t n = 0;
  int32_t *idx = as_indices(seq, &n);
  if (idx == NULL) return NULL;
  qv_error err;
  bool ok;
  PyObject *r = NULL;
  if (PyObject_TypeCheck(obj, &QvBatch_Type)) {
    qv_batch *out = NULL;
    qv_batch *b = as_batch(obj, &ok);
    BATCH_RESULT(qv_batch_select(b, idx, n, &out, &err), out, &err, ok);
  } else {
    qv_table *out = NULL;
    qv_table *t = as_table(obj, &ok);
    if (t != NULL) TABLE_RESULT(qv_table_select(t, idx, n, &out, &err), out, &err, ok);
  }
  PyMem_Free(idx);
  return r;
}

/* _drop_columns(obj, names) and _rename_columns(obj, names) share this. */
static PyObject *names_op(PyObject *args, bool rename) {
  PyObject *obj, *seq, *holder = NULL;
  if (!PyArg_ParseTuple(args, "OO", &obj, &seq)) return NULL;
  int32_t n = 0;
  const char **names = as_names(seq, &n, &holder);
  if (names == NULL) return NULL;
  qv_error err;
  bool ok;
  PyObject *r = NULL;
  if (PyObject_TypeCheck(obj, &QvBatch_Type)) {
    qv_batch *out = NULL, *b = as_batch(obj, &ok);
    qv_status st = rename ? qv_batch_rename_columns(b, names, n, &out, &err)
                          : qv_batch_drop_columns(b, names, n, &out, &err);
    BATCH_RESULT(st, out, &err, ok);
  } else {
    qv_table *out = NULL, *t = as_table(obj, &ok);
    if (t != NULL) {
      qv_status st = rename ? qv_table_rename_columns(t, names, n, &out, &err)
                            : qv_table_drop_columns(t, names, n, &out, &err);
      TABLE_RESULT(st, out, &err, ok);
    }
  }
  PyMem_Free(names);
  Py_DECREF(holder);
  return r;
}
static PyObject *f_drop_columns(PyObject *m, PyObject *args) { return names_op(args, false); }
static PyObject *f_rename_columns(PyObject *m, PyObject *args) { return names_op(args, true); }

/* ---- add / set / remove ---- */

/* _add_column(obj, i, field, column, replace): column is an Array for a
 * batch, a ChunkedArray for a table; replace selects set_column. */
static PyObject *f_add_column(PyObject *m, PyObject *args) {
  PyObject *obj, *field_obj, *col;
  int i, replace;
  if (!PyArg_ParseTuple(args, "OiOOp", &obj, &i, &field_obj, &col, &replace)) return NULL;
  qv_field *field = qvpy_as_field(field_obj, "field");
  if (field == NULL) return NULL;
  qv_error err;
  bool ok, col_ok = false;
  if (PyObject_TypeCheck(obj, &QvBatch_Type)) {
    qv_batch *out = NULL, *b = as_batch(obj, &ok);
    qv_array *a = as_array(col, &col_ok);
    if (a == NULL) return NULL;
    qv_status st = replace ? qv_batch_set_column(b, i, field, a, &out, &err)
                           : qv_batch_add_column(b, i, field, a, &out, &err);
    PyObject *r = NULL;
    BATCH_RESULT(st, out, &err, ok && col_ok);
    return r;
  }
  qv_table *out = NULL, *t = as_table(obj, &ok);
  if (t == NULL) return NULL;
  qv_chunked_array *c = qvpy_chunked_to_qv(col, &col_ok);
  if (c == NULL) return NULL;
  qv_status st = replace ? qv_table_set_column(t, i, field, c, &out, &err)
                         : qv_table_add_column(t, i, field, c, &out, &err);
  qv_chunked_array_release(c);
  PyObject *r = NULL;
  TABLE_RESULT(st, out, &err, ok && col_ok);
  return r;
}

static PyObject *f_remove_column(PyObject *m, PyObject *args) {
  PyObject *obj;
  int i;
  if (!PyArg_ParseTuple(args, "Oi", &obj, &i)) return NULL;
  qv_error err;
  bool ok;
  if (PyObject_TypeCheck(obj, &QvBatch_Type)) {
    qv_batch *out = NULL, *b = as_batch(obj, &ok);
    PyObject *r = NULL;
    BATCH_RESULT(qv_batch_remove_column(b, i, &out, &err), out, &err, ok);
    return r;
  }
  qv_table *out = NULL, *t = as_table(obj, &ok);
  if (t == NULL) return NULL;
  PyObject *r = NULL;
  TABLE_RESULT(qv_table_remove_column(t, i, &out, &err), out, &err, ok);
  return r;
}

/* ---- building, concatenating, combining ---- */

/* _table_from_columns(schema, [ChunkedArray]) */
static PyObject *f_table_from_columns(PyObject *m, PyObject *args) {
  PyObject *schema_obj, *seq;
  if (!PyArg_ParseTuple(args, "OO", &schema_obj, &seq)) return NULL;
  qv_schema *schema = qvpy_as_schema(schema_obj, "schema");
  if (schema == NULL) return NULL;
  PyObject *items = qvpy_sequence_snapshot(seq, "columns must be a sequence of quiver.ChunkedArray");
  if (items == NULL) return NULL;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
  if (n != schema->n_fields) {
    Py_DECREF(items);
    return PyErr_Format(QvExc_ArrowInvalid, "%zd columns for a schema of %d fields", n, (int)schema->n_fields);
  }
  qv_chunked_array **cols = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(qv_chunked_array *));
  PyObject *r = NULL;
  bool all_ok = true;
  if (cols == NULL) {
    PyErr_NoMemory();
    goto done;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    bool ok = false;
    if ((cols[i] = qvpy_chunked_to_qv(PySequence_Fast_GET_ITEM(items, i), &ok)) == NULL) goto done;
    all_ok = all_ok && ok;
  }
  qv_error err;
  qv_table *out = NULL;
  TABLE_RESULT(qv_table_from_columns(schema, cols, &out, &err), out, &err, all_ok);
done:
  for (Py_ssize_t i = 0; cols != NULL && i < n; i++) qv_chunked_array_release(cols[i]);
  PyMem_Free(cols);
  Py_DECREF(items);
  return r;
}

/* _concat(kind, [objects]) with kind "table" or "array". */
static PyObject *f_concat(PyObject *m, PyObject *args) {
  const char *kind;
  PyObject *seq;
  if (!PyArg_ParseTuple(args, "sO", &kind, &seq)) return NULL;
  bool tables = strcmp(kind, "table") == 0;
  PyObject *items = qvpy_sequence_snapshot(seq, tables ? "tables must be a sequence of quiver.Table"
                                                       : "arrays must be a sequence of quiver.Array");
  if (items == NULL) return NULL;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
  void **parts = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(void *));
  PyObject *r = NULL;
  bool all_ok = true;
  if (parts == NULL) {
    PyErr_NoMemory();
    goto done;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    bool ok = false;
    PyObject *o = PySequence_Fast_GET_ITEM(items, i);
    parts[i] = tables ? (void *)as_table(o, &ok) : (void *)as_array(o, &ok);
    if (parts[i] == NULL) goto done;
    all_ok = all_ok && ok;
  }
  qv_error err;
  if (tables) {
    qv_table *out = NULL;
    TABLE_RESULT(qv_table_concat((qv_table *const *)parts, n, &out, &err), out, &err, all_ok);
  } else {
    qv_array *out = NULL;
    qv_status st = qv_array_concat((qv_array *const *)parts, n, &out, &err);
    r = st != QV_OK ? qvpy_raise(st, &err) : qvpy_wrap_array(out, all_ok);
  }
done:
  PyMem_Free(parts);
  Py_DECREF(items);
  return r;
}

/* _combine_chunks(Table or ChunkedArray) */
PyObject *qvpy_combine_chunks(PyObject *m, PyObject *obj) {
  qv_error err;
  bool ok = false;
  if (PyObject_TypeCheck(obj, &QvTable_Type)) {
    qv_table *out = NULL, *t = as_table(obj, &ok);
    PyObject *r = NULL;
    TABLE_RESULT(qv_table_combine_chunks(t, &out, &err), out, &err, ok);
    return r;
  }
  qv_chunked_array *c = qvpy_chunked_to_qv(obj, &ok);
  if (c == NULL) return NULL;
  qv_array *out = NULL;
  qv_status st = qv_chunked_array_combine(c, &out, &err);
  qv_chunked_array_release(c);
  return st != QV_OK ? qvpy_raise(st, &err) : qvpy_wrap_array(out, ok);
}

PyMethodDef qvpy_editing_functions[] = {
    {"_select", f_select, METH_VARARGS, NULL},
    {"_drop_columns", f_drop_columns, METH_VARARGS, NULL},
    {"_rename_columns", f_rename_columns, METH_VARARGS, NULL},
    {"_add_column", f_add_column, METH_VARARGS, NULL},
    {"_remove_column", f_remove_column, METH_VARARGS, NULL},
    {"_table_from_columns", f_table_from_columns, METH_VARARGS, NULL},
    {"_concat", f_concat, METH_VARARGS, NULL},
    {"_combine_chunks", qvpy_combine_chunks, METH_O, NULL},
    {NULL},
};
