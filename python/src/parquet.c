/* quiver Python binding: reading Parquet (quiver.parquet).
 *
 * An open qv_parquet_file lives in a capsule that quiver/parquet.py's
 * ParquetFile holds; reads release the GIL (the file is never modified by
 * a read, so concurrent reads of one file are safe). Metadata is handed to
 * Python as plain dicts and lists; parquet.py shapes them. */
#include <string.h>

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

/* _parquet_open(path: bytes, skip_crc_check: bool, ignore_arrow_schema: bool,
 *               read_dictionary: list of str or None, binary_type: int, use_pread: bool) -> capsule */
static PyObject *f_open(PyObject *m, PyObject *args) {
  const char *path;
  int skip_crc = 0, ignore_arrow = 0, binary_type = 0, use_pread = 0;
  PyObject *dict_obj = Py_None;
  if (!PyArg_ParseTuple(args, "y|ppOip", &path, &skip_crc, &ignore_arrow, &dict_obj, &binary_type, &use_pread))
    return NULL;
  qv_parquet_read_options opts = {0};
  opts.skip_crc_check = skip_crc != 0;
  opts.ignore_arrow_schema = ignore_arrow != 0;
  opts.binary_type = binary_type;
  opts.use_pread = use_pread != 0;
  PyObject *seq = NULL;
  const char **paths = NULL;
  if (dict_obj != Py_None) {
    /* a snapshot: the paths borrow from its items while the GIL is released,
     * and another thread may change the caller's list meanwhile */
    seq = PySequence_Tuple(dict_obj);
    if (seq == NULL) return NULL;
    Py_ssize_t k = PySequence_Fast_GET_SIZE(seq);
    paths = PyMem_Malloc(sizeof(char *) * (size_t)(k ? k : 1));
    if (paths == NULL) {
      Py_DECREF(seq);
      return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < k; i++) {
      paths[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i)); /* borrowed from the item, which seq holds */
      if (paths[i] == NULL) {
        PyMem_Free(paths);
        Py_DECREF(seq);
        return NULL;
      }
    }
    opts.read_dictionary = paths;
    opts.n_read_dictionary = (int32_t)k;
  }
  qv_parquet_file *f = NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_parquet_open_path(path, &opts, &f, &err);
  Py_END_ALLOW_THREADS PyMem_Free(paths);
  Py_XDECREF(seq);
  if (st == QV_ERR_NOT_FOUND) {
    PyErr_SetString(PyExc_KeyError, err.message);
    return NULL;
  }
  if (st != QV_OK) return raise_io(st, &err);
  PyObject *cap = PyCapsule_New(f, QVPY_PARQUET_CAPSULE, file_capsule_free);
  if (cap == NULL) qv_parquet_file_close(f);
  return cap;
}

/* A list of ints (or None) -> malloc'd int32 array; *n receives the count.
 * Returns 0, or -1 with an exception set. *out NULL for None. The items are
 * read from a snapshot (a tuple): __index__ of an item may change the
 * caller's list. */
static int int_list(PyObject *o, const char *what, int32_t **out, int32_t *n) {
  *out = NULL;
  *n = 0;
  if (o == Py_None) return 0;
  PyObject *seq = PySequence_Tuple(o);
  if (seq == NULL) {
    if (PyErr_ExceptionMatches(PyExc_TypeError)) {
      PyErr_Clear();
      PyErr_SetString(PyExc_TypeError, what);
    }
    return -1;
  }
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

/* Predicates from a sequence of (column, op, value) tuples; value None,
 * bool, int, float or bytes. A predicate whose constant does not fit
 * (an int past int64) is left out: an AND without it only keeps more row
 * groups. *keep, a snapshot of the sequence (a tuple), holds the tuples
 * (and so the bytes) alive: __index__ of a column, or another thread while
 * a scan runs without the GIL, may change the caller's list. */
static int predicates(PyObject *o, qv_parquet_predicate **out, int32_t *n, PyObject **keep) {
  *out = NULL;
  *n = 0;
  *keep = NULL;
  if (o == Py_None) return 0;
  PyObject *seq = PySequence_Tuple(o);
  if (seq == NULL) {
    if (PyErr_ExceptionMatches(PyExc_TypeError)) {
      PyErr_Clear();
      PyErr_SetString(PyExc_TypeError, "predicates must be a sequence of (column, op, value)");
    }
    return -1;
  }
  Py_ssize_t k = PySequence_Fast_GET_SIZE(seq);
  qv_parquet_predicate *p = PyMem_Calloc((size_t)(k ? k : 1), sizeof(qv_parquet_predicate));
  if (p == NULL) {
    Py_DECREF(seq);
    PyErr_NoMemory();
    return -1;
  }
  int32_t used = 0;
  for (Py_ssize_t i = 0; i < k; i++) {
    int column, op;
    PyObject *value;
    if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "iiO", &column, &op, &value)) goto fail;
    qv_parquet_predicate *q = &p[used];
    q->column = column;
    q->op = (qv_parquet_compare_op)op;
    if (value == Py_None) {
      q->kind = QV_PARQUET_VALUE_INT;
    } else if (PyBool_Check(value)) {
      q->kind = QV_PARQUET_VALUE_BOOL;
      q->int_value = value == Py_True;
    } else if (PyLong_Check(value)) {
      int overflow = 0;
      long long v = PyLong_AsLongLongAndOverflow(value, &overflow);
      if (v == -1 && PyErr_Occurred()) goto fail;
      if (overflow) continue;
      q->kind = QV_PARQUET_VALUE_INT;
      q->int_value = v;
    } else if (PyFloat_Check(value)) {
      q->kind = QV_PARQUET_VALUE_DOUBLE;
      q->double_value = PyFloat_AsDouble(value);
    } else if (PyBytes_Check(value)) {
      q->kind = QV_PARQUET_VALUE_BYTES;
      q->bytes = (const uint8_t *)PyBytes_AS_STRING(value);
      q->bytes_len = PyBytes_GET_SIZE(value);
    } else {
      PyErr_SetString(PyExc_TypeError, "a predicate constant must be None, bool, int, float or bytes");
      goto fail;
    }
    used++;
  }
  *out = p;
  *n = used;
  *keep = seq;
  return 0;
