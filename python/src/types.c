/* quiver Python binding: the DataType, Field and Schema objects (their
 * constructors are in type_factories.c).
 *
 * Each object owns one reference to an immutable qv_type / qv_field /
 * qv_schema; attribute getters return fresh wrappers around retained
 * children. Key-value metadata is exposed as a dict of bytes to bytes (as
 * pyarrow does) and accepted as a dict of str or bytes.
 */
#include "qvpy.h"

#include <string.h>

/* ---- wrapping ---- */

#define DEFINE_WRAP(NAME, CTYPE, PYTYPE, OBJ, FIELD, RELEASE) \
  PyObject *qvpy_wrap_##NAME(CTYPE *p) {                      \
    OBJ *o = PyObject_New(OBJ, &PYTYPE);                      \
    if (o == NULL) {                                          \
      QVPY_KEEP_ERROR(RELEASE(p));                            \
      return NULL;                                            \
    }                                                         \
    o->FIELD = p;                                             \
    return (PyObject *)o;                                     \
  }
DEFINE_WRAP(type, qv_type, QvDataType_Type, QvDataTypeObject, type, qv_type_release)
DEFINE_WRAP(field, qv_field, QvField_Type, QvFieldObject, field, qv_field_release)
DEFINE_WRAP(schema, qv_schema, QvSchema_Type, QvSchemaObject, schema, qv_schema_release)
#undef DEFINE_WRAP

qv_type *qvpy_as_type(PyObject *o, const char *what) {
  if (PyObject_TypeCheck(o, &QvDataType_Type)) return ((QvDataTypeObject *)o)->type;
  PyErr_Format(PyExc_TypeError, "%s must be a quiver.DataType, not %.100s", what, Py_TYPE(o)->tp_name);
  return NULL;
}
qv_field *qvpy_as_field(PyObject *o, const char *what) {
  if (PyObject_TypeCheck(o, &QvField_Type)) return ((QvFieldObject *)o)->field;
  PyErr_Format(PyExc_TypeError, "%s must be a quiver.Field, not %.100s", what, Py_TYPE(o)->tp_name);
  return NULL;
}
qv_schema *qvpy_as_schema(PyObject *o, const char *what) {
  if (PyObject_TypeCheck(o, &QvSchema_Type)) return ((QvSchemaObject *)o)->schema;
  PyErr_Format(PyExc_TypeError, "%s must be a quiver.Schema, not %.100s", what, Py_TYPE(o)->tp_name);
  return NULL;
}

/* ---- helpers ---- */

/* Text from a snprintf-style qv_*_to_string function. */
typedef int64_t (*to_string_fn)(const void *, char *, size_t);
static PyObject *text_of(const void *obj, to_string_fn fn) {
  char small[256];
  int64_t n = fn(obj, small, sizeof small);
  if (n < (int64_t)sizeof small) return PyUnicode_DecodeUTF8(small, n, "replace");
  char *big = PyMem_Malloc((size_t)n + 1);
  if (big == NULL) return PyErr_NoMemory();
  fn(obj, big, (size_t)n + 1);
  PyObject *r = PyUnicode_DecodeUTF8(big, n, "replace");
  PyMem_Free(big);
  return r;
}
static int64_t type_text(const void *t, char *b, size_t c) { return qv_type_format(t, b, c); }
static int64_t field_text(const void *f, char *b, size_t c) { return qv_field_format(f, b, c); }
static int64_t schema_text(const void *s, char *b, size_t c) { return qv_schema_format(s, b, c); }

PyObject *qvpy_metadata_to_dict(const qv_metadata *md) {
  if (md == NULL || md->n == 0) return qvpy_newref(Py_None);
  PyObject *d = PyDict_New();
  if (d == NULL) return NULL;
  for (int64_t i = 0; i < md->n; i++) {
    PyObject *k = PyBytes_FromStringAndSize(md->pairs[i].key, md->pairs[i].key_len);
    PyObject *v = PyBytes_FromStringAndSize(md->pairs[i].value, md->pairs[i].value_len);
    int bad = k == NULL || v == NULL || PyDict_SetItem(d, k, v) < 0;
    Py_XDECREF(k);
    Py_XDECREF(v);
    if (bad) {
      Py_DECREF(d);
      return NULL;
    }
  }
  return d;
}

