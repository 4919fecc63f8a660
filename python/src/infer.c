/* quiver Python binding: Arrow type inference from Python values.
 *
 * One pass over the values records which kinds of Python object occur at
 * each nesting position (the items of lists, the values of each dict key),
 * then the kinds resolve to a type the way pyarrow infers them:
 *   only None -> null; bool -> bool; int -> int64, or uint64 when some
 *   value is above INT64_MAX and none is negative (pyarrow 26 raises
 *   OverflowError there instead; values beyond both types still raise it,
 *   from the conversion, naming the row); float (or int and float) -> double; str -> string; bytes -> binary; list/tuple ->
 *   list<item>; dict -> struct with the keys in order of first appearance;
 *   datetime -> timestamp[us] (with the zone of the first aware value);
 *   date -> date32; time -> time64[us]; timedelta -> duration[us];
 *   Decimal -> decimal128(p, s) wide enough for every value (decimal256
 *   past 38 digits).
 * Any other mix of kinds is an ArrowInvalid naming them. Nesting deeper than
 * QV_CDATA_MAX_DEPTH is refused rather than recursing without bound.
 */
#include "qvpy.h"
#include "scalars.h"

#include <string.h>

typedef struct infer {
  uint32_t kinds;     /* bit per QVPY_K_* seen (None not recorded) */
  int dec_int_digits; /* decimals: max digits before the point */
  int dec_scale;      /* decimals: max digits after the point */
  bool naive, aware;  /* datetimes seen without / with tzinfo */
  bool int_negative;  /* ints: some value below zero */
  bool int_above_i64; /* ints: some value above INT64_MAX */
  PyObject *tz;       /* zone name of the first aware datetime (owned) */
  struct infer *item; /* lists: their items */
  PyObject *keys;     /* dicts: key -> field position (owned dict) */
  PyObject *order;    /* dicts: keys in order of first appearance (owned list) */
  struct infer **fields;
  Py_ssize_t n_fields, cap_fields;
} infer;

static const char *kind_names[QVPY_K_COUNT] = {"None", "bool", "int", "float", "str", "bytes", "list",
                                                "dict", "datetime", "date", "time", "timedelta",
                                                "Decimal", "MonthDayNano", "UUID", "other"};

static infer *infer_new(void) {
  infer *s = PyMem_Calloc(1, sizeof *s);
  if (s == NULL) PyErr_NoMemory();
  return s;
}

static void infer_free(infer *s) {
  if (s == NULL) return;
  Py_XDECREF(s->tz);
  infer_free(s->item);
  Py_XDECREF(s->keys);
  Py_XDECREF(s->order);
  for (Py_ssize_t i = 0; i < s->n_fields; i++) infer_free(s->fields[i]);
  PyMem_Free(s->fields);
  PyMem_Free(s);
}

static int visit(infer *s, PyObject *v, int depth);

/* The items of a snapshot tuple: visiting may run Python code (a tzinfo,
 * a Decimal subclass, a mapping's items()) that mutates the caller's list. */
static int visit_items(infer *s, PyObject *seq, int depth) {
  PyObject *fast = qvpy_sequence_snapshot(seq, "expected a sequence");
  if (fast == NULL) return -1;
  Py_ssize_t n = PyTuple_GET_SIZE(fast);
  int r = 0;
  for (Py_ssize_t i = 0; i < n && r == 0; i++) r = visit(s, PyTuple_GET_ITEM(fast, i), depth);
  Py_DECREF(fast);
  return r;
}

static infer *field_state(infer *s, PyObject *key) {
  if (!PyUnicode_Check(key)) {
    PyErr_Format(QvExc_ArrowTypeError, "dict keys must be str to infer a struct type, not %.100s",
                 Py_TYPE(key)->tp_name);
    return NULL;
  }
  if (s->keys == NULL && ((s->keys = PyDict_New()) == NULL || (s->order = PyList_New(0)) == NULL)) return NULL;
  PyObject *pos = PyDict_GetItemWithError(s->keys, key);
  if (pos != NULL) return s->fields[PyLong_AsSsize_t(pos)];
  if (PyErr_Occurred()) return NULL;
  if (s->n_fields == s->cap_fields) {
    Py_ssize_t cap = s->cap_fields ? s->cap_fields * 2 : 8;
    infer **f = PyMem_Realloc(s->fields, sizeof(infer *) * (size_t)cap);
    if (f == NULL) {
      PyErr_NoMemory();
      return NULL;
    }
    s->fields = f;
    s->cap_fields = cap;
  }
  infer *child = infer_new();
  if (child == NULL) return NULL;
  PyObject *idx = PyLong_FromSsize_t(s->n_fields);
  if (idx == NULL || PyDict_SetItem(s->keys, key, idx) < 0 || PyList_Append(s->order, key) < 0) {
    Py_XDECREF(idx);
    infer_free(child);
    return NULL;
  }
  Py_DECREF(idx);
  s->fields[s->n_fields++] = child;
  return child;
}

