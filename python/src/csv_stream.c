/* quiver Python binding: the streaming CSV reader (qv_csv_reader), the C
 * half of quiver.csv.open_csv. A reader lives in a PyCapsule with what it
 * borrows: the options (csv_args.h), a bytes-like source's buffer view, or
 * a file object whose read() the reader calls for more bytes. The GIL is
 * released while the library parses; the read callback takes it back
 * (PyGILState_Ensure) for the file object's read(). __arrow_c_stream__
 * hands the reader to an ArrowArrayStream, so the consumer pulls batches
 * straight from the parser; the Python reader is then exhausted.
 */
#include "csv_args.h"

#include "quiver/cdata.h"

#define READER_CAPSULE "quiver.csv_reader"

typedef struct reader_box {
  qv_csv_reader *reader;
  qvpy_csv_args args;
  Py_buffer view; /* a bytes-like source (view.obj != NULL) */
  PyObject *file; /* a file object source (the read callback's context is the box) */
} reader_box;

/* What the capsule holds: the box until it is closed or handed to a
 * stream (which then owns it; the box never moves, since the reader's
 * read callback points at it). */
typedef struct reader_handle {
  reader_box *box;
  bool exported;
} reader_handle;

/* Frees the box; takes the GIL for the Python references (a stream's
 * consumer may release it from any thread). */
static void box_free(reader_box *b) {
  if (b == NULL) return;
  qv_csv_reader_free(b->reader);
  PyGILState_STATE g = PyGILState_Ensure();
  qvpy_csv_args_free(&b->args);
  if (b->view.obj != NULL) PyBuffer_Release(&b->view);
  Py_XDECREF(b->file);
  PyGILState_Release(g);
  PyMem_RawFree(b);
}

static void capsule_free(PyObject *cap) {
  reader_handle *h = PyCapsule_GetPointer(cap, READER_CAPSULE);
  if (h == NULL) {
    PyErr_Clear();
    return;
  }
  QVPY_KEEP_ERROR(box_free(h->box));
  PyMem_RawFree(h);
}

/* More bytes from the file object: readinto() when it has one (no copy),
 * else read(). A Python exception stays pending for the caller. */
static qv_status file_read(void *ctx, void *buf, size_t cap, size_t *got, qv_error *err) {
  reader_box *b = ctx;
  PyGILState_STATE g = PyGILState_Ensure();
  qv_status st = QV_OK;
  if (cap > (size_t)1 << 24) cap = (size_t)1 << 24;
  PyObject *r = NULL;
  if (PyObject_HasAttrString(b->file, "readinto")) {
    PyObject *mv = PyMemoryView_FromMemory(buf, (Py_ssize_t)cap, PyBUF_WRITE);
    r = mv ? PyObject_CallMethod(b->file, "readinto", "O", mv) : NULL;
    if (mv != NULL) {
      PyObject *released = PyObject_CallMethod(mv, "release", NULL);
      Py_XDECREF(released);
      Py_DECREF(mv);
    }
    if (r != NULL) {
      const Py_ssize_t n = r == Py_None ? 0 : PyLong_AsSsize_t(r);
      if (n < 0 || (size_t)n > cap) st = qv_error_set(err, QV_ERR_IO, "the file object's readinto() returned %zd", n);
      else *got = (size_t)n;
    }
  } else {
    r = PyObject_CallMethod(b->file, "read", "n", (Py_ssize_t)cap);
    if (r != NULL) {
      Py_buffer v;
      if (PyObject_GetBuffer(r, &v, PyBUF_SIMPLE) == 0) {
        if ((size_t)v.len > cap) {
          st = qv_error_set(err, QV_ERR_IO, "the file object's read(%zu) returned %zd bytes", cap, v.len);
        } else {
          memcpy(buf, v.buf, (size_t)v.len);
          *got = (size_t)v.len;
        }
        PyBuffer_Release(&v);
      } else {
        PyErr_Clear();
        st = qv_error_set(err, QV_ERR_IO, "the file object's read() must return bytes (open the file in binary mode)");
      }
    }
  }
  if (r == NULL) {
    /* Keep the Python exception's text in the error; the exception itself
     * is dropped (this may run without a Python caller on the stack). */
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *text = value ? PyObject_Str(value) : NULL;
    const char *msg = text ? PyUnicode_AsUTF8(text) : NULL;
    st = qv_error_set(err, QV_ERR_IO, "reading the CSV file object failed: %s", msg ? msg : "?");
    PyErr_Clear();
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
  }
  Py_XDECREF(r);
  PyGILState_Release(g);
  return st;
}

/* _csv_reader_open(source, kind, options) -> capsule. kind: "path" (bytes),
 * "fd" (int, kept open), "buffer" (bytes-like), "file" (an object with
 * read()). */