/* str or bytes -> pointer and length (borrowed from o). */
static int text_or_bytes(PyObject *o, const char **p, Py_ssize_t *n, const char *what) {
  if (PyUnicode_Check(o)) {
    *p = PyUnicode_AsUTF8AndSize(o, n);
    return *p != NULL ? 0 : -1;
  }
  if (PyBytes_Check(o)) {
    *p = PyBytes_AS_STRING(o);
    *n = PyBytes_GET_SIZE(o);
    return 0;
  }
  PyErr_Format(PyExc_TypeError, "metadata %s must be str or bytes, not %.100s", what, Py_TYPE(o)->tp_name);
  return -1;
}

/* dict (or None) -> qv_metadata (*out NULL for None/empty). */
int qvpy_metadata_from_dict(PyObject *d, qv_metadata **out) {
  *out = NULL;
  if (d == NULL || d == Py_None) return 0;
  if (!PyDict_Check(d)) {
    PyErr_Format(PyExc_TypeError, "metadata must be a dict, not %.100s", Py_TYPE(d)->tp_name);
    return -1;
  }
  if (PyDict_GET_SIZE(d) == 0) return 0;
  qv_error err;
  qv_metadata *md = NULL;
  qv_status st = qv_metadata_new(&md, &err);
  if (st != QV_OK) return qvpy_raise_int(st, &err);
  Py_ssize_t pos = 0;
  PyObject *k, *v;
  while (PyDict_Next(d, &pos, &k, &v)) {
    const char *kp, *vp;
    Py_ssize_t kn, vn;
    if (text_or_bytes(k, &kp, &kn, "keys") < 0 || text_or_bytes(v, &vp, &vn, "values") < 0) goto fail;
    if (kn > INT32_MAX || vn > INT32_MAX) {
      PyErr_SetString(QvExc_ArrowInvalid, "metadata key or value longer than 2 GiB");
      goto fail;
    }
    st = qv_metadata_append(md, kp, (int32_t)kn, vp, (int32_t)vn, &err);
    if (st != QV_OK) {
      qvpy_raise(st, &err);
      goto fail;
    }
  }
  *out = md;
  return 0;
fail:
  qv_metadata_free(md);
  return -1;
}

static const char *unit_names[4] = {"s", "ms", "us", "ns"};

/* ======================= DataType ======================= */

