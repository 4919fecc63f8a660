/* quiver Python binding: the ChunkedArray object (a Table column).
 *
 * A tuple of Arrays of one type, one per record batch; nothing is copied.
 * Equality ignores chunk boundaries (overlapping pieces are compared as
 * zero-copy slices); values are validated per chunk before Python reads them.
 */
#include "qvpy.h"

typedef struct {
  PyObject_HEAD
  PyObject *chunks; /* tuple of quiver.Array, all of `type` */
  qv_type *type;    /* owned reference */
} QvChunkedObject;

extern PyTypeObject QvChunked_Type;

/* ======================= ChunkedArray ======================= */

PyObject *qvpy_wrap_chunked(PyObject *chunks, qv_type *type) {
  QvChunkedObject *o = PyObject_New(QvChunkedObject, &QvChunked_Type);
  if (o == NULL) {
    Py_DECREF(chunks);
    qv_type_release(type);
    return NULL;
  }
  o->chunks = chunks;
  o->type = type;
  return (PyObject *)o;
}

static void chunked_dealloc(QvChunkedObject *self) {
  Py_XDECREF(self->chunks);
  qv_type_release(self->type);
  Py_TYPE(self)->tp_free((PyObject *)self);
}

static QvChunkedObject *ck(PyObject *self) { return (QvChunkedObject *)self; }
static qv_array *chunk_at(PyObject *self, Py_ssize_t i) {
  return ((QvArrayObject *)PyTuple_GET_ITEM(ck(self)->chunks, i))->array;
}
static int64_t chunked_length(PyObject *self) {
  int64_t n = 0;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(ck(self)->chunks); i++) n += chunk_at(self, i)->length;
  return n;
}
static Py_ssize_t chunked_len(PyObject *self) { return (Py_ssize_t)chunked_length(self); }
static PyObject *chunked_type(PyObject *self, void *c) { return qvpy_wrap_type(qv_type_retain(ck(self)->type)); }
static PyObject *chunked_num_chunks(PyObject *self, void *c) { return PyLong_FromSsize_t(PyTuple_GET_SIZE(ck(self)->chunks)); }
static PyObject *chunked_chunks(PyObject *self, void *c) { return PySequence_List(ck(self)->chunks); }
static PyObject *chunked_null_count(PyObject *self, void *c) {
  int64_t n = 0;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(ck(self)->chunks); i++) {
    if (qvpy_array_ensure_structure((QvArrayObject *)PyTuple_GET_ITEM(ck(self)->chunks, i)) < 0) return NULL;
    n += qv_array_null_count(chunk_at(self, i));
  }
  return PyLong_FromLongLong(n);
}
static PyObject *chunked_chunk(PyObject *self, PyObject *arg) {
  Py_ssize_t i = PyNumber_AsSsize_t(arg, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return NULL;
  Py_ssize_t n = PyTuple_GET_SIZE(ck(self)->chunks);
  if (i < 0) i += n;
  if (i < 0 || i >= n) return PyErr_Format(PyExc_IndexError, "chunk index out of range (%zd chunks)", n);
  return qvpy_newref(PyTuple_GET_ITEM(ck(self)->chunks, i));
}
static PyObject *chunked_to_pylist(PyObject *self, PyObject *unused) {
  PyObject *all = PyList_New(0);
  for (Py_ssize_t i = 0; all != NULL && i < PyTuple_GET_SIZE(ck(self)->chunks); i++) {
    QvArrayObject *c = (QvArrayObject *)PyTuple_GET_ITEM(ck(self)->chunks, i);
    if (qvpy_array_ensure_valid(c) < 0) {
      Py_CLEAR(all);
      break;
    }
    PyObject *v = qvpy_values_list(c->array, 0, c->array->length);
    if (v == NULL || PyList_SetSlice(all, PY_SSIZE_T_MAX, PY_SSIZE_T_MAX, v) < 0) Py_CLEAR(all);
    Py_XDECREF(v);
  }
  return all;
}
static PyObject *chunked_item(PyObject *self, Py_ssize_t i) {
  Py_ssize_t idx = i;
  for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(ck(self)->chunks); k++) {
    QvArrayObject *c = (QvArrayObject *)PyTuple_GET_ITEM(ck(self)->chunks, k);
    if (idx >= 0 && idx < c->array->length) return PySequence_GetItem((PyObject *)c, idx); /* a Scalar */
    idx -= (Py_ssize_t)c->array->length;
  }
  PyErr_Format(PyExc_IndexError, "index %zd out of range", i);
  return NULL;
}
static PyObject *chunked_subscript(PyObject *self, PyObject *key) {
  if (PySlice_Check(key)) { /* a ChunkedArray, as pyarrow (quiver/_methods.py) */
    PyObject *args = PyTuple_Pack(1, key);
    PyObject *r = args != NULL ? qvpy_delegate("chunked_getitem_slice", self, args, NULL) : NULL;
    Py_XDECREF(args);
    return r;
  }
  Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return NULL;
  if (i < 0) i += chunked_len(self);
  return chunked_item(self, i);
}
/* Scalars over every chunk, as pyarrow (scalar_object.c); every chunk is validated fully first. */
static PyObject *chunked_iter(PyObject *self) { return qvpy_scalar_iter(ck(self)->chunks); }

