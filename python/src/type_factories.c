/* quiver Python binding: the private type, field and schema constructors
 * behind quiver's pyarrow-style factories (int32(), list_(), timestamp(),
 * field(), schema()...; argument friendliness lives in quiver/__init__.py).
 *
 * Each wraps one libquiver constructor (type.h, field.h, schema.h), which
 * validates the parameters and names what is wrong; the objects returned
 * own the new references.
 */
#include "qvpy.h"

#include <string.h>

static const char *unit_names[4] = {"s", "ms", "us", "ns"};

#define CHECK(call)                                \
  do {                                             \
    qv_status st_ = (call);                        \
    if (st_ != QV_OK) return qvpy_raise(st_, &err); \
  } while (0)

static PyObject *f_type_by_name(PyObject *m, PyObject *arg) {
  const char *name = PyUnicode_AsUTF8(arg);
  if (name == NULL) return NULL;
  for (int id = 0; id < QV_TYPE_ID_COUNT; id++) {
    qv_type *t = qv_type_from_id((qv_type_id)id);
    if (t != NULL && strcmp(qv_type_id_name((qv_type_id)id), name) == 0) return qvpy_wrap_type(t);
  }
  return PyErr_Format(QvExc_ArrowInvalid, "no parameterless type named '%s'", name);
}

static int parse_unit(PyObject *u, qv_time_unit *out) {
  const char *s = PyUnicode_Check(u) ? PyUnicode_AsUTF8(u) : NULL;
  if (s != NULL)
    for (int i = 0; i < 4; i++)
      if (strcmp(s, unit_names[i]) == 0) {
        *out = (qv_time_unit)i;
        return 0;
      }
  if (!PyErr_Occurred()) PyErr_Format(QvExc_ArrowInvalid, "time unit must be 's', 'ms', 'us' or 'ns', not %R", u);
  return -1;
}

static PyObject *f_decimal(PyObject *m, PyObject *args) {
  int bits, precision, scale;
  if (!PyArg_ParseTuple(args, "iii", &bits, &precision, &scale)) return NULL;
  qv_error err;
  qv_type *t = NULL;
  CHECK(qv_type_decimal(bits, precision, scale, &t, &err));
  return qvpy_wrap_type(t);
}

static PyObject *f_temporal(PyObject *m, PyObject *args) {
  const char *kind;
  PyObject *unit_obj;
  const char *tz = NULL;
  if (!PyArg_ParseTuple(args, "sO|z", &kind, &unit_obj, &tz)) return NULL;
  qv_time_unit unit;
  if (parse_unit(unit_obj, &unit) < 0) return NULL;
  qv_error err;
  qv_type *t = NULL;
  if (strcmp(kind, "time32") == 0)
    CHECK(qv_type_time32(unit, &t, &err));
  else if (strcmp(kind, "time64") == 0)
    CHECK(qv_type_time64(unit, &t, &err));
  else if (strcmp(kind, "timestamp") == 0)
    CHECK(qv_type_timestamp(unit, tz, &t, &err));
  else if (strcmp(kind, "duration") == 0)
    CHECK(qv_type_duration(unit, &t, &err));
  else
    return PyErr_Format(PyExc_ValueError, "unknown temporal kind '%s'", kind);
  return qvpy_wrap_type(t);
}

static PyObject *f_fixed_size_binary(PyObject *m, PyObject *args) {
  int width;
  if (!PyArg_ParseTuple(args, "i", &width)) return NULL;
  qv_error err;
  qv_type *t = NULL;
  CHECK(qv_type_fixed_size_binary(width, &t, &err));
  return qvpy_wrap_type(t);
}

/* A Field from a Field, or an "item" field of a DataType. New reference. */
static qv_field *item_field(PyObject *o, const char *name) {
  if (PyObject_TypeCheck(o, &QvField_Type)) return qv_field_retain(((QvFieldObject *)o)->field);
  qv_type *t = qvpy_as_type(o, "value type");
  if (t == NULL) return NULL;
  qv_error err;
  qv_field *f = NULL;
  qv_status st = qv_field_new(name, t, true, NULL, &f, &err);
  if (st != QV_OK) qvpy_raise(st, &err);
  return f;
}

static PyObject *f_list(PyObject *m, PyObject *args) {
  const char *kind;
  PyObject *value;
  int size = -1;
  if (!PyArg_ParseTuple(args, "sO|i", &kind, &value, &size)) return NULL;
  qv_field *item = item_field(value, "item");
  if (item == NULL) return NULL;
  qv_error err;
  qv_type *t = NULL;
  qv_status st;
  if (strcmp(kind, "list") == 0)
    st = qv_type_list(item, &t, &err);
  else if (strcmp(kind, "large_list") == 0)
    st = qv_type_large_list(item, &t, &err);
  else if (strcmp(kind, "list_view") == 0)
    st = qv_type_list_view(item, &t, &err);
  else if (strcmp(kind, "large_list_view") == 0)
    st = qv_type_large_list_view(item, &t, &err);
  else if (strcmp(kind, "fixed_size_list") == 0)
    st = qv_type_fixed_size_list(item, size, &t, &err);
  else
    st = qv_error_set(&err, QV_ERR_INVALID_ARGUMENT, "unknown list kind '%s'", kind);
  qv_field_release(item);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_type(t);
}

