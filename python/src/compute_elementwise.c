/* quiver Python binding: the element-wise compute kernels.
 *
 * Thin: each function takes quiver Arrays (or any Arrow array-like, imported
 * zero-copy and checked structurally first, as the kernels' safety contract
 * requires), calls one libquiver kernel and wraps the result. A Python
 * scalar argument arrives here already turned into a length-1 Array by
 * quiver/_compute_elementwise.py, with a flag saying it broadcasts; the
 * argument handling and pyarrow-shaped signatures live there. Results are
 * marked as not yet fully validated: an unsafe cast may legitimately hold
 * bytes that are not UTF-8, and reading values re-checks them.
 *
 * Also the Array methods that delegate to that module (cast, the arithmetic
 * operators), which array.c installs.
 */
#include "qvpy.h"

#include "quiver/compute.h"
#include "quiver/scalar.h"

/* A structurally checked qv_array out of `o` (*holder keeps it alive). */
static qv_array *arg_array(PyObject *o, PyObject **holder) {
  qv_array *a = qvpy_coerce_array(o, holder);
  if (a == NULL) return NULL;
  if (qvpy_array_ensure_structure((QvArrayObject *)*holder) < 0) {
    Py_CLEAR(*holder);
    return NULL;
  }
  return a;
}

static PyObject *result(qv_status st, qv_array *out, const qv_error *err) {
  if (st != QV_OK) return qvpy_raise(st, err);
  return qvpy_wrap_array(out, false);
}

/* _cast(array, type, safe) */
static PyObject *f_cast(PyObject *m, PyObject *args) {
  PyObject *a_obj, *t_obj, *holder = NULL;
  int safe = 1;
  if (!PyArg_ParseTuple(args, "OO|p", &a_obj, &t_obj, &safe)) return NULL;
  qv_type *to = qvpy_as_type(t_obj, "target_type");
  if (to == NULL) return NULL;
  qv_array *a = arg_array(a_obj, &holder);
  if (a == NULL) return NULL;
  qv_error err;
  qv_array *out = NULL;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS
  st = qv_compute_cast(a, to, safe != 0, &out, &err);
  Py_END_ALLOW_THREADS
  Py_DECREF(holder);
  return result(st, out, &err);
}


/* The value of a length-1 array as a scalar (borrowing from `a`). */
static int scalar_of(const qv_array *a, qv_scalar *s) {
  qv_error err;
  qv_status st = qv_array_get_scalar(a, 0, s, &err);
  return st == QV_OK ? 0 : qvpy_raise_int(st, &err);
}

/* Runs `call` without the GIL on up to three structurally checked arrays. */
#define WITH_ARRAYS3(o1, o2, o3, body)                                                  \
  PyObject *h1 = NULL, *h2 = NULL, *h3 = NULL;                                          \
  qv_array *a1 = NULL, *a2 = NULL, *a3 = NULL;                                          \
  qv_error err;                                                                         \
  qv_array *out = NULL;                                                                 \
  qv_status st = QV_OK;                                                                 \
  if ((a1 = arg_array(o1, &h1)) == NULL) goto fail;                                     \
  if ((o2) != NULL && (a2 = arg_array(o2, &h2)) == NULL) goto fail;                     \
  if ((o3) != NULL && (a3 = arg_array(o3, &h3)) == NULL) goto fail;                     \
  body;                                                                                 \
  Py_XDECREF(h1);                                                                       \
  Py_XDECREF(h2);                                                                       \
  Py_XDECREF(h3);                                                                       \
  return result(st, out, &err);                                                         \
  fail:                                                                                 \
  Py_XDECREF(h1);                                                                       \
  Py_XDECREF(h2);                                                                       \
  Py_XDECREF(h3);                                                                       \
  return NULL;

/* _compare(op, left, right, right_is_scalar) */
static PyObject *f_compare(PyObject *m, PyObject *args) {
  int op, scalar;
  PyObject *l, *r;
  if (!PyArg_ParseTuple(args, "iOOp", &op, &l, &r, &scalar)) return NULL;
  WITH_ARRAYS3(l, r, NULL, {
    if (scalar) {
      qv_scalar s;
      if (scalar_of(a2, &s) < 0) goto fail;
      Py_BEGIN_ALLOW_THREADS st = qv_compute_compare_scalar((qv_compare_op)op, a1, &s, &out, &err);
      Py_END_ALLOW_THREADS
    } else {
      Py_BEGIN_ALLOW_THREADS st = qv_compute_compare((qv_compare_op)op, a1, a2, &out, &err);
      Py_END_ALLOW_THREADS
    }
  })
}

