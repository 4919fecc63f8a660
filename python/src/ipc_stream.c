/* quiver Python binding: batch-by-batch IPC writers and readers, the C half
 * of quiver.ipc.new_stream / new_file / open_stream / open_file.
 *
 * Each C object (qv_ipc_writer, qv_ipc_stream_reader, qv_ipc_file_reader)
 * lives in a PyCapsule whose destructor frees it; quiver/ipc.py wraps the
 * capsules in pyarrow-shaped classes. Writers go to a path (atomic, by
 * libquiver), to memory (the caller gets the bytes at close) or to a Python
 * file object through qv_ipc_writer_open_callback, whose callback calls
 * `write` with the GIL held (writers therefore never release the GIL).
 * Readers read from an owned buffer (a path is read into memory, a
 * bytes-like object is viewed zero-copy) or incrementally from a file
 * descriptor (sockets, pipes), message by message.
 */
#include "ipc_shared.h"

#include <string.h>

#define WRITER_CAPSULE "quiver.ipc_writer"
#define STREAM_READER_CAPSULE "quiver.ipc_stream_reader"
#define FILE_READER_CAPSULE "quiver.ipc_file_reader"

/* ======================= writers ======================= */

typedef struct {
  qv_ipc_writer *writer;
  PyObject *write; /* bound `write` of a file object, or NULL */
  bool closed;
} writer_box;

static void writer_capsule_free(PyObject *cap) {
  writer_box *w = PyCapsule_GetPointer(cap, WRITER_CAPSULE);
  if (w == NULL) {
    PyErr_Clear();
    return;
  }
  QVPY_KEEP_ERROR(qv_ipc_writer_free(w->writer)); /* an unclosed path writer removes its temporary file */
  Py_XDECREF(w->write);
  PyMem_Free(w);
}

/* Writes every byte to the Python file object (called with the GIL held). */
static qv_status write_to_file(void *ctx, const void *data, size_t n, qv_error *err) {
  writer_box *w = ctx;
  const char *p = data;
  while (n > 0) {
    /* bytes, not a view of the writer's memory: write() may keep what it is given */
    PyObject *chunk = PyBytes_FromStringAndSize(p, (Py_ssize_t)n);
    PyObject *r = chunk != NULL ? PyObject_CallOneArg(w->write, chunk) : NULL;
    Py_XDECREF(chunk);
    if (r == NULL) return qv_error_set(err, QV_ERR_IO, "writing to the file object failed (see the Python exception)");
    /* write() may write less (raw files) and return the count; None means all */
    Py_ssize_t done = r == Py_None ? (Py_ssize_t)n : PyNumber_AsSsize_t(r, NULL);
    Py_DECREF(r);
    if (done < 0 || (size_t)done > n) {
      PyErr_Clear();
      return qv_error_set(err, QV_ERR_IO, "the file object's write() returned an invalid count");
    }
    if (done == 0) return qv_error_set(err, QV_ERR_IO, "the file object's write() wrote nothing");
    p += done;
    n -= (size_t)done;
  }
  return QV_OK;
}

static writer_box *writer_of(PyObject *cap) {
  writer_box *w = PyCapsule_GetPointer(cap, WRITER_CAPSULE);
  if (w != NULL && w->closed) {
    PyErr_SetString(QvExc_ArrowInvalid, "the writer is closed");
    return NULL;
  }
  return w;
}

/* A failed callback leaves the Python exception pending: raise that one. */
static PyObject *raise_write(qv_status st, const qv_error *err) {
  if (PyErr_Occurred()) return NULL;
  return qvpy_ipc_raise_io(st, err);
}

/* _ipc_writer_open(sink, format, schema, compression, level, alignment):
 * sink is a path (bytes), None (memory) or a file object. */
static PyObject *f_writer_open(PyObject *m, PyObject *args) {
  PyObject *sink, *schema_obj;
  const char *fmt_name, *compression = NULL;
  int level = 0, alignment = 0;
  if (!PyArg_ParseTuple(args, "OsO|zii", &sink, &fmt_name, &schema_obj, &compression, &level, &alignment)) return NULL;
  qv_ipc_format fmt = strcmp(fmt_name, "file") == 0 ? QV_IPC_FORMAT_FILE : QV_IPC_FORMAT_STREAM;
  qv_schema *schema = qvpy_as_schema(schema_obj, "schema");
  qv_ipc_write_options opts;
  if (schema == NULL || qvpy_ipc_write_options(compression, level, alignment, &opts) < 0) return NULL;
  writer_box *w = PyMem_Calloc(1, sizeof *w);
  if (w == NULL) return PyErr_NoMemory();
  qv_error err;
  qv_status st;
  if (PyBytes_Check(sink)) {
    st = qv_ipc_writer_open_path(PyBytes_AS_STRING(sink), fmt, schema, &opts, &w->writer, &err);
  } else if (sink == Py_None) {
    st = qv_ipc_writer_open_memory(fmt, schema, &opts, &w->writer, &err);
  } else {
    if ((w->write = PyObject_GetAttrString(sink, "write")) == NULL) {
      PyMem_Free(w);
      return NULL;
    }
    st = qv_ipc_writer_open_callback(write_to_file, w, fmt, schema, &opts, &w->writer, &err);
  }
  if (st != QV_OK) {
    Py_XDECREF(w->write);
    PyMem_Free(w);
    return raise_write(st, &err);
  }
  PyObject *cap = PyCapsule_New(w, WRITER_CAPSULE, writer_capsule_free);
  if (cap == NULL) {
    qv_ipc_writer_free(w->writer);
    Py_XDECREF(w->write);
    PyMem_Free(w);
  }
  return cap;
}