static void datatype_dealloc(QvDataTypeObject *self) {
  qv_type_release(self->type);
  Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *datatype_str(QvDataTypeObject *self) { return text_of(self->type, type_text); }

static PyObject *datatype_repr(QvDataTypeObject *self) {
  PyObject *s = datatype_str(self);
  if (s == NULL) return NULL;
  PyObject *r = PyUnicode_FromFormat("DataType(%U)", s);
  Py_DECREF(s);
  return r;
}

static Py_hash_t datatype_hash(QvDataTypeObject *self) {
  PyObject *s = datatype_str(self);
  if (s == NULL) return -1;
  Py_hash_t h = PyObject_Hash(s);
  Py_DECREF(s);
  return h;
}

static PyObject *datatype_richcompare(PyObject *a, PyObject *b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(a, &QvDataType_Type)) Py_RETURN_NOTIMPLEMENTED;
  bool eq;
  if (PyObject_TypeCheck(b, &QvDataType_Type)) {
    eq = qv_type_equals(((QvDataTypeObject *)a)->type, ((QvDataTypeObject *)b)->type, false);
  } else if (PyUnicode_Check(b)) {
    PyObject *s = datatype_str((QvDataTypeObject *)a);
    if (s == NULL) return NULL;
    eq = PyUnicode_Compare(s, b) == 0;
    Py_DECREF(s);
  } else {
    Py_RETURN_NOTIMPLEMENTED;
  }
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static const qv_type *dt(PyObject *self) { return ((QvDataTypeObject *)self)->type; }

static PyObject *wrap_type_ref(qv_type *t) {
  if (t == NULL) Py_RETURN_NONE;
  return qvpy_wrap_type(qv_type_retain(t));
}
static PyObject *wrap_field_ref(qv_field *f) {
  if (f == NULL) Py_RETURN_NONE;
  return qvpy_wrap_field(qv_field_retain(f));
}

static bool is_list_like(qv_type_id id) {
  return id == QV_TYPE_LIST || id == QV_TYPE_LARGE_LIST || id == QV_TYPE_LIST_VIEW || id == QV_TYPE_LARGE_LIST_VIEW ||
         id == QV_TYPE_FIXED_SIZE_LIST;
}

static PyObject *dt_id(PyObject *self, void *c) { return PyUnicode_FromString(qv_type_id_name(dt(self)->id)); }
static PyObject *dt_bit_width(PyObject *self, void *c) { return PyLong_FromLong(dt(self)->bit_width); }
static PyObject *dt_byte_width(PyObject *self, void *c) {
  const qv_type *t = qv_type_storage(dt(self));
  if (t->bit_width == 0 || t->bit_width % 8 != 0)
    return PyErr_Format(PyExc_ValueError, "type %s has no byte width", qv_type_id_name(t->id));
  return PyLong_FromLong(t->bit_width / 8);
}
static PyObject *dt_unit(PyObject *self, void *c) {
  qv_type_id id = dt(self)->id;
  if (id != QV_TYPE_TIME32 && id != QV_TYPE_TIME64 && id != QV_TYPE_TIMESTAMP && id != QV_TYPE_DURATION)
    Py_RETURN_NONE;
  return PyUnicode_FromString(unit_names[dt(self)->unit & 3]);
}
static PyObject *dt_tz(PyObject *self, void *c) {
  const char *tz = dt(self)->timezone;
  if (dt(self)->id != QV_TYPE_TIMESTAMP || tz == NULL || tz[0] == '\0') Py_RETURN_NONE;
  return PyUnicode_FromString(tz);
}
static PyObject *dt_precision(PyObject *self, void *c) { return PyLong_FromLong(dt(self)->precision); }
static PyObject *dt_scale(PyObject *self, void *c) { return PyLong_FromLong(dt(self)->scale); }
static PyObject *dt_list_size(PyObject *self, void *c) { return PyLong_FromLong(dt(self)->list_size); }
static PyObject *dt_num_fields(PyObject *self, void *c) { return PyLong_FromLong(dt(self)->n_children); }
static PyObject *dt_value_field(PyObject *self, void *c) {
  const qv_type *t = dt(self);
  if (is_list_like(t->id)) return wrap_field_ref(t->children[0]);
  if (t->id == QV_TYPE_RUN_END_ENCODED) return wrap_field_ref(t->children[1]);
  Py_RETURN_NONE;
}
static PyObject *dt_value_type(PyObject *self, void *c) {
  const qv_type *t = dt(self);
  if (is_list_like(t->id)) return wrap_type_ref(t->children[0]->type);
  if (t->id == QV_TYPE_RUN_END_ENCODED) return wrap_type_ref(t->children[1]->type);
  if (t->id == QV_TYPE_DICTIONARY) return wrap_type_ref(t->value_type);
  Py_RETURN_NONE;
}
static PyObject *dt_run_end_type(PyObject *self, void *c) {
  const qv_type *t = dt(self);
  if (t->id != QV_TYPE_RUN_END_ENCODED) Py_RETURN_NONE;
  return wrap_type_ref(t->children[0]->type);
}
static const qv_type *map_entries(const qv_type *t) {
  if (t->id != QV_TYPE_MAP) return NULL;
  const qv_type *e = t->children[0]->type;
  return (e->id == QV_TYPE_STRUCT && e->n_children == 2) ? e : NULL;
}
static PyObject *dt_key_type(PyObject *self, void *c) {
  const qv_type *e = map_entries(dt(self));
  if (e == NULL) Py_RETURN_NONE;
  return wrap_type_ref(e->children[0]->type);
}
static PyObject *dt_item_type(PyObject *self, void *c) {
  const qv_type *e = map_entries(dt(self));
  if (e == NULL) Py_RETURN_NONE;
  return wrap_type_ref(e->children[1]->type);
}
static PyObject *dt_index_type(PyObject *self, void *c) {
  return dt(self)->id == QV_TYPE_DICTIONARY ? wrap_type_ref(dt(self)->index_type) : qvpy_newref(Py_None);
}
static PyObject *dt_ordered(PyObject *self, void *c) { return PyBool_FromLong(dt(self)->ordered); }
static PyObject *dt_keys_sorted(PyObject *self, void *c) { return PyBool_FromLong(dt(self)->keys_sorted); }
static PyObject *dt_storage_type(PyObject *self, void *c) {
  return dt(self)->id == QV_TYPE_EXTENSION ? wrap_type_ref(dt(self)->storage_type) : qvpy_newref(Py_None);
}
static PyObject *dt_extension_name(PyObject *self, void *c) {
  if (dt(self)->id != QV_TYPE_EXTENSION) Py_RETURN_NONE;
  return PyUnicode_FromString(dt(self)->extension_name);
}
static PyObject *dt_extension_metadata(PyObject *self, void *c) {
  const qv_type *t = dt(self);
  if (t->id != QV_TYPE_EXTENSION) Py_RETURN_NONE;
  return PyBytes_FromStringAndSize(t->extension_metadata ? t->extension_metadata : "", t->extension_metadata_len);
}
static PyObject *dt_type_codes(PyObject *self, void *c) {
  const qv_type *t = dt(self);
  if (t->id != QV_TYPE_SPARSE_UNION && t->id != QV_TYPE_DENSE_UNION) Py_RETURN_NONE;
  PyObject *l = PyList_New(t->n_children);
  for (int32_t i = 0; l != NULL && i < t->n_children; i++) {
    PyObject *v = PyLong_FromLong(t->type_codes[i]);
    if (v == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, i, v);
  }
  return l;
}
static PyObject *dt_mode(PyObject *self, void *c) {
  qv_type_id id = dt(self)->id;
  if (id == QV_TYPE_SPARSE_UNION) return PyUnicode_FromString("sparse");
  if (id == QV_TYPE_DENSE_UNION) return PyUnicode_FromString("dense");
  Py_RETURN_NONE;
}

static PyObject *dt_field(PyObject *self, PyObject *arg) {
  const qv_type *t = dt(self);
  if (PyUnicode_Check(arg)) {
    const char *name = PyUnicode_AsUTF8(arg);
    if (name == NULL) return NULL;
    for (int32_t i = 0; i < t->n_children; i++)
      if (strcmp(t->children[i]->name, name) == 0) return wrap_field_ref(t->children[i]);
    return PyErr_Format(QvExc_ArrowKeyError, "type %s has no field named '%s'", qv_type_id_name(t->id), name);
  }
  Py_ssize_t i = PyNumber_AsSsize_t(arg, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) return NULL;
  if (i < 0) i += t->n_children;
  if (i < 0 || i >= t->n_children)
    return PyErr_Format(QvExc_ArrowIndexError, "field index %zd out of range (type has %d fields)", i,
                        (int)t->n_children);
  return wrap_field_ref(t->children[i]);
}

static PyObject *dt_arrow_c_schema(PyObject *self, PyObject *unused) {
  return qvpy_schema_capsule_from_type(dt(self));
}

static PyObject *dt_equals(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"other", "check_metadata", NULL};
  PyObject *other;
  int check = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p:equals", kwlist, &other, &check)) return NULL;
  qv_type *o = qvpy_as_type(other, "other");
  if (o == NULL) return NULL;
  return PyBool_FromLong(qv_type_equals(dt(self), o, check));
}

