/* quiver Python binding: the text formats (include/quiver/csv.h and
 * jsonl.h), the C half of quiver.csv and quiver.json. The Python half maps
 * pyarrow's option classes onto the plain arguments taken here. The GIL is
 * released while libquiver parses or formats; input bytes are held through
 * a Py_buffer export for the duration of the call (the readers copy what
 * they keep).
 */
#include "qvpy.h"

#include "csv_args.h"
#include "quiver/jsonl.h"

/* A list of str -> a NULL-terminated array of UTF-8 pointers borrowed from
 * the list's items (kept alive by `list`). None -> *out NULL, *n 0. */
static int string_list(PyObject *list, const char ***out, int32_t *n, const char *what) {
  *out = NULL;
  *n = 0;
  if (list == Py_None) return 0;
  if (!PyList_Check(list)) {
    PyErr_Format(PyExc_TypeError, "%s must be a list of str", what);
    return -1;
  }
  const Py_ssize_t len = PyList_GET_SIZE(list);
  if (len > INT32_MAX) {
    PyErr_Format(PyExc_ValueError, "%s has too many entries", what);
    return -1;
  }
  const char **items = PyMem_Calloc((size_t)len + 1, sizeof *items);
  if (items == NULL) {
    PyErr_NoMemory();
    return -1;
  }
  for (Py_ssize_t i = 0; i < len; i++) {
    PyObject *s = PyList_GET_ITEM(list, i);
    items[i] = PyUnicode_Check(s) ? PyUnicode_AsUTF8(s) : NULL;
    if (items[i] == NULL) {
      if (!PyErr_Occurred()) PyErr_Format(PyExc_TypeError, "%s must hold only str", what);
      PyMem_Free(items);
      return -1;
    }
  }
  *out = items;
  *n = (int32_t)len;
  return 0;
}

/* One character option: a str of one ASCII character. */
static int one_char(PyObject *o, char *out, const char *what) {
  const char *s = PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : NULL;
  if (s == NULL || s[0] == '\0' || s[1] != '\0' || (unsigned char)s[0] >= 0x80) {
    PyErr_Clear();
    PyErr_Format(PyExc_ValueError, "%s must be one ASCII character", what);
    return -1;
  }
  *out = s[0];
  return 0;
}

void qvpy_csv_args_free(qvpy_csv_args *a) {
  PyMem_Free(a->names);
  PyMem_Free(a->nulls);
  PyMem_Free(a->trues);
  PyMem_Free(a->falses);
  PyMem_Free(a->type_names);
  PyMem_Free(a->types);
  for (int i = 0; i < 5; i++) Py_CLEAR(a->refs[i]);
  memset(a, 0, sizeof *a);
}

/* column_types: a list of (name: str, type: quiver.DataType) or None. */
static int type_list(PyObject *list, qvpy_csv_args *a) {
  if (list == Py_None) return 0;
  if (!PyList_Check(list) || PyList_GET_SIZE(list) > INT32_MAX)
    return PyErr_Format(PyExc_TypeError, "column_types must be a list of (name, DataType)"), -1;
  const Py_ssize_t n = PyList_GET_SIZE(list);
  a->type_names = PyMem_Calloc((size_t)n + 1, sizeof *a->type_names);
  a->types = PyMem_Calloc((size_t)n + 1, sizeof *a->types);
  if (a->type_names == NULL || a->types == NULL) return PyErr_NoMemory(), -1;
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *item = PyList_GET_ITEM(list, i);
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2 || !PyUnicode_Check(PyTuple_GET_ITEM(item, 0)))
      return PyErr_Format(PyExc_TypeError, "column_types must be a list of (name, DataType)"), -1;
    a->type_names[i] = PyUnicode_AsUTF8(PyTuple_GET_ITEM(item, 0));
    a->types[i] = qvpy_as_type(PyTuple_GET_ITEM(item, 1), "a column type");
    if (a->type_names[i] == NULL || a->types[i] == NULL) return -1;
  }
  a->o.column_type_names = a->type_names;
  a->o.column_types = a->types;
  a->o.n_column_types = (int32_t)n;
  return 0;
}

/* Parses (delimiter, quote or None, no_header, column_names, skip_rows,
 * null_values, true_values, false_values, skip_invalid_rows,
 * max_input_size, block_size, n_threads, column_types, max_record_size). */