/* _arith(op, checked, left, right, right_is_scalar) */
static PyObject *f_arith(PyObject *m, PyObject *args) {
  int op, checked, scalar;
  PyObject *l, *r;
  if (!PyArg_ParseTuple(args, "ipOOp", &op, &checked, &l, &r, &scalar)) return NULL;
  WITH_ARRAYS3(l, r, NULL, {
    if (scalar) {
      qv_scalar s;
      if (scalar_of(a2, &s) < 0) goto fail;
      Py_BEGIN_ALLOW_THREADS st = qv_compute_arithmetic_scalar((qv_arith_op)op, checked, a1, &s, &out, &err);
      Py_END_ALLOW_THREADS
    } else {
      Py_BEGIN_ALLOW_THREADS st = qv_compute_arithmetic((qv_arith_op)op, checked, a1, a2, &out, &err);
      Py_END_ALLOW_THREADS
    }
  })
}

/* _unary(which, checked, array): 0 negate, 1 abs, 2 invert, 3 is_null,
 * 4 is_null(nan_is_null), 5 is_valid, 6 is_nan */
static PyObject *f_unary(PyObject *m, PyObject *args) {
  int which, checked;
  PyObject *a;
  if (!PyArg_ParseTuple(args, "ipO", &which, &checked, &a)) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    Py_BEGIN_ALLOW_THREADS switch (which) {
      case 0: st = qv_compute_negate(a1, checked, &out, &err); break;
      case 1: st = qv_compute_abs(a1, checked, &out, &err); break;
      case 2: st = qv_compute_invert(a1, &out, &err); break;
      case 3: st = qv_compute_is_null(a1, false, &out, &err); break;
      case 4: st = qv_compute_is_null(a1, true, &out, &err); break;
      case 5: st = qv_compute_is_valid(a1, &out, &err); break;
      default: st = qv_compute_is_nan(a1, &out, &err); break;
    }
    Py_END_ALLOW_THREADS
  })
}

/* _boolean(op, left, right) */
static PyObject *f_boolean(PyObject *m, PyObject *args) {
  int op;
  PyObject *l, *r;
  if (!PyArg_ParseTuple(args, "iOO", &op, &l, &r)) return NULL;
  WITH_ARRAYS3(l, r, NULL, {
    Py_BEGIN_ALLOW_THREADS st = qv_compute_boolean((qv_bool_op)op, a1, a2, &out, &err);
    Py_END_ALLOW_THREADS
  })
}

/* _if_else(cond, left, right): length-1 arrays broadcast */
static PyObject *f_if_else(PyObject *m, PyObject *args) {
  PyObject *c, *l, *r;
  if (!PyArg_ParseTuple(args, "OOO", &c, &l, &r)) return NULL;
  WITH_ARRAYS3(c, l, r, {
    Py_BEGIN_ALLOW_THREADS st = qv_compute_if_else(a1, a2, a3, &out, &err);
    Py_END_ALLOW_THREADS
  })
}

/* _coalesce(list of arrays): length-1 arrays broadcast */
static PyObject *f_coalesce(PyObject *m, PyObject *args) {
  PyObject *list;
  if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &list)) return NULL;
  Py_ssize_t n = PyList_GET_SIZE(list);
  PyObject **holders = PyMem_Calloc((size_t)(n ? n : 1), sizeof(PyObject *));
  const qv_array **arrays = PyMem_Calloc((size_t)(n ? n : 1), sizeof(qv_array *));
  PyObject *r = NULL;
  if (holders == NULL || arrays == NULL) {
    PyErr_NoMemory();
    goto done;
  }
  for (Py_ssize_t i = 0; i < n; i++)
    if ((arrays[i] = arg_array(PyList_GET_ITEM(list, i), &holders[i])) == NULL) goto done;
  qv_error err;
  qv_array *out = NULL;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_compute_coalesce(arrays, (int64_t)n, &out, &err);
  Py_END_ALLOW_THREADS
  r = result(st, out, &err);
