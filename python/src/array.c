/* quiver Python binding: the Array and Buffer objects.
 *
 * An Array owns one reference to an immutable qv_array. Slicing with step 1
 * is zero-copy (qv_array_slice); other steps rebuild from Python values.
 * Data that came from another producer is validated before Python reads
 * values from it: structurally (O(buffers)) before the buffer protocol or a
 * null count, fully (O(values)) before to_pylist / indexing, once per
 * object (the result is cached; arrays quiver built itself start out
 * validated, and slices inherit the flag). The buffer protocol is offered
 * for primitive numeric and temporal arrays without nulls, pointing at the
 * array's own memory (numpy.asarray is zero-copy); everything else raises
 * BufferError. Buffer wraps one qv_buffer (address, size, bytes view).
 */
#include "qvpy.h"

#include <string.h>

/* ======================= Buffer ======================= */

PyObject *qvpy_wrap_buffer(qv_buffer *buffer) {
  QvBufferObject *o = PyObject_New(QvBufferObject, &QvBuffer_Type);
  if (o == NULL) {
    QVPY_KEEP_ERROR(qv_buffer_release(buffer));
    return NULL;
  }
  o->buffer = buffer;
  return (PyObject *)o;
}

static void buffer_dealloc(QvBufferObject *self) {
  QVPY_KEEP_ERROR(qv_buffer_release(self->buffer));
  Py_TYPE(self)->tp_free((PyObject *)self);
}
static PyObject *buffer_address(PyObject *self, void *c) {
  return PyLong_FromVoidPtr(((QvBufferObject *)self)->buffer->data);
}
static PyObject *buffer_size(PyObject *self, void *c) {
  return PyLong_FromLongLong(((QvBufferObject *)self)->buffer->size);
}
static Py_ssize_t buffer_len(PyObject *self) { return (Py_ssize_t)((QvBufferObject *)self)->buffer->size; }
static PyObject *buffer_to_pybytes(PyObject *self, PyObject *unused) {
  const qv_buffer *b = ((QvBufferObject *)self)->buffer;
  return PyBytes_FromStringAndSize(b->data ? (const char *)b->data : "", (Py_ssize_t)b->size);
}
static PyObject *buffer_repr(PyObject *self) {
  const qv_buffer *b = ((QvBufferObject *)self)->buffer;
  return PyUnicode_FromFormat("<quiver.Buffer address=%p size=%lld>", (void *)b->data, (long long)b->size);
}
static int buffer_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  qv_buffer *b = ((QvBufferObject *)self)->buffer;
  static char empty[1];
  return PyBuffer_FillInfo(view, self, b->data ? (void *)b->data : empty, (Py_ssize_t)b->size, 1, flags);
}
static PyObject *buffer_refcount(PyObject *self, PyObject *unused) {
  return PyLong_FromLongLong(qv_buffer_refcount(((QvBufferObject *)self)->buffer));
}

static PyBufferProcs buffer_as_buffer = {.bf_getbuffer = buffer_getbuffer};
static PySequenceMethods buffer_as_sequence = {.sq_length = buffer_len};
static PyGetSetDef buffer_getset[] = {
    {"address", buffer_address, NULL, "Address of the first byte (int).", NULL},
    {"size", buffer_size, NULL, "Size in bytes.", NULL},
    {NULL},
};
static PyMethodDef buffer_methods[] = {
    {"to_pybytes", buffer_to_pybytes, METH_NOARGS, "Copy of the bytes."},
    {"_refcount", buffer_refcount, METH_NOARGS, "Current qv_buffer refcount (diagnostics)."},
    {NULL},
};
PyTypeObject QvBuffer_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver.Buffer",
    .tp_basicsize = sizeof(QvBufferObject),
    .tp_dealloc = (destructor)buffer_dealloc,
    .tp_repr = buffer_repr,
    .tp_as_sequence = &buffer_as_sequence,
    .tp_as_buffer = &buffer_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A read-only view of one of an array's buffers (supports the buffer protocol).",
    .tp_methods = buffer_methods,
    .tp_getset = buffer_getset,
};

/* ======================= Array ======================= */