static PyGetSetDef datatype_getset[] = {
    {"id", dt_id, NULL, "Type id name ('int32', 'list', 'dense_union', ...).", NULL},
    {"bit_width", dt_bit_width, NULL, "Bits per value of fixed-width layouts (0 otherwise).", NULL},
    {"byte_width", dt_byte_width, NULL, "Bytes per value of fixed-width layouts.", NULL},
    {"unit", dt_unit, NULL, "Time unit ('s', 'ms', 'us', 'ns') of time/timestamp/duration types.", NULL},
    {"tz", dt_tz, NULL, "Time zone of a timestamp type, or None.", NULL},
    {"precision", dt_precision, NULL, "Decimal precision.", NULL},
    {"scale", dt_scale, NULL, "Decimal scale.", NULL},
    {"list_size", dt_list_size, NULL, "Values per slot of a fixed_size_list.", NULL},
    {"num_fields", dt_num_fields, NULL, "Number of child fields.", NULL},
    {"value_field", dt_value_field, NULL, "Child field of list-likes (values field of run-end encoded).", NULL},
    {"value_type", dt_value_type, NULL, "Value type of list-likes, dictionaries and run-end encoded.", NULL},
    {"run_end_type", dt_run_end_type, NULL, "Run ends type of run-end encoded types.", NULL},
    {"key_type", dt_key_type, NULL, "Key type of a map.", NULL},
    {"item_type", dt_item_type, NULL, "Item type of a map.", NULL},
    {"index_type", dt_index_type, NULL, "Index type of a dictionary.", NULL},
    {"ordered", dt_ordered, NULL, "Dictionary ordered flag.", NULL},
    {"keys_sorted", dt_keys_sorted, NULL, "Map keys_sorted flag.", NULL},
    {"storage_type", dt_storage_type, NULL, "Storage type of an extension type.", NULL},
    {"extension_name", dt_extension_name, NULL, "Name of an extension type.", NULL},
    {"extension_metadata", dt_extension_metadata, NULL, "Serialized metadata of an extension type (bytes).", NULL},
    {"type_codes", dt_type_codes, NULL, "Type codes of a union, one per field.", NULL},
    {"mode", dt_mode, NULL, "'sparse' or 'dense' for unions.", NULL},
    {NULL},
};

