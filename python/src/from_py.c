/* quiver Python binding: Python values -> Arrow arrays, through libquiver's
 * builders (builder.h).
 *
 * append_value() converts one Python object into one slot of a builder of
 * any type, recursing into child builders for nested types; the builders
 * do all the layout work (offsets, bitmaps, views, dictionaries, runs), so
 * this file only decides which append to call with which C value. Accepted
 * objects per type:
 *   ints: int or any object with __index__ (range-checked, OverflowError);
 *   bool: bool or int; floats: anything float() accepts except str;
 *   decimals: Decimal or int (exact, ArrowInvalid if digits would be lost);
 *   date/time/timestamp/duration: the datetime objects or raw ints;
 *   intervals: int months, (days, ms), (months, days, ns);
 *   binary: bytes-like or str (UTF-8); string: str or UTF-8 bytes;
 *   fixed_size_binary: bytes of exactly byte_width;
 *   list-likes: any non-str sequence; struct: dict (missing keys -> null)
 *   or a tuple by position; map: dict or sequence of (key, value);
 *   union: the first member whose type fits the value's kind;
 *   dictionary: a value of the value type; run-end encoded: consecutive
 *   equal values become one run.
 * None is a null everywhere. Errors name the row (top level) and the value.
 *
 * Converting a value may run Python code (__index__, __float__, __str__,
 * __eq__, __len__, a property...), and that code may mutate or free the
 * containers being walked. So nothing here walks a caller's list or dict in
 * place: sequences are snapshotted into a tuple (qvpy_sequence_snapshot),
 * which owns a reference to every item for the duration of the walk, and an
 * item borrowed from a dict is held with its own reference while it is
 * converted.
 */
#include "qvpy.h"
#include "scalars.h"

#include <string.h>

static int append_value(qv_builder *b, PyObject *v, int depth);
static int append_items(qv_builder *b, PyObject *const *items, Py_ssize_t n, int depth);

PyObject *qvpy_sequence_snapshot(PyObject *v, const char *message) {
  if (PyTuple_CheckExact(v)) return qvpy_newref(v);
  if (PyList_Check(v)) return PyList_AsTuple(v);
  PyObject *fast = PySequence_Fast(v, message);
  if (fast == NULL) return NULL;
  PyObject *t = PyTuple_Check(fast) ? qvpy_newref(fast) : PySequence_Tuple(fast);
  Py_DECREF(fast);
  return t;
}

static int check(qv_builder *b, qv_status st) {
  if (st == QV_OK) return 0;
  return qvpy_raise_int(st, qv_builder_error(b));
}

static const qv_type *storage_of(qv_builder *b) { return qv_type_storage(qv_builder_type(b)); }

static int type_error(PyObject *v, const char *expected, const qv_type *t) {
  PyErr_Format(QvExc_ArrowTypeError, "cannot convert %.200R (%.100s) to %s: expected %s", v, Py_TYPE(v)->tp_name,
               qv_type_id_name(t->id), expected);
  return -1;
}

/* ---- scalar conversions ---- */

static PyObject *as_index(PyObject *v, const qv_type *t) {
  if (PyLong_Check(v)) return qvpy_newref(v);
  if (PyFloat_Check(v) || PyUnicode_Check(v) || PyBytes_Check(v) || Py_TYPE(v)->tp_as_number == NULL ||
      Py_TYPE(v)->tp_as_number->nb_index == NULL) {
    type_error(v, "an int", t);
    return NULL;
  }
  return PyNumber_Index(v);
}

/* The exception classes follow pyarrow: a value that fits the 64-bit C
 * integer of the type's signedness but not the type is ArrowInvalid; one
 * that does not even fit that (or is negative for an unsigned type) is
 * OverflowError. */