fail:
  PyMem_Free(p);
  Py_DECREF(seq);
  return -1;
}

/* _parquet_row_group_may_match(cap, rg, predicates) -> bool */
static PyObject *f_may_match(PyObject *m, PyObject *args) {
  PyObject *cap, *preds_obj;
  int rg;
  if (!PyArg_ParseTuple(args, "OiO", &cap, &rg, &preds_obj)) return NULL;
  qv_parquet_file *f = file_of(cap);
  if (f == NULL) return NULL;
  qv_parquet_predicate *p = NULL;
  int32_t n = 0;
  PyObject *keep = NULL;
  if (predicates(preds_obj, &p, &n, &keep) < 0) return NULL;
  bool may = true;
  qv_error err;
  qv_status st = qv_parquet_file_row_group_may_match(f, rg, p, n, &may, &err);
  PyMem_Free(p);
  Py_XDECREF(keep);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return PyBool_FromLong(may);
}

/* _parquet_column_paths(cap) -> list of the leaf columns' dotted paths */
static PyObject *f_column_paths(PyObject *m, PyObject *cap) {
  qv_parquet_file *f = file_of(cap);
  if (f == NULL) return NULL;
  int32_t n = qv_parquet_file_num_columns(f);
  PyObject *l = PyList_New(n);
  if (l == NULL) return NULL;
  for (int32_t i = 0; i < n; i++) {
    PyObject *s = PyUnicode_DecodeUTF8(qv_parquet_file_column_path(f, i), (Py_ssize_t)strlen(qv_parquet_file_column_path(f, i)), "replace");
    if (s == NULL) {
      Py_DECREF(l);
      return NULL;
    }
    PyList_SET_ITEM(l, i, s);
  }
  return l;
}

/* _parquet_column_index(cap, path) -> int (KeyError when absent) */
static PyObject *f_column_index(PyObject *m, PyObject *args) {
  PyObject *cap;
  const char *path;
  if (!PyArg_ParseTuple(args, "Os", &cap, &path)) return NULL;
  qv_parquet_file *f = file_of(cap);
  if (f == NULL) return NULL;
  int32_t i = -1;
  qv_error err;
  qv_status st = qv_parquet_file_column_index(f, path, &i, &err);
  if (st == QV_ERR_NOT_FOUND) {
    PyErr_SetString(PyExc_KeyError, err.message);
    return NULL;
  }
  if (st != QV_OK) return qvpy_raise(st, &err);
  return PyLong_FromLong(i);
}

/* Scan options from Python lists; the int arrays are PyMem-allocated. */
typedef struct scan_args {
  qv_parquet_scan_options o;
  int32_t *rgs, *cols, *fields;
  qv_parquet_predicate *preds;
  PyObject *keep;
} scan_args;

static void scan_args_free(scan_args *a) {
  PyMem_Free(a->rgs);
  PyMem_Free(a->cols);
  PyMem_Free(a->fields);
  PyMem_Free(a->preds);
  Py_XDECREF(a->keep);
}

static int scan_args_parse(PyObject *rgs, PyObject *cols, PyObject *fields, PyObject *preds, scan_args *a) {
  memset(a, 0, sizeof(*a));
  int32_t n_rgs = 0, n_cols = 0, n_fields = 0, n_preds = 0;
  if (int_list(rgs, "row_groups must be a sequence of ints", &a->rgs, &n_rgs) < 0 ||
      int_list(cols, "columns must be a sequence of ints", &a->cols, &n_cols) < 0 ||
      int_list(fields, "fields must be a sequence of ints", &a->fields, &n_fields) < 0 ||
      predicates(preds, &a->preds, &n_preds, &a->keep) < 0) {
    scan_args_free(a);
    return -1;
  }
  a->o = (qv_parquet_scan_options){.row_groups = a->rgs, .n_row_groups = n_rgs, .columns = a->cols,
                                   .n_columns = n_cols, .fields = a->fields, .n_fields = n_fields,
                                   .predicates = a->preds, .n_predicates = n_preds};
  return 0;
}