QVPY_DELEGATE(datatype_reduce_ex, "reduce_ex")
static PyMethodDef datatype_methods[] = {
    QVPY_METHOD("__reduce_ex__", datatype_reduce_ex, "Pickles through the Arrow IPC stream format."),
    {"field", dt_field, METH_O, "field(i or name) -> Field: child field of a nested type."},
    {"equals", (PyCFunction)(void (*)(void))dt_equals, METH_VARARGS | METH_KEYWORDS,
     "equals(other, check_metadata=False) -> bool"},
    {"__arrow_c_schema__", dt_arrow_c_schema, METH_NOARGS,
     "Exports the type as an ArrowSchema PyCapsule (\"arrow_schema\")."},
    {NULL},
};

PyTypeObject QvDataType_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver.DataType",
    .tp_basicsize = sizeof(QvDataTypeObject),
    .tp_dealloc = (destructor)datatype_dealloc,
    .tp_repr = (reprfunc)datatype_repr,
    .tp_str = (reprfunc)datatype_str,
    .tp_hash = (hashfunc)datatype_hash,
    .tp_richcompare = datatype_richcompare,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An Arrow data type (immutable). Create with the factories: quiver.int32(), quiver.list_(...), ...",
    .tp_methods = datatype_methods,
    .tp_getset = datatype_getset,
};

/* ======================= Field ======================= */

static void field_dealloc(QvFieldObject *self) {
  qv_field_release(self->field);
  Py_TYPE(self)->tp_free((PyObject *)self);
}
static PyObject *field_str(QvFieldObject *self) { return text_of(self->field, field_text); }
static PyObject *field_repr(QvFieldObject *self) {
  PyObject *s = field_str(self);
  if (s == NULL) return NULL;
  PyObject *r = PyUnicode_FromFormat("Field(%U)", s);
  Py_DECREF(s);
  return r;
}
static Py_hash_t field_hash(QvFieldObject *self) {
  PyObject *s = field_str(self);
  if (s == NULL) return -1;
  Py_hash_t h = PyObject_Hash(s);
  Py_DECREF(s);
  return h;
}
static PyObject *field_richcompare(PyObject *a, PyObject *b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(a, &QvField_Type) || !PyObject_TypeCheck(b, &QvField_Type))
    Py_RETURN_NOTIMPLEMENTED;
  bool eq = qv_field_equals(((QvFieldObject *)a)->field, ((QvFieldObject *)b)->field, false);
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}
static const qv_field *fl(PyObject *self) { return ((QvFieldObject *)self)->field; }
static PyObject *field_name(PyObject *self, void *c) { return PyUnicode_FromString(fl(self)->name); }
static PyObject *field_type(PyObject *self, void *c) { return wrap_type_ref(fl(self)->type); }
static PyObject *field_nullable(PyObject *self, void *c) { return PyBool_FromLong(fl(self)->nullable); }
static PyObject *field_metadata(PyObject *self, void *c) { return qvpy_metadata_to_dict(fl(self)->metadata); }
static PyObject *field_equals(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"other", "check_metadata", NULL};
  PyObject *other;
  int check = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p:equals", kwlist, &other, &check)) return NULL;
  qv_field *o = qvpy_as_field(other, "other");
  if (o == NULL) return NULL;
  return PyBool_FromLong(qv_field_equals(fl(self), o, check));
}
static PyObject *field_arrow_c_schema(PyObject *self, PyObject *unused) {
  return qvpy_schema_capsule_from_field(fl(self));
}