static int as_i64(PyObject *v, const qv_type *t, int64_t lo, int64_t hi, int64_t *out) {
  PyObject *n = as_index(v, t);
  if (n == NULL) return -1;
  int overflow = 0;
  long long x = PyLong_AsLongLongAndOverflow(n, &overflow);
  bool fits_u64 = false;
  if (overflow > 0 && lo == 0) {
    (void)PyLong_AsUnsignedLongLong(n);
    fits_u64 = !PyErr_Occurred();
    PyErr_Clear();
  }
  Py_DECREF(n);
  if (x == -1 && PyErr_Occurred()) return -1;
  if (overflow || x < lo || x > hi) {
    const bool wide = (lo < 0 && overflow == 0) || (lo == 0 && ((overflow == 0 && x >= 0) || fits_u64));
    PyErr_Format(wide ? QvExc_ArrowInvalid : PyExc_OverflowError, "value %.200R out of range for %s", v,
                 qv_type_id_name(t->id));
    return -1;
  }
  *out = x;
  return 0;
}

static int as_u64(PyObject *v, const qv_type *t, uint64_t *out) {
  PyObject *n = as_index(v, t);
  if (n == NULL) return -1;
  unsigned long long x = PyLong_AsUnsignedLongLong(n);
  Py_DECREF(n);
  if (x == (unsigned long long)-1 && PyErr_Occurred()) {
    PyErr_Clear();
    PyErr_Format(PyExc_OverflowError, "value %.200R out of range for uint64", v);
    return -1;
  }
  *out = x;
  return 0;
}

static int as_double(PyObject *v, const qv_type *t, double *out) {
  if (PyUnicode_Check(v) || PyBytes_Check(v)) return type_error(v, "a float", t);
  *out = PyFloat_AsDouble(v);
  if (*out == -1.0 && PyErr_Occurred()) {
    if (PyErr_ExceptionMatches(PyExc_TypeError)) {
      PyErr_Clear();
      return type_error(v, "a float", t);
    }
    return -1;
  }
  return 0;
}

/* Raw ints are accepted for temporal types (the stored value as is). */
static int temporal_value(PyObject *v, const qv_type *t, int64_t *out) {
  if (PyLong_Check(v) && !PyBool_Check(v)) return as_i64(v, t, INT64_MIN, INT64_MAX, out);
  switch (t->id) {
    case QV_TYPE_DATE32: return qvpy_date_to_days(v, out);
    case QV_TYPE_DATE64: {
      if (qvpy_date_to_days(v, out) < 0) return -1;
      *out *= 86400000;
      return 0;
    }
    case QV_TYPE_TIME32:
    case QV_TYPE_TIME64: return qvpy_time_to_value(v, t->unit, out);
    case QV_TYPE_TIMESTAMP: return qvpy_datetime_to_value(v, t->unit, out);
    default: return qvpy_timedelta_to_value(v, t->unit, out);
  }
}

/* Sequence of exactly n ints. */
static int int_tuple(PyObject *v, const qv_type *t, int n, int64_t *out, const char *expected) {
  PyObject *fast = (PyUnicode_Check(v) || PyBytes_Check(v)) ? NULL : qvpy_sequence_snapshot(v, "");
  if (fast == NULL || PyTuple_GET_SIZE(fast) != n) {
    PyErr_Clear();
    Py_XDECREF(fast);
    return type_error(v, expected, t);
  }
  int r = 0;
  for (int i = 0; i < n && r == 0; i++)
    r = as_i64(PyTuple_GET_ITEM(fast, i), t, i == 2 ? INT64_MIN : INT32_MIN, i == 2 ? INT64_MAX : INT32_MAX,
               &out[i]);
  Py_DECREF(fast);
  return r;
}

