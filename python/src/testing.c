/* quiver Python binding: private testing hooks (not part of the API).
 *
 * A minimal C Data producer whose release callbacks count how often they
 * run, so the interop tests can prove the release contract: a producer's
 * release runs exactly once, however the data is sliced, re-exported and
 * garbage-collected on the quiver side. It produces
 *   _testing_counting_array(n)   -> (schema capsule, array capsule) of an
 *                                   int32 array 0..n-1 (no nulls);
 *   _testing_counting_stream(k, n) -> stream capsule of k record batches
 *                                   {x: int32} of n rows each;
 *   _testing_release_counts()    -> {"schema": s, "array": a, "stream": t}
 *                                   (cumulative; compare differences).
 * Counters are atomic: a release may run on a consumer's worker thread.
 */
#include "qvpy.h"

#include <stdlib.h>
#include <string.h>

static int64_t schema_releases, array_releases, stream_releases;

static void bump(int64_t *counter) { __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST); }

/* ---- schemas: "i" (int32) or "+s" {x: int32} ---- */

typedef struct {
  struct ArrowSchema child;
  struct ArrowSchema *children[1];
} schema_private;

static void release_child_schema(struct ArrowSchema *s) { s->release = NULL; }

static void release_schema(struct ArrowSchema *s) {
  schema_private *p = s->private_data;
  if (p != NULL && p->child.release != NULL) p->child.release(&p->child);
  free(p);
  s->release = NULL;
  bump(&schema_releases);
}

static int make_schema(struct ArrowSchema *s, bool as_struct) {
  memset(s, 0, sizeof *s);
  s->flags = ARROW_FLAG_NULLABLE;
  s->release = release_schema;
  if (!as_struct) {
    s->format = "i";
    s->name = "";
    return 0;
  }
  schema_private *p = calloc(1, sizeof *p);
  if (p == NULL) return -1;
  p->child.format = "i";
  p->child.name = "x";
  p->child.flags = ARROW_FLAG_NULLABLE;
  p->child.release = release_child_schema;
  p->children[0] = &p->child;
  s->format = "+s";
  s->name = "";
  s->flags = 0;
  s->n_children = 1;
  s->children = p->children;
  s->private_data = p;
  return 0;
}

/* ---- arrays: int32 values, optionally wrapped in a struct ---- */

typedef struct {
  int32_t *values;
  const void *buffers[2];
  const void *struct_buffers[1];
  struct ArrowArray child;
  struct ArrowArray *children[1];
} array_private;

static void release_child_array(struct ArrowArray *a) { a->release = NULL; }

static void release_array(struct ArrowArray *a) {
  array_private *p = a->private_data;
  if (p->child.release != NULL) p->child.release(&p->child);
  free(p->values);
  free(p);
  a->release = NULL;
  bump(&array_releases);
}

static int make_array(struct ArrowArray *a, int64_t n, int32_t first, bool as_struct) {
  memset(a, 0, sizeof *a);
  array_private *p = calloc(1, sizeof *p);
  if (p == NULL) return -1;
  p->values = malloc(sizeof(int32_t) * (size_t)(n > 0 ? n : 1));
  if (p->values == NULL) {
    free(p);
    return -1;
  }
  for (int64_t i = 0; i < n; i++) p->values[i] = first + (int32_t)i;
  p->buffers[0] = NULL;
  p->buffers[1] = p->values;
  struct ArrowArray *leaf = as_struct ? &p->child : a;
  leaf->length = n;
  leaf->null_count = 0;
  leaf->n_buffers = 2;
  leaf->buffers = p->buffers;
  if (as_struct) {
    p->child.release = release_child_array;
    p->children[0] = &p->child;
    p->struct_buffers[0] = NULL;
    a->length = n;
    a->n_buffers = 1;
    a->buffers = p->struct_buffers;
    a->n_children = 1;
    a->children = p->children;
  }
  a->private_data = p;
  a->release = release_array;
  return 0;
}

static void schema_capsule_free(PyObject *cap) {
  if (!PyCapsule_IsValid(cap, "arrow_schema")) return;
  struct ArrowSchema *s = PyCapsule_GetPointer(cap, "arrow_schema");
  if (s->release) s->release(s);
  free(s);
}
static void array_capsule_free(PyObject *cap) {
  if (!PyCapsule_IsValid(cap, "arrow_array")) return;
  struct ArrowArray *a = PyCapsule_GetPointer(cap, "arrow_array");
  if (a->release) a->release(a);
  free(a);
}