static PyGetSetDef field_getset[] = {
    {"name", field_name, NULL, "Field name (str).", NULL},
    {"type", field_type, NULL, "Field type (DataType).", NULL},
    {"nullable", field_nullable, NULL, "Whether the field may hold nulls.", NULL},
    {"metadata", field_metadata, NULL, "Field metadata as a dict of bytes, or None.", NULL},
    {NULL},
};
QVPY_DELEGATE(field_reduce_ex, "reduce_ex")
/* editing, as pyarrow (quiver/_metadata.py): each returns a new Field */
QVPY_DELEGATE(field_with_name, "field_with_name")
QVPY_DELEGATE(field_with_type, "field_with_type")
QVPY_DELEGATE(field_with_nullable, "field_with_nullable")
QVPY_DELEGATE(field_with_metadata, "field_with_metadata")
QVPY_DELEGATE(field_remove_metadata, "field_remove_metadata")
static PyMethodDef field_methods[] = {
    QVPY_METHOD("with_name", field_with_name, "with_name(name) -> Field"),
    QVPY_METHOD("with_type", field_with_type, "with_type(new_type) -> Field"),
    QVPY_METHOD("with_nullable", field_with_nullable, "with_nullable(nullable) -> Field"),
    QVPY_METHOD("with_metadata", field_with_metadata, "with_metadata(metadata) -> Field"),
    QVPY_METHOD("remove_metadata", field_remove_metadata, "remove_metadata() -> Field without metadata"),
    QVPY_METHOD("__reduce_ex__", field_reduce_ex, "Pickles through the Arrow IPC stream format."),
    {"equals", (PyCFunction)(void (*)(void))field_equals, METH_VARARGS | METH_KEYWORDS,
     "equals(other, check_metadata=False) -> bool"},
    {"__arrow_c_schema__", field_arrow_c_schema, METH_NOARGS,
     "Exports the field as an ArrowSchema PyCapsule (\"arrow_schema\")."},
    {NULL},
};
PyTypeObject QvField_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver.Field",
    .tp_basicsize = sizeof(QvFieldObject),
    .tp_dealloc = (destructor)field_dealloc,
    .tp_repr = (reprfunc)field_repr,
    .tp_str = (reprfunc)field_str,
    .tp_hash = (hashfunc)field_hash,
    .tp_richcompare = field_richcompare,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A named, typed column description (immutable). Create with quiver.field(name, type).",
    .tp_methods = field_methods,
    .tp_getset = field_getset,
};

/* ======================= Schema ======================= */