/* Logical equality regardless of chunking: walks both chunk lists comparing
 * the overlapping pieces as zero-copy slices. */
static bool chunked_equal(PyObject *a, PyObject *b) {
  if (!qv_type_equals(ck(a)->type, ck(b)->type, false) || chunked_length(a) != chunked_length(b)) return false;
  Py_ssize_t ia = 0, ib = 0, na = PyTuple_GET_SIZE(ck(a)->chunks), nb = PyTuple_GET_SIZE(ck(b)->chunks);
  int64_t oa = 0, ob = 0;
  bool eq = true;
  while (eq && ia < na && ib < nb) {
    qv_array *ca = chunk_at(a, ia), *cb = chunk_at(b, ib);
    int64_t n = ca->length - oa < cb->length - ob ? ca->length - oa : cb->length - ob;
    if (n > 0) {
      qv_array *sa = NULL, *sb = NULL;
      eq = qv_array_slice(ca, oa, n, &sa, NULL) == QV_OK && qv_array_slice(cb, ob, n, &sb, NULL) == QV_OK &&
           qv_array_equals(sa, sb);
      qv_array_release(sa);
      qv_array_release(sb);
    }
    oa += n;
    ob += n;
    if (oa == ca->length) ia++, oa = 0;
    if (ob == cb->length) ib++, ob = 0;
  }
  return eq;
}

static PyObject *chunked_equals(PyObject *self, PyObject *other) {
  if (!PyObject_TypeCheck(other, &QvChunked_Type))
    return PyErr_Format(PyExc_TypeError, "other must be a quiver.ChunkedArray, not %.100s", Py_TYPE(other)->tp_name);
  return PyBool_FromLong(chunked_equal(self, other));
}
static PyObject *chunked_richcompare(PyObject *a, PyObject *b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(a, &QvChunked_Type) ||
      !PyObject_TypeCheck(b, &QvChunked_Type))
    Py_RETURN_NOTIMPLEMENTED;
  bool eq = chunked_equal(a, b);
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}
/* pyarrow's layout (quiver/_printing.py); repr never raises on invalid data. */
static PyObject *chunked_repr(PyObject *self) { return qvpy_delegate("chunked_repr", self, NULL, NULL); }
static PyObject *chunked_str(PyObject *self) { return qvpy_delegate("chunked_str", self, NULL, NULL); }
static PyObject *chunked_validate(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"full", NULL};
  int full = 0; /* pyarrow's default: the O(buffers) structural checks */
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|p:validate", kwlist, &full)) return NULL;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(ck(self)->chunks); i++) {
    QvArrayObject *c = (QvArrayObject *)PyTuple_GET_ITEM(ck(self)->chunks, i);
    if ((full ? qvpy_array_ensure_valid(c) : qvpy_array_ensure_structure(c)) < 0) return NULL;
  }
  Py_RETURN_NONE;
}

static PyObject *chunked_arrow_c_stream(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"requested_schema", NULL};
  PyObject *requested = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:__arrow_c_stream__", kwlist, &requested)) return NULL;
  if (qvpy_check_requested_schema(requested) < 0) return NULL;
  return qvpy_chunked_stream_capsule(self);
}
static PyObject *chunked_combine_chunks(PyObject *self, PyObject *unused) {
  return qvpy_combine_chunks(NULL, self);
}
static PyObject *chunked_length_method(PyObject *self, PyObject *unused) { return PyLong_FromLongLong(chunked_length(self)); }
QVPY_DELEGATE(chunked_reduce_ex, "reduce_ex")
QVPY_DELEGATE(chunked_to_string, "chunked_to_string")
QVPY_DELEGATE(chunked_slice, "chunked_slice")
QVPY_DELEGATE(chunked_iterchunks, "iterchunks")
QVPY_WITH_MAPS(chunked_to_pylist_py, chunked_to_pylist)
QVPY_DELEGATE(chunked_to_numpy, "chunked_to_numpy")
static PyObject *chunked_nbytes(PyObject *self, void *c) { return qvpy_delegate("chunked_nbytes", self, NULL, NULL); }