/* Bytes of a binary-like value (borrowed from v or from *keep). */
static int bytes_of(PyObject *v, const qv_type *t, bool text, const char **p, Py_ssize_t *n, Py_buffer *view) {
  view->obj = NULL;
  if (PyUnicode_Check(v)) {
    *p = PyUnicode_AsUTF8AndSize(v, n);
    return *p != NULL ? 0 : -1;
  }
  if (PyBytes_Check(v)) {
    *p = PyBytes_AS_STRING(v);
    *n = PyBytes_GET_SIZE(v);
  } else if (PyObject_CheckBuffer(v) && !PyLong_Check(v)) {
    if (PyObject_GetBuffer(v, view, PyBUF_SIMPLE) < 0) return -1;
    *p = view->buf;
    *n = view->len;
  } else {
    return type_error(v, text ? "a str" : "bytes", t);
  }
  if (text) { /* bytes given for a string type must be UTF-8 */
    PyObject *u = PyUnicode_DecodeUTF8(*p, *n, "strict");
    if (u == NULL) {
      if (view->obj) PyBuffer_Release(view);
      return -1;
    }
    Py_DECREF(u);
  }
  return 0;
}

/* A value of a fixed-width type as its native bytes (for dictionaries). */
static int fixed_bytes(PyObject *v, const qv_type *t, uint8_t *buf) {
  int64_t i64;
  double d;
  switch (t->id) {
    case QV_TYPE_INT8: if (as_i64(v, t, INT8_MIN, INT8_MAX, &i64) < 0) return -1; *(int8_t *)buf = (int8_t)i64; return 0;
    case QV_TYPE_INT16: { if (as_i64(v, t, INT16_MIN, INT16_MAX, &i64) < 0) return -1; int16_t x = (int16_t)i64; memcpy(buf, &x, 2); return 0; }
    case QV_TYPE_INT32: { if (as_i64(v, t, INT32_MIN, INT32_MAX, &i64) < 0) return -1; int32_t x = (int32_t)i64; memcpy(buf, &x, 4); return 0; }
    case QV_TYPE_INT64: if (as_i64(v, t, INT64_MIN, INT64_MAX, &i64) < 0) return -1; memcpy(buf, &i64, 8); return 0;
    case QV_TYPE_UINT8: if (as_i64(v, t, 0, UINT8_MAX, &i64) < 0) return -1; buf[0] = (uint8_t)i64; return 0;
    case QV_TYPE_UINT16: { if (as_i64(v, t, 0, UINT16_MAX, &i64) < 0) return -1; uint16_t x = (uint16_t)i64; memcpy(buf, &x, 2); return 0; }
    case QV_TYPE_UINT32: { if (as_i64(v, t, 0, UINT32_MAX, &i64) < 0) return -1; uint32_t x = (uint32_t)i64; memcpy(buf, &x, 4); return 0; }
    case QV_TYPE_UINT64: { uint64_t x; if (as_u64(v, t, &x) < 0) return -1; memcpy(buf, &x, 8); return 0; }
    case QV_TYPE_FLOAT16: { if (as_double(v, t, &d) < 0) return -1; uint16_t h = qvpy_double_to_half(d); memcpy(buf, &h, 2); return 0; }
    case QV_TYPE_FLOAT32: { if (as_double(v, t, &d) < 0) return -1; float f = (float)d; memcpy(buf, &f, 4); return 0; }
    case QV_TYPE_FLOAT64: if (as_double(v, t, &d) < 0) return -1; memcpy(buf, &d, 8); return 0;
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256: return qvpy_decimal_to_bytes(v, t->precision, t->scale, t->bit_width / 8, buf);
    case QV_TYPE_DATE32:
    case QV_TYPE_TIME32: {
      if (temporal_value(v, t, &i64) < 0) return -1;
      if (i64 < INT32_MIN || i64 > INT32_MAX) {
        PyErr_Format(PyExc_OverflowError, "value %.200R out of range for %s", v, qv_type_id_name(t->id));
        return -1;
      }
      int32_t x = (int32_t)i64;
      memcpy(buf, &x, 4);
      return 0;
    }
    case QV_TYPE_DATE64:
    case QV_TYPE_TIME64:
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_DURATION:
      if (temporal_value(v, t, &i64) < 0) return -1;
      memcpy(buf, &i64, 8);
      return 0;
    case QV_TYPE_INTERVAL_MONTHS: { if (as_i64(v, t, INT32_MIN, INT32_MAX, &i64) < 0) return -1; int32_t x = (int32_t)i64; memcpy(buf, &x, 4); return 0; }
    case QV_TYPE_INTERVAL_DAY_TIME: {
      int64_t p[2];
      if (int_tuple(v, t, 2, p, "a (days, milliseconds) tuple") < 0) return -1;
      int32_t x[2] = {(int32_t)p[0], (int32_t)p[1]};
      memcpy(buf, x, 8);
      return 0;
    }
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO: {
      int64_t p[3];
      if (int_tuple(v, t, 3, p, "a (months, days, nanoseconds) tuple") < 0) return -1;
      int32_t md[2] = {(int32_t)p[0], (int32_t)p[1]};
      memcpy(buf, md, 8);
      memcpy(buf + 8, &p[2], 8);
      return 0;
    }
    default:
      PyErr_Format(QvExc_ArrowNotImplementedError, "cannot convert Python values to %s", qv_type_id_name(t->id));
      return -1;
  }
}