/* _parquet_scan(cap, row_groups, columns, fields, predicates) -> (Table, skipped) */
static PyObject *f_scan(PyObject *m, PyObject *args) {
  PyObject *cap, *rgs, *cols, *fields, *preds;
  if (!PyArg_ParseTuple(args, "OOOOO", &cap, &rgs, &cols, &fields, &preds)) return NULL;
  qv_parquet_file *f = file_of(cap);
  if (f == NULL) return NULL;
  scan_args a;
  if (scan_args_parse(rgs, cols, fields, preds, &a) < 0) return NULL;
  qv_table *t = NULL;
  int32_t skipped = 0;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_parquet_file_scan(f, &a.o, &t, &skipped, &err);
  Py_END_ALLOW_THREADS scan_args_free(&a);
  if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *tab = qvpy_wrap_table(t, false);
  if (tab == NULL) return NULL;
  return Py_BuildValue("(Ni)", tab, (int)skipped);
}

/* The batch reader's capsule holds the file's capsule (its context) so
 * the file outlives the reader. */
#define QVPY_PARQUET_READER_CAPSULE "quiver.parquet_batch_reader"

static void reader_capsule_free(PyObject *cap) {
  qv_parquet_batch_reader *r = PyCapsule_GetPointer(cap, QVPY_PARQUET_READER_CAPSULE);
  PyObject *file = PyCapsule_GetContext(cap);
  qv_parquet_batch_reader_close(r);
  Py_XDECREF(file);
}

/* _parquet_batch_reader(cap, row_groups, columns, fields, predicates) -> reader capsule */
static PyObject *f_batch_reader(PyObject *m, PyObject *args) {
  PyObject *cap, *rgs, *cols, *fields, *preds;
  if (!PyArg_ParseTuple(args, "OOOOO", &cap, &rgs, &cols, &fields, &preds)) return NULL;
  qv_parquet_file *f = file_of(cap);
  if (f == NULL) return NULL;
  scan_args a;
  if (scan_args_parse(rgs, cols, fields, preds, &a) < 0) return NULL;
  qv_parquet_batch_reader *r = NULL;
  qv_error err;
  qv_status st = qv_parquet_batch_reader_open(f, &a.o, &r, &err);
  scan_args_free(&a);
  if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *rc = PyCapsule_New(r, QVPY_PARQUET_READER_CAPSULE, NULL);
  if (rc == NULL) {
    qv_parquet_batch_reader_close(r);
    return NULL;
  }
  Py_INCREF(cap);
  if (PyCapsule_SetContext(rc, cap) != 0 || PyCapsule_SetDestructor(rc, reader_capsule_free) != 0) {
    Py_DECREF(cap);
    qv_parquet_batch_reader_close(r);
    Py_DECREF(rc);
    return NULL;
  }
  return rc;
}

/* _parquet_batch_reader_next(reader) -> RecordBatch or None */
static PyObject *f_batch_reader_next(PyObject *m, PyObject *rc) {
  qv_parquet_batch_reader *r = PyCapsule_GetPointer(rc, QVPY_PARQUET_READER_CAPSULE);
  if (r == NULL) return NULL;
  qv_batch *b = NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_parquet_batch_reader_next(r, &b, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
  if (b == NULL) Py_RETURN_NONE;
  return qvpy_wrap_batch(b, false);
}

/* _parquet_batch_reader_info(reader) -> (Schema, skipped) */
static PyObject *f_batch_reader_info(PyObject *m, PyObject *rc) {
  qv_parquet_batch_reader *r = PyCapsule_GetPointer(rc, QVPY_PARQUET_READER_CAPSULE);
  if (r == NULL) return NULL;
  PyObject *s = qvpy_wrap_schema(qv_schema_retain((qv_schema *)qv_parquet_batch_reader_schema(r)));
  if (s == NULL) return NULL;
  return Py_BuildValue("(Ni)", s, (int)qv_parquet_batch_reader_row_groups_skipped(r));
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
    {"_parquet_row_group_may_match", f_may_match, METH_VARARGS, NULL},
    {"_parquet_column_index", f_column_index, METH_VARARGS, NULL},
    {"_parquet_column_paths", f_column_paths, METH_O, NULL},
    {"_parquet_scan", f_scan, METH_VARARGS, NULL},
    {"_parquet_batch_reader", f_batch_reader, METH_VARARGS, NULL},
    {"_parquet_batch_reader_next", f_batch_reader_next, METH_O, NULL},
    {"_parquet_batch_reader_info", f_batch_reader_info, METH_O, NULL},
    {NULL},
};
