/* quiver Python binding: the C base of quiver.Scalar and the scalar iterator.
 *
 * `array[i]` and iteration build one Scalar per slot, so building it must
 * not pass through Python code: the pyarrow-shaped classes
 * (quiver/_scalars.py: Int64Scalar, StringScalar, ...) derive from
 * _ScalarBase, whose instance layout (array, slot index, cached value) is
 * here, and qvpy_scalar_of allocates an instance of the class that matches
 * the array's type directly. The classes are looked up once, by type id name,
 * in _scalars._CLASS_BY_ID; extension types (whose class depends on the
 * extension name) go through _scalars._wrap. as_py converts the slot with
 * the same C converter as to_pylist (to_py.c) and caches the result.
 */
#include "qvpy.h"

#include <structmember.h>

typedef struct {
  PyObject_HEAD
  PyObject *array; /* the quiver.Array holding the slot (owned) */
  Py_ssize_t index; /* 0 <= index < array length */
  PyObject *value; /* as_py() once computed, else NULL (owned) */
} QvScalarObject;

static PyObject *scalars_module;                  /* quiver._scalars, imported on first use */
static PyObject *class_by_id[QV_TYPE_ID_COUNT];   /* borrowed from _CLASS_BY_ID (the module keeps it) */
static bool classes_ready;

static int ensure_scalars_module(void) {
  if (scalars_module == NULL && (scalars_module = PyImport_ImportModule("quiver._scalars")) == NULL) return -1;
  return 0;
}

/* Fills class_by_id from _scalars._CLASS_BY_ID; ids it lacks stay NULL (the Python path). */
static int ensure_classes(void) {
  if (classes_ready) return 0;
  if (ensure_scalars_module() < 0) return -1;
  PyObject *table = PyObject_GetAttrString(scalars_module, "_CLASS_BY_ID");
  if (table == NULL) return -1;
  if (!PyDict_Check(table)) {
    Py_DECREF(table);
    PyErr_SetString(PyExc_TypeError, "quiver._scalars._CLASS_BY_ID is not a dict");
    return -1;
  }
  for (int id = 0; id < QV_TYPE_ID_COUNT; id++) {
    if (id == QV_TYPE_EXTENSION) continue;
    PyObject *cls = PyDict_GetItemString(table, qv_type_id_name((qv_type_id)id));
    if (cls != NULL && PyType_Check(cls) && PyType_IsSubtype((PyTypeObject *)cls, &QvScalarBase_Type))
      class_by_id[id] = qvpy_newref(cls); /* kept for the life of the process */
  }
  Py_DECREF(table);
  classes_ready = true;
  return 0;
}

static PyObject *scalar_alloc(PyTypeObject *cls, PyObject *array, Py_ssize_t index) {
  QvScalarObject *s = (QvScalarObject *)cls->tp_alloc(cls, 0);
  if (s == NULL) return NULL;
  s->array = qvpy_newref(array);
  s->index = index;
  s->value = NULL;
  return (PyObject *)s;
}

PyObject *qvpy_scalar_of(PyObject *array, Py_ssize_t index) {
  if (ensure_classes() < 0) return NULL;
  qv_type_id id = ((QvArrayObject *)array)->array->type->id;
  PyObject *cls = (unsigned)id < QV_TYPE_ID_COUNT ? class_by_id[id] : NULL;
  if (cls != NULL) return scalar_alloc((PyTypeObject *)cls, array, index);
  return PyObject_CallMethod(scalars_module, "_wrap", "On", array, index);
}

/* ---- _ScalarBase ---- */

static PyObject *scalar_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
  return PyErr_Format(PyExc_TypeError,
                      "Do not call %s's constructor directly, use quiver.scalar() or array[i] instead.",
                      type->tp_name);
}

static void scalar_dealloc(QvScalarObject *self) {
  Py_XDECREF(self->array);
  Py_XDECREF(self->value);
  Py_TYPE(self)->tp_free((PyObject *)self);
}

/* The fully validated array of the scalar's slot, or NULL with an exception.
 * Every constructor sets an Array and an index in range (tp_new refuses to
 * build an empty scalar); the checks keep that a guarantee, not a hope. */