static bool is_binary_like(qv_type_id id) {
  return id == QV_TYPE_BINARY || id == QV_TYPE_LARGE_BINARY || id == QV_TYPE_BINARY_VIEW ||
         id == QV_TYPE_STRING || id == QV_TYPE_LARGE_STRING || id == QV_TYPE_STRING_VIEW ||
         id == QV_TYPE_FIXED_SIZE_BINARY;
}
static bool is_text(qv_type_id id) {
  return id == QV_TYPE_STRING || id == QV_TYPE_LARGE_STRING || id == QV_TYPE_STRING_VIEW;
}

static int append_bytes(qv_builder *b, const qv_type *t, PyObject *v, bool dictionary) {
  const char *p;
  Py_ssize_t n;
  Py_buffer view;
  if (bytes_of(v, t, is_text(t->id), &p, &n, &view) < 0) return -1;
  qv_status st;
  if (t->id == QV_TYPE_FIXED_SIZE_BINARY && n != t->byte_width) {
    if (view.obj) PyBuffer_Release(&view);
    PyErr_Format(QvExc_ArrowInvalid, "fixed_size_binary[%d] value %.200R has %zd bytes", (int)t->byte_width, v, n);
    return -1;
  }
  if (dictionary)
    st = qv_builder_append_dictionary_value(b, p, n);
  else if (t->id == QV_TYPE_FIXED_SIZE_BINARY)
    st = qv_builder_append_fixed(b, p);
  else
    st = qv_builder_append_binary(b, p, n);
  if (view.obj) PyBuffer_Release(&view);
  return check(b, st);
}

/* ---- nested ---- */

static bool is_plain_sequence(PyObject *v) {
  return !PyUnicode_Check(v) && !PyBytes_Check(v) && !PyByteArray_Check(v) && !PyDict_Check(v) &&
         PySequence_Check(v);
}

static int append_list(qv_builder *b, const qv_type *t, PyObject *v, int depth) {
  if (!is_plain_sequence(v)) return type_error(v, "a list or other sequence", t);
  PyObject *fast = qvpy_sequence_snapshot(v, "expected a sequence");
  if (fast == NULL) return -1;
  int r = append_items(qv_builder_child(b, 0), &PyTuple_GET_ITEM(fast, 0), PyTuple_GET_SIZE(fast), depth + 1);
  Py_DECREF(fast);
  if (r < 0) return -1;
  return check(b, qv_builder_finish_element(b));
}