static PySequenceMethods chunked_as_sequence = {.sq_length = chunked_len, .sq_item = chunked_item};
static PyMappingMethods chunked_as_mapping = {.mp_length = chunked_len, .mp_subscript = chunked_subscript};
static PyGetSetDef chunked_getset[] = {
    {"type", chunked_type, NULL, "The DataType of every chunk.", NULL},
    {"num_chunks", chunked_num_chunks, NULL, "Number of chunks.", NULL},
    {"chunks", chunked_chunks, NULL, "The chunks (list of Array).", NULL},
    {"null_count", chunked_null_count, NULL, "Nulls over all chunks.", NULL},
    {"nbytes", chunked_nbytes, NULL, "Bytes the values reference (as pyarrow counts them).", NULL},
    {NULL},
};
QVPY_DELEGATE(chunked_to_pandas, "column_to_pandas")
/* compute as methods, as pyarrow (quiver/_compute_methods.py) */
QVPY_DELEGATE(chunked_cast, "column_cast")
QVPY_DELEGATE(chunked_filter, "column_filter")
QVPY_DELEGATE(chunked_take, "column_take")
QVPY_DELEGATE(chunked_is_null, "column_is_null")
QVPY_DELEGATE(chunked_is_valid, "column_is_valid")
QVPY_DELEGATE(chunked_is_nan, "column_is_nan")
QVPY_DELEGATE(chunked_fill_null, "column_fill_null")
QVPY_DELEGATE(chunked_drop_null, "column_drop_null")
QVPY_DELEGATE(chunked_unique, "column_unique")
QVPY_DELEGATE(chunked_value_counts, "column_value_counts")
QVPY_DELEGATE(chunked_dictionary_encode, "column_dictionary_encode")
QVPY_DELEGATE(chunked_index, "column_index")
QVPY_DELEGATE(chunked_sort, "column_sort")
QVPY_DELEGATE(chunked_flatten, "column_flatten")
QVPY_DELEGATE(chunked_dunder_array, "column_dunder_array")
static PyMethodDef chunked_methods[] = {
    QVPY_METHOD("to_string", chunked_to_string, "to_string(*, indent=0, window=5, container_window=2, skip_new_lines=False) -> str"),
    QVPY_METHOD("to_pandas", chunked_to_pandas, "to_pandas(types_mapper=None) -> pandas.Series"),
    {"chunk", chunked_chunk, METH_O, "chunk(i) -> Array"},
    QVPY_METHOD("__array__", chunked_dunder_array, "__array__(dtype=None, copy=None) -> numpy.ndarray"),
    QVPY_METHOD("cast", chunked_cast, "cast(target_type=None, safe=None, options=None) -> ChunkedArray"),
    QVPY_METHOD("filter", chunked_filter, "filter(mask, null_selection_behavior='drop') -> ChunkedArray"),
    QVPY_METHOD("take", chunked_take, "take(indices) -> ChunkedArray"),
    QVPY_METHOD("is_null", chunked_is_null, "is_null(*, nan_is_null=False) -> boolean ChunkedArray"),
    QVPY_METHOD("is_valid", chunked_is_valid, "is_valid() -> boolean ChunkedArray"),
    QVPY_METHOD("is_nan", chunked_is_nan, "is_nan() -> boolean ChunkedArray"),
    QVPY_METHOD("fill_null", chunked_fill_null, "fill_null(fill_value) -> ChunkedArray"),
    QVPY_METHOD("drop_null", chunked_drop_null, "drop_null() -> ChunkedArray without the null slots"),
    QVPY_METHOD("unique", chunked_unique, "unique() -> Array of the distinct values, in first-seen order"),
    QVPY_METHOD("value_counts", chunked_value_counts, "value_counts() -> struct Array {values, counts}"),
    QVPY_METHOD("dictionary_encode", chunked_dictionary_encode, "dictionary_encode(null_encoding='mask') -> ChunkedArray"),
    QVPY_METHOD("index", chunked_index, "index(value, start=None, end=None) -> Int64Scalar"),
    QVPY_METHOD("sort", chunked_sort, "sort(order='ascending', **kwargs) -> ChunkedArray"),
    QVPY_METHOD("flatten", chunked_flatten, "flatten() -> list of ChunkedArray, one per struct field"),
    {"combine_chunks", chunked_combine_chunks, METH_NOARGS, "combine_chunks() -> Array: the chunks as one array."},
    {"length", chunked_length_method, METH_NOARGS, "length() -> int: number of values over all chunks."},
    QVPY_METHOD("to_numpy", chunked_to_numpy, "to_numpy(zero_copy_only=False) -> numpy.ndarray"),
    QVPY_METHOD("__reduce_ex__", chunked_reduce_ex, "Pickles through the Arrow IPC stream format."),
    {"__arrow_c_stream__", (PyCFunction)(void (*)(void))chunked_arrow_c_stream, METH_VARARGS | METH_KEYWORDS,
     "__arrow_c_stream__(requested_schema=None) -> ArrowArrayStream capsule of the chunks, zero-copy."},
    QVPY_METHOD("to_pylist", chunked_to_pylist_py, "to_pylist(*, maps_as_pydicts=None) -> list of values over all chunks"),
    QVPY_METHOD("slice", chunked_slice, "slice(offset=0, length=None) -> ChunkedArray (zero-copy)"),
    QVPY_METHOD("iterchunks", chunked_iterchunks, "iterchunks() -> iterator of Array"),
    {"equals", chunked_equals, METH_O, "equals(other) -> bool (chunk boundaries do not matter)"},
    {"validate", (PyCFunction)(void (*)(void))chunked_validate, METH_VARARGS | METH_KEYWORDS,
     "validate(full=False) of every chunk."},
    {NULL},
};
PyTypeObject QvChunked_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver.ChunkedArray",
    .tp_basicsize = sizeof(QvChunkedObject),
    .tp_dealloc = (destructor)chunked_dealloc,
    .tp_repr = chunked_repr,
    .tp_str = chunked_str,
    .tp_as_sequence = &chunked_as_sequence,
    .tp_as_mapping = &chunked_as_mapping,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_richcompare = chunked_richcompare,
    .tp_iter = chunked_iter,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A column of a Table: a sequence of Arrays of one type (one per record batch).",
    .tp_methods = chunked_methods,
    .tp_getset = chunked_getset,
};