PyObject *qvpy_wrap_array(qv_array *array, bool validated) {
  QvArrayObject *o = PyObject_New(QvArrayObject, &QvArray_Type);
  if (o == NULL) {
    QVPY_KEEP_ERROR(qv_array_release(array));
    return NULL;
  }
  o->array = array;
  o->validated = validated;
  o->structure_ok = validated;
  o->shape[0] = 0;
  o->strides[0] = 0;
  return (PyObject *)o;
}

static void array_dealloc(QvArrayObject *self) {
  QVPY_KEEP_ERROR(qv_array_release(self->array));
  Py_TYPE(self)->tp_free((PyObject *)self);
}

int qvpy_array_ensure_valid(QvArrayObject *self) {
  if (self->validated) return 0;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_array_validate(self->array, QV_VALIDATE_FULL, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_raise_int(st, &err);
  self->validated = self->structure_ok = true;
  return 0;
}

int qvpy_array_ensure_structure(QvArrayObject *self) {
  if (self->structure_ok) return 0;
  qv_error err;
  qv_status st = qv_array_validate(self->array, QV_VALIDATE_STRUCTURE, &err);
  if (st != QV_OK) return qvpy_raise_int(st, &err);
  self->structure_ok = true;
  return 0;
}

static qv_array *arr(PyObject *self) { return ((QvArrayObject *)self)->array; }

qv_array *qvpy_coerce_array(PyObject *o, PyObject **holder) {
  if (PyObject_TypeCheck(o, &QvArray_Type)) {
    *holder = qvpy_newref(o);
    return arr(o);
  }
  *holder = qvpy_import_array(o, NULL);
  return *holder != NULL ? arr(*holder) : NULL;
}

static Py_ssize_t array_len(PyObject *self) { return (Py_ssize_t)arr(self)->length; }

static PyObject *array_type(PyObject *self, void *c) { return qvpy_wrap_type(qv_type_retain(arr(self)->type)); }
static PyObject *array_offset(PyObject *self, void *c) { return PyLong_FromLongLong(arr(self)->offset); }
static PyObject *array_null_count(PyObject *self, void *c) {
  if (qvpy_array_ensure_structure((QvArrayObject *)self) < 0) return NULL;
  return PyLong_FromLongLong(qv_array_null_count(arr(self)));
}

static PyObject *wrap_slice(QvArrayObject *self, int64_t offset, int64_t length) {
  qv_error err;
  qv_array *out = NULL;
  qv_status st = qv_array_slice(self->array, offset, length, &out, &err);
  if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *r = qvpy_wrap_array(out, self->validated);
  if (r != NULL) ((QvArrayObject *)r)->structure_ok = self->structure_ok;
  return r;
}

static PyObject *array_slice(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"offset", "length", NULL};
  long long offset = 0;
  PyObject *length_obj = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|LO:slice", kwlist, &offset, &length_obj)) return NULL;
  int64_t len = arr(self)->length;
  if (offset < 0) return PyErr_Format(QvExc_ArrowIndexError, "slice offset %lld is negative", offset);
  if (offset > len) offset = len;
  int64_t length = len - offset;
  if (length_obj != Py_None) {
    long long l = PyLong_AsLongLong(length_obj);
    if (l == -1 && PyErr_Occurred()) return NULL;
    if (l < 0) return PyErr_Format(QvExc_ArrowIndexError, "slice length %lld is negative", l);
    if (l < length) length = l;
  }
  return wrap_slice((QvArrayObject *)self, offset, length);
}

static PyObject *array_to_pylist(PyObject *self, PyObject *unused) {
  if (qvpy_array_ensure_valid((QvArrayObject *)self) < 0) return NULL;
  return qvpy_values_list(arr(self), 0, arr(self)->length);
}

static PyObject *array_item(PyObject *self, Py_ssize_t i) {
  if (i < 0 || i >= arr(self)->length) {
    PyErr_Format(PyExc_IndexError, "index %zd out of range for an array of length %lld", i,
                 (long long)arr(self)->length);
    return NULL;
  }
  if (qvpy_array_ensure_valid((QvArrayObject *)self) < 0) return NULL;
  return qvpy_scalar_of(self, i); /* a Scalar of slot i, as pyarrow (quiver/_scalars.py, scalar_object.c) */
}