static int append_map(qv_builder *b, const qv_type *t, PyObject *v, int depth) {
  PyObject *pairs = PyDict_Check(v) ? PyDict_Items(v) : (is_plain_sequence(v) ? PySequence_List(v) : NULL);
  if (pairs == NULL) return PyErr_Occurred() ? -1 : type_error(v, "a dict or a sequence of (key, value) pairs", t);
  qv_builder *entries = qv_builder_child(b, 0);
  qv_builder *kb = qv_builder_child(entries, 0), *vb = qv_builder_child(entries, 1);
  int r = 0;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(pairs) && r == 0; i++) {
    PyObject *kv = PyList_GET_ITEM(pairs, i); /* `pairs` is ours: no Python code sees it */
    PyObject *fast = is_plain_sequence(kv) ? qvpy_sequence_snapshot(kv, "") : NULL;
    if (fast == NULL || PyTuple_GET_SIZE(fast) != 2) {
      Py_XDECREF(fast);
      PyErr_Clear();
      r = type_error(kv, "a (key, value) pair", t);
      break;
    }
    PyObject *key = PyTuple_GET_ITEM(fast, 0), *val = PyTuple_GET_ITEM(fast, 1);
    if (key == Py_None) {
      PyErr_SetString(QvExc_ArrowInvalid, "map keys cannot be None");
      r = -1;
    } else {
      r = append_value(kb, key, depth + 1);
      if (r == 0) r = append_value(vb, val, depth + 1);
      if (r == 0) r = check(entries, qv_builder_finish_element(entries));
    }
    Py_DECREF(fast);
  }
  Py_DECREF(pairs);
  if (r < 0) return -1;
  return check(b, qv_builder_finish_element(b));
}

static int append_struct(qv_builder *b, const qv_type *t, PyObject *v, int depth) {
  int r = 0;
  if (PyDict_Check(v)) {
    for (int32_t k = 0; k < t->n_children && r == 0; k++) {
      /* borrowed from the dict: hold it, converting it may mutate the dict */
      PyObject *item = PyDict_GetItemString(v, t->children[k]->name);
      item = qvpy_newref(item != NULL ? item : Py_None);
      r = append_value(qv_builder_child(b, k), item, depth + 1);
      Py_DECREF(item);
    }
  } else if (PyTuple_Check(v) || PyList_Check(v)) {
    PyObject *fields = qvpy_sequence_snapshot(v, "");
    if (fields == NULL) return -1;
    if (PyTuple_GET_SIZE(fields) != t->n_children) {
      PyErr_Format(QvExc_ArrowInvalid, "struct with %d fields cannot take a sequence of %zd values",
                   (int)t->n_children, PyTuple_GET_SIZE(fields));
      Py_DECREF(fields);
      return -1;
    }
    for (int32_t k = 0; k < t->n_children && r == 0; k++)
      r = append_value(qv_builder_child(b, k), PyTuple_GET_ITEM(fields, k), depth + 1);
    Py_DECREF(fields);
  } else {
    return type_error(v, "a dict (or a tuple of field values)", t);
  }
  if (r < 0) return -1;
  return check(b, qv_builder_finish_element(b));
}