/* _chunked_array(chunks, type) */
static PyObject *f_chunked_array(PyObject *m, PyObject *args) {
  PyObject *chunks_obj, *type_obj;
  if (!PyArg_ParseTuple(args, "OO", &chunks_obj, &type_obj)) return NULL;
  qv_type *t = qvpy_as_type(type_obj, "type");
  if (t == NULL) return NULL;
  PyObject *chunks = PySequence_Tuple(chunks_obj);
  if (chunks == NULL) return NULL;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(chunks); i++) {
    PyObject *a = PyTuple_GET_ITEM(chunks, i);
    if (!PyObject_TypeCheck(a, &QvArray_Type)) {
      Py_DECREF(chunks);
      return PyErr_Format(PyExc_TypeError, "chunk %zd must be a quiver.Array, not %.100s", i, Py_TYPE(a)->tp_name);
    }
    if (!qv_type_equals(((QvArrayObject *)a)->array->type, t, false)) {
      char want[256], got[256];
      qv_type_format(t, want, sizeof want);
      qv_type_format(((QvArrayObject *)a)->array->type, got, sizeof got);
      Py_DECREF(chunks);
      return PyErr_Format(QvExc_ArrowTypeError, "chunk %zd has type %s, expected %s", i, got, want);
    }
  }
  return qvpy_wrap_chunked(chunks, qv_type_retain(t));
}

PyMethodDef qvpy_chunked_functions[] = {
    {"_chunked_array", f_chunked_array, METH_VARARGS, NULL},
    {NULL},
};

/* ======================= conversions for the editing functions ======================= */

qv_chunked_array *qvpy_chunked_to_qv(PyObject *o, bool *validated) {
  if (!PyObject_TypeCheck(o, &QvChunked_Type)) {
    PyErr_Format(PyExc_TypeError, "expected a quiver.ChunkedArray, not %.100s", Py_TYPE(o)->tp_name);
    return NULL;
  }
  Py_ssize_t n = PyTuple_GET_SIZE(ck(o)->chunks);
  qv_array **parts = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(qv_array *));
  if (parts == NULL) return (qv_chunked_array *)PyErr_NoMemory();
  bool ok = true;
  for (Py_ssize_t i = 0; i < n; i++) {
    parts[i] = chunk_at(o, i);
    ok = ok && ((QvArrayObject *)PyTuple_GET_ITEM(ck(o)->chunks, i))->validated;
  }
  qv_error err;
  qv_chunked_array *out = NULL;
  qv_status st = qv_chunked_array_new(ck(o)->type, parts, n, &out, &err);
  PyMem_Free(parts);
  if (st != QV_OK) return (qv_chunked_array *)qvpy_raise(st, &err);
  if (validated != NULL) *validated = ok;
  return out;
}

PyObject *qvpy_chunked_from_qv(const qv_chunked_array *c, bool validated) {
  PyObject *chunks = PyTuple_New((Py_ssize_t)c->n_chunks);
  for (int64_t k = 0; chunks != NULL && k < c->n_chunks; k++) {
    PyObject *a = qvpy_wrap_array_ref(c->chunks[k], validated);
    if (a == NULL) {
      Py_CLEAR(chunks);
      break;
    }
    PyTuple_SET_ITEM(chunks, k, a);
  }
  if (chunks == NULL) return NULL;
  return qvpy_wrap_chunked(chunks, qv_type_retain(c->type));
}