static PyObject *array_subscript(PyObject *self, PyObject *key) {
  if (PySlice_Check(key)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) return NULL;
    Py_ssize_t n = PySlice_AdjustIndices((Py_ssize_t)arr(self)->length, &start, &stop, step);
    if (step == 1) return wrap_slice((QvArrayObject *)self, start, n);
    PyObject *all = array_to_pylist(self, NULL);
    if (all == NULL) return NULL;
    PyObject *picked = PyObject_GetItem(all, key);
    Py_DECREF(all);
    if (picked == NULL) return NULL;
    PyObject *r = qvpy_array_from_pylist(picked, arr(self)->type);
    Py_DECREF(picked);
    return r;
  }
  Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return NULL;
  if (i < 0) i += (Py_ssize_t)arr(self)->length;
  return array_item(self, i);
}

/* Scalars, one per slot, as pyarrow (scalar_object.c); raises first on invalid foreign data, as to_pylist. */
static PyObject *array_iter(PyObject *self) {
  PyObject *one = PyTuple_Pack(1, self);
  if (one == NULL) return NULL;
  PyObject *it = qvpy_scalar_iter(one);
  Py_DECREF(one);
  return it;
}

static PyObject *array_validate(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"full", NULL};
  int full = 0; /* pyarrow's default: the O(buffers) structural checks */
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|p:validate", kwlist, &full)) return NULL;
  int r = full ? qvpy_array_ensure_valid((QvArrayObject *)self) : qvpy_array_ensure_structure((QvArrayObject *)self);
  if (r < 0) return NULL;
  Py_RETURN_NONE;
}

static PyObject *array_equals(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"other", "nans_equal", "check_metadata", NULL};
  PyObject *other, *holder;
  int nans = 0, md = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|pp:equals", kwlist, &other, &nans, &md)) return NULL;
  qv_array *o = qvpy_coerce_array(other, &holder);
  if (o == NULL) return NULL;
  qv_equal_options opts = {nans != 0, md != 0};
  bool eq = qv_array_equals_opts(arr(self), o, &opts);
  Py_DECREF(holder);
  return PyBool_FromLong(eq);
}

static PyObject *array_diff(PyObject *self, PyObject *other) {
  PyObject *holder;
  qv_array *o = qvpy_coerce_array(other, &holder);
  if (o == NULL) return NULL;
  qv_error why;
  qv_error_clear(&why);
  qv_status st = qv_array_diff(arr(self), o, &why);
  Py_DECREF(holder);
  if (st == QV_OK) Py_RETURN_NONE;
  return PyUnicode_FromString(why.message);
}

static PyObject *array_richcompare(PyObject *a, PyObject *b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(a, &QvArray_Type) || !PyObject_TypeCheck(b, &QvArray_Type))
    Py_RETURN_NOTIMPLEMENTED;
  bool eq = qv_array_equals(arr(a), arr(b));
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static PyObject *array_str(PyObject *self) {
  char *text = NULL;
  qv_error err;
  qv_status st = qv_array_to_string(arr(self), NULL, &text, &err);
  if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *r = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
  qv_free_string(text);
  return r;
}

static PyObject *array_repr(PyObject *self) {
  PyObject *body = array_str(self);
  if (body == NULL) body = qvpy_invalid_text(); /* invalid data: say so instead of failing repr() */
  if (body == NULL) return NULL;
  char tname[256];
  qv_type_format(arr(self)->type, tname, sizeof tname);
  PyObject *r = PyUnicode_FromFormat("<quiver.Array type=%s length=%lld>\n%U", tname, (long long)arr(self)->length,
                                     body);
  Py_DECREF(body);
  return r;
}

static PyObject *array_buffers(PyObject *self, PyObject *unused) {
  const qv_array *a = arr(self);
  PyObject *l = PyList_New(a->n_buffers);
  for (int32_t i = 0; l != NULL && i < a->n_buffers; i++) {
    PyObject *b = a->buffers[i] ? qvpy_wrap_buffer(qv_buffer_retain(a->buffers[i])) : qvpy_newref(Py_None);
    if (b == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, i, b);
  }
  return l;
}