static int visit_dict(infer *s, PyObject *v, int depth) {
  PyObject *items = PyMapping_Items(v);
  if (items == NULL) return -1;
  int r = 0;
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items) && r == 0; i++) {
    PyObject *kv = PyList_GET_ITEM(items, i); /* `items` is ours; a mapping's items() may yield anything */
    if (!PyTuple_Check(kv) || PyTuple_GET_SIZE(kv) != 2) {
      PyErr_Format(QvExc_ArrowTypeError, "%.100s.items() must yield (key, value) pairs, not %.100s",
                   Py_TYPE(v)->tp_name, Py_TYPE(kv)->tp_name);
      r = -1;
      break;
    }
    infer *f = field_state(s, PyTuple_GET_ITEM(kv, 0));
    r = f != NULL ? visit(f, PyTuple_GET_ITEM(kv, 1), depth) : -1;
  }
  Py_DECREF(items);
  return r;
}

/* Records the sign and magnitude of an int (or __index__ object) so that
 * resolve() can pick int64 or uint64. */
static int visit_int(infer *s, PyObject *v) {
  PyObject *n = PyNumber_Index(v);
  if (n == NULL) return -1;
  int overflow = 0;
  long long x = PyLong_AsLongLongAndOverflow(n, &overflow);
  Py_DECREF(n);
  if (x == -1 && PyErr_Occurred()) return -1;
  if (overflow > 0) s->int_above_i64 = true;
  if (overflow < 0 || (overflow == 0 && x < 0)) s->int_negative = true; /* x is -1 on overflow */
  return 0;
}

static int visit(infer *s, PyObject *v, int depth) {
  if (depth > QV_CDATA_MAX_DEPTH) {
    PyErr_Format(QvExc_ArrowInvalid, "values nested deeper than %d levels", QV_CDATA_MAX_DEPTH);
    return -1;
  }
  int kind = qvpy_scalar_kind(v);
  if (kind == QVPY_K_NONE) return 0;
  if (kind == QVPY_K_OTHER) {
    PyErr_Format(QvExc_ArrowInvalid, "cannot infer an Arrow type for %.200R (of type %.100s)", v,
                 Py_TYPE(v)->tp_name);
    return -1;
  }
  s->kinds |= 1u << kind;
  switch (kind) {
    case QVPY_K_LIST:
      if (s->item == NULL && (s->item = infer_new()) == NULL) return -1;
      return visit_items(s->item, v, depth + 1);
    case QVPY_K_DICT: return visit_dict(s, v, depth + 1);
    case QVPY_K_DATETIME: {
      PyObject *tzinfo = PyObject_GetAttrString(v, "tzinfo");
      if (tzinfo == NULL) return -1;
      if (tzinfo == Py_None) {
        s->naive = true;
      } else {
        s->aware = true;
        if (s->tz == NULL) s->tz = qvpy_tzinfo_name(tzinfo);
      }
      Py_DECREF(tzinfo);
      return (s->aware && s->tz == NULL) ? -1 : 0;
    }
    case QVPY_K_INT: return visit_int(s, v);
    case QVPY_K_DECIMAL: {
      int digits, scale;
      if (qvpy_decimal_infer(v, &digits, &scale) < 0) return -1;
      if (digits > s->dec_int_digits) s->dec_int_digits = digits;
      if (scale > s->dec_scale) s->dec_scale = scale;
      return 0;
    }
    default: return 0;
  }
}

static qv_type *resolve(infer *s);

static qv_type *raise_null(qv_status st, qv_error *err) {
  qvpy_raise(st, err);
  return NULL;
}