int qvpy_csv_args_parse(PyObject *args, qvpy_csv_args *a) {
  memset(a, 0, sizeof *a);
  PyObject *delim_obj, *quote_obj, *names_obj, *nulls_obj, *trues_obj, *falses_obj, *types_obj;
  int no_header, skip_invalid, n_threads;
  long long skip_rows, max_input, block_size, max_record;
  if (!PyArg_ParseTuple(args, "OOpOLOOOpLLiOL", &delim_obj, &quote_obj, &no_header, &names_obj, &skip_rows,
                        &nulls_obj, &trues_obj, &falses_obj, &skip_invalid, &max_input, &block_size, &n_threads,
                        &types_obj, &max_record))
    return -1;
  qv_csv_read_options *o = &a->o;
  if (one_char(delim_obj, &o->delimiter, "delimiter") < 0) return -1;
  if (quote_obj == Py_None) o->no_quoting = true;
  else if (one_char(quote_obj, &o->quote, "quote_char") < 0) return -1;
  o->no_header = no_header != 0;
  o->skip_rows = skip_rows;
  o->skip_invalid_rows = skip_invalid != 0;
  o->max_input_size = max_input;
  o->block_size = block_size;
  o->n_threads = n_threads;
  o->max_record_size = max_record;
  PyObject *lists[5] = {names_obj, nulls_obj, trues_obj, falses_obj, types_obj};
  for (int i = 0; i < 5; i++) a->refs[i] = Py_NewRef(lists[i]);
  if (string_list(names_obj, &a->names, &o->n_column_names, "column_names") < 0 ||
      string_list(nulls_obj, &a->nulls, &o->n_null_values, "null_values") < 0 ||
      string_list(trues_obj, &a->trues, &o->n_true_values, "true_values") < 0 ||
      string_list(falses_obj, &a->falses, &o->n_false_values, "false_values") < 0 || type_list(types_obj, a) < 0) {
    qvpy_csv_args_free(a);
    return -1;
  }
  o->column_names = a->names;
  /* An empty list given (not None) means "no markers at all". */
  static const char *const k_none[] = {NULL};
  o->null_values = a->nulls ? a->nulls : (nulls_obj != Py_None ? k_none : NULL);
  o->true_values = a->trues ? a->trues : (trues_obj != Py_None ? k_none : NULL);
  o->false_values = a->falses ? a->falses : (falses_obj != Py_None ? k_none : NULL);
  return 0;
}

/* _csv_read(source: bytes path or buffer, is_path, options (see
 *           qvpy_csv_args_parse)) -> Table */
static PyObject *f_csv_read(PyObject *m, PyObject *args) {
  PyObject *source, *options;
  int is_path;
  if (!PyArg_ParseTuple(args, "OpO!", &source, &is_path, &PyTuple_Type, &options)) return NULL;
  qvpy_csv_args a;
  if (qvpy_csv_args_parse(options, &a) < 0) return NULL;
  PyObject *result = NULL;
  qv_table *t = NULL;
  qv_error err;
  qv_status st;
  if (is_path) {
    if (!PyBytes_Check(source)) {
      PyErr_SetString(PyExc_TypeError, "path must be bytes (os.fsencode)");
      goto done;
    }
    const char *path = PyBytes_AS_STRING(source);
    Py_BEGIN_ALLOW_THREADS st = qv_csv_read_path(path, &a.o, &t, &err);
    Py_END_ALLOW_THREADS
  } else {
    Py_buffer view;
    if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0) goto done;
    Py_BEGIN_ALLOW_THREADS st = qv_csv_read_memory(view.buf, (size_t)view.len, &a.o, &t, &err);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
  }
  result = st == QV_OK ? qvpy_wrap_table(t, true) : qvpy_raise(st, &err);
done:
  qvpy_csv_args_free(&a);
  return result;
}