static PyObject *array_buffer_address(PyObject *self, PyObject *arg) {
  Py_ssize_t i = PyNumber_AsSsize_t(arg, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return NULL;
  const qv_array *a = arr(self);
  if (i < 0 || i >= a->n_buffers)
    return PyErr_Format(QvExc_ArrowIndexError, "buffer index %zd out of range (array has %d buffers)", i,
                        (int)a->n_buffers);
  return PyLong_FromVoidPtr(a->buffers[i] ? a->buffers[i]->data : NULL);
}

static PyObject *array_num_buffers(PyObject *self, void *c) { return PyLong_FromLong(arr(self)->n_buffers); }

static PyObject *array_children(PyObject *self, void *c) {
  const qv_array *a = arr(self);
  bool v = ((QvArrayObject *)self)->validated;
  PyObject *l = PyList_New(a->n_children);
  for (int32_t i = 0; l != NULL && i < a->n_children; i++) {
    PyObject *ch = qvpy_wrap_array(qv_array_retain(a->children[i]), v);
    if (ch == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, i, ch);
  }
  return l;
}

static PyObject *array_dictionary(PyObject *self, void *c) {
  const qv_array *a = arr(self);
  if (a->dictionary == NULL) Py_RETURN_NONE;
  return qvpy_wrap_array(qv_array_retain(a->dictionary), ((QvArrayObject *)self)->validated);
}

static PyObject *array_arrow_c_array(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"requested_schema", NULL};
  PyObject *requested = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:__arrow_c_array__", kwlist, &requested)) return NULL;
  if (qvpy_check_requested_schema(requested) < 0) return NULL;
  PyObject *schema = qvpy_schema_capsule_from_type(arr(self)->type);
  if (schema == NULL) return NULL;
  PyObject *array = qvpy_array_capsule(arr(self));
  if (array == NULL) {
    Py_DECREF(schema);
    return NULL;
  }
  PyObject *r = PyTuple_Pack(2, schema, array);
  Py_DECREF(schema);
  Py_DECREF(array);
  return r;
}

/* Buffer-protocol format of primitive layouts, or NULL. */
static const char *buffer_format(qv_type_id id) {
  switch (id) {
    case QV_TYPE_INT8: return "b";
    case QV_TYPE_UINT8: return "B";
    case QV_TYPE_INT16: return "h";
    case QV_TYPE_UINT16: return "H";
    case QV_TYPE_INT32:
    case QV_TYPE_DATE32:
    case QV_TYPE_TIME32:
    case QV_TYPE_INTERVAL_MONTHS: return "i";
    case QV_TYPE_UINT32: return "I";
    case QV_TYPE_INT64:
    case QV_TYPE_DATE64:
    case QV_TYPE_TIME64:
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_DURATION: return "q";
    case QV_TYPE_UINT64: return "Q";
    case QV_TYPE_FLOAT16: return "e";
    case QV_TYPE_FLOAT32: return "f";
    case QV_TYPE_FLOAT64: return "d";
    default: return NULL;
  }
}

static int array_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  QvArrayObject *o = (QvArrayObject *)self;
  const qv_array *a = o->array;
  const qv_type *t = qv_type_storage(a->type);
  const char *fmt = buffer_format(t->id);
  view->obj = NULL;
  if (fmt == NULL) {
    PyErr_Format(PyExc_BufferError, "%s arrays do not support the buffer protocol (only primitive numeric and temporal types)",
                 qv_type_id_name(t->id));
    return -1;
  }
  if (flags & PyBUF_WRITABLE) {
    PyErr_SetString(PyExc_BufferError, "quiver arrays are immutable (read-only buffer)");
    return -1;
  }
  if (qvpy_array_ensure_structure(o) < 0) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *msg = value ? PyObject_Str(value) : NULL;
    PyErr_Format(PyExc_BufferError, "invalid array: %S", msg ? msg : Py_None);
    Py_XDECREF(msg);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return -1;
  }
  if (qv_array_null_count(a) != 0) {
    PyErr_SetString(PyExc_BufferError, "array has nulls: no buffer protocol (use to_pylist())");
    return -1;
  }
  static char empty[8];
  Py_ssize_t itemsize = t->bit_width / 8;
  const uint8_t *data = qv_array_buffer_data(a, 1);
  view->buf = data != NULL ? (void *)(data + a->offset * itemsize) : (void *)empty;
  view->obj = qvpy_newref(self);
  view->len = (Py_ssize_t)a->length * itemsize;
  view->readonly = 1;
  view->itemsize = itemsize;
  view->format = (flags & PyBUF_FORMAT) ? (char *)fmt : NULL;
  view->ndim = 1;
  o->shape[0] = (Py_ssize_t)a->length;
  o->strides[0] = itemsize;
  view->shape = (flags & PyBUF_ND) ? o->shape : NULL;
  view->strides = ((flags & PyBUF_STRIDES) == PyBUF_STRIDES) ? o->strides : NULL;
  view->suboffsets = NULL;
  view->internal = NULL;
  return 0;
}