/* Does a value of this kind fit type t (strict: only the natural types). */
static bool kind_fits(int kind, const qv_type *t, bool lenient) {
  qv_type_id id = qv_type_storage(t)->id;
  if (id == QV_TYPE_DICTIONARY) id = qv_type_storage(qv_type_storage(t)->value_type)->id;
  if (id == QV_TYPE_RUN_END_ENCODED) id = qv_type_storage(qv_type_storage(t)->children[1]->type)->id;
  switch (kind) {
    case QVPY_K_BOOL: return id == QV_TYPE_BOOL || (lenient && qv_type_is_integer(id));
    case QVPY_K_INT:
      return qv_type_is_integer(id) ||
             (lenient && (id == QV_TYPE_FLOAT16 || id == QV_TYPE_FLOAT32 || id == QV_TYPE_FLOAT64 ||
                          (id >= QV_TYPE_DECIMAL32 && id <= QV_TYPE_DECIMAL256)));
    case QVPY_K_FLOAT: return id == QV_TYPE_FLOAT16 || id == QV_TYPE_FLOAT32 || id == QV_TYPE_FLOAT64;
    case QVPY_K_STR: return is_text(id) || (lenient && is_binary_like(id));
    case QVPY_K_BYTES: return (is_binary_like(id) && !is_text(id)) || (lenient && is_text(id));
    case QVPY_K_LIST:
      return id == QV_TYPE_LIST || id == QV_TYPE_LARGE_LIST || id == QV_TYPE_LIST_VIEW ||
             id == QV_TYPE_LARGE_LIST_VIEW || id == QV_TYPE_FIXED_SIZE_LIST || (lenient && id == QV_TYPE_STRUCT) ||
             id == QV_TYPE_INTERVAL_DAY_TIME || id == QV_TYPE_INTERVAL_MONTH_DAY_NANO;
    case QVPY_K_DICT: return id == QV_TYPE_STRUCT || id == QV_TYPE_MAP;
    case QVPY_K_DATETIME: return id == QV_TYPE_TIMESTAMP || (lenient && (id == QV_TYPE_DATE32 || id == QV_TYPE_DATE64));
    case QVPY_K_DATE: return id == QV_TYPE_DATE32 || id == QV_TYPE_DATE64 || (lenient && id == QV_TYPE_TIMESTAMP);
    case QVPY_K_TIME: return id == QV_TYPE_TIME32 || id == QV_TYPE_TIME64;
    case QVPY_K_DELTA: return id == QV_TYPE_DURATION;
    case QVPY_K_DECIMAL: return id >= QV_TYPE_DECIMAL32 && id <= QV_TYPE_DECIMAL256;
    case QVPY_K_INTERVAL: return id == QV_TYPE_INTERVAL_MONTH_DAY_NANO;
    case QVPY_K_UUID: return qv_type_storage(t)->id == QV_TYPE_FIXED_SIZE_BINARY && qv_type_storage(t)->byte_width == 16;
    default: return false;
  }
}

static int append_union(qv_builder *b, const qv_type *t, PyObject *v, int depth) {
  int kind = qvpy_scalar_kind(v);
  int32_t chosen = -1;
  for (int pass = 0; pass < 2 && chosen < 0; pass++)
    for (int32_t k = 0; k < t->n_children; k++)
      if (kind_fits(kind, t->children[k]->type, pass == 1)) {
        chosen = k;
        break;
      }
  if (chosen < 0) return type_error(v, "a value fitting one of the union's members", t);
  if (append_value(qv_builder_child(b, chosen), v, depth + 1) < 0) return -1;
  return check(b, qv_builder_finish_union_element(b, t->type_codes[chosen]));
}

static int append_dictionary(qv_builder *b, const qv_type *t, PyObject *v) {
  const qv_type *vt = qv_type_storage(t->value_type);
  if (is_binary_like(vt->id)) return append_bytes(b, vt, v, true);
  uint8_t buf[32];
  if (fixed_bytes(v, vt, buf) < 0) return -1;
  return check(b, qv_builder_append_dictionary_value(b, buf, vt->bit_width / 8));
}

/* ---- one value ---- */

