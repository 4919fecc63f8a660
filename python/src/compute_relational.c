/* quiver Python binding: the relational compute kernels (selection,
 * sorting, aggregation, hashing, group-by) as private module functions.
 *
 * Thin by design: each function takes quiver Arrays (or any Arrow C array
 * producer), checks their structure once (the kernels' safety contract
 * needs structural validation, nothing more), calls one libquiver kernel
 * and wraps the result. Option parsing, chunked arrays, tables and
 * pyarrow-shaped results live in quiver/_compute_relational.py.
 */
#include "qvpy.h"

#include "quiver/compute.h"

/* A structurally valid qv_array from `o` (new reference in *holder). */
static qv_array *checked_array(PyObject *o, PyObject **holder) {
  qv_array *a = qvpy_coerce_array(o, holder);
  if (a == NULL) return NULL;
  if (qvpy_array_ensure_structure((QvArrayObject *)*holder) < 0) {
    Py_CLEAR(*holder);
    return NULL;
  }
  return a;
}

/* A Python number (or None) from an aggregation's scalar. */
static PyObject *number_of(const qv_scalar *s) {
  switch (s->kind) {
    case QV_SCALAR_INT: return PyLong_FromLongLong(s->value.i);
    case QV_SCALAR_UINT: return PyLong_FromUnsignedLongLong(s->value.u);
    case QV_SCALAR_FLOAT: return PyFloat_FromDouble(s->value.f);
    case QV_SCALAR_BOOL: return PyBool_FromLong(s->value.b);
    default: Py_RETURN_NONE;
  }
}

static PyObject *wrap_result(qv_status st, qv_array *out, const qv_error *err) {
  if (st != QV_OK) return qvpy_raise(st, err);
  return qvpy_wrap_array(out, false);
}

/* _cr_aggregate(name, array, ddof=0, mode=0) -> number or None */
static PyObject *f_aggregate(PyObject *m, PyObject *args) {
  const char *name;
  PyObject *obj, *holder = NULL;
  int ddof = 0, mode = 0;
  if (!PyArg_ParseTuple(args, "sO|ii", &name, &obj, &ddof, &mode)) return NULL;
  qv_array *a = checked_array(obj, &holder);
  if (a == NULL) return NULL;
  qv_scalar s;
  qv_error err;
  qv_status st;
  int64_t n = 0;
  bool is_count = false;
  memset(&s, 0, sizeof s);
  if (strcmp(name, "sum") == 0) st = qv_compute_sum(a, &s, &err);
  else if (strcmp(name, "mean") == 0) st = qv_compute_mean(a, &s, &err);
  else if (strcmp(name, "min") == 0) st = qv_compute_min(a, &s, &err);
  else if (strcmp(name, "max") == 0) st = qv_compute_max(a, &s, &err);
  else if (strcmp(name, "any") == 0) st = qv_compute_any(a, &s, &err);
  else if (strcmp(name, "all") == 0) st = qv_compute_all(a, &s, &err);
  else if (strcmp(name, "product") == 0) st = qv_compute_product(a, &s, &err);
  else if (strcmp(name, "variance") == 0) st = qv_compute_variance(a, ddof, &s, &err);
  else if (strcmp(name, "stddev") == 0) st = qv_compute_stddev(a, ddof, &s, &err);
  else if (strcmp(name, "count") == 0) {
    is_count = true;
    st = qv_compute_count(a, (qv_count_mode)mode, &n, &err);
  } else if (strcmp(name, "count_distinct") == 0) {
    is_count = true;
    st = qv_compute_count_distinct(a, (qv_count_mode)mode, &n, &err);
  } else {
    Py_DECREF(holder);
    return PyErr_Format(PyExc_ValueError, "unknown aggregation %s", name);
  }
  PyObject *r = st != QV_OK ? qvpy_raise(st, &err) : is_count ? PyLong_FromLongLong(n) : number_of(&s);
  Py_DECREF(holder);
  return r;
}

/* _cr_first_last(array, last) -> row of the first/last valid slot, or -1 */
static PyObject *f_first_last(PyObject *m, PyObject *args) {
  PyObject *obj, *holder = NULL;
  int last;
  if (!PyArg_ParseTuple(args, "Op", &obj, &last)) return NULL;
  qv_array *a = checked_array(obj, &holder);
  if (a == NULL) return NULL;
  long long found = -1;
  for (int64_t k = 0; k < a->length && found < 0; k++) {
    int64_t i = last ? a->length - 1 - k : k;
    if (qv_array_is_valid_any(a, i)) found = i;
  }
  Py_DECREF(holder);
  return PyLong_FromLongLong(found);
}

