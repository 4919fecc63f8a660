/* quiver Python binding: the Arrow PyCapsule protocol, both directions.
 *
 * Export wraps libquiver's zero-copy C Data exports (cdata.h) in capsules
 * named "arrow_schema", "arrow_array" and "arrow_array_stream". The capsule
 * owns a malloc'd struct; its destructor calls the struct's release unless a
 * consumer already moved the data out (release == NULL), then frees it.
 *
 * Import calls an object's __arrow_c_array__ / __arrow_c_stream__ /
 * __arrow_c_schema__ and hands the capsule's struct to libquiver's import
 * functions, which take ownership (they mark the capsule's struct released,
 * so the capsule destructor only frees the shell). Data is never copied:
 * imported buffers keep the producer's memory alive until the last quiver
 * reference is gone, then the producer's release runs exactly once. Imported
 * data is not trusted: every imported array, batch and table is validated
 * structurally here, at once (buffer sizes, child lengths: cheap, O(1) per
 * array), because every C consumer behind the Python methods (printing,
 * comparison, the IPC writer, re-export) is memory-safe only on arrays that
 * passed structural validation; values are validated fully before Python
 * reads them (see array.c).
 *
 * Record-batch streams go through qv_stream_import. Streams of plain
 * arrays (a pyarrow ChunkedArray, a polars Series) are not record batches,
 * so for those this file drives the stream callbacks itself and imports each
 * chunk with qv_array_import. Stream callbacks run without the GIL (the
 * producer may be a multithreaded engine such as duckdb).
 */
#include "qvpy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- export ---- */

/* The struct of a dying capsule, or NULL; never touches the error state
 * (a capsule may die while an exception is pending). */
static void *capsule_pointer(PyObject *cap) {
  const char *name = PyCapsule_GetName(cap);
  return PyCapsule_IsValid(cap, name) ? PyCapsule_GetPointer(cap, name) : NULL;
}

static void schema_capsule_free(PyObject *cap) {
  struct ArrowSchema *s = capsule_pointer(cap);
  if (s == NULL) return;
  if (s->release != NULL) QVPY_KEEP_ERROR(s->release(s));
  free(s);
}
static void array_capsule_free(PyObject *cap) {
  struct ArrowArray *a = capsule_pointer(cap);
  if (a == NULL) return;
  if (a->release != NULL) QVPY_KEEP_ERROR(a->release(a));
  free(a);
}
static void stream_capsule_free(PyObject *cap) {
  struct ArrowArrayStream *s = capsule_pointer(cap);
  if (s == NULL) return;
  if (s->release != NULL) QVPY_KEEP_ERROR(s->release(s));
  free(s);
}

typedef enum { KIND_TYPE, KIND_FIELD, KIND_SCHEMA } schema_kind;

static PyObject *schema_capsule(const void *obj, schema_kind kind) {
  struct ArrowSchema *s = calloc(1, sizeof *s);
  if (s == NULL) return PyErr_NoMemory();
  qv_error err;
  qv_status st = kind == KIND_TYPE    ? qv_type_export(obj, s, &err)
                 : kind == KIND_FIELD ? qv_field_export(obj, s, &err)
                                      : qv_schema_export(obj, s, &err);
  if (st != QV_OK) {
    free(s);
    return qvpy_raise(st, &err);
  }
  PyObject *cap = PyCapsule_New(s, "arrow_schema", schema_capsule_free);
  if (cap == NULL) {
    s->release(s);
    free(s);
  }
  return cap;
}

PyObject *qvpy_schema_capsule_from_type(const qv_type *type) { return schema_capsule(type, KIND_TYPE); }
PyObject *qvpy_schema_capsule_from_field(const qv_field *field) { return schema_capsule(field, KIND_FIELD); }
PyObject *qvpy_schema_capsule_from_schema(const qv_schema *schema) { return schema_capsule(schema, KIND_SCHEMA); }