static PyObject *f_counting_array(PyObject *m, PyObject *args) {
  long long n = 10;
  if (!PyArg_ParseTuple(args, "|L", &n)) return NULL;
  if (n < 0 || n > INT32_MAX) return PyErr_Format(PyExc_ValueError, "n out of range");
  struct ArrowSchema *s = malloc(sizeof *s);
  struct ArrowArray *a = malloc(sizeof *a);
  if (s == NULL || a == NULL || make_schema(s, false) < 0) {
    free(s);
    free(a);
    return PyErr_NoMemory();
  }
  if (make_array(a, n, 0, false) < 0) {
    s->release(s);
    free(s);
    free(a);
    return PyErr_NoMemory();
  }
  PyObject *sc = PyCapsule_New(s, "arrow_schema", schema_capsule_free);
  if (sc == NULL) {
    s->release(s);
    free(s);
    a->release(a);
    free(a);
    return NULL;
  }
  PyObject *ac = PyCapsule_New(a, "arrow_array", array_capsule_free);
  if (ac == NULL) {
    Py_DECREF(sc);
    a->release(a);
    free(a);
    return NULL;
  }
  PyObject *r = PyTuple_Pack(2, sc, ac);
  Py_DECREF(sc);
  Py_DECREF(ac);
  return r;
}

/* ---- stream ---- */

typedef struct {
  int64_t batches_left;
  int64_t rows;
  int32_t next_value;
} stream_private;

static int stream_get_schema(struct ArrowArrayStream *st, struct ArrowSchema *out) {
  return make_schema(out, true) < 0 ? 12 /* ENOMEM */ : 0;
}
static int stream_get_next(struct ArrowArrayStream *st, struct ArrowArray *out) {
  stream_private *p = st->private_data;
  if (p->batches_left == 0) {
    memset(out, 0, sizeof *out); /* released: end of stream */
    return 0;
  }
  if (make_array(out, p->rows, p->next_value, true) < 0) return 12;
  p->batches_left--;
  p->next_value += (int32_t)p->rows;
  return 0;
}
static const char *stream_last_error(struct ArrowArrayStream *st) { return "counting stream: out of memory"; }
static void stream_release(struct ArrowArrayStream *st) {
  free(st->private_data);
  st->release = NULL;
  bump(&stream_releases);
}
static void stream_capsule_free(PyObject *cap) {
  if (!PyCapsule_IsValid(cap, "arrow_array_stream")) return;
  struct ArrowArrayStream *s = PyCapsule_GetPointer(cap, "arrow_array_stream");
  if (s->release) s->release(s);
  free(s);
}

static PyObject *f_counting_stream(PyObject *m, PyObject *args) {
  long long k = 3, n = 5;
  if (!PyArg_ParseTuple(args, "|LL", &k, &n)) return NULL;
  if (k < 0 || n < 0 || n > INT32_MAX) return PyErr_Format(PyExc_ValueError, "argument out of range");
  struct ArrowArrayStream *s = calloc(1, sizeof *s);
  stream_private *p = calloc(1, sizeof *p);
  if (s == NULL || p == NULL) {
    free(s);
    free(p);
    return PyErr_NoMemory();
  }
  p->batches_left = k;
  p->rows = n;
  s->get_schema = stream_get_schema;
  s->get_next = stream_get_next;
  s->get_last_error = stream_last_error;
  s->release = stream_release;
  s->private_data = p;
  PyObject *cap = PyCapsule_New(s, "arrow_array_stream", stream_capsule_free);
  if (cap == NULL) {
    s->release(s);
    free(s);
  }
  return cap;
}

static PyObject *f_release_counts(PyObject *m, PyObject *unused) {
  return Py_BuildValue("{s:L,s:L,s:L}", "schema", (long long)__atomic_load_n(&schema_releases, __ATOMIC_SEQ_CST),
                       "array", (long long)__atomic_load_n(&array_releases, __ATOMIC_SEQ_CST), "stream",
                       (long long)__atomic_load_n(&stream_releases, __ATOMIC_SEQ_CST));
}

PyMethodDef qvpy_testing_functions[] = {
    {"_testing_counting_array", f_counting_array, METH_VARARGS, NULL},
    {"_testing_counting_stream", f_counting_stream, METH_VARARGS, NULL},
    {"_testing_release_counts", f_release_counts, METH_NOARGS, NULL},
    {NULL},
};
