/* quiver Python binding: reading Parquet (quiver.parquet).
 *
 * An open qv_parquet_file lives in a capsule that quiver/parquet.py's
 * ParquetFile holds; reads release the GIL (the file is never modified by
 * a read, so concurrent reads of one file are safe). Metadata is handed to
 * Python as plain dicts and lists; parquet.py shapes them. */
#include "qvpy.h"
#include "quiver/parquet.h"

#define QVPY_PARQUET_CAPSULE "quiver.parquet_file"

static void file_capsule_free(PyObject *cap) {
  qv_parquet_file *f = PyCapsule_GetPointer(cap, QVPY_PARQUET_CAPSULE);
  qv_parquet_file_close(f);
}

static qv_parquet_file *file_of(PyObject *cap) {
  return PyCapsule_GetPointer(cap, QVPY_PARQUET_CAPSULE); /* sets TypeError when not ours */
}

static PyObject *raise_io(qv_status st, const qv_error *err) {
  if (st == QV_ERR_IO) {
    PyErr_SetString(PyExc_OSError, err->message);
    return NULL;
  }
  return qvpy_raise(st, err);
}

/* _parquet_open(path: bytes, skip_crc_check: bool, ignore_arrow_schema: bool) -> capsule */
static PyObject *f_open(PyObject *m, PyObject *args) {
  const char *path;
  int skip_crc = 0, ignore_arrow = 0;
  if (!PyArg_ParseTuple(args, "y|pp", &path, &skip_crc, &ignore_arrow)) return NULL;
  qv_parquet_read_options opts = {0};
  opts.skip_crc_check = skip_crc != 0;
  opts.ignore_arrow_schema = ignore_arrow != 0;
  qv_parquet_file *f = NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_parquet_open_path(path, &opts, &f, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return raise_io(st, &err);
  PyObject *cap = PyCapsule_New(f, QVPY_PARQUET_CAPSULE, file_capsule_free);
  if (cap == NULL) qv_parquet_file_close(f);
  return cap;
}

/* A list of ints (or None) -> malloc'd int32 array; *n receives the count.
 * Returns 0, or -1 with an exception set. *out NULL for None. */
static int int_list(PyObject *o, const char *what, int32_t **out, int32_t *n) {
  *out = NULL;
  *n = 0;
  if (o == Py_None) return 0;
  PyObject *seq = PySequence_Fast(o, what);
  if (seq == NULL) return -1;
  Py_ssize_t k = PySequence_Fast_GET_SIZE(seq);
  int32_t *v = PyMem_Malloc(sizeof(int32_t) * (size_t)(k ? k : 1));
  if (v == NULL) {
    Py_DECREF(seq);
    PyErr_NoMemory();
    return -1;
  }
  for (Py_ssize_t i = 0; i < k; i++) {
    long x = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
    if (x == -1 && PyErr_Occurred()) {
      PyMem_Free(v);
      Py_DECREF(seq);
      return -1;
    }
    if (x < INT32_MIN || x > INT32_MAX) x = -1;
    v[i] = (int32_t)x;
  }
  Py_DECREF(seq);
  *out = v;
  *n = (int32_t)k;
  return 0;
}

/* _parquet_read(cap, row_groups or None, fields or None) -> Table */
static PyObject *f_read(PyObject *m, PyObject *args) {
  PyObject *cap, *rgs_obj, *fields_obj;
  if (!PyArg_ParseTuple(args, "OOO", &cap, &rgs_obj, &fields_obj)) return NULL;
  qv_parquet_file *f = file_of(cap);
  if (f == NULL) return NULL;
  int32_t *rgs = NULL, *fields = NULL, n_rgs = 0, n_fields = 0;
  if (int_list(rgs_obj, "row_groups must be a sequence of ints", &rgs, &n_rgs) < 0) return NULL;
  if (int_list(fields_obj, "columns must be a sequence of ints", &fields, &n_fields) < 0) {
    PyMem_Free(rgs);
    return NULL;
  }
  qv_table *t = NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_parquet_file_read_table(f, rgs, n_rgs, fields, n_fields, &t, &err);
  Py_END_ALLOW_THREADS PyMem_Free(rgs);
  PyMem_Free(fields);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_table(t, false);
}

/* _parquet_read_row_group(cap, i, fields or None) -> RecordBatch */
static PyObject *f_read_row_group(PyObject *m, PyObject *args) {
  PyObject *cap, *fields_obj;
  int rg;
  if (!PyArg_ParseTuple(args, "OiO", &cap, &rg, &fields_obj)) return NULL;
  qv_parquet_file *f = file_of(cap);
  if (f == NULL) return NULL;
  int32_t *fields = NULL, n_fields = 0;
  if (int_list(fields_obj, "columns must be a sequence of ints", &fields, &n_fields) < 0) return NULL;
  qv_batch *b = NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_parquet_file_read_row_group(f, rg, fields, n_fields, &b, &err);
  Py_END_ALLOW_THREADS PyMem_Free(fields);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_batch(b, false);
}

static PyObject *f_schema(PyObject *m, PyObject *cap) {
  qv_parquet_file *f = file_of(cap);
  if (f == NULL) return NULL;
  return qvpy_wrap_schema(qv_schema_retain((qv_schema *)qv_parquet_file_schema(f)));
}

static int set_item(PyObject *d, const char *k, PyObject *v) {
  if (v == NULL) return -1;
  int r = PyDict_SetItemString(d, k, v);
  Py_DECREF(v);
  return r;
}

static PyObject *column_dict(const qv_parquet_column_chunk_info *c) {
  PyObject *d = PyDict_New();
  if (d == NULL) return NULL;
  if (set_item(d, "path_in_schema", PyUnicode_DecodeUTF8(c->path, (Py_ssize_t)strlen(c->path), "replace")) < 0 ||
      set_item(d, "physical_type", PyLong_FromLong(c->physical_type)) < 0 ||
      set_item(d, "compression", PyUnicode_FromString(c->codec)) < 0 ||
      set_item(d, "num_values", PyLong_FromLongLong(c->num_values)) < 0 ||
      set_item(d, "total_compressed_size", PyLong_FromLongLong(c->total_compressed_size)) < 0 ||
      set_item(d, "total_uncompressed_size", PyLong_FromLongLong(c->total_uncompressed_size)) < 0)
    goto fail;
  if (c->has_statistics) {
    PyObject *s = PyDict_New();
    if (s == NULL || set_item(d, "statistics", s) < 0) goto fail;
    Py_INCREF(s);
    int bad = 0;
    if (c->has_null_count) bad |= set_item(s, "null_count", PyLong_FromLongLong(c->null_count)) < 0;
    if (c->has_distinct_count) bad |= set_item(s, "distinct_count", PyLong_FromLongLong(c->distinct_count)) < 0;
    if (c->has_min) bad |= set_item(s, "min", PyBytes_FromStringAndSize((const char *)c->min, c->min_len)) < 0;
    if (c->has_max) bad |= set_item(s, "max", PyBytes_FromStringAndSize((const char *)c->max, c->max_len)) < 0;
    Py_DECREF(s);
    if (bad) goto fail;
  } else if (PyDict_SetItemString(d, "statistics", Py_None) < 0) {
    goto fail;
  }
  return d;
fail:
  Py_DECREF(d);
  return NULL;
}

/* _parquet_metadata(cap) -> dict */
static PyObject *f_metadata(PyObject *m, PyObject *cap) {
  qv_parquet_file *f = file_of(cap);
  if (f == NULL) return NULL;
  PyObject *d = PyDict_New(), *kv = NULL, *groups = NULL;
  if (d == NULL) return NULL;
  const char *cb = qv_parquet_file_created_by(f);
  if (set_item(d, "num_rows", PyLong_FromLongLong(qv_parquet_file_num_rows(f))) < 0 ||
      set_item(d, "num_row_groups", PyLong_FromLong(qv_parquet_file_num_row_groups(f))) < 0 ||
      set_item(d, "num_columns", PyLong_FromLong(qv_parquet_file_num_columns(f))) < 0 ||
      set_item(d, "format_version", PyLong_FromLong(qv_parquet_file_format_version(f))) < 0)
    goto fail;
  if (cb != NULL) {
    if (set_item(d, "created_by", PyUnicode_DecodeUTF8(cb, (Py_ssize_t)strlen(cb), "replace")) < 0) goto fail;
  } else if (PyDict_SetItemString(d, "created_by", Py_None) < 0) {
    goto fail;
  }
  const qv_metadata *md = qv_parquet_file_key_value_metadata(f);
  kv = PyDict_New();
  if (kv == NULL) goto fail;
  for (int64_t i = 0; md != NULL && i < md->n; i++) {
    PyObject *k = PyBytes_FromStringAndSize(md->pairs[i].key, md->pairs[i].key_len);
    PyObject *v = PyBytes_FromStringAndSize(md->pairs[i].value, md->pairs[i].value_len);
    int r = (k && v) ? PyDict_SetItem(kv, k, v) : -1;
    Py_XDECREF(k);
    Py_XDECREF(v);
    if (r < 0) goto fail;
  }
  groups = PyList_New(0);
  if (groups == NULL) goto fail;
  for (int32_t g = 0; g < qv_parquet_file_num_row_groups(f); g++) {
    PyObject *rg = PyDict_New(), *cols = PyList_New(0);
    if (rg == NULL || cols == NULL || PyList_Append(groups, rg) < 0) {
      Py_XDECREF(rg);
      Py_XDECREF(cols);
      goto fail;
    }
    Py_DECREF(rg);
    if (set_item(rg, "num_rows", PyLong_FromLongLong(qv_parquet_file_row_group_num_rows(f, g))) < 0 ||
        PyDict_SetItemString(rg, "columns", cols) < 0) {
      Py_DECREF(cols);
      goto fail;
    }
    Py_DECREF(cols);
    for (int32_t c = 0; c < qv_parquet_file_num_columns(f); c++) {
      qv_parquet_column_chunk_info info;
      qv_error err;
      qv_status st = qv_parquet_file_column_chunk(f, g, c, &info, &err);
      if (st != QV_OK) {
        qvpy_raise(st, &err);
        goto fail;
      }
      PyObject *cd = column_dict(&info);
      if (cd == NULL || PyList_Append(cols, cd) < 0) {
        Py_XDECREF(cd);
        goto fail;
      }
      Py_DECREF(cd);
    }
  }
  if (PyDict_SetItemString(d, "key_value_metadata", kv) < 0 || PyDict_SetItemString(d, "row_groups", groups) < 0)
    goto fail;
  Py_DECREF(kv);
  Py_DECREF(groups);
  return d;
fail:
  Py_XDECREF(kv);
  Py_XDECREF(groups);
  Py_DECREF(d);
  return NULL;
}

PyMethodDef qvpy_parquet_functions[] = {
    {"_parquet_open", f_open, METH_VARARGS, NULL},
    {"_parquet_read", f_read, METH_VARARGS, NULL},
    {"_parquet_read_row_group", f_read_row_group, METH_VARARGS, NULL},
    {"_parquet_schema", f_schema, METH_O, NULL},
    {"_parquet_metadata", f_metadata, METH_O, NULL},
    {NULL},
};