/* _cr_take(values, indices) / _cr_filter(values, mask, emit_null) -> Array */
static PyObject *f_take(PyObject *m, PyObject *args) {
  PyObject *vo, *io, *vh = NULL, *ih = NULL;
  if (!PyArg_ParseTuple(args, "OO", &vo, &io)) return NULL;
  qv_array *v = checked_array(vo, &vh), *i = v ? checked_array(io, &ih) : NULL, *out = NULL;
  PyObject *r = NULL;
  if (i != NULL) {
    qv_error err;
    qv_array *as_int64 = NULL;
    qv_status st = QV_OK;
    /* uint64 row numbers (sort_indices' result) are read as int64: one
     * past INT64_MAX turns negative and is reported out of range */
    if (i->type->id == QV_TYPE_UINT64)
      st = qv_array_new(qv_type_int64(), i->length, i->offset, i->null_count, 2, i->buffers, 0, NULL, NULL, &as_int64,
                        &err);
    if (st == QV_OK) st = qv_compute_take(v, as_int64 != NULL ? as_int64 : i, &out, &err);
    qv_array_release(as_int64);
    r = wrap_result(st, out, &err);
  }
  Py_XDECREF(vh);
  Py_XDECREF(ih);
  return r;
}

static PyObject *f_filter(PyObject *m, PyObject *args) {
  PyObject *vo, *mo, *vh = NULL, *mh = NULL;
  int emit = 0;
  if (!PyArg_ParseTuple(args, "OO|p", &vo, &mo, &emit)) return NULL;
  qv_array *v = checked_array(vo, &vh), *mask = v ? checked_array(mo, &mh) : NULL, *out = NULL;
  PyObject *r = NULL;
  if (mask != NULL) {
    qv_error err;
    qv_status st = qv_compute_filter(v, mask, emit ? QV_FILTER_EMIT_NULL : QV_FILTER_DROP, &out, &err);
    r = wrap_result(st, out, &err);
  }
  Py_XDECREF(vh);
  Py_XDECREF(mh);
  return r;
}

/* Sort keys from a sequence of (array, descending, nulls_first). */
static int parse_sort_keys(PyObject *seq, qv_sort_key **keys, PyObject ***holders, Py_ssize_t *n) {
  PyObject *fast = PySequence_Fast(seq, "sort keys must be a sequence");
  if (fast == NULL) return -1;
  *n = PySequence_Fast_GET_SIZE(fast);
  *keys = PyMem_Calloc((size_t)(*n > 0 ? *n : 1), sizeof **keys);
  *holders = PyMem_Calloc((size_t)(*n > 0 ? *n : 1), sizeof **holders);
  if (*keys == NULL || *holders == NULL) {
    Py_DECREF(fast);
    PyErr_NoMemory();
    return -1;
  }
  for (Py_ssize_t k = 0; k < *n; k++) {
    PyObject *arr_obj;
    int desc, first;
    if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, k), "Opp", &arr_obj, &desc, &first)) break;
    qv_array *a = checked_array(arr_obj, &(*holders)[k]);
    if (a == NULL) break;
    (*keys)[k].values = a;
    (*keys)[k].order = desc ? QV_SORT_DESCENDING : QV_SORT_ASCENDING;
    (*keys)[k].nulls = first ? QV_NULLS_AT_START : QV_NULLS_AT_END;
  }
  Py_DECREF(fast);
  return PyErr_Occurred() ? -1 : 0;
}

static void free_sort_keys(qv_sort_key *keys, PyObject **holders, Py_ssize_t n) {
  for (Py_ssize_t k = 0; holders != NULL && k < n; k++) Py_XDECREF(holders[k]);
  PyMem_Free(keys);
  PyMem_Free(holders);
}

/* _cr_select_k(keys, k) -> uint64 Array (k < 0: every row) */
static PyObject *f_select_k(PyObject *m, PyObject *args) {
  PyObject *seq;
  long long k;
  if (!PyArg_ParseTuple(args, "OL", &seq, &k)) return NULL;
  qv_sort_key *keys = NULL;
  PyObject **holders = NULL, *r = NULL;
  Py_ssize_t n = 0;
  if (parse_sort_keys(seq, &keys, &holders, &n) == 0) {
    qv_array *out = NULL;
    qv_error err;
    qv_status st;
    Py_BEGIN_ALLOW_THREADS st = qv_compute_select_k(keys, (int32_t)n, k, &out, &err);
    Py_END_ALLOW_THREADS r = wrap_result(st, out, &err);
  }
  free_sort_keys(keys, holders, n);
  return r;
}

/* _cr_rank(array, descending, nulls_first, tiebreaker) -> uint64 Array */
static PyObject *f_rank(PyObject *m, PyObject *args) {
  PyObject *obj, *holder = NULL;
  int desc, first, tie;
  if (!PyArg_ParseTuple(args, "Oppi", &obj, &desc, &first, &tie)) return NULL;
  qv_array *a = checked_array(obj, &holder), *out = NULL;
  if (a == NULL) return NULL;
  qv_error err;
  qv_status st = qv_compute_rank(a, desc ? QV_SORT_DESCENDING : QV_SORT_ASCENDING,
                                 first ? QV_NULLS_AT_START : QV_NULLS_AT_END, (qv_rank_tiebreaker)tie, &out, &err);
  Py_DECREF(holder);
  return wrap_result(st, out, &err);
}