done:
  if (holders != NULL)
    for (Py_ssize_t i = 0; i < n; i++) Py_XDECREF(holders[i]);
  PyMem_Free(holders);
  PyMem_Free((void *)arrays);
  return r;
}

/* _repeat(array_of_length_1, n): the value n times (a broadcast scalar). */
static PyObject *f_repeat(PyObject *m, PyObject *args) {
  PyObject *a;
  long long n;
  if (!PyArg_ParseTuple(args, "OL", &a, &n)) return NULL;
  if (n < 0) return PyErr_Format(PyExc_ValueError, "negative length");
  WITH_ARRAYS3(a, NULL, NULL, {
    qv_buffer *zeros = NULL;
    qv_array *idx = NULL;
    st = qv_buffer_allocate(NULL, (int64_t)n * 8, true, &zeros, &err);
    if (st == QV_OK)
      st = qv_array_new(qv_type_int64(), (int64_t)n, 0, 0, 2, (qv_buffer *[]){NULL, zeros}, 0, NULL, NULL, &idx, &err);
    if (st == QV_OK) st = qv_compute_take(a1, idx, &out, &err);
    qv_buffer_release(zeros);
    qv_array_release(idx);
  })
}


/* ---- strings ---- */

/* _str_unary(which, array): 0 utf8_length, 1 binary_length, 2.. case ops */
static PyObject *f_str_unary(PyObject *m, PyObject *args) {
  int which;
  PyObject *a;
  if (!PyArg_ParseTuple(args, "iO", &which, &a)) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    Py_BEGIN_ALLOW_THREADS
    if (which == 0) st = qv_compute_utf8_length(a1, &out, &err);
    else if (which == 1) st = qv_compute_binary_length(a1, &out, &err);
    else st = qv_compute_case((qv_case_op)(which - 2), a1, &out, &err);
    Py_END_ALLOW_THREADS
  })
}

/* _str_predicate(which, array): a qv_string_predicate */
static PyObject *f_str_predicate(PyObject *m, PyObject *args) {
  int which;
  PyObject *a;
  if (!PyArg_ParseTuple(args, "iO", &which, &a)) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    Py_BEGIN_ALLOW_THREADS st = qv_compute_string_predicate((qv_string_predicate)which, a1, &out, &err);
    Py_END_ALLOW_THREADS
  })
}

/* _str_match(op, array, pattern, ignore_case); op 4 is find_substring */
static PyObject *f_str_match(PyObject *m, PyObject *args) {
  int op, ic;
  PyObject *a;
  const char *pat;
  Py_ssize_t n;
  if (!PyArg_ParseTuple(args, "iOy#p", &op, &a, &pat, &n, &ic)) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    Py_BEGIN_ALLOW_THREADS
    if (op == 4) st = qv_compute_find_substring(a1, (const uint8_t *)pat, n, ic, &out, &err);
    else st = qv_compute_match((qv_match_op)op, a1, (const uint8_t *)pat, n, ic, &out, &err);
    Py_END_ALLOW_THREADS
  })
}

/* _replace_substring(array, pattern, replacement, max) */
static PyObject *f_replace(PyObject *m, PyObject *args) {
  PyObject *a;
  const char *pat, *rep;
  Py_ssize_t np, nr;
  long long max;
  if (!PyArg_ParseTuple(args, "Oy#y#L", &a, &pat, &np, &rep, &nr, &max)) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    Py_BEGIN_ALLOW_THREADS st = qv_compute_replace_substring(a1, (const uint8_t *)pat, np, (const uint8_t *)rep, nr,
                                                              max, &out, &err);
    Py_END_ALLOW_THREADS
  })
}

/* _split_pattern(array, pattern, max_splits) */
static PyObject *f_split(PyObject *m, PyObject *args) {
  PyObject *a;
  const char *pat;
  Py_ssize_t np;
  long long max;
  if (!PyArg_ParseTuple(args, "Oy#L", &a, &pat, &np, &max)) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    Py_BEGIN_ALLOW_THREADS st = qv_compute_split_pattern(a1, (const uint8_t *)pat, np, max, &out, &err);
    Py_END_ALLOW_THREADS
  })
}