static QvArrayObject *slot_array(QvScalarObject *self) {
  QvArrayObject *a = (QvArrayObject *)self->array;
  if (a == NULL || !PyObject_TypeCheck(self->array, &QvArray_Type)) {
    PyErr_SetString(PyExc_TypeError, "scalar has no array (build scalars with array[i] or quiver.scalar())");
    return NULL;
  }
  if (self->index < 0 || self->index >= a->array->length) {
    PyErr_Format(PyExc_IndexError, "scalar slot %zd out of range for an array of length %lld", self->index,
                 (long long)a->array->length);
    return NULL;
  }
  return qvpy_array_ensure_valid(a) < 0 ? NULL : a;
}

/* The converted value of the slot (a new reference). */
static PyObject *scalar_value(QvScalarObject *self) {
  if (self->value == NULL) {
    QvArrayObject *a = slot_array(self);
    if (a == NULL) return NULL;
    self->value = qvpy_value(a->array, self->index);
    if (self->value == NULL) return NULL;
  }
  return qvpy_newref(self->value);
}

/* as_py(*, maps_as_pydicts=None): the cached value, or (with maps_as_pydicts)
 * the slot's to_pylist(maps_as_pydicts=...)[0]. */
static PyObject *scalar_as_py(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
  if (nargs == 0 && kwnames == NULL) return scalar_value((QvScalarObject *)self);
  PyObject *mode = Py_None;
  if (nargs != 0)
    return PyErr_Format(PyExc_TypeError, "as_py() takes exactly 0 positional arguments (%zd given)", nargs);
  Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
  for (Py_ssize_t k = 0; k < nkw; k++) {
    PyObject *name = PyTuple_GET_ITEM(kwnames, k);
    if (!PyUnicode_Check(name) || PyUnicode_CompareWithASCIIString(name, "maps_as_pydicts") != 0)
      return PyErr_Format(PyExc_TypeError, "as_py() got an unexpected keyword argument '%S'", name);
    mode = args[k];
  }
  if (mode == Py_None) return scalar_value((QvScalarObject *)self);
  PyObject *slot = PyObject_CallMethod(self, "_slot", NULL);
  if (slot == NULL) return NULL;
  PyObject *method = PyObject_GetAttrString(slot, "to_pylist");
  Py_DECREF(slot);
  if (method == NULL) return NULL;
  PyObject *empty = PyTuple_New(0);
  PyObject *kw = empty != NULL ? Py_BuildValue("{sO}", "maps_as_pydicts", mode) : NULL;
  PyObject *values = kw != NULL ? PyObject_Call(method, empty, kw) : NULL;
  Py_XDECREF(kw);
  Py_XDECREF(empty);
  Py_DECREF(method);
  if (values == NULL) return NULL;
  PyObject *first = PySequence_GetItem(values, 0);
  Py_DECREF(values);
  return first;
}

static PyMethodDef scalar_methods[] = {
    {"as_py", (PyCFunction)(void (*)(void))scalar_as_py, METH_FASTCALL | METH_KEYWORDS,
     "as_py(*, maps_as_pydicts=None) -> the slot's Python value (array.to_pylist()[i])."},
    {NULL},
};

/* is_valid: the slot's logical validity (the classes of unions and run-end encoded arrays override it). */
static PyObject *scalar_is_valid(PyObject *self, void *unused) {
  QvArrayObject *a = slot_array((QvScalarObject *)self);
  return a != NULL ? PyBool_FromLong(qv_array_is_valid_any(a->array, ((QvScalarObject *)self)->index)) : NULL;
}

static PyObject *scalar_type(PyObject *self, void *unused) {
  PyObject *a = ((QvScalarObject *)self)->array;
  if (a == NULL) return PyErr_Format(PyExc_TypeError, "scalar has no array");
  return PyObject_GetAttrString(a, "type");
}

static PyGetSetDef scalar_getset[] = {
    {"is_valid", scalar_is_valid, NULL, "False when the slot is null.", NULL},
    {"type", scalar_type, NULL, "The DataType of the slot.", NULL},
    {NULL},
};

