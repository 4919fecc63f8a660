/* quiver Python binding: Arrow IPC streams and files (include/quiver/ipc.h),
 * the C half of quiver.ipc.
 *
 * Reading a path copies the file once into an aligned buffer with read(2)
 * by default, and maps it (zero-copy, libquiver's mmap) only when asked
 * (memory_map=True, pyarrow's convention): a mapping faults with SIGBUS,
 * killing the interpreter, if another process truncates the file while any
 * array read from it is alive, long after the read returned; a copy cannot.
 * Reading is zero-copy otherwise: a bytes-like object
 * is wrapped as a foreign qv_buffer that holds a Py_buffer export of it
 * (the exporter's memory stays alive while any array read from it does; the
 * release callback takes the GIL, since the last reference may be dropped
 * by another thread, e.g. a consumer of an exported stream); a
 * quiver.Buffer is used as it is. Writing produces a path (atomically, by
 * libquiver) or bytes. The GIL is released while libquiver reads, decodes
 * and writes. Arrays read here are structurally validated by the reader;
 * the Python objects still validate fully before Python reads values.
 */
#include "qvpy.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quiver/ipc.h"
#include "ipc_shared.h"

typedef struct {
  Py_buffer view;
} held_view;

static void release_view(void *ctx, const uint8_t *data, int64_t size) {
  held_view *h = ctx;
  if (!Py_IsInitialized()) return; /* interpreter gone: nothing left to release */
  PyGILState_STATE g = PyGILState_Ensure();
  QVPY_KEEP_ERROR(PyBuffer_Release(&h->view));
  PyMem_RawFree(h);
  PyGILState_Release(g);
}

/* A qv_buffer over a bytes-like object or a quiver.Buffer (new reference). */
qv_buffer *qvpy_ipc_buffer_of(PyObject *obj) {
  if (PyObject_TypeCheck(obj, &QvBuffer_Type)) return qv_buffer_retain(((QvBufferObject *)obj)->buffer);
  held_view *h = PyMem_RawMalloc(sizeof *h);
  if (h == NULL) {
    PyErr_NoMemory();
    return NULL;
  }
  if (PyObject_GetBuffer(obj, &h->view, PyBUF_SIMPLE) < 0) {
    PyMem_RawFree(h);
    return NULL;
  }
  qv_error err;
  qv_buffer *b = NULL;
  qv_status st = qv_buffer_wrap(h->view.buf, (int64_t)h->view.len, release_view, h, &b, &err);
  if (st != QV_OK) {
    PyBuffer_Release(&h->view);
    PyMem_RawFree(h);
    qvpy_raise(st, &err);
    return NULL;
  }
  return b;
}

/* A missing file is FileNotFoundError (an OSError), as open() would say. */
PyObject *qvpy_ipc_raise_io(qv_status st, const qv_error *err) {
  if (st == QV_ERR_NOT_FOUND) {
    PyErr_SetString(PyExc_FileNotFoundError, err->message);
    return NULL;
  }
  return qvpy_raise(st, err);
}

/* "stream", "file" or None (detect). */
static int parse_format(PyObject *o, int *fmt) {
  if (o == Py_None) {
    *fmt = -1;
    return 0;
  }
  const char *s = PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : NULL;
  if (s != NULL && strcmp(s, "stream") == 0) {
    *fmt = QV_IPC_FORMAT_STREAM;
    return 0;
  }
  if (s != NULL && strcmp(s, "file") == 0) {
    *fmt = QV_IPC_FORMAT_FILE;
    return 0;
  }
  if (!PyErr_Occurred()) PyErr_Format(PyExc_ValueError, "format must be 'stream', 'file' or None, not %R", o);
  return -1;
}

/* Reads the whole of `path` into one owned, aligned buffer with read(2)
 * (no mapping: see the top of this file). Starts from fstat's size and reads
 * to EOF, so a file that grows or shrinks meanwhile (or a FIFO) yields what
 * was read. Runs without the GIL. */