/* _regex(op, array, pattern, ignore_case, replacement, max): op 0 match,
 * 1 count, 2 replace, 3 extract, 4 split (max: max_replacements or
 * max_splits, < 0 for all) */
static PyObject *f_regex(PyObject *m, PyObject *args) {
  int op, ic;
  PyObject *a;
  const char *pat, *rep;
  Py_ssize_t np, nr;
  long long max;
  if (!PyArg_ParseTuple(args, "iOy#py#L", &op, &a, &pat, &np, &ic, &rep, &nr, &max)) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    const uint8_t *p = (const uint8_t *)pat;
    Py_BEGIN_ALLOW_THREADS switch (op) {
      case 0: st = qv_compute_match_regex(a1, p, np, ic, &out, &err); break;
      case 1: st = qv_compute_count_regex(a1, p, np, ic, &out, &err); break;
      case 2: st = qv_compute_replace_regex(a1, p, np, (const uint8_t *)rep, nr, max, &out, &err); break;
      case 3: st = qv_compute_extract_regex(a1, p, np, &out, &err); break;
      default: st = qv_compute_split_regex(a1, p, np, max, &out, &err); break;
    }
    Py_END_ALLOW_THREADS
  })
}

/* _trim(array, side, chars or None) */
static PyObject *f_trim(PyObject *m, PyObject *args) {
  PyObject *a, *chars;
  int side;
  if (!PyArg_ParseTuple(args, "OiO", &a, &side, &chars)) return NULL;
  const char *c = NULL;
  Py_ssize_t nc = 0;
  if (chars != Py_None && PyBytes_AsStringAndSize(chars, (char **)&c, &nc) < 0) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    Py_BEGIN_ALLOW_THREADS st = qv_compute_utf8_trim(a1, (qv_trim_side)side, (const uint8_t *)c, nc, &out, &err);
    Py_END_ALLOW_THREADS
  })
}

/* _slice_codeunits(array, start, stop, step) */
static PyObject *f_slice_cu(PyObject *m, PyObject *args) {
  PyObject *a;
  long long start, stop, step;
  if (!PyArg_ParseTuple(args, "OLLL", &a, &start, &stop, &step)) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    Py_BEGIN_ALLOW_THREADS st = qv_compute_utf8_slice_codeunits(a1, start, stop, step, &out, &err);
    Py_END_ALLOW_THREADS
  })
}


/* _temporal_field(field, array) */
static PyObject *f_temporal_field(PyObject *m, PyObject *args) {
  int field;
  PyObject *a;
  if (!PyArg_ParseTuple(args, "iO", &field, &a)) return NULL;
  WITH_ARRAYS3(a, NULL, NULL, {
    Py_BEGIN_ALLOW_THREADS st = qv_compute_temporal_field((qv_temporal_field)field, a1, &out, &err);
    Py_END_ALLOW_THREADS
  })
}

/* ---- Array methods delegating to quiver._compute_elementwise ---- */

static PyObject *elementwise_module;

static PyObject *call_python(const char *name, PyObject *args, PyObject *kw) {
  if (elementwise_module == NULL &&
      (elementwise_module = PyImport_ImportModule("quiver._compute_elementwise")) == NULL)
    return NULL;
  PyObject *fn = PyObject_GetAttrString(elementwise_module, name);
  if (fn == NULL) return NULL;
  PyObject *r = PyObject_Call(fn, args, kw);
  Py_DECREF(fn);
  return r;
}

PyObject *qvpy_array_cast(PyObject *self, PyObject *args, PyObject *kw) {
  Py_ssize_t n = PyTuple_GET_SIZE(args);
  PyObject *full = PyTuple_New(n + 1);
  if (full == NULL) return NULL;
  PyTuple_SET_ITEM(full, 0, qvpy_newref(self));
  for (Py_ssize_t i = 0; i < n; i++) PyTuple_SET_ITEM(full, i + 1, qvpy_newref(PyTuple_GET_ITEM(args, i)));
  PyObject *r = call_python("_array_cast", full, kw);
  Py_DECREF(full);
  return r;
}