static PyObject *array_capsule(void *obj, bool batch) {
  struct ArrowArray *a = calloc(1, sizeof *a);
  if (a == NULL) return PyErr_NoMemory();
  qv_error err;
  qv_status st = batch ? qv_batch_export(obj, a, &err) : qv_array_export(obj, a, &err);
  if (st != QV_OK) {
    free(a);
    return qvpy_raise(st, &err);
  }
  PyObject *cap = PyCapsule_New(a, "arrow_array", array_capsule_free);
  if (cap == NULL) {
    a->release(a);
    free(a);
  }
  return cap;
}

PyObject *qvpy_array_capsule(qv_array *array) { return array_capsule(array, false); }
PyObject *qvpy_batch_capsule(qv_batch *batch) { return array_capsule(batch, true); }

PyObject *qvpy_stream_capsule_from_table(qv_table *table) {
  struct ArrowArrayStream *s = calloc(1, sizeof *s);
  if (s == NULL) return PyErr_NoMemory();
  qv_error err;
  qv_status st = qv_table_export_stream(table, s, &err);
  if (st != QV_OK) {
    free(s);
    return qvpy_raise(st, &err);
  }
  PyObject *cap = PyCapsule_New(s, "arrow_array_stream", stream_capsule_free);
  if (cap == NULL) {
    s->release(s);
    free(s);
  }
  return cap;
}

PyObject *qvpy_stream_capsule_from_batch(qv_batch *batch) {
  qv_error err;
  qv_table *t = NULL;
  qv_status st = qv_table_new(batch->schema, &batch, 1, &t, &err);
  if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *cap = qvpy_stream_capsule_from_table(t);
  qv_table_release(t);
  return cap;
}

int qvpy_check_requested_schema(PyObject *requested) {
  /* Best effort per the PyCapsule protocol: quiver does not cast, so the
   * data is exported in its own type and the consumer checks it. */
  if (requested == Py_None || PyCapsule_IsValid(requested, "arrow_schema")) return 0;
  PyErr_Format(PyExc_TypeError, "requested_schema must be None or an 'arrow_schema' PyCapsule, not %.100s",
               Py_TYPE(requested)->tp_name);
  return -1;
}

/* ---- import ---- */

static void *expect_capsule(PyObject *cap, const char *name, const char *method) {
  if (!PyCapsule_IsValid(cap, name)) {
    PyErr_Format(PyExc_TypeError, "%s() must return a PyCapsule named '%s', got %.100s", method, name,
                 Py_TYPE(cap)->tp_name);
    return NULL;
  }
  return PyCapsule_GetPointer(cap, name);
}

/* Calls obj.method() or obj.method(requested) when requested is given. */
static PyObject *call_protocol(PyObject *obj, const char *method, PyObject *requested) {
  PyObject *fn = PyObject_GetAttrString(obj, method);
  if (fn == NULL) return NULL;
  PyObject *r = requested != NULL ? PyObject_CallOneArg(fn, requested) : PyObject_CallNoArgs(fn);
  Py_DECREF(fn);
  return r;
}

/* Calls __arrow_c_array__ and checks the (schema, array) pair. */
static PyObject *array_pair(PyObject *obj, PyObject *requested, struct ArrowSchema **schema,
                            struct ArrowArray **array) {
  PyObject *pair = call_protocol(obj, "__arrow_c_array__", requested);
  if (pair == NULL) return NULL;
  if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
    Py_DECREF(pair);
    return PyErr_Format(PyExc_TypeError, "__arrow_c_array__() must return a (schema, array) tuple of PyCapsules");
  }
  *schema = expect_capsule(PyTuple_GET_ITEM(pair, 0), "arrow_schema", "__arrow_c_array__");
  *array = *schema ? expect_capsule(PyTuple_GET_ITEM(pair, 1), "arrow_array", "__arrow_c_array__") : NULL;
  if (*array == NULL) {
    Py_DECREF(pair);
    return NULL;
  }
  return pair;
}

/* Wraps an imported array (taking it) once it passed structural
 * validation; ArrowInvalid naming the problem otherwise. */