static PyMemberDef scalar_members[] = {
    {"_array", T_OBJECT_EX, offsetof(QvScalarObject, array), READONLY, "the Array holding the slot"},
    {"_index", T_PYSSIZET, offsetof(QvScalarObject, index), READONLY, "the slot's index in _array"},
    {NULL},
};

PyTypeObject QvScalarBase_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver._quiver._ScalarBase",
    .tp_basicsize = sizeof(QvScalarObject),
    .tp_dealloc = (destructor)scalar_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "C layout of quiver.Scalar (array, slot index, cached value); use quiver.Scalar.",
    .tp_new = scalar_new,
    .tp_methods = scalar_methods,
    .tp_members = scalar_members,
    .tp_getset = scalar_getset,
};

/* _new_scalar(cls, array, index) -> an instance of the Scalar class `cls` for slot `index`. */
static PyObject *f_new_scalar(PyObject *m, PyObject *args) {
  PyTypeObject *cls;
  PyObject *array;
  Py_ssize_t index;
  if (!PyArg_ParseTuple(args, "O!O!n:_new_scalar", &PyType_Type, &cls, &QvArray_Type, &array, &index)) return NULL;
  if (!PyType_IsSubtype(cls, &QvScalarBase_Type))
    return PyErr_Format(PyExc_TypeError, "%s is not a quiver.Scalar class", cls->tp_name);
  if (index < 0 || index >= ((QvArrayObject *)array)->array->length)
    return PyErr_Format(PyExc_IndexError, "index %zd out of range for an array of length %lld", index,
                        (long long)((QvArrayObject *)array)->array->length);
  return scalar_alloc(cls, array, index);
}

/* _scalar(array, index) -> the Scalar of slot `index` (the class follows the type). */
static PyObject *f_scalar(PyObject *m, PyObject *args) {
  PyObject *array;
  Py_ssize_t index;
  if (!PyArg_ParseTuple(args, "O!n:_scalar", &QvArray_Type, &array, &index)) return NULL;
  if (index < 0 || index >= ((QvArrayObject *)array)->array->length)
    return PyErr_Format(PyExc_IndexError, "index %zd out of range for an array of length %lld", index,
                        (long long)((QvArrayObject *)array)->array->length);
  return qvpy_scalar_of(array, index);
}

PyMethodDef qvpy_scalar_object_functions[] = {
    {"_new_scalar", f_new_scalar, METH_VARARGS, NULL},
    {"_scalar", f_scalar, METH_VARARGS, NULL},
    {NULL},
};

/* ---- the iterator over the slots of a tuple of Arrays ---- */

typedef struct {
  PyObject_HEAD
  PyObject *chunks; /* tuple of fully validated quiver.Array (owned) */
  Py_ssize_t chunk; /* current chunk */
  Py_ssize_t slot;  /* next slot in it */
} QvScalarIterObject;

static void scalar_iter_dealloc(QvScalarIterObject *self) {
  Py_XDECREF(self->chunks);
  PyObject_Free(self);
}

static PyObject *scalar_iter_next(QvScalarIterObject *self) {
  while (self->chunk < PyTuple_GET_SIZE(self->chunks)) {
    PyObject *c = PyTuple_GET_ITEM(self->chunks, self->chunk);
    if (self->slot < ((QvArrayObject *)c)->array->length) return qvpy_scalar_of(c, self->slot++);
    self->chunk++;
    self->slot = 0;
  }
  return NULL; /* StopIteration */
}

PyTypeObject QvScalarIter_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "quiver._quiver._ScalarIterator",
    .tp_basicsize = sizeof(QvScalarIterObject),
    .tp_dealloc = (destructor)scalar_iter_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)scalar_iter_next,
};

PyObject *qvpy_scalar_iter(PyObject *chunks) {
  for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(chunks); k++)
    if (qvpy_array_ensure_valid((QvArrayObject *)PyTuple_GET_ITEM(chunks, k)) < 0) return NULL;
  QvScalarIterObject *it = PyObject_New(QvScalarIterObject, &QvScalarIter_Type);
  if (it == NULL) return NULL;
  it->chunks = qvpy_newref(chunks);
  it->chunk = 0;
  it->slot = 0;
  return (PyObject *)it;
}