static void schema_dealloc(QvSchemaObject *self) {
  qv_schema_release(self->schema);
  Py_TYPE(self)->tp_free((PyObject *)self);
}
static PyObject *schema_str(QvSchemaObject *self) { return text_of(self->schema, schema_text); }
static PyObject *schema_repr(QvSchemaObject *self) {
  PyObject *s = schema_str(self);
  if (s == NULL) return NULL;
  PyObject *r = PyUnicode_FromFormat("quiver.Schema\n%U", s);
  Py_DECREF(s);
  return r;
}
static PyObject *schema_richcompare(PyObject *a, PyObject *b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !PyObject_TypeCheck(a, &QvSchema_Type) ||
      !PyObject_TypeCheck(b, &QvSchema_Type))
    Py_RETURN_NOTIMPLEMENTED;
  bool eq = qv_schema_equals(((QvSchemaObject *)a)->schema, ((QvSchemaObject *)b)->schema, false);
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}
static const qv_schema *sc(PyObject *self) { return ((QvSchemaObject *)self)->schema; }
static Py_ssize_t schema_len(PyObject *self) { return sc(self)->n_fields; }

/* Field index from an int or a name; -1 with an exception. */
int qvpy_schema_index(const qv_schema *s, PyObject *key) {
  if (PyUnicode_Check(key)) {
    const char *name = PyUnicode_AsUTF8(key);
    if (name == NULL) return -1;
    int32_t i = qv_schema_field_index(s, name);
    if (i < 0) PyErr_Format(QvExc_ArrowKeyError, "no field named '%s' (schema has %d fields)", name, (int)s->n_fields);
    return i;
  }
  Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
  if (i == -1 && PyErr_Occurred()) {
    if (PyErr_ExceptionMatches(PyExc_TypeError)) {
      PyErr_Clear();
      PyErr_Format(PyExc_TypeError, "expected a field name or index, not %.100s", Py_TYPE(key)->tp_name);
    }
    return -1;
  }
  if (i < 0) i += s->n_fields;
  if (i < 0 || i >= s->n_fields) {
    PyErr_Format(QvExc_ArrowIndexError, "field index out of range (%d fields)", (int)s->n_fields);
    return -1;
  }
  return (int)i;
}