/* _ipc_writer_write(cap, RecordBatch or Table) */
static PyObject *f_writer_write(PyObject *m, PyObject *args) {
  PyObject *cap, *data;
  if (!PyArg_ParseTuple(args, "OO", &cap, &data)) return NULL;
  writer_box *w = writer_of(cap);
  if (w == NULL) return NULL;
  qv_error err;
  qv_status st;
  if (PyObject_TypeCheck(data, &QvBatch_Type))
    st = qv_ipc_writer_write_batch(w->writer, ((QvBatchObject *)data)->batch, &err);
  else if (PyObject_TypeCheck(data, &QvTable_Type))
    st = qv_ipc_writer_write_table(w->writer, ((QvTableObject *)data)->table, &err);
  else
    return PyErr_Format(PyExc_TypeError, "expected a quiver.RecordBatch or Table, not %.100s", Py_TYPE(data)->tp_name);
  if (st != QV_OK) return raise_write(st, &err);
  Py_RETURN_NONE;
}

/* _ipc_writer_close(cap) -> memoryview of the output (memory writers) or None */
static PyObject *f_writer_close(PyObject *m, PyObject *cap) {
  writer_box *w = writer_of(cap);
  if (w == NULL) return NULL;
  w->closed = true;
  qv_error err;
  qv_status st = qv_ipc_writer_close(w->writer, &err);
  if (st != QV_OK) return raise_write(st, &err);
  if (w->write != NULL) Py_RETURN_NONE;
  qv_buffer *out = NULL;
  st = qv_ipc_writer_take_buffer(w->writer, &out, &err);
  if (st != QV_OK) {
    /* not a memory writer (a path): nothing to hand back */
    Py_RETURN_NONE;
  }
  PyObject *holder = qvpy_wrap_buffer(out);
  if (holder == NULL) return NULL;
  PyObject *r = PyMemoryView_FromObject(holder);
  Py_DECREF(holder);
  return r;
}

/* ======================= readers ======================= */

typedef struct {
  bool file;
  union {
    qv_ipc_stream_reader *stream;
    qv_ipc_file_reader *file;
  } r;
  bool validated; /* full validation was requested */
} reader_box;

static void reader_capsule_free(PyObject *cap) {
  reader_box *b = PyCapsule_GetPointer(cap, PyCapsule_GetName(cap));
  if (b == NULL) {
    PyErr_Clear();
    return;
  }
  if (b->file)
    QVPY_KEEP_ERROR(qv_ipc_file_reader_free(b->r.file));
  else
    QVPY_KEEP_ERROR(qv_ipc_stream_reader_free(b->r.stream));
  PyMem_Free(b);
}

/* _ipc_reader_open(source, format, fd, full_validation, require_eos,
 *                  max_decompressed_size, max_total_decompressed_size):
 * source is a path (bytes) or a bytes-like object / quiver.Buffer; with
 * fd >= 0 (streams only) the stream is read incrementally from that file
 * descriptor, which the caller keeps open. */
