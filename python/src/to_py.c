/* quiver Python binding: Arrow values -> Python objects (to_pylist, indexing).
 *
 * Callers pass arrays that passed full validation (QvArrayObject caches
 * that), so offsets, union codes, dictionary indices and run ends are in
 * range and strings are UTF-8; the conversions below still never index past
 * what the layout guarantees. Children are read at the parent's logical
 * position (struct/sparse union/fixed_size_list: parent offset + i), as the
 * C Data Interface and array.h prescribe.
 *
 * Python representation (pyarrow's to_pylist): null -> None; integers ->
 * int; floats (float16 decoded) -> float; decimals -> decimal.Decimal;
 * date -> datetime.date; time -> datetime.time; timestamp -> datetime
 * (aware, in the type's zone, when the type has one); duration ->
 * timedelta; nanosecond units as pandas.Timestamp / Timedelta when pandas
 * is importable (scalars.c has the rule without it); intervals -> int months, (days, ms), (months, days, ns);
 * binary -> bytes; strings -> str; lists -> list; struct -> dict; map ->
 * list of (key, value) tuples; unions -> the selected child's value;
 * dictionary and run-end encoded -> the decoded value; extension -> the
 * storage value.
 */
#include "qvpy.h"
#include "scalars.h"

#include <string.h>

static PyObject *bytes_value(const qv_array *a, int64_t i, bool text) {
  int64_t len;
  const uint8_t *p = qv_array_bytes_value(a, i, &len);
  if (p == NULL) len = 0;
  return text ? PyUnicode_DecodeUTF8((const char *)(p ? p : (const uint8_t *)""), len, "strict")
              : PyBytes_FromStringAndSize((const char *)(p ? p : (const uint8_t *)""), len);
}

static PyObject *map_value(const qv_array *a, int64_t i) {
  int64_t start, len;
  qv_array_list_range(a, i, &start, &len);
  const qv_array *e = a->children[0];
  if (e->n_children < 2) return PyErr_Format(QvExc_ArrowInvalid, "map entries must have 2 children");
  PyObject *l = PyList_New(len);
  if (l == NULL) return NULL;
  for (int64_t j = 0; j < len; j++) {
    int64_t pos = e->offset + start + j;
    PyObject *k = qvpy_value(e->children[0], pos);
    PyObject *v = k ? qvpy_value(e->children[1], pos) : NULL;
    PyObject *pair = v ? PyTuple_Pack(2, k, v) : NULL;
    Py_XDECREF(k);
    Py_XDECREF(v);
    if (pair == NULL) {
      Py_DECREF(l);
      return NULL;
    }
    PyList_SET_ITEM(l, j, pair);
  }
  return l;
}

static PyObject *struct_value(const qv_array *a, const qv_type *t, int64_t i) {
  PyObject *d = PyDict_New();
  if (d == NULL) return NULL;
  for (int32_t k = 0; k < t->n_children && k < a->n_children; k++) {
    PyObject *v = qvpy_value(a->children[k], a->offset + i);
    if (v == NULL || PyDict_SetItemString(d, t->children[k]->name, v) < 0) {
      Py_XDECREF(v);
      Py_DECREF(d);
      return NULL;
    }
    Py_DECREF(v);
  }
  return d;
}

/* Canonical extensions with a natural Python type (pyarrow's as_py). */
static PyObject *extension_value(const qv_array *a, int64_t i) {
  if (!qv_array_is_valid(a, i)) Py_RETURN_NONE;
  if (a->type->canonical == QV_EXT_UUID) {
    int64_t len;
    const uint8_t *p = qv_array_bytes_value(a, i, &len);
    if (p == NULL || len != 16) return PyErr_Format(QvExc_ArrowInvalid, "arrow.uuid value is not 16 bytes");
    return qvpy_uuid_from_bytes(p);
  }
  return PyBool_FromLong(qv_array_values_int8(a)[i] != 0); /* arrow.bool8 */
}