static PyBufferProcs array_as_buffer = {.bf_getbuffer = array_getbuffer};
static PySequenceMethods array_as_sequence = {.sq_length = array_len, .sq_item = array_item};
static PyMappingMethods array_as_mapping = {.mp_length = array_len, .mp_subscript = array_subscript};

static PyObject *array_nbytes(PyObject *self, void *c) { return qvpy_delegate("array_nbytes", self, NULL, NULL); }
static PyObject *array_indices(PyObject *self, void *c) { return qvpy_delegate("array_indices", self, NULL, NULL); }
static PyObject *array_values(PyObject *self, void *c) { return qvpy_delegate("array_values", self, NULL, NULL); }
static PyObject *array_offsets(PyObject *self, void *c) { return qvpy_delegate("array_offsets", self, NULL, NULL); }
static PyGetSetDef array_getset[] = {
    {"type", array_type, NULL, "The array's DataType.", NULL},
    {"offset", array_offset, NULL, "Slot offset into the array's buffers.", NULL},
    {"null_count", array_null_count, NULL, "Number of null slots.", NULL},
    {"nbytes", array_nbytes, NULL, "Bytes the values reference (as pyarrow counts them).", NULL},
    {"num_buffers", array_num_buffers, NULL, "Number of buffers of the layout (views: plus data buffers).", NULL},
    {"children", array_children, NULL, "Child arrays (unsliced: they are read at the parent's offset).", NULL},
    {"dictionary", array_dictionary, NULL, "Dictionary values of a dictionary array, else None.", NULL},
    {"indices", array_indices, NULL, "Indices of a dictionary array (Array).", NULL},
    {"values", array_values, NULL, "Child values of a list-like array, unsliced, as pyarrow's ListArray.values.", NULL},
    {"offsets", array_offsets, NULL, "Offsets of a list or large_list array (int32 / int64 Array).", NULL},
    {NULL},
};