static int append_value(qv_builder *b, PyObject *v, int depth) {
  if (depth > QV_CDATA_MAX_DEPTH) {
    PyErr_Format(QvExc_ArrowInvalid, "values nested deeper than %d levels", QV_CDATA_MAX_DEPTH);
    return -1;
  }
  if (v == Py_None) return check(b, qv_builder_append_null(b));
  if (qv_builder_type(b)->canonical == QV_EXT_UUID) { /* uuid.UUID -> its 16 bytes */
    PyObject *raw = qvpy_uuid_bytes(v);
    if (raw == NULL) return -1;
    int r = append_bytes(b, storage_of(b), raw, false);
    Py_DECREF(raw);
    return r;
  }
  const qv_type *t = storage_of(b);
  int64_t i64;
  uint64_t u64;
  double d;
  switch (t->id) {
    case QV_TYPE_NULL: return type_error(v, "None", t);
    case QV_TYPE_BOOL: {
      if (!PyBool_Check(v) && qvpy_scalar_kind(v) != QVPY_K_BOOL && qvpy_scalar_kind(v) != QVPY_K_INT)
        return type_error(v, "a bool", t);
      int truth = PyObject_IsTrue(v);
      if (truth < 0) return -1;
      return check(b, qv_builder_append_bool(b, truth));
    }
    case QV_TYPE_INT8: if (as_i64(v, t, INT8_MIN, INT8_MAX, &i64) < 0) return -1; return check(b, qv_builder_append_int8(b, (int8_t)i64));
    case QV_TYPE_INT16: if (as_i64(v, t, INT16_MIN, INT16_MAX, &i64) < 0) return -1; return check(b, qv_builder_append_int16(b, (int16_t)i64));
    case QV_TYPE_INT32: if (as_i64(v, t, INT32_MIN, INT32_MAX, &i64) < 0) return -1; return check(b, qv_builder_append_int32(b, (int32_t)i64));
    case QV_TYPE_INT64: if (as_i64(v, t, INT64_MIN, INT64_MAX, &i64) < 0) return -1; return check(b, qv_builder_append_int64(b, i64));
    case QV_TYPE_UINT8: if (as_i64(v, t, 0, UINT8_MAX, &i64) < 0) return -1; return check(b, qv_builder_append_uint8(b, (uint8_t)i64));
    case QV_TYPE_UINT16: if (as_i64(v, t, 0, UINT16_MAX, &i64) < 0) return -1; return check(b, qv_builder_append_uint16(b, (uint16_t)i64));
    case QV_TYPE_UINT32: if (as_i64(v, t, 0, UINT32_MAX, &i64) < 0) return -1; return check(b, qv_builder_append_uint32(b, (uint32_t)i64));
    case QV_TYPE_UINT64: if (as_u64(v, t, &u64) < 0) return -1; return check(b, qv_builder_append_uint64(b, u64));
    case QV_TYPE_FLOAT16: if (as_double(v, t, &d) < 0) return -1; return check(b, qv_builder_append_float16(b, qvpy_double_to_half(d)));
    case QV_TYPE_FLOAT32: if (as_double(v, t, &d) < 0) return -1; return check(b, qv_builder_append_float32(b, (float)d));
    case QV_TYPE_FLOAT64: if (as_double(v, t, &d) < 0) return -1; return check(b, qv_builder_append_float64(b, d));
    case QV_TYPE_DATE32:
    case QV_TYPE_TIME32:
    case QV_TYPE_INTERVAL_MONTHS: {
      int32_t x;
      uint8_t buf[4];
      if (fixed_bytes(v, t, buf) < 0) return -1;
      memcpy(&x, buf, 4);
      return check(b, qv_builder_append_int32(b, x));
    }
    case QV_TYPE_DATE64:
    case QV_TYPE_TIME64:
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_DURATION:
      if (temporal_value(v, t, &i64) < 0) return -1;
      return check(b, qv_builder_append_int64(b, i64));
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
    case QV_TYPE_INTERVAL_DAY_TIME:
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO: {
      uint8_t buf[32];
      if (fixed_bytes(v, t, buf) < 0) return -1;
      return check(b, qv_builder_append_fixed(b, buf));
    }
    case QV_TYPE_BINARY:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_STRING_VIEW:
    case QV_TYPE_FIXED_SIZE_BINARY: return append_bytes(b, t, v, false);
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST: return append_list(b, t, v, depth);
    case QV_TYPE_MAP: return append_map(b, t, v, depth);
    case QV_TYPE_STRUCT: return append_struct(b, t, v, depth);
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION: return append_union(b, t, v, depth);
    case QV_TYPE_DICTIONARY: return append_dictionary(b, t, v);
    case QV_TYPE_RUN_END_ENCODED:
      if (append_value(qv_builder_child(b, 1), v, depth + 1) < 0) return -1;
      return check(b, qv_builder_append_run(b, 1));
    default:
      PyErr_Format(QvExc_ArrowNotImplementedError, "cannot build %s arrays from Python values", qv_type_id_name(t->id));
      return -1;
  }
}