PyObject *qvpy_value(const qv_array *a, int64_t i) {
  if (a->type->id == QV_TYPE_EXTENSION &&
      (a->type->canonical == QV_EXT_UUID || a->type->canonical == QV_EXT_BOOL8))
    return extension_value(a, i);
  const qv_type *t = qv_type_storage(a->type);
  switch (t->id) {
    case QV_TYPE_NULL: Py_RETURN_NONE;
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION: {
      int8_t code = qv_array_union_type_code(a, i);
      int8_t c = code >= 0 ? t->child_index[code] : -1;
      if (c < 0 || c >= a->n_children)
        return PyErr_Format(QvExc_ArrowInvalid, "union slot %lld has undeclared type code %d", (long long)i, code);
      return qvpy_value(a->children[c], qv_array_union_child_offset(a, i));
    }
    case QV_TYPE_RUN_END_ENCODED:
      return qvpy_value(a->children[1], qv_array_ree_physical_index(a, i));
    default:
      if (!qv_array_is_valid(a, i)) Py_RETURN_NONE;
      break;
  }
  switch (t->id) {
    case QV_TYPE_BOOL: return PyBool_FromLong(qv_array_bool_value(a, i));
    case QV_TYPE_INT8: return PyLong_FromLong(qv_array_values_int8(a)[i]);
    case QV_TYPE_INT16: return PyLong_FromLong(qv_array_values_int16(a)[i]);
    case QV_TYPE_INT32: return PyLong_FromLong(qv_array_values_int32(a)[i]);
    case QV_TYPE_INT64: return PyLong_FromLongLong(qv_array_values_int64(a)[i]);
    case QV_TYPE_UINT8: return PyLong_FromLong(qv_array_values_uint8(a)[i]);
    case QV_TYPE_UINT16: return PyLong_FromLong(qv_array_values_uint16(a)[i]);
    case QV_TYPE_UINT32: return PyLong_FromUnsignedLong(qv_array_values_uint32(a)[i]);
    case QV_TYPE_UINT64: return PyLong_FromUnsignedLongLong(qv_array_values_uint64(a)[i]);
    case QV_TYPE_FLOAT16: return PyFloat_FromDouble(qvpy_half_to_double(qv_array_values_uint16(a)[i]));
    case QV_TYPE_FLOAT32: return PyFloat_FromDouble(qv_array_values_float32(a)[i]);
    case QV_TYPE_FLOAT64: return PyFloat_FromDouble(qv_array_values_float64(a)[i]);
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256: {
      uint64_t w[4];
      qv_array_decimal_value(a, i, w);
      int n = t->bit_width >= 128 ? t->bit_width / 64 : 1;
      return qvpy_decimal_from_words(w, n, t->scale);
    }
    case QV_TYPE_DATE32: return qvpy_date_from_days(qv_array_values_int32(a)[i]);
    case QV_TYPE_DATE64: {
      int64_t ms = qv_array_values_int64(a)[i];
      int64_t days = ms / 86400000 - ((ms % 86400000) < 0);
      return qvpy_date_from_days(days);
    }
    case QV_TYPE_TIME32: return qvpy_time_from_value(qv_array_values_int32(a)[i], t->unit);
    case QV_TYPE_TIME64: return qvpy_time_from_value(qv_array_values_int64(a)[i], t->unit);
    case QV_TYPE_TIMESTAMP: return qvpy_timestamp_from_value(qv_array_values_int64(a)[i], t->unit, t->timezone);
    case QV_TYPE_DURATION: return qvpy_duration_from_value(qv_array_values_int64(a)[i], t->unit);
    case QV_TYPE_INTERVAL_MONTHS: return PyLong_FromLong(qv_array_values_int32(a)[i]);
    case QV_TYPE_INTERVAL_DAY_TIME: {
      const uint8_t *p = a->buffers[1]->data + (a->offset + i) * 8; /* {int32 days, int32 ms} */
      int32_t days, ms;
      memcpy(&days, p, 4);
      memcpy(&ms, p + 4, 4);
      return Py_BuildValue("(ii)", days, ms);
    }
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO: {
      const uint8_t *p = a->buffers[1]->data + (a->offset + i) * 16;
      int32_t months, days;
      int64_t ns;
      memcpy(&months, p, 4);
      memcpy(&days, p + 4, 4);
      memcpy(&ns, p + 8, 8);
      return Py_BuildValue("(iiL)", months, days, (long long)ns);
    }
    case QV_TYPE_BINARY:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_FIXED_SIZE_BINARY: return bytes_value(a, i, false);
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_STRING_VIEW: return bytes_value(a, i, true);
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST: {
      int64_t start, len;
      qv_array_list_range(a, i, &start, &len);
      return qvpy_values_list(a->children[0], start, len);
    }
    case QV_TYPE_MAP: return map_value(a, i);
    case QV_TYPE_STRUCT: return struct_value(a, t, i);
    case QV_TYPE_DICTIONARY: return qvpy_value(a->dictionary, qv_array_dictionary_index(a, i));
    default:
      return PyErr_Format(QvExc_ArrowNotImplementedError, "converting %s values to Python is not supported",
                          qv_type_id_name(t->id));
  }
}