/* Borrowed qv_field pointers of a sequence of Field objects (PyMem array). */
static qv_field **field_array(PyObject *seq, Py_ssize_t *n, PyObject **fast) {
  *fast = qvpy_sequence_snapshot(seq, "fields must be a sequence of quiver.Field");
  if (*fast == NULL) return NULL;
  *n = PySequence_Fast_GET_SIZE(*fast);
  if (*n > INT32_MAX) {
    PyErr_SetString(QvExc_ArrowInvalid, "too many fields");
    Py_CLEAR(*fast);
    return NULL;
  }
  qv_field **fields = PyMem_Malloc(sizeof(qv_field *) * (size_t)(*n > 0 ? *n : 1));
  if (fields == NULL) {
    Py_CLEAR(*fast);
    PyErr_NoMemory();
    return NULL;
  }
  for (Py_ssize_t i = 0; i < *n; i++) {
    fields[i] = qvpy_as_field(PySequence_Fast_GET_ITEM(*fast, i), "each field");
    if (fields[i] == NULL) {
      PyMem_Free(fields);
      Py_CLEAR(*fast);
      return NULL;
    }
  }
  return fields;
}

static PyObject *f_struct(PyObject *m, PyObject *arg) {
  Py_ssize_t n;
  PyObject *fast;
  qv_field **fields = field_array(arg, &n, &fast);
  if (fields == NULL) return NULL;
  qv_error err;
  qv_type *t = NULL;
  qv_status st = qv_type_struct(fields, (int32_t)n, &t, &err);
  PyMem_Free(fields);
  Py_DECREF(fast);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_type(t);
}

static PyObject *f_union(PyObject *m, PyObject *args) {
  const char *mode;
  PyObject *fields_obj, *codes_obj = Py_None;
  if (!PyArg_ParseTuple(args, "sO|O", &mode, &fields_obj, &codes_obj)) return NULL;
  qv_type_id id;
  if (strcmp(mode, "sparse") == 0)
    id = QV_TYPE_SPARSE_UNION;
  else if (strcmp(mode, "dense") == 0)
    id = QV_TYPE_DENSE_UNION;
  else
    return PyErr_Format(QvExc_ArrowInvalid, "union mode must be 'sparse' or 'dense', not '%s'", mode);
  Py_ssize_t n;
  PyObject *fast;
  qv_field **fields = field_array(fields_obj, &n, &fast);
  if (fields == NULL) return NULL;
  int8_t codes[128];
  bool have_codes = codes_obj != Py_None;
  PyObject *result = NULL;
  if (have_codes) {
    PyObject *cf = qvpy_sequence_snapshot(codes_obj, "type_codes must be a sequence of ints");
    if (cf == NULL) goto done;
    if (PySequence_Fast_GET_SIZE(cf) != n || n > 128) {
      PyErr_Format(QvExc_ArrowInvalid, "union has %zd fields but %zd type codes", n, PySequence_Fast_GET_SIZE(cf));
      Py_DECREF(cf);
      goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
      long c = PyLong_AsLong(PySequence_Fast_GET_ITEM(cf, i));
      if (c == -1 && PyErr_Occurred()) break;
      if (c < 0 || c > 127) {
        PyErr_Format(QvExc_ArrowInvalid, "union type code %ld outside 0..127", c);
        break;
      }
      codes[i] = (int8_t)c;
    }
    Py_DECREF(cf);
    if (PyErr_Occurred()) goto done;
  }
  qv_error err;
  qv_type *t = NULL;
  qv_status st = qv_type_union(id, fields, (int32_t)n, have_codes ? codes : NULL, &t, &err);
  result = st != QV_OK ? qvpy_raise(st, &err) : qvpy_wrap_type(t);
done:
  PyMem_Free(fields);
  Py_DECREF(fast);
  return result;
}

static PyObject *f_map(PyObject *m, PyObject *args) {
  PyObject *k, *v;
  int sorted = 0;
  if (!PyArg_ParseTuple(args, "OO|p", &k, &v, &sorted)) return NULL;
  qv_type *kt = qvpy_as_type(k, "key_type"), *vt = kt ? qvpy_as_type(v, "item_type") : NULL;
  if (vt == NULL) return NULL;
  qv_error err;
  qv_type *t = NULL;
  CHECK(qv_type_map(kt, vt, sorted, &t, &err));
  return qvpy_wrap_type(t);
}