/* Operators, as pyarrow: + - * / ** and unary - and abs() are the checked
 * kernels (overflow raises); quiver._compute_elementwise._operator(name, a, b). */
static PyObject *binary_op(const char *name, PyObject *a, PyObject *b) {
  if (!PyObject_TypeCheck(a, &QvArray_Type)) Py_RETURN_NOTIMPLEMENTED; /* pyarrow: 2 + arr is a TypeError */
  PyObject *args = Py_BuildValue("(sOO)", name, a, b);
  if (args == NULL) return NULL;
  PyObject *r = call_python("_operator", args, NULL);
  Py_DECREF(args);
  return r;
}
static PyObject *unary_op(const char *name, PyObject *a) {
  PyObject *args = Py_BuildValue("(sO)", name, a);
  if (args == NULL) return NULL;
  PyObject *r = call_python("_unary_operator", args, NULL);
  Py_DECREF(args);
  return r;
}
static PyObject *nb_add(PyObject *a, PyObject *b) { return binary_op("add_checked", a, b); }
static PyObject *nb_sub(PyObject *a, PyObject *b) { return binary_op("subtract_checked", a, b); }
static PyObject *nb_mul(PyObject *a, PyObject *b) { return binary_op("multiply_checked", a, b); }
static PyObject *nb_div(PyObject *a, PyObject *b) { return binary_op("divide_checked", a, b); }
static PyObject *nb_pow(PyObject *a, PyObject *b, PyObject *mod) {
  if (mod != Py_None) Py_RETURN_NOTIMPLEMENTED;
  return binary_op("power_checked", a, b);
}
static PyObject *nb_neg(PyObject *a) { return unary_op("negate_checked", a); }
static PyObject *nb_abs(PyObject *a) { return unary_op("abs_checked", a); }

PyNumberMethods qvpy_array_as_number = {
    .nb_add = nb_add,
    .nb_subtract = nb_sub,
    .nb_multiply = nb_mul,
    .nb_true_divide = nb_div,
    .nb_power = nb_pow,
    .nb_negative = nb_neg,
    .nb_absolute = nb_abs,
};

PyMethodDef qvpy_compute_elementwise_functions[] = {
    {"_cast", f_cast, METH_VARARGS, "_cast(array, target_type, safe=True) -> Array"},
    {"_compare", f_compare, METH_VARARGS, "_compare(op, left, right, right_is_scalar) -> Array"},
    {"_arith", f_arith, METH_VARARGS, "_arith(op, checked, left, right, right_is_scalar) -> Array"},
    {"_unary", f_unary, METH_VARARGS, "_unary(which, checked, array) -> Array"},
    {"_boolean", f_boolean, METH_VARARGS, "_boolean(op, left, right) -> Array"},
    {"_if_else", f_if_else, METH_VARARGS, "_if_else(cond, left, right) -> Array"},
    {"_coalesce", f_coalesce, METH_VARARGS, "_coalesce([arrays]) -> Array"},
    {"_repeat", f_repeat, METH_VARARGS, "_repeat(array, n) -> Array"},
    {"_temporal_field", f_temporal_field, METH_VARARGS, "_temporal_field(field, array) -> Array"},
    {"_str_unary", f_str_unary, METH_VARARGS, "_str_unary(which, array) -> Array"},
    {"_str_predicate", f_str_predicate, METH_VARARGS, "_str_predicate(which, array) -> Array"},
    {"_str_match", f_str_match, METH_VARARGS, "_str_match(op, array, pattern, ignore_case) -> Array"},
    {"_replace_substring", f_replace, METH_VARARGS, "_replace_substring(array, pattern, replacement, max) -> Array"},
    {"_split_pattern", f_split, METH_VARARGS, "_split_pattern(array, pattern, max_splits) -> Array"},
    {"_regex", f_regex, METH_VARARGS, "_regex(op, array, pattern, ignore_case, replacement, max) -> Array"},
    {"_trim", f_trim, METH_VARARGS, "_trim(array, side, chars) -> Array"},
    {"_slice_codeunits", f_slice_cu, METH_VARARGS, "_slice_codeunits(array, start, stop, step) -> Array"},
    {NULL},
};