static PyObject *wrap_imported_array(qv_array *a) {
  qv_error err;
  qv_status st = qv_array_validate(a, QV_VALIDATE_STRUCTURE, &err);
  if (st != QV_OK) {
    QVPY_KEEP_ERROR(qv_array_release(a));
    return qvpy_raise(st, &err);
  }
  PyObject *w = qvpy_wrap_array(a, false);
  if (w != NULL) ((QvArrayObject *)w)->structure_ok = true;
  return w;
}

static PyObject *import_array_pair(PyObject *obj, PyObject *requested) {
  struct ArrowSchema *cs;
  struct ArrowArray *ca;
  PyObject *pair = array_pair(obj, requested, &cs, &ca);
  if (pair == NULL) return NULL;
  qv_error err;
  qv_type *type = NULL;
  qv_array *out = NULL;
  qv_status st = qv_type_import(cs, &type, &err);
  if (st == QV_OK) st = qv_array_import(ca, type, &out, &err);
  qv_type_release(type);
  Py_DECREF(pair); /* releases whatever was not moved out */
  if (st != QV_OK) return qvpy_raise(st, &err);
  return wrap_imported_array(out);
}

/* Errno-style stream failure -> exception with the producer's message. */
static PyObject *stream_error(struct ArrowArrayStream *s, int code, const char *what) {
  const char *msg = s->get_last_error != NULL ? s->get_last_error(s) : NULL;
  PyObject *exc = code == ENOMEM ? QvExc_ArrowMemoryError
                  : code == ENOSYS || code == ENOTSUP ? QvExc_ArrowNotImplementedError
                  : code == EINVAL ? QvExc_ArrowInvalid
                                   : QvExc_ArrowIOError;
  return PyErr_Format(exc, "ArrowArrayStream %s failed (%s): %s", what, strerror(code), msg ? msg : "no message");
}

/* Imports a stream of plain arrays: returns (DataType, list of Array). */
static PyObject *import_array_stream(PyObject *cap) {
  struct ArrowArrayStream *src = expect_capsule(cap, "arrow_array_stream", "__arrow_c_stream__");
  if (src == NULL) return NULL;
  if (src->release == NULL) return PyErr_Format(QvExc_ArrowInvalid, "ArrowArrayStream is already released");
  struct ArrowArrayStream s = *src; /* move: the capsule now holds a released shell */
  src->release = NULL;
  PyObject *chunks = NULL, *result = NULL;
  qv_type *type = NULL;
  qv_error err;
  struct ArrowSchema schema;
  memset(&schema, 0, sizeof schema);
  int code;
  Py_BEGIN_ALLOW_THREADS code = s.get_schema(&s, &schema);
  Py_END_ALLOW_THREADS if (code != 0) {
    stream_error(&s, code, "get_schema");
    goto done;
  }
  qv_status st = qv_type_import(&schema, &type, &err);
  if (st != QV_OK) {
    qvpy_raise(st, &err);
    goto done;
  }
  if ((chunks = PyList_New(0)) == NULL) goto done;
  for (;;) {
    struct ArrowArray a;
    memset(&a, 0, sizeof a);
    Py_BEGIN_ALLOW_THREADS code = s.get_next(&s, &a);
    Py_END_ALLOW_THREADS if (code != 0) {
      stream_error(&s, code, "get_next");
      goto done;
    }
    if (a.release == NULL) break;
    qv_array *out = NULL;
    st = qv_array_import(&a, type, &out, &err);
    if (st != QV_OK) {
      qvpy_raise(st, &err);
      goto done;
    }
    PyObject *wrapped = wrap_imported_array(out);
    if (wrapped == NULL || PyList_Append(chunks, wrapped) < 0) {
      Py_XDECREF(wrapped);
      goto done;
    }
    Py_DECREF(wrapped);
  }
  PyObject *type_obj = qvpy_wrap_type(qv_type_retain(type));
  if (type_obj != NULL) {
    result = PyTuple_Pack(2, type_obj, chunks);
    Py_DECREF(type_obj);
  }
done:
  if (s.release != NULL) QVPY_KEEP_ERROR(s.release(&s));
  QVPY_KEEP_ERROR(Py_XDECREF(chunks));
  qv_type_release(type);
  return result;
}