static PyObject *schema_field(PyObject *self, PyObject *key) {
  int i = qvpy_schema_index(sc(self), key);
  if (i < 0) return NULL;
  return wrap_field_ref(sc(self)->fields[i]);
}
static PyObject *schema_item(PyObject *self, Py_ssize_t i) {
  if (i < 0 || i >= sc(self)->n_fields) {
    PyErr_SetString(PyExc_IndexError, "schema field index out of range");
    return NULL;
  }
  return wrap_field_ref(sc(self)->fields[i]);
}
static PyObject *schema_get_field_index(PyObject *self, PyObject *name) {
  const char *n = PyUnicode_AsUTF8(name);
  if (n == NULL) return NULL;
  /* as pyarrow: -1 when the name is absent or names more than one field */
  long found = -1;
  for (int32_t i = 0; i < sc(self)->n_fields; i++) {
    if (strcmp(sc(self)->fields[i]->name, n) != 0) continue;
    if (found >= 0) return PyLong_FromLong(-1);
    found = i;
  }
  return PyLong_FromLong(found);
}
static PyObject *schema_names(PyObject *self, void *c) {
  PyObject *l = PyList_New(sc(self)->n_fields);
  for (int32_t i = 0; l != NULL && i < sc(self)->n_fields; i++) {
    PyObject *n = PyUnicode_FromString(sc(self)->fields[i]->name);
    if (n == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, i, n);
  }
  return l;
}
static PyObject *schema_types(PyObject *self, void *c) {
  PyObject *l = PyList_New(sc(self)->n_fields);
  for (int32_t i = 0; l != NULL && i < sc(self)->n_fields; i++) {
    PyObject *t = wrap_type_ref(sc(self)->fields[i]->type);
    if (t == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SET_ITEM(l, i, t);
  }
  return l;
}
static PyObject *schema_metadata(PyObject *self, void *c) { return qvpy_metadata_to_dict(sc(self)->metadata); }
static PyObject *schema_equals(PyObject *self, PyObject *args, PyObject *kw) {
  static char *kwlist[] = {"other", "check_metadata", NULL};
  PyObject *other;
  int check = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p:equals", kwlist, &other, &check)) return NULL;
  qv_schema *o = qvpy_as_schema(other, "other");
  if (o == NULL) return NULL;
  return PyBool_FromLong(qv_schema_equals(sc(self), o, check));
}
static PyObject *schema_arrow_c_schema(PyObject *self, PyObject *unused) {
  return qvpy_schema_capsule_from_schema(sc(self));
}

static PySequenceMethods schema_as_sequence = {
    .sq_length = schema_len,
    .sq_item = schema_item,
};
static PyMappingMethods schema_as_mapping = {
    .mp_length = schema_len,
    .mp_subscript = schema_field,
};
static PyObject *schema_pandas_metadata(PyObject *self, void *c) {
  return qvpy_delegate("schema_pandas_metadata", self, NULL, NULL);
}
static PyGetSetDef schema_getset[] = {
    {"names", schema_names, NULL, "Field names (list of str).", NULL},
    {"types", schema_types, NULL, "Field types (list of DataType).", NULL},
    {"metadata", schema_metadata, NULL, "Schema metadata as a dict of bytes, or None.", NULL},
    {"pandas_metadata", schema_pandas_metadata, NULL, "The 'pandas' schema metadata as a dict, or None.", NULL},
    {NULL},
};
QVPY_DELEGATE(schema_reduce_ex, "reduce_ex")
QVPY_DELEGATE(schema_to_string, "schema_to_string")
/* editing, as pyarrow (quiver/_metadata.py): each returns a new Schema */
QVPY_DELEGATE(schema_with_metadata, "schema_with_metadata")
QVPY_DELEGATE(schema_remove_metadata, "schema_remove_metadata")
QVPY_DELEGATE(schema_append, "schema_append")
QVPY_DELEGATE(schema_insert, "schema_insert")
QVPY_DELEGATE(schema_remove, "schema_remove")
QVPY_DELEGATE(schema_set, "schema_set")
QVPY_DELEGATE(schema_get_all_field_indices, "schema_get_all_field_indices")
QVPY_DELEGATE(schema_empty_table, "schema_empty_table")
static PyMethodDef schema_methods[] = {
    QVPY_METHOD("with_metadata", schema_with_metadata, "with_metadata(metadata) -> Schema"),
    QVPY_METHOD("remove_metadata", schema_remove_metadata, "remove_metadata() -> Schema without schema metadata"),
    QVPY_METHOD("append", schema_append, "append(field) -> Schema"),
    QVPY_METHOD("insert", schema_insert, "insert(i, field) -> Schema"),
    QVPY_METHOD("remove", schema_remove, "remove(i) -> Schema"),
    QVPY_METHOD("set", schema_set, "set(i, field) -> Schema"),
    QVPY_METHOD("get_all_field_indices", schema_get_all_field_indices, "get_all_field_indices(name) -> list of int"),
    QVPY_METHOD("empty_table", schema_empty_table, "empty_table() -> Table of no rows"),
    QVPY_METHOD("to_string", schema_to_string, "to_string(show_field_metadata=True, show_schema_metadata=True, truncate_metadata=True) -> str, as pyarrow"),
    QVPY_METHOD("__reduce_ex__", schema_reduce_ex, "Pickles through the Arrow IPC stream format."),
    {"field", schema_field, METH_O, "field(i or name) -> Field"},
    {"get_field_index", schema_get_field_index, METH_O, "Index of the field named `name`; -1 if none or several have that name (as pyarrow)."},
    {"equals", (PyCFunction)(void (*)(void))schema_equals, METH_VARARGS | METH_KEYWORDS,
     "equals(other, check_metadata=False) -> bool"},
    {"__arrow_c_schema__", schema_arrow_c_schema, METH_NOARGS,
     "Exports the schema as an ArrowSchema PyCapsule (\"arrow_schema\", a struct of the fields)."},
    {NULL},
};
PyTypeObject QvSchema_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver.Schema",
    .tp_basicsize = sizeof(QvSchemaObject),
    .tp_dealloc = (destructor)schema_dealloc,
    .tp_repr = (reprfunc)schema_repr,
    .tp_str = (reprfunc)schema_str,
    .tp_as_sequence = &schema_as_sequence,
    .tp_as_mapping = &schema_as_mapping,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_richcompare = schema_richcompare,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An ordered list of fields plus metadata (immutable). Create with quiver.schema(fields).",
    .tp_methods = schema_methods,
    .tp_getset = schema_getset,
};