static qv_type *resolve_struct(infer *s) {
  qv_error err;
  qv_field **fields = PyMem_Calloc((size_t)(s->n_fields > 0 ? s->n_fields : 1), sizeof(qv_field *));
  if (fields == NULL) {
    PyErr_NoMemory();
    return NULL;
  }
  qv_type *result = NULL;
  Py_ssize_t i;
  for (i = 0; i < s->n_fields; i++) {
    qv_type *ft = resolve(s->fields[i]);
    if (ft == NULL) goto done;
    const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(s->order, i));
    qv_status st = name ? qv_field_new(name, ft, true, NULL, &fields[i], &err) : QV_ERR_INVALID_DATA;
    qv_type_release(ft);
    if (name == NULL) goto done;
    if (st != QV_OK) {
      qvpy_raise(st, &err);
      goto done;
    }
  }
  qv_status st = qv_type_struct(fields, (int32_t)s->n_fields, &result, &err);
  if (st != QV_OK) qvpy_raise(st, &err);
done:
  for (Py_ssize_t k = 0; k < s->n_fields; k++) qv_field_release(fields[k]);
  PyMem_Free(fields);
  return result;
}

static qv_type *resolve(infer *s) {
  qv_error err;
  qv_type *t = NULL;
  qv_status st = QV_OK;
  uint32_t k = s->kinds;
  if (k == 0) return qv_type_null();
  if (k == ((1u << QVPY_K_INT) | (1u << QVPY_K_FLOAT))) return qv_type_float64();
  if (k & (k - 1)) {
    char names[256] = "";
    size_t len = 0;
    for (int i = 0; i < QVPY_K_COUNT; i++)
      if (k & (1u << i)) len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "", kind_names[i]);
    PyErr_Format(QvExc_ArrowInvalid, "cannot infer one Arrow type for a mix of %s values (pass type=)", names);
    return NULL;
  }
  switch (__builtin_ctz(k)) {
    case QVPY_K_BOOL: return qv_type_bool();
    case QVPY_K_INT: return s->int_above_i64 && !s->int_negative ? qv_type_uint64() : qv_type_int64();
    case QVPY_K_FLOAT: return qv_type_float64();
    case QVPY_K_STR: return qv_type_string();
    case QVPY_K_BYTES: return qv_type_binary();
    case QVPY_K_DATE: return qv_type_date32();
    case QVPY_K_TIME: st = qv_type_time64(QV_UNIT_MICRO, &t, &err); break;
    case QVPY_K_DELTA: st = qv_type_duration(QV_UNIT_MICRO, &t, &err); break;
    case QVPY_K_DATETIME: {
      if (s->naive && s->aware) {
        PyErr_SetString(QvExc_ArrowInvalid, "cannot mix naive and time-zone-aware datetimes in one array");
        return NULL;
      }
      const char *tz = s->tz != NULL ? PyUnicode_AsUTF8(s->tz) : NULL;
      if (s->tz != NULL && tz == NULL) return NULL;
      st = qv_type_timestamp(QV_UNIT_MICRO, tz, &t, &err);
      break;
    }
    case QVPY_K_DECIMAL: {
      int precision = s->dec_int_digits + s->dec_scale;
      if (precision < 1) precision = 1;
      if (precision > 76) {
        PyErr_Format(QvExc_ArrowInvalid, "Decimal values need precision %d, more than decimal256's 76", precision);
        return NULL;
      }
      st = qv_type_decimal(precision <= 38 ? 128 : 256, precision, s->dec_scale, &t, &err);
      break;
    }
    case QVPY_K_LIST: {
      qv_type *item = s->item != NULL ? resolve(s->item) : qv_type_null();
      if (item == NULL) return NULL;
      st = qv_type_list_of(QV_TYPE_LIST, item, &t, &err);
      qv_type_release(item);
      break;
    }
    case QVPY_K_DICT: return resolve_struct(s);
    case QVPY_K_INTERVAL: return qv_type_interval_month_day_nano();
    case QVPY_K_UUID: {
      qv_type *fsb = NULL;
      st = qv_type_fixed_size_binary(16, &fsb, &err);
      if (st == QV_OK) st = qv_type_extension("arrow.uuid", NULL, 0, fsb, &t, &err);
      qv_type_release(fsb);
      break;
    }
    default:
      PyErr_SetString(QvExc_ArrowInvalid, "cannot infer an Arrow type");
      return NULL;
  }
  return st == QV_OK ? t : raise_null(st, &err);
}

qv_type *qvpy_infer_type(PyObject *seq) {
  infer *s = infer_new();
  if (s == NULL) return NULL;
  qv_type *t = visit_items(s, seq, 0) == 0 ? resolve(s) : NULL;
  infer_free(s);
  return t;
}