static PyObject *import_table_stream(PyObject *cap) {
  struct ArrowArrayStream *src = expect_capsule(cap, "arrow_array_stream", "__arrow_c_stream__");
  if (src == NULL) return NULL;
  qv_error err;
  qv_stream_reader *reader = NULL;
  qv_status st = qv_stream_import(src, &reader, &err); /* takes ownership, marks src released */
  if (st != QV_OK) return qvpy_raise(st, &err);
  qv_batch **batches = NULL;
  int64_t n = 0, cap_n = 0;
  qv_table *table = NULL;
  for (;;) {
    qv_batch *b = NULL;
    Py_BEGIN_ALLOW_THREADS st = qv_stream_reader_next(reader, &b, &err);
    Py_END_ALLOW_THREADS if (st != QV_OK || b == NULL) break;
    if (n == cap_n) {
      int64_t nc = cap_n ? cap_n * 2 : 8;
      qv_batch **grown = realloc(batches, sizeof(qv_batch *) * (size_t)nc);
      if (grown == NULL) {
        qv_batch_release(b);
        st = qv_error_set(&err, QV_ERR_NO_MEMORY, "importing a stream: out of memory after %lld batches",
                          (long long)n);
        break;
      }
      batches = grown;
      cap_n = nc;
    }
    batches[n++] = b;
  }
  if (st == QV_OK) st = qv_table_new(qv_stream_reader_schema(reader), batches, n, &table, &err);
  for (int64_t i = 0; i < n; i++) qv_batch_release(batches[i]);
  free(batches);
  qv_stream_reader_release(reader);
  if (st == QV_OK && (st = qv_table_validate(table, QV_VALIDATE_STRUCTURE, &err)) != QV_OK)
    QVPY_KEEP_ERROR(qv_table_release(table));
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_table(table, false);
}

static bool has_attr(PyObject *obj, const char *name) {
  int r = PyObject_HasAttrString(obj, name);
  return r == 1;
}

/* The requested_schema capsule for `type_obj`, or NULL (no request). */
static PyObject *requested_for(PyObject *type_obj) {
  if (type_obj == NULL || type_obj == Py_None) return NULL;
  qv_type *t = qvpy_as_type(type_obj, "type");
  if (t == NULL) return NULL;
  return qvpy_schema_capsule_from_type(t);
}

PyObject *qvpy_import_array(PyObject *obj, PyObject *type_obj) {
  if (has_attr(obj, "__arrow_c_array__")) {
    PyObject *req = requested_for(type_obj);
    if (req == NULL && PyErr_Occurred()) return NULL;
    PyObject *r = import_array_pair(obj, req);
    Py_XDECREF(req);
    return r;
  }
  if (has_attr(obj, "__arrow_c_stream__")) {
    PyObject *req = requested_for(type_obj);
    if (req == NULL && PyErr_Occurred()) return NULL;
    PyObject *cap = call_protocol(obj, "__arrow_c_stream__", req);
    Py_XDECREF(req);
    if (cap == NULL) return NULL;
    PyObject *pair = import_array_stream(cap);
    Py_DECREF(cap);
    if (pair == NULL) return NULL;
    PyObject *chunks = PyTuple_GET_ITEM(pair, 1), *r = NULL;
    Py_ssize_t n = PyList_GET_SIZE(chunks);
    if (n == 1) {
      r = qvpy_newref(PyList_GET_ITEM(chunks, 0));
    } else if (n == 0) {
      qv_error err;
      qv_array *empty = NULL;
      qv_status st = qv_array_new_null(((QvDataTypeObject *)PyTuple_GET_ITEM(pair, 0))->type, 0, &empty, &err);
      r = st != QV_OK ? qvpy_raise(st, &err) : qvpy_wrap_array(empty, true);
    } else {
      PyErr_Format(QvExc_ArrowInvalid,
                   "the stream has %zd chunks; quiver.array needs one (use quiver.chunked_array)", n);
    }
    Py_DECREF(pair);
    return r;
  }
  return PyErr_Format(PyExc_TypeError, "%.100s has neither __arrow_c_array__ nor __arrow_c_stream__",
                      Py_TYPE(obj)->tp_name);
}