QVPY_DELEGATE(array_reduce_ex, "reduce_ex")
QVPY_DELEGATE(array_to_numpy, "array_to_numpy")
QVPY_DELEGATE(array_to_pandas, "column_to_pandas")
QVPY_DELEGATE(array_to_string, "array_to_string")
QVPY_WITH_MAPS(array_to_pylist_py, array_to_pylist)
/* compute as methods, as pyarrow (quiver/_compute_methods.py) */
QVPY_DELEGATE(array_filter, "column_filter")
QVPY_DELEGATE(array_take, "column_take")
QVPY_DELEGATE(array_is_null, "column_is_null")
QVPY_DELEGATE(array_is_valid, "column_is_valid")
QVPY_DELEGATE(array_is_nan, "column_is_nan")
QVPY_DELEGATE(array_fill_null, "column_fill_null")
QVPY_DELEGATE(array_drop_null, "column_drop_null")
QVPY_DELEGATE(array_unique, "column_unique")
QVPY_DELEGATE(array_value_counts, "column_value_counts")
QVPY_DELEGATE(array_dictionary_encode, "column_dictionary_encode")
QVPY_DELEGATE(array_index, "column_index")
QVPY_DELEGATE(array_sum, "column_sum")
QVPY_DELEGATE(array_sort, "column_sort")
QVPY_DELEGATE(array_flatten, "column_flatten")
QVPY_DELEGATE(array_field, "array_field")
QVPY_DELEGATE(array_dunder_array, "column_dunder_array")
QVPY_DELEGATE(array_dictionary_decode, "array_dictionary_decode")
QVPY_DELEGATE(array_value_lengths, "array_value_lengths")
QVPY_DELEGATE(array_from_pandas, "array_from_pandas")
static PyMethodDef array_methods[] = {
    QVPY_METHOD("to_string", array_to_string, "to_string(*, indent=2, top_level_indent=0, window=10, container_window=2, skip_new_lines=False) -> str"),
    QVPY_METHOD("to_pandas", array_to_pandas, "to_pandas(types_mapper=None) -> pandas.Series"),
    QVPY_METHOD("__reduce_ex__", array_reduce_ex, "Pickles through the Arrow IPC stream format."),
    QVPY_METHOD("to_numpy", array_to_numpy, "to_numpy(zero_copy_only=True, writable=False) -> numpy.ndarray"),
    QVPY_METHOD("to_pylist", array_to_pylist_py, "to_pylist(*, maps_as_pydicts=None) -> list of Python values (None for nulls)."),
    QVPY_METHOD("__array__", array_dunder_array, "__array__(dtype=None, copy=None) -> numpy.ndarray (numpy.asarray of an array with nulls)"),
    QVPY_METHOD("tolist", array_to_pylist_py, "tolist(*, maps_as_pydicts=None): alias of to_pylist."),
    QVPY_METHOD("filter", array_filter, "filter(mask, null_selection_behavior='drop') -> Array"),
    QVPY_METHOD("take", array_take, "take(indices) -> Array"),
    QVPY_METHOD("is_null", array_is_null, "is_null(*, nan_is_null=False) -> boolean Array"),
    QVPY_METHOD("is_valid", array_is_valid, "is_valid() -> boolean Array"),
    QVPY_METHOD("is_nan", array_is_nan, "is_nan() -> boolean Array"),
    QVPY_METHOD("fill_null", array_fill_null, "fill_null(fill_value) -> Array"),
    QVPY_METHOD("drop_null", array_drop_null, "drop_null() -> Array without the null slots"),
    QVPY_METHOD("unique", array_unique, "unique() -> Array of the distinct values, in first-seen order"),
    QVPY_METHOD("value_counts", array_value_counts, "value_counts() -> struct Array {values, counts}"),
    QVPY_METHOD("dictionary_encode", array_dictionary_encode, "dictionary_encode(null_encoding='mask') -> dictionary Array"),
    QVPY_METHOD("index", array_index, "index(value, start=None, end=None) -> Int64Scalar: first position of value, -1 if absent"),
    QVPY_METHOD("sum", array_sum, "sum(**kwargs) -> Scalar (see quiver.compute.sum)"),
    QVPY_METHOD("sort", array_sort, "sort(order='ascending', **kwargs) -> Array"),
    QVPY_METHOD("flatten", array_flatten, "flatten() -> Array of a list's values, or list of a struct's field arrays"),
    QVPY_METHOD("dictionary_decode", array_dictionary_decode, "dictionary_decode() -> Array of the values a dictionary array's indices point at"),
    QVPY_METHOD("value_lengths", array_value_lengths, "value_lengths() -> int32 (int64) Array: each list's length, null for null lists"),
    QVPY_METHOD("field", array_field, "field(i or name) -> Array: a struct array's child, sliced to the array"),
    QVPY_CLASSMETHOD("from_pandas", array_from_pandas, "from_pandas(obj, mask=None, type=None) -> Array"),
    {"slice", (PyCFunction)(void (*)(void))array_slice, METH_VARARGS | METH_KEYWORDS,
     "slice(offset=0, length=None) -> Array: zero-copy slice (clamped to the array)."},
    {"validate", (PyCFunction)(void (*)(void))array_validate, METH_VARARGS | METH_KEYWORDS,
     "validate(full=False): raises quiver.ArrowInvalid naming the problem if the array breaks the spec."},
    {"equals", (PyCFunction)(void (*)(void))array_equals, METH_VARARGS | METH_KEYWORDS,
     "equals(other, nans_equal=False, check_metadata=False) -> bool (other: Array or any Arrow array-like)."},
    QVPY_METHOD("cast", qvpy_array_cast, "cast(target_type=None, safe=None, options=None) -> Array (see quiver.compute.cast)."),
    {"diff", array_diff, METH_O, "diff(other) -> None if equal, else a description of the first difference."},
    {"buffers", array_buffers, METH_NOARGS,
     "buffers() -> list of Buffer (or None for absent buffers), in C Data Interface order."},
    {"buffer_address", array_buffer_address, METH_O, "buffer_address(i) -> int address of buffer i (0 if absent)."},
    {"__arrow_c_array__", (PyCFunction)(void (*)(void))array_arrow_c_array, METH_VARARGS | METH_KEYWORDS,
     "__arrow_c_array__(requested_schema=None) -> (ArrowSchema capsule, ArrowArray capsule), zero-copy."},
    {NULL},
};