/* _cr_hash(name, array[, value_set, skip_nulls]) for unique, value_counts, is_in, index_in */
static PyObject *f_hash(PyObject *m, PyObject *args) {
  const char *name;
  PyObject *obj, *set_obj = Py_None, *holder = NULL, *set_holder = NULL;
  int skip = 0;
  if (!PyArg_ParseTuple(args, "sO|Op", &name, &obj, &set_obj, &skip)) return NULL;
  qv_array *a = checked_array(obj, &holder), *set = NULL, *out = NULL;
  if (a == NULL) return NULL;
  if (set_obj != Py_None && (set = checked_array(set_obj, &set_holder)) == NULL) {
    Py_DECREF(holder);
    return NULL;
  }
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS
  if (strcmp(name, "unique") == 0) st = qv_compute_unique(a, &out, &err);
  else if (strcmp(name, "value_counts") == 0) st = qv_compute_value_counts(a, &out, &err);
  else if (set == NULL) st = qv_error_set(&err, QV_ERR_INVALID_ARGUMENT, "%s needs a value_set", name);
  else if (strcmp(name, "is_in") == 0) st = qv_compute_is_in(a, set, skip != 0, &out, &err);
  else st = qv_compute_index_in(a, set, skip != 0, &out, &err);
  Py_END_ALLOW_THREADS
  Py_DECREF(holder);
  Py_XDECREF(set_holder);
  return wrap_result(st, out, &err);
}

/* _cr_group_by(keys, aggs) -> list of Arrays (keys then aggregates);
 * aggs: sequence of (array or None, op number, mode) */
static PyObject *f_group_by(PyObject *m, PyObject *args) {
  PyObject *key_seq, *agg_seq, *r = NULL;
  if (!PyArg_ParseTuple(args, "OO", &key_seq, &agg_seq)) return NULL;
  PyObject *keys_fast = PySequence_Fast(key_seq, "keys must be a sequence");
  if (keys_fast == NULL) return NULL;
  PyObject *aggs_fast = PySequence_Fast(agg_seq, "aggregations must be a sequence");
  if (aggs_fast == NULL) {
    Py_DECREF(keys_fast);
    return NULL;
  }
  Py_ssize_t nk = PySequence_Fast_GET_SIZE(keys_fast), na = PySequence_Fast_GET_SIZE(aggs_fast);
  qv_array **keys = PyMem_Calloc((size_t)nk + 1, sizeof *keys);
  qv_group_aggregate *aggs = PyMem_Calloc((size_t)na + 1, sizeof *aggs);
  PyObject **holders = PyMem_Calloc((size_t)(nk + na) + 1, sizeof *holders);
  qv_array **out = PyMem_Calloc((size_t)(nk + na) + 1, sizeof *out);
  if (keys == NULL || aggs == NULL || holders == NULL || out == NULL) {
    PyErr_NoMemory();
    goto done;
  }
  for (Py_ssize_t k = 0; k < nk; k++)
    if ((keys[k] = checked_array(PySequence_Fast_GET_ITEM(keys_fast, k), &holders[k])) == NULL) goto done;
  for (Py_ssize_t a = 0; a < na; a++) {
    PyObject *values;
    int op, mode;
    if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(aggs_fast, a), "Oii", &values, &op, &mode)) goto done;
    aggs[a].op = (qv_group_op)op;
    aggs[a].mode = (qv_count_mode)mode;
    if (values != Py_None && (aggs[a].values = checked_array(values, &holders[nk + a])) == NULL) goto done;
  }
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_compute_group_by(keys, (int32_t)nk, aggs, (int32_t)na, out, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) {
    qvpy_raise(st, &err);
    goto done;
  }
  r = PyList_New(nk + na);
  for (Py_ssize_t c = 0; c < nk + na; c++) {
    PyObject *w = r != NULL ? qvpy_wrap_array(out[c], false) : NULL;
    if (r == NULL) qv_array_release(out[c]);
    else if (w == NULL) Py_CLEAR(r);
    else PyList_SET_ITEM(r, c, w);
    out[c] = NULL;
  }
done:
  for (Py_ssize_t c = 0; holders != NULL && c < nk + na; c++) Py_XDECREF(holders[c]);
  PyMem_Free(keys);
  PyMem_Free(aggs);
  PyMem_Free(holders);
  PyMem_Free(out);
  Py_DECREF(keys_fast);
  Py_DECREF(aggs_fast);
  return r;
}

PyMethodDef qvpy_compute_relational_functions[] = {
    {"_cr_aggregate", f_aggregate, METH_VARARGS, NULL},
    {"_cr_first_last", f_first_last, METH_VARARGS, NULL},
    {"_cr_take", f_take, METH_VARARGS, NULL},
    {"_cr_filter", f_filter, METH_VARARGS, NULL},
    {"_cr_select_k", f_select_k, METH_VARARGS, NULL},
    {"_cr_rank", f_rank, METH_VARARGS, NULL},
    {"_cr_hash", f_hash, METH_VARARGS, NULL},
    {"_cr_group_by", f_group_by, METH_VARARGS, NULL},
    {NULL},
};