PyObject *qvpy_import_batch(PyObject *obj) {
  if (has_attr(obj, "__arrow_c_array__")) {
    struct ArrowSchema *cs;
    struct ArrowArray *ca;
    PyObject *pair = array_pair(obj, NULL, &cs, &ca);
    if (pair == NULL) return NULL;
    qv_error err;
    qv_schema *schema = NULL;
    qv_batch *out = NULL;
    qv_status st = qv_schema_import(cs, &schema, &err);
    if (st == QV_OK) st = qv_batch_import(ca, schema, &out, &err);
    qv_schema_release(schema);
    Py_DECREF(pair);
    if (st == QV_OK && (st = qv_batch_validate(out, QV_VALIDATE_STRUCTURE, &err)) != QV_OK)
      QVPY_KEEP_ERROR(qv_batch_release(out));
    if (st != QV_OK) return qvpy_raise(st, &err);
    return qvpy_wrap_batch(out, false);
  }
  if (has_attr(obj, "__arrow_c_stream__")) {
    PyObject *table = qvpy_import_table(obj);
    if (table == NULL) return NULL;
    qv_table *t = ((QvTableObject *)table)->table;
    PyObject *r = NULL;
    if (t->n_batches == 1) {
      r = qvpy_wrap_batch(qv_batch_retain(t->batches[0]), false);
    } else if (t->n_batches == 0) {
      /* an empty batch of the stream's schema */
      qv_error err;
      qv_status st = QV_OK;
      int32_t n = t->schema->n_fields;
      qv_array **cols = PyMem_Calloc((size_t)(n > 0 ? n : 1), sizeof(qv_array *));
      if (cols == NULL) st = qv_error_set(&err, QV_ERR_NO_MEMORY, "out of memory");
      for (int32_t i = 0; st == QV_OK && i < n; i++) st = qv_array_new_null(t->schema->fields[i]->type, 0, &cols[i], &err);
      qv_batch *b = NULL;
      if (st == QV_OK) st = qv_batch_new(t->schema, 0, cols, NULL, &b, &err);
      for (int32_t i = 0; cols != NULL && i < n; i++) qv_array_release(cols[i]);
      PyMem_Free(cols);
      r = st != QV_OK ? qvpy_raise(st, &err) : qvpy_wrap_batch(b, true);
    } else {
      PyErr_Format(QvExc_ArrowInvalid, "the stream has %lld batches; use quiver.table() for more than one",
                   (long long)t->n_batches);
    }
    Py_DECREF(table);
    return r;
  }
  return PyErr_Format(PyExc_TypeError, "%.100s has neither __arrow_c_array__ nor __arrow_c_stream__",
                      Py_TYPE(obj)->tp_name);
}

PyObject *qvpy_import_table(PyObject *obj) {
  if (has_attr(obj, "__arrow_c_stream__")) {
    PyObject *cap = call_protocol(obj, "__arrow_c_stream__", NULL);
    if (cap == NULL) return NULL;
    PyObject *r = import_table_stream(cap);
    Py_DECREF(cap);
    return r;
  }
  if (has_attr(obj, "__arrow_c_array__")) {
    PyObject *batch = qvpy_import_batch(obj);
    if (batch == NULL) return NULL;
    qv_batch *b = ((QvBatchObject *)batch)->batch;
    qv_error err;
    qv_table *t = NULL;
    qv_status st = qv_table_new(b->schema, &b, 1, &t, &err);
    Py_DECREF(batch);
    if (st != QV_OK) return qvpy_raise(st, &err);
    return qvpy_wrap_table(t, false);
  }
  return PyErr_Format(PyExc_TypeError, "%.100s has neither __arrow_c_stream__ nor __arrow_c_array__",
                      Py_TYPE(obj)->tp_name);
}