qv_status qvpy_ipc_read_whole_path(const char *path, qv_buffer **out, qv_error *err) {
  *out = NULL;
  int fd;
  do {
    fd = open(path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int e = errno;
    return qv_error_set(err, e == ENOENT ? QV_ERR_NOT_FOUND : QV_ERR_IO, "cannot open '%s': %s (errno %d)", path,
                        strerror(e), e);
  }
  struct stat sb;
  int64_t hint = (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) ? (int64_t)sb.st_size : 0;
  qv_buffer *buf = NULL;
  qv_status st = qv_buffer_allocate(NULL, hint + 1, false, &buf, err); /* +1: EOF is seen without a regrow */
  int64_t got = 0;
  while (st == QV_OK) {
    if (got == buf->capacity) { /* full: a file that grew, or a FIFO */
      qv_buffer_set_size(buf, got); /* reserve keeps [0, size) */
      st = qv_buffer_reserve(buf, buf->capacity + buf->capacity / 2 + 65536, err);
      if (st != QV_OK) break;
    }
    int64_t want = buf->capacity - got;
    if (want > ((int64_t)1 << 30)) want = (int64_t)1 << 30;
    ssize_t r = read(fd, buf->data + got, (size_t)want);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int e = errno;
      st = qv_error_set(err, QV_ERR_IO, "reading '%s' failed after %lld bytes: %s (errno %d)", path, (long long)got,
                        strerror(e), e);
      break;
    }
    if (r == 0) break;
    got += r;
  }
  close(fd);
  if (st != QV_OK) {
    qv_buffer_release(buf);
    return st;
  }
  qv_buffer_set_size(buf, got);
  *out = buf;
  return QV_OK;
}

/* Reader options from Python arguments; -1 with ValueError. */
int qvpy_ipc_read_options(int full, int require_eos, long long max_decompressed, long long max_total,
                        qv_ipc_read_options *opts) {
  qv_ipc_read_options d = QV_IPC_READ_OPTIONS_DEFAULT;
  *opts = d;
  opts->full_validation = full != 0;
  opts->require_eos = require_eos != 0;
  if (max_decompressed < 0) {
    PyErr_Format(PyExc_ValueError, "max_decompressed_size must be positive (or None for the default), not %lld",
                 max_decompressed);
    return -1;
  }
  opts->max_decompressed_size = (int64_t)max_decompressed; /* 0: the library's default */
  if (max_total < 0) {
    PyErr_Format(PyExc_ValueError,
                 "max_total_decompressed_size must be positive (or None for the default), not %lld", max_total);
    return -1;
  }
  opts->max_total_decompressed_size = (int64_t)max_total; /* 0: the library's default */
  return 0;
}

static qv_status read_table(qv_buffer *buf, int fmt, const qv_ipc_read_options *opts, qv_table **t, qv_error *err) {
  return fmt < 0                      ? qv_ipc_read_buffer(buf, opts, t, err)
         : fmt == QV_IPC_FORMAT_STREAM ? qv_ipc_read_stream_buffer(buf, opts, t, err)
                                       : qv_ipc_read_file_buffer(buf, opts, t, err);
}

/* _ipc_read_path(path: bytes, format, full_validation, require_eos,
 *                max_decompressed_size, memory_map,
 *                max_total_decompressed_size) -> Table (sizes: 0 = default) */
static PyObject *f_read_path(PyObject *m, PyObject *args) {
  const char *path;
  PyObject *fmt_obj;
  int full = 0, require_eos = 0, memory_map = 0;
  long long max_decompressed = 0, max_total = 0;
  if (!PyArg_ParseTuple(args, "yO|ppLpL", &path, &fmt_obj, &full, &require_eos, &max_decompressed, &memory_map,
                        &max_total))
    return NULL;
  int fmt;
  qv_ipc_read_options opts;
  if (parse_format(fmt_obj, &fmt) < 0 || qvpy_ipc_read_options(full, require_eos, max_decompressed, max_total, &opts) < 0)
    return NULL;
  qv_error err;
  qv_table *t = NULL;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS
  if (memory_map) {
    st = fmt < 0                      ? qv_ipc_read_path(path, &opts, &t, &err)
         : fmt == QV_IPC_FORMAT_STREAM ? qv_ipc_read_stream_path(path, &opts, &t, &err)
                                       : qv_ipc_read_file_path(path, &opts, &t, &err);
  } else {
    qv_buffer *buf = NULL;
    st = qvpy_ipc_read_whole_path(path, &buf, &err);
    if (st == QV_OK) {
      st = read_table(buf, fmt, &opts, &t, &err);
      if (st != QV_OK) qv_error_prefix(&err, "'%s': ", path);
    }
    qv_buffer_release(buf); /* the table holds what it needs */
  }
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_ipc_raise_io(st, &err);
  return qvpy_wrap_table(t, full != 0);
}

/* _ipc_read_buffer(bytes-like or Buffer, format, full_validation,
 *                  require_eos, max_decompressed_size,
 *                  max_total_decompressed_size) -> Table */