static PyObject *f_reader_open(PyObject *m, PyObject *args) {
  PyObject *source, *options;
  const char *kind;
  if (!PyArg_ParseTuple(args, "OsO!", &source, &kind, &PyTuple_Type, &options)) return NULL;
  reader_box *b = PyMem_RawCalloc(1, sizeof *b);
  if (b == NULL) return PyErr_NoMemory();
  if (qvpy_csv_args_parse(options, &b->args) < 0) {
    PyMem_RawFree(b);
    return NULL;
  }
  qv_error err;
  qv_status st = QV_OK;
  const qv_csv_read_options *o = &b->args.o;
  if (strcmp(kind, "path") == 0) {
    if (!PyBytes_Check(source)) {
      box_free(b);
      return PyErr_Format(PyExc_TypeError, "path must be bytes (os.fsencode)");
    }
    const char *path = PyBytes_AS_STRING(source);
    Py_BEGIN_ALLOW_THREADS st = qv_csv_reader_open_path(path, o, &b->reader, &err);
    Py_END_ALLOW_THREADS
  } else if (strcmp(kind, "fd") == 0) {
    const int fd = (int)PyLong_AsLong(source);
    if (fd < 0 && PyErr_Occurred()) {
      box_free(b);
      return NULL;
    }
    Py_BEGIN_ALLOW_THREADS st = qv_csv_reader_open_fd(fd, o, &b->reader, &err);
    Py_END_ALLOW_THREADS
  } else if (strcmp(kind, "buffer") == 0) {
    if (PyObject_GetBuffer(source, &b->view, PyBUF_SIMPLE) < 0) {
      box_free(b);
      return NULL;
    }
    Py_BEGIN_ALLOW_THREADS st = qv_csv_reader_open_memory(b->view.buf, (size_t)b->view.len, o, &b->reader, &err);
    Py_END_ALLOW_THREADS
  } else if (strcmp(kind, "file") == 0) {
    b->file = Py_NewRef(source);
    Py_BEGIN_ALLOW_THREADS st = qv_csv_reader_open_callback(file_read, b, o, &b->reader, &err);
    Py_END_ALLOW_THREADS
  } else {
    box_free(b);
    return PyErr_Format(PyExc_ValueError, "unknown CSV source kind '%s'", kind);
  }
  if (st != QV_OK) {
    box_free(b);
    return qvpy_raise(st, &err);
  }
  reader_handle *h = PyMem_RawCalloc(1, sizeof *h);
  if (h == NULL) {
    box_free(b);
    return PyErr_NoMemory();
  }
  h->box = b;
  PyObject *cap = PyCapsule_New(h, READER_CAPSULE, capsule_free);
  if (cap == NULL) {
    box_free(b);
    PyMem_RawFree(h);
  }
  return cap;
}

static reader_handle *handle_of(PyObject *cap) { return PyCapsule_GetPointer(cap, READER_CAPSULE); }

static reader_box *box_of(PyObject *cap) {
  reader_handle *h = handle_of(cap);
  if (h == NULL) return NULL;
  if (h->box == NULL) {
    PyErr_SetString(QvExc_ArrowInvalid,
                    h->exported ? "the CSV reader was handed to another library (__arrow_c_stream__)"
                                : "the CSV reader is closed");
    return NULL;
  }
  return h->box;
}

static PyObject *f_reader_schema(PyObject *m, PyObject *cap) {
  reader_box *b = box_of(cap);
  if (b == NULL) return NULL;
  return qvpy_wrap_schema(qv_schema_retain(qv_csv_reader_schema(b->reader)));
}

/* _csv_reader_next(cap) -> RecordBatch or None at the end */
static PyObject *f_reader_next(PyObject *m, PyObject *cap) {
  reader_box *b = box_of(cap);
  if (b == NULL) return NULL;
  qv_batch *batch = NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_csv_reader_next(b->reader, &batch, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_raise(st, &err);
  if (batch == NULL) Py_RETURN_NONE;
  return qvpy_wrap_batch(batch, true);
}

/* Frees the reader now (the capsule stays, closed). */
static PyObject *f_reader_close(PyObject *m, PyObject *cap) {
  reader_handle *h = handle_of(cap);
  if (h == NULL) return NULL;
  box_free(h->box);
  h->box = NULL;
  Py_RETURN_NONE;
}

static qv_status stream_next(void *ctx, qv_batch **out, qv_error *err) {
  reader_box *b = ctx;
  return qv_csv_reader_next(b->reader, out, err);
}

static void stream_release(void *ctx) { box_free(ctx); }

static void stream_capsule_free(PyObject *cap) {
  struct ArrowArrayStream *s = PyCapsule_GetPointer(cap, "arrow_array_stream");
  if (s == NULL) {
    PyErr_Clear();
    return;
  }
  if (s->release != NULL) QVPY_KEEP_ERROR(s->release(s));
  free(s);
}

/* _csv_reader_export(cap, requested_schema) -> "arrow_array_stream" capsule
 * that owns the reader (the capsule given is closed). */
static PyObject *f_reader_export(PyObject *m, PyObject *args) {
  PyObject *cap, *requested;
  if (!PyArg_ParseTuple(args, "OO", &cap, &requested)) return NULL;
  if (qvpy_check_requested_schema(requested) < 0) return NULL;
  reader_box *b = box_of(cap);
  if (b == NULL) return NULL;
  struct ArrowArrayStream *s = calloc(1, sizeof *s);
  if (s == NULL) return PyErr_NoMemory();
  qv_error err;
  qv_status st = qv_stream_export(qv_csv_reader_schema(b->reader), stream_next, stream_release, b, s, &err);
  if (st != QV_OK) {
    free(s);
    return qvpy_raise(st, &err);
  }
  reader_handle *h = handle_of(cap);
  h->box = NULL; /* the stream owns the box now */
  h->exported = true;
  PyObject *out = PyCapsule_New(s, "arrow_array_stream", stream_capsule_free);
  if (out == NULL) {
    s->release(s);
    free(s);
  }
  return out;
}

PyMethodDef qvpy_csv_stream_functions[] = {
    {"_csv_reader_open", f_reader_open, METH_VARARGS, NULL},
    {"_csv_reader_schema", f_reader_schema, METH_O, NULL},
    {"_csv_reader_next", f_reader_next, METH_O, NULL},
    {"_csv_reader_close", f_reader_close, METH_O, NULL},
    {"_csv_reader_export", f_reader_export, METH_VARARGS, NULL},
    {NULL},
};