PyTypeObject QvArray_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver.Array",
    .tp_basicsize = sizeof(QvArrayObject),
    .tp_dealloc = (destructor)array_dealloc,
    .tp_repr = array_repr,
    .tp_str = array_str,
    .tp_as_sequence = &array_as_sequence,
    .tp_as_number = &qvpy_array_as_number,
    .tp_as_mapping = &array_as_mapping,
    .tp_as_buffer = &array_as_buffer,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_richcompare = array_richcompare,
    .tp_iter = array_iter,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An immutable Arrow array. Create with quiver.array(values, type=None) or from any object with "
              "__arrow_c_array__.",
    .tp_methods = array_methods,
    .tp_getset = array_getset,
};

/* ---- module functions ---- */

static PyObject *f_array_from_pylist(PyObject *m, PyObject *args) {
  PyObject *values, *type_obj = Py_None;
  if (!PyArg_ParseTuple(args, "O|O", &values, &type_obj)) return NULL;
  qv_type *t = NULL;
  if (type_obj != Py_None && (t = qvpy_as_type(type_obj, "type")) == NULL) return NULL;
  return qvpy_array_from_pylist(values, t);
}

/* _array_text(array, window, container_window, indent, single_line) -> str:
 * the C printer with explicit options (Array/ChunkedArray/Table to_string). */
static PyObject *f_array_text(PyObject *m, PyObject *args) {
  PyObject *obj;
  long long window, container_window;
  int indent, single_line;
  if (!PyArg_ParseTuple(args, "O!LLip:_array_text", &QvArray_Type, &obj, &window, &container_window, &indent,
                        &single_line))
    return NULL;
  if (indent < 0 || indent > 64) return PyErr_Format(PyExc_ValueError, "indent must be in 0..64, not %d", indent);
  qv_print_options o = qv_print_options_default();
  o.max_rows = window;
  o.max_container_rows = container_window;
  o.indent = indent;
  o.single_line = single_line;
  char *text = NULL;
  qv_error err;
  qv_status st = qv_array_to_string(arr(obj), &o, &text, &err);
  return qvpy_text_result(st, text, &err);
}

/* _array_value(array, i) -> the plain Python value of slot i (Scalar.as_py). */
static PyObject *f_array_value(PyObject *m, PyObject *args) {
  PyObject *obj;
  Py_ssize_t i;
  if (!PyArg_ParseTuple(args, "O!n:_array_value", &QvArray_Type, &obj, &i)) return NULL;
  if (i < 0 || i >= arr(obj)->length)
    return PyErr_Format(PyExc_IndexError, "index %zd out of range for an array of length %lld", i,
                        (long long)arr(obj)->length);
  if (qvpy_array_ensure_valid((QvArrayObject *)obj) < 0) return NULL;
  return qvpy_value(arr(obj), i);
}

PyMethodDef qvpy_array_functions[] = {
    {"_array_value", f_array_value, METH_VARARGS, NULL},
    {"_array_from_pylist", f_array_from_pylist, METH_VARARGS, NULL},
    {"_array_text", f_array_text, METH_VARARGS, NULL},
    {NULL},
};