static PyObject *f_read_buffer(PyObject *m, PyObject *args) {
  PyObject *obj, *fmt_obj;
  int full = 0, require_eos = 0;
  long long max_decompressed = 0, max_total = 0;
  if (!PyArg_ParseTuple(args, "OO|ppLL", &obj, &fmt_obj, &full, &require_eos, &max_decompressed, &max_total))
    return NULL;
  int fmt;
  qv_ipc_read_options opts;
  if (parse_format(fmt_obj, &fmt) < 0 || qvpy_ipc_read_options(full, require_eos, max_decompressed, max_total, &opts) < 0)
    return NULL;
  qv_buffer *buf = qvpy_ipc_buffer_of(obj);
  if (buf == NULL) return NULL;
  qv_error err;
  qv_table *t = NULL;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = read_table(buf, fmt, &opts, &t, &err);
  Py_END_ALLOW_THREADS
  /* the table retains what it needs; drop our reference (with the GIL held:
   * for a Python-backed buffer this may release the Py_buffer) */
  qv_buffer_release(buf);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_table(t, full != 0);
}

int qvpy_ipc_write_options(const char *compression, int level, int alignment, qv_ipc_write_options *o) {
  qv_ipc_write_options d = QV_IPC_WRITE_OPTIONS_DEFAULT;
  *o = d;
  if (compression == NULL || strcmp(compression, "none") == 0 || compression[0] == '\0')
    o->compression = QV_IPC_COMPRESSION_NONE;
  else if (strcmp(compression, "lz4") == 0 || strcmp(compression, "lz4_frame") == 0)
    o->compression = QV_IPC_COMPRESSION_LZ4_FRAME;
  else if (strcmp(compression, "zstd") == 0)
    o->compression = QV_IPC_COMPRESSION_ZSTD;
  else {
    PyErr_Format(PyExc_ValueError, "compression must be None, 'lz4' or 'zstd', not '%s'", compression);
    return -1;
  }
  o->compression_level = level;
  if (alignment != 0 && alignment != 8 && alignment != 64) {
    PyErr_Format(PyExc_ValueError, "alignment must be 8 or 64, not %d", alignment);
    return -1;
  }
  o->alignment = alignment;
  return 0;
}

/* _ipc_write(table, format, path: bytes or None, compression, level, alignment)
 * -> None (path) or bytes */
static PyObject *f_write(PyObject *m, PyObject *args) {
  PyObject *table_obj, *fmt_obj, *path_obj;
  const char *compression = NULL;
  int level = 0, alignment = 0;
  if (!PyArg_ParseTuple(args, "O!OO|zii", &QvTable_Type, &table_obj, &fmt_obj, &path_obj, &compression, &level,
                        &alignment))
    return NULL;
  int fmt;
  if (parse_format(fmt_obj, &fmt) < 0) return NULL;
  if (fmt < 0) fmt = QV_IPC_FORMAT_STREAM;
  qv_ipc_write_options opts;
  if (qvpy_ipc_write_options(compression, level, alignment, &opts) < 0) return NULL;
  const qv_table *t = ((QvTableObject *)table_obj)->table;
  qv_error err;
  qv_status st;
  if (path_obj != Py_None) {
    if (!PyBytes_Check(path_obj)) return PyErr_Format(PyExc_TypeError, "path must be bytes (os.fsencode)");
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS st = qv_ipc_write_path(path, (qv_ipc_format)fmt, t, &opts, &err);
    Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_ipc_raise_io(st, &err);
    Py_RETURN_NONE;
  }
  qv_buffer *out = NULL;
  Py_BEGIN_ALLOW_THREADS st = qv_ipc_write_buffer((qv_ipc_format)fmt, t, &opts, &out, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
  /* Zero-copy: a read-only memoryview over the written qv_buffer (copying
   * 28 MB into a bytes object cost more than writing the stream). */
  PyObject *holder = qvpy_wrap_buffer(out); /* takes `out` */
  if (holder == NULL) return NULL;
  PyObject *r = PyMemoryView_FromObject(holder);
  Py_DECREF(holder);
  return r;
}

PyMethodDef qvpy_ipc_functions[] = {
    {"_ipc_read_path", f_read_path, METH_VARARGS, NULL},
    {"_ipc_read_buffer", f_read_buffer, METH_VARARGS, NULL},
    {"_ipc_write", f_write, METH_VARARGS, NULL},
    {NULL},
};