/* ---- many values ---- */

static bool same_value(PyObject *a, PyObject *b) {
  if (a == b) return true;
  if (a == Py_None || b == Py_None || Py_TYPE(a) != Py_TYPE(b)) return false;
  int eq = PyObject_RichCompareBool(a, b, Py_EQ);
  if (eq < 0) PyErr_Clear();
  return eq == 1;
}

/* Prefixes the pending exception's message with "row N: " (same class). */
static void add_row_context(Py_ssize_t row) {
  if (!PyErr_ExceptionMatches(PyExc_ValueError) && !PyErr_ExceptionMatches(PyExc_TypeError) &&
      !PyErr_ExceptionMatches(PyExc_OverflowError))
    return;
  PyObject *type, *value, *tb;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  PyObject *msg = value != NULL ? PyObject_Str(value) : NULL;
  if (msg == NULL || PyErr_GivenExceptionMatches(type, PyExc_UnicodeError)) {
    PyErr_Clear();
    Py_XDECREF(msg);
    PyErr_Restore(type, value, tb);
    return;
  }
  PyErr_Format(type, "row %zd: %U", row, msg);
  Py_DECREF(msg);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
}

static int append_items_ctx(qv_builder *b, PyObject *const *items, Py_ssize_t n, int depth, bool rows) {
  if (storage_of(b)->id == QV_TYPE_RUN_END_ENCODED) {
    qv_builder *values = qv_builder_child(b, 1);
    for (Py_ssize_t i = 0; i < n;) {
      Py_ssize_t j = i + 1;
      while (j < n && same_value(items[i], items[j])) j++;
      int r = items[i] == Py_None ? check(b, qv_builder_append_nulls(b, j - i))
                                  : append_value(values, items[i], depth + 1);
      if (r == 0 && items[i] != Py_None) r = check(b, qv_builder_append_run(b, j - i));
      if (r < 0) {
        if (rows) add_row_context(i);
        return -1;
      }
      i = j;
    }
    return 0;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    if (append_value(b, items[i], depth) < 0) {
      if (rows) add_row_context(i);
      return -1;
    }
  }
  return 0;
}

static int append_items(qv_builder *b, PyObject *const *items, Py_ssize_t n, int depth) {
  return append_items_ctx(b, items, n, depth, false);
}

PyObject *qvpy_array_from_pylist(PyObject *values, qv_type *type) {
  if (PyUnicode_Check(values) || PyBytes_Check(values) || PyDict_Check(values))
    return PyErr_Format(PyExc_TypeError, "values must be a sequence of values, not %.100s", Py_TYPE(values)->tp_name);
  PyObject *fast = qvpy_sequence_snapshot(values, "values must be a sequence (list, tuple, ...)");
  if (fast == NULL) return NULL;
  qv_type *owned = NULL;
  if (type == NULL) {
    owned = type = qvpy_infer_type(fast);
    if (type == NULL) {
      Py_DECREF(fast);
      return NULL;
    }
  }
  qv_error err;
  qv_builder *b = NULL;
  qv_array *arr = NULL;
  PyObject *result = NULL;
  Py_ssize_t n = PyTuple_GET_SIZE(fast);
  qv_status st = qv_builder_new(type, NULL, &b, &err);
  if (st == QV_OK) st = qv_builder_reserve(b, n, &err);
  if (st != QV_OK) {
    qvpy_raise(st, &err);
    goto done;
  }
  if (append_items_ctx(b, &PyTuple_GET_ITEM(fast, 0), n, 0, true) < 0) goto done;
  st = qv_builder_finish(b, &arr, &err);
  if (st != QV_OK) {
    qvpy_raise(st, &err);
    goto done;
  }
  result = qvpy_wrap_array(arr, true);
done:
  qv_builder_free(b);
  qv_type_release(owned);
  Py_DECREF(fast);
  return result;
}