/* _csv_write(table, path bytes or None, delimiter, include_header) -> None or bytes */
static PyObject *f_csv_write(PyObject *m, PyObject *args) {
  PyObject *table_obj, *path_obj, *delim_obj;
  int header;
  if (!PyArg_ParseTuple(args, "O!OOp", &QvTable_Type, &table_obj, &path_obj, &delim_obj, &header)) return NULL;
  qv_csv_write_options o = QV_CSV_WRITE_OPTIONS_DEFAULT;
  if (one_char(delim_obj, &o.delimiter, "delimiter") < 0) return NULL;
  o.no_header = !header;
  const qv_table *t = ((QvTableObject *)table_obj)->table;
  qv_error err;
  qv_status st;
  if (path_obj != Py_None) {
    if (!PyBytes_Check(path_obj)) return PyErr_Format(PyExc_TypeError, "path must be bytes (os.fsencode)");
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS st = qv_csv_write_table_path(path, t, &o, &err);
    Py_END_ALLOW_THREADS
    if (st != QV_OK) return qvpy_raise(st, &err);
    Py_RETURN_NONE;
  }
  char *text = NULL;
  size_t size = 0;
  Py_BEGIN_ALLOW_THREADS st = qv_csv_write_table_memory(t, &o, &text, &size, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *r = PyBytes_FromStringAndSize(text, (Py_ssize_t)size);
  qv_csv_free(text);
  return r;
}

static int parse_unexpected(const char *s, qv_jsonl_unexpected *out) {
  if (strcmp(s, "infer") == 0) *out = QV_JSONL_UNEXPECTED_INFER;
  else if (strcmp(s, "ignore") == 0) *out = QV_JSONL_UNEXPECTED_IGNORE;
  else if (strcmp(s, "error") == 0) *out = QV_JSONL_UNEXPECTED_ERROR;
  else {
    PyErr_Format(PyExc_ValueError, "unexpected_field_behavior must be 'infer', 'ignore' or 'error', not '%s'", s);
    return -1;
  }
  return 0;
}

/* _jsonl_read(source, is_path, schema or None, unexpected, max_depth,
 *             max_line_length, max_input_size) -> Table */
static PyObject *f_jsonl_read(PyObject *m, PyObject *args) {
  PyObject *source, *schema_obj;
  int is_path, max_depth;
  const char *unexpected;
  long long max_line, max_input;
  if (!PyArg_ParseTuple(args, "OpOsiLL", &source, &is_path, &schema_obj, &unexpected, &max_depth, &max_line,
                        &max_input))
    return NULL;
  qv_jsonl_read_options o = QV_JSONL_READ_OPTIONS_DEFAULT;
  if (parse_unexpected(unexpected, &o.unexpected_fields) < 0) return NULL;
  if (schema_obj != Py_None && (o.schema = qvpy_as_schema(schema_obj, "explicit_schema")) == NULL) return NULL;
  o.max_depth = max_depth;
  o.max_line_length = max_line;
  o.max_input_size = max_input;
  qv_table *t = NULL;
  qv_error err;
  qv_status st;
  if (is_path) {
    if (!PyBytes_Check(source)) return PyErr_Format(PyExc_TypeError, "path must be bytes (os.fsencode)");
    const char *path = PyBytes_AS_STRING(source);
    Py_BEGIN_ALLOW_THREADS st = qv_jsonl_read_path(path, &o, &t, &err);
    Py_END_ALLOW_THREADS
  } else {
    Py_buffer view;
    if (PyObject_GetBuffer(source, &view, PyBUF_SIMPLE) < 0) return NULL;
    Py_BEGIN_ALLOW_THREADS st = qv_jsonl_read_memory(view.buf, (size_t)view.len, &o, &t, &err);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
  }
  return st == QV_OK ? qvpy_wrap_table(t, true) : qvpy_raise(st, &err);
}

/* _jsonl_write(table, path bytes or None) -> None or bytes */
static PyObject *f_jsonl_write(PyObject *m, PyObject *args) {
  PyObject *table_obj, *path_obj;
  if (!PyArg_ParseTuple(args, "O!O", &QvTable_Type, &table_obj, &path_obj)) return NULL;
  const qv_table *t = ((QvTableObject *)table_obj)->table;
  qv_error err;
  qv_status st;
  if (path_obj != Py_None) {
    if (!PyBytes_Check(path_obj)) return PyErr_Format(PyExc_TypeError, "path must be bytes (os.fsencode)");
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS st = qv_jsonl_write_table_path(path, t, &err);
    Py_END_ALLOW_THREADS
    if (st != QV_OK) return qvpy_raise(st, &err);
    Py_RETURN_NONE;
  }
  char *text = NULL;
  size_t size = 0;
  Py_BEGIN_ALLOW_THREADS st = qv_jsonl_write_table_memory(t, &text, &size, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *r = PyBytes_FromStringAndSize(text, (Py_ssize_t)size);
  qv_jsonl_free(text);
  return r;
}

PyMethodDef qvpy_textio_functions[] = {
    {"_csv_read", f_csv_read, METH_VARARGS, NULL},
    {"_csv_write", f_csv_write, METH_VARARGS, NULL},
    {"_jsonl_read", f_jsonl_read, METH_VARARGS, NULL},
    {"_jsonl_write", f_jsonl_write, METH_VARARGS, NULL},
    {NULL},
};