static PyObject *string_at(const qv_array *a, int64_t i) {
  int64_t len;
  const uint8_t *p = qv_array_binary_value(a, i, &len);
  return PyUnicode_DecodeUTF8((const char *)p, (Py_ssize_t)len, NULL);
}
static PyObject *large_string_at(const qv_array *a, int64_t i) {
  int64_t len;
  const uint8_t *p = qv_array_large_binary_value(a, i, &len);
  return PyUnicode_DecodeUTF8((const char *)p, (Py_ssize_t)len, NULL);
}

/* Typed loops for the common layouts; everything else goes slot by slot. */
#define FILL_LOOP(EXPR)                                  \
  for (int64_t k = 0; k < n; k++) {                      \
    int64_t i = start + k;                               \
    PyObject *v;                                         \
    if (!qv_array_is_valid(a, i)) {                      \
      v = qvpy_newref(Py_None);                          \
    } else {                                             \
      v = (EXPR);                                        \
      if (v == NULL) goto fail;                          \
    }                                                    \
    PyList_SET_ITEM(l, k, v);                            \
  }

PyObject *qvpy_values_list(const qv_array *a, int64_t start, int64_t n) {
  if (n < 0 || n > PY_SSIZE_T_MAX) return PyErr_Format(QvExc_ArrowInvalid, "invalid slot count %lld", (long long)n);
  PyObject *l = PyList_New((Py_ssize_t)n);
  if (l == NULL) return NULL;
  const qv_type *t = a->type->id == QV_TYPE_EXTENSION ? a->type : qv_type_storage(a->type);
  switch (t->id) {
    case QV_TYPE_INT64: {
      const int64_t *v64 = qv_array_values_int64(a);
      FILL_LOOP(PyLong_FromLongLong(v64[i]));
      break;
    }
    case QV_TYPE_INT32: {
      const int32_t *v32 = qv_array_values_int32(a);
      FILL_LOOP(PyLong_FromLong(v32[i]));
      break;
    }
    case QV_TYPE_FLOAT64: {
      const double *vd = qv_array_values_float64(a);
      FILL_LOOP(PyFloat_FromDouble(vd[i]));
      break;
    }
    case QV_TYPE_BOOL: FILL_LOOP(PyBool_FromLong(qv_array_bool_value(a, i))); break;
    case QV_TYPE_STRING: FILL_LOOP(string_at(a, i)); break;
    case QV_TYPE_LARGE_STRING: FILL_LOOP(large_string_at(a, i)); break;
    default:
      for (int64_t k = 0; k < n; k++) {
        PyObject *v = qvpy_value(a, start + k);
        if (v == NULL) goto fail;
        PyList_SET_ITEM(l, k, v);
      }
      break;
  }
  return l;
fail:
  Py_DECREF(l);
  return NULL;
}