static PyObject *f_dictionary(PyObject *m, PyObject *args) {
  PyObject *i, *v;
  int ordered = 0;
  if (!PyArg_ParseTuple(args, "OO|p", &i, &v, &ordered)) return NULL;
  qv_type *it = qvpy_as_type(i, "index_type"), *vt = it ? qvpy_as_type(v, "value_type") : NULL;
  if (vt == NULL) return NULL;
  qv_error err;
  qv_type *t = NULL;
  CHECK(qv_type_dictionary(it, vt, ordered, &t, &err));
  return qvpy_wrap_type(t);
}

static PyObject *f_run_end_encoded(PyObject *m, PyObject *args) {
  PyObject *r, *v;
  if (!PyArg_ParseTuple(args, "OO", &r, &v)) return NULL;
  qv_type *rt = qvpy_as_type(r, "run_end_type"), *vt = rt ? qvpy_as_type(v, "value_type") : NULL;
  if (vt == NULL) return NULL;
  qv_error err;
  qv_type *t = NULL;
  CHECK(qv_type_run_end_encoded(rt, vt, &t, &err));
  return qvpy_wrap_type(t);
}

static PyObject *f_extension(PyObject *m, PyObject *args) {
  const char *name;
  PyObject *storage;
  const char *md = NULL;
  Py_ssize_t md_len = 0;
  if (!PyArg_ParseTuple(args, "sO|y#", &name, &storage, &md, &md_len)) return NULL;
  qv_type *st_type = qvpy_as_type(storage, "storage type");
  if (st_type == NULL) return NULL;
  if (md_len > INT32_MAX) return PyErr_Format(QvExc_ArrowInvalid, "extension metadata too long");
  qv_error err;
  qv_type *t = NULL;
  CHECK(qv_type_extension(name, md, (int32_t)md_len, st_type, &t, &err));
  return qvpy_wrap_type(t);
}

static PyObject *f_field(PyObject *m, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"name", "type", "nullable", "metadata", NULL};
  const char *name;
  PyObject *type_obj, *md_obj = Py_None;
  int nullable = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "sO|pO:field", kwlist, &name, &type_obj, &nullable, &md_obj))
    return NULL;
  qv_type *t = qvpy_as_type(type_obj, "type");
  if (t == NULL) return NULL;
  qv_metadata *md;
  if (qvpy_metadata_from_dict(md_obj, &md) < 0) return NULL;
  qv_error err;
  qv_field *f = NULL;
  qv_status st = qv_field_new(name, t, nullable, md, &f, &err);
  qv_metadata_free(md);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_field(f);
}

static PyObject *f_schema(PyObject *m, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"fields", "metadata", NULL};
  PyObject *fields_obj, *md_obj = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O:schema", kwlist, &fields_obj, &md_obj)) return NULL;
  Py_ssize_t n;
  PyObject *fast;
  qv_field **fields = field_array(fields_obj, &n, &fast);
  if (fields == NULL) return NULL;
  qv_metadata *md = NULL;
  PyObject *result = NULL;
  if (qvpy_metadata_from_dict(md_obj, &md) == 0) {
    qv_error err;
    qv_schema *s = NULL;
    qv_status st = qv_schema_new(fields, (int32_t)n, md, &s, &err);
    result = st != QV_OK ? qvpy_raise(st, &err) : qvpy_wrap_schema(s);
  }
  qv_metadata_free(md);
  PyMem_Free(fields);
  Py_DECREF(fast);
  return result;
}

PyMethodDef qvpy_type_functions[] = {
    {"_type_by_name", f_type_by_name, METH_O, NULL},
    {"_decimal", f_decimal, METH_VARARGS, NULL},
    {"_temporal", f_temporal, METH_VARARGS, NULL},
    {"_fixed_size_binary", f_fixed_size_binary, METH_VARARGS, NULL},
    {"_list", f_list, METH_VARARGS, NULL},
    {"_struct", f_struct, METH_O, NULL},
    {"_union", f_union, METH_VARARGS, NULL},
    {"_map", f_map, METH_VARARGS, NULL},
    {"_dictionary", f_dictionary, METH_VARARGS, NULL},
    {"_run_end_encoded", f_run_end_encoded, METH_VARARGS, NULL},
    {"_extension", f_extension, METH_VARARGS, NULL},
    {"_field", (PyCFunction)(void (*)(void))f_field, METH_VARARGS | METH_KEYWORDS, NULL},
    {"_schema", (PyCFunction)(void (*)(void))f_schema, METH_VARARGS | METH_KEYWORDS, NULL},
    {NULL},
};