/* kind: "type", "field" or "schema". */
static PyObject *import_schema_as(PyObject *obj, const char *kind) {
  PyObject *cap = call_protocol(obj, "__arrow_c_schema__", NULL);
  if (cap == NULL) return NULL;
  struct ArrowSchema *s = expect_capsule(cap, "arrow_schema", "__arrow_c_schema__");
  if (s == NULL) {
    Py_DECREF(cap);
    return NULL;
  }
  qv_error err;
  qv_status st;
  PyObject *r = NULL;
  if (strcmp(kind, "type") == 0) {
    qv_type *t = NULL;
    st = qv_type_import(s, &t, &err);
    if (st == QV_OK) r = qvpy_wrap_type(t);
  } else if (strcmp(kind, "field") == 0) {
    qv_field *f = NULL;
    st = qv_field_import(s, &f, &err);
    if (st == QV_OK) r = qvpy_wrap_field(f);
  } else {
    qv_schema *sc = NULL;
    st = qv_schema_import(s, &sc, &err);
    if (st == QV_OK) r = qvpy_wrap_schema(sc);
  }
  Py_DECREF(cap);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return r;
}

PyObject *qvpy_import_schema(PyObject *obj) { return import_schema_as(obj, "schema"); }

/* ---- module functions ---- */

static PyObject *f_import_array(PyObject *m, PyObject *args) {
  PyObject *obj, *type_obj = Py_None;
  if (!PyArg_ParseTuple(args, "O|O", &obj, &type_obj)) return NULL;
  PyObject *r = qvpy_import_array(obj, type_obj);
  if (r == NULL || type_obj == Py_None) return r;
  qv_type *want = qvpy_as_type(type_obj, "type");
  if (want != NULL && !qv_type_equals(((QvArrayObject *)r)->array->type, want, false)) {
    char got_s[256], want_s[256];
    qv_type_format(((QvArrayObject *)r)->array->type, got_s, sizeof got_s);
    qv_type_format(want, want_s, sizeof want_s);
    Py_DECREF(r);
    return PyErr_Format(QvExc_ArrowTypeError, "the producer returned %s, not the requested %s (quiver does not cast)",
                        got_s, want_s);
  }
  return r;
}

static PyObject *f_import_chunked(PyObject *m, PyObject *obj) {
  if (has_attr(obj, "__arrow_c_stream__")) {
    PyObject *cap = call_protocol(obj, "__arrow_c_stream__", NULL);
    if (cap == NULL) return NULL;
    PyObject *r = import_array_stream(cap);
    Py_DECREF(cap);
    return r;
  }
  PyObject *a = qvpy_import_array(obj, NULL);
  if (a == NULL) return NULL;
  PyObject *t = qvpy_wrap_type(qv_type_retain(((QvArrayObject *)a)->array->type));
  PyObject *r = t ? Py_BuildValue("(O[O])", t, a) : NULL;
  Py_XDECREF(t);
  Py_DECREF(a);
  return r;
}

static PyObject *f_import_batch(PyObject *m, PyObject *obj) { return qvpy_import_batch(obj); }
static PyObject *f_import_table(PyObject *m, PyObject *obj) { return qvpy_import_table(obj); }
static PyObject *f_import_type(PyObject *m, PyObject *obj) { return import_schema_as(obj, "type"); }
static PyObject *f_import_field(PyObject *m, PyObject *obj) { return import_schema_as(obj, "field"); }
static PyObject *f_import_schema(PyObject *m, PyObject *obj) { return import_schema_as(obj, "schema"); }

PyMethodDef qvpy_capsule_functions[] = {
    {"_import_array", f_import_array, METH_VARARGS, NULL},
    {"_import_chunked", f_import_chunked, METH_O, NULL},
    {"_import_batch", f_import_batch, METH_O, NULL},
    {"_import_table", f_import_table, METH_O, NULL},
    {"_import_type", f_import_type, METH_O, NULL},
    {"_import_field", f_import_field, METH_O, NULL},
    {"_import_schema", f_import_schema, METH_O, NULL},
    {NULL},
};