static PyObject *f_reader_open(PyObject *m, PyObject *args) {
  PyObject *source;
  const char *fmt_name;
  int fd = -1, full = 0, require_eos = 0;
  long long max_decompressed = 0, max_total = 0;
  if (!PyArg_ParseTuple(args, "Osi|ppLL", &source, &fmt_name, &fd, &full, &require_eos, &max_decompressed,
                        &max_total))
    return NULL;
  bool file = strcmp(fmt_name, "file") == 0;
  qv_ipc_read_options opts;
  if (qvpy_ipc_read_options(full, require_eos, max_decompressed, max_total, &opts) < 0) return NULL;
  reader_box *b = PyMem_Calloc(1, sizeof *b);
  if (b == NULL) return PyErr_NoMemory();
  b->file = file;
  b->validated = full != 0;
  qv_error err;
  qv_status st = QV_OK;
  qv_buffer *buf = NULL;
  if (fd >= 0) {
    if (file) {
      PyMem_Free(b);
      return PyErr_Format(PyExc_ValueError, "an IPC file needs random access: pass its path or bytes, not a socket");
    }
    Py_BEGIN_ALLOW_THREADS st = qv_ipc_stream_reader_open_fd(fd, &opts, &b->r.stream, &err);
    Py_END_ALLOW_THREADS
  } else {
    buf = qvpy_ipc_buffer_of(source);
    if (buf == NULL) {
      PyMem_Free(b);
      return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    st = file ? qv_ipc_file_reader_open_buffer(buf, &opts, &b->r.file, &err)
              : qv_ipc_stream_reader_open_buffer(buf, &opts, &b->r.stream, &err);
    Py_END_ALLOW_THREADS
    qv_buffer_release(buf); /* the reader retains it */
  }
  if (st != QV_OK) {
    PyMem_Free(b);
    return qvpy_ipc_raise_io(st, &err);
  }
  PyObject *cap = PyCapsule_New(b, file ? FILE_READER_CAPSULE : STREAM_READER_CAPSULE, reader_capsule_free);
  if (cap == NULL) {
    if (file)
      qv_ipc_file_reader_free(b->r.file);
    else
      qv_ipc_stream_reader_free(b->r.stream);
    PyMem_Free(b);
  }
  return cap;
}

/* _ipc_read_path_buffer(path: bytes) -> quiver.Buffer of the whole file (read, not mapped) */
static PyObject *f_read_path_buffer(PyObject *m, PyObject *args) {
  const char *path;
  if (!PyArg_ParseTuple(args, "y", &path)) return NULL;
  qv_error err;
  qv_buffer *buf = NULL;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qvpy_ipc_read_whole_path(path, &buf, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_ipc_raise_io(st, &err);
  return qvpy_wrap_buffer(buf);
}

static reader_box *reader_of(PyObject *cap) {
  const char *name = PyCapsule_GetName(cap);
  if (name == NULL) return NULL;
  return PyCapsule_GetPointer(cap, name);
}

static PyObject *f_reader_schema(PyObject *m, PyObject *cap) {
  reader_box *b = reader_of(cap);
  if (b == NULL) return NULL;
  qv_schema *s = b->file ? qv_ipc_file_reader_schema(b->r.file) : qv_ipc_stream_reader_schema(b->r.stream);
  return qvpy_wrap_schema(qv_schema_retain(s));
}

/* _ipc_reader_next(cap) -> RecordBatch, or None at the end (streams) */
static PyObject *f_reader_next(PyObject *m, PyObject *cap) {
  reader_box *b = reader_of(cap);
  if (b == NULL) return NULL;
  if (b->file) return PyErr_Format(PyExc_TypeError, "file readers are read with get_batch(i)");
  qv_error err;
  qv_batch *batch = NULL;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_ipc_stream_reader_next(b->r.stream, &batch, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_raise(st, &err);
  if (batch == NULL) Py_RETURN_NONE;
  return qvpy_wrap_batch(batch, b->validated);
}

static PyObject *f_reader_num_batches(PyObject *m, PyObject *cap) {
  reader_box *b = reader_of(cap);
  if (b == NULL) return NULL;
  if (!b->file) return PyErr_Format(PyExc_TypeError, "only file readers know their number of batches");
  return PyLong_FromLongLong(qv_ipc_file_reader_num_batches(b->r.file));
}

/* _ipc_reader_get_batch(cap, i) (files; i in range, checked by the library) */
static PyObject *f_reader_get_batch(PyObject *m, PyObject *args) {
  PyObject *cap;
  long long i;
  if (!PyArg_ParseTuple(args, "OL", &cap, &i)) return NULL;
  reader_box *b = reader_of(cap);
  if (b == NULL) return NULL;
  if (!b->file) return PyErr_Format(PyExc_TypeError, "stream readers are read in order");
  qv_error err;
  qv_batch *batch = NULL;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_ipc_file_reader_read_batch(b->r.file, (int64_t)i, &batch, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_batch(batch, b->validated);
}

PyMethodDef qvpy_ipc_stream_functions[] = {
    {"_ipc_writer_open", f_writer_open, METH_VARARGS, NULL},
    {"_ipc_writer_write", f_writer_write, METH_VARARGS, NULL},
    {"_ipc_writer_close", f_writer_close, METH_O, NULL},
    {"_ipc_reader_open", f_reader_open, METH_VARARGS, NULL},
    {"_ipc_read_path_buffer", f_read_path_buffer, METH_VARARGS, NULL},
    {"_ipc_reader_schema", f_reader_schema, METH_O, NULL},
    {"_ipc_reader_next", f_reader_next, METH_O, NULL},
    {"_ipc_reader_num_batches", f_reader_num_batches, METH_O, NULL},
    {"_ipc_reader_get_batch", f_reader_get_batch, METH_VARARGS, NULL},
    {NULL},
};
