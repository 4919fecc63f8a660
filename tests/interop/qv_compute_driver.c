/* qv_compute_driver: runs one compute kernel on an Arrow IPC input, for the
 * pytest comparison with pyarrow.compute (tests/interop/test_compute.py).
 *
 *   qv_compute_driver KERNEL IN OUT [--slice OFFSET LENGTH]
 *       KERNEL: sum mean min max min_max any all count_valid count_null count_all
 *       (on the first column, all its batches as one chunked column);
 *       the result is written as a one-row IPC stream (columns "result",
 *       or "min" and "max")
 *   qv_compute_driver take IN INDICES OUT [--slice OFFSET LENGTH]
 *   qv_compute_driver filter IN MASK OUT [--emit-null] [--slice OFFSET LENGTH]
 *   qv_compute_driver sort_indices IN OUT [--descending] [--nulls-first] [--slice ...]
 *       the permutation of the first column, written as column "indices"
 *   qv_compute_driver elementwise NAME IN OUT [--scalar VALUE] [--slice ...]
 *       NAME: equal not_equal less less_equal greater greater_equal add
 *       subtract multiply add_checked subtract_checked multiply_checked;
 *       columns 0 and 1 of IN (or column 0 and the scalar), written as
 *       column "result"
 *       the first column of INDICES / MASK applied to every column of IN;
 *       the resulting table is written as an IPC stream
 *
 * --slice keeps rows [OFFSET, OFFSET + LENGTH) of IN first (zero-copy), so
 * the kernels see arrays with non-zero offsets. Built by CMake beside the
 * tests. On failure it prints "qv_compute_driver: <status>: <message>" on
 * stderr and exits 1 (2 for a usage error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiver/compute.h"
#include "quiver/concat.h"
#include "quiver/ipc.h"
#include "quiver/table.h"

static const char *const cmp_names[] = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"};
static const char *const arith_names[] = {"add", "subtract", "multiply"};

/* A number from the command line: float if it looks like one, else int
 * (uint above INT64_MAX). */
static void parse_scalar(const char *text, qv_scalar *s) {
  memset(s, 0, sizeof *s);
  if (strpbrk(text, ".eEnNiI") != NULL) {
    s->kind = QV_SCALAR_FLOAT;
    s->value.f = strtod(text, NULL);
  } else if (text[0] != '-' && strtoull(text, NULL, 10) > (unsigned long long)INT64_MAX) {
    s->kind = QV_SCALAR_UINT;
    s->value.u = strtoull(text, NULL, 10);
  } else {
    s->kind = QV_SCALAR_INT;
    s->value.i = strtoll(text, NULL, 10);
  }
}

/* Column c of t as one array. */
static qv_status column_array(const qv_table *t, int32_t c, qv_array **out, qv_error *err) {
  qv_chunked_array *col = NULL;
  qv_status st = qv_table_column(t, c, &col, err);
  if (st == QV_OK) st = qv_chunked_array_combine(col, out, err);
  qv_chunked_array_release(col);
  return st;
}

static qv_status elementwise(const char *name, const qv_table *t, const char *scalar_text, const char *path,
                             int *known, qv_error *err) {
  qv_array *left = NULL, *right = NULL, *result = NULL;
  qv_table *out = NULL;
  qv_scalar scalar;
  const char *col_name[] = {"result"};
  int cmp = -1, arith = -1, checked = strstr(name, "_checked") != NULL;
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  qv_status st;
  for (int i = 0; i < 6; i++)
    if (strcmp(name, cmp_names[i]) == 0) cmp = i;
  for (int i = 0; i < 3; i++)
    if (strncmp(name, arith_names[i], strlen(arith_names[i])) == 0 &&
        (name[strlen(arith_names[i])] == '\0' || strcmp(name + strlen(arith_names[i]), "_checked") == 0))
      arith = i;
  *known = cmp >= 0 || arith >= 0;
  if (!*known) return QV_OK;
  st = column_array(t, 0, &left, err);
  if (st == QV_OK && scalar_text == NULL) st = column_array(t, 1, &right, err);
  if (scalar_text) parse_scalar(scalar_text, &scalar);
  if (st == QV_OK) {
    if (cmp >= 0 && right) st = qv_compute_compare((qv_compare_op)cmp, left, right, &result, err);
    else if (cmp >= 0) st = qv_compute_compare_scalar((qv_compare_op)cmp, left, &scalar, &result, err);
    else if (right) st = qv_compute_arithmetic((qv_arith_op)arith, checked, left, right, &result, err);
    else st = qv_compute_arithmetic_scalar((qv_arith_op)arith, checked, left, &scalar, &result, err);
  }
  if (st == QV_OK) st = qv_table_from_arrays(col_name, &result, 1, &out, err);
  if (st == QV_OK) st = qv_ipc_write_path(path, QV_IPC_FORMAT_STREAM, out, &wo, err);
  qv_table_release(out);
  qv_array_release(result);
  qv_array_release(left);
  qv_array_release(right);
  return st;
}

static int usage(const char *why) {
  fprintf(stderr,
          "qv_compute_driver: %s\n"
          "usage: qv_compute_driver KERNEL IN OUT [--slice OFFSET LENGTH]\n"
          "       qv_compute_driver take|filter IN ARG OUT [--emit-null] [--slice OFFSET LENGTH]\n",
          why);
  return 2;
}

/* A one-slot array holding scalar `s` (its type, or int64 for a count). */
static qv_status scalar_array(const qv_scalar *s, qv_array **out, qv_error *err) {
  qv_type *type = (qv_type *)s->type;
  uint8_t valid = s->kind == QV_SCALAR_NULL ? 0 : 1;
  uint8_t bytes[8] = {0};
  int32_t width = type->bit_width / 8;
  qv_buffer *bufs[2] = {NULL, NULL};
  qv_status st;
  if (type->id == QV_TYPE_NULL) return qv_array_new_null(type, 1, out, err);
  switch (s->kind) {
    case QV_SCALAR_INT: memcpy(bytes, &s->value.i, 8); break; /* little-endian: the low bytes first */
    case QV_SCALAR_UINT: memcpy(bytes, &s->value.u, 8); break;
    case QV_SCALAR_BOOL: bytes[0] = s->value.b ? 1 : 0; width = 1; break;
    case QV_SCALAR_FLOAT:
      if (type->id == QV_TYPE_FLOAT32) {
        float f = (float)s->value.f;
        memcpy(bytes, &f, 4);
      } else {
        memcpy(bytes, &s->value.f, 8);
      }
      break;
    default: break;
  }
  if (type->id == QV_TYPE_BOOL) width = 1;
  st = qv_buffer_copy_from(NULL, &valid, 1, &bufs[0], err);
  if (st == QV_OK) st = qv_buffer_copy_from(NULL, bytes, width, &bufs[1], err);
  if (st == QV_OK) st = qv_array_new(type, 1, 0, valid ? 0 : 1, 2, bufs, 0, NULL, NULL, out, err);
  qv_buffer_release(bufs[0]);
  qv_buffer_release(bufs[1]);
  return st;
}

static qv_status write_scalars(const char *path, const char *const *names, const qv_scalar *values, int n,
                               qv_error *err) {
  qv_array *arrays[2] = {NULL, NULL};
  qv_table *t = NULL;
  qv_status st = QV_OK;
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  for (int i = 0; i < n && st == QV_OK; i++) st = scalar_array(&values[i], &arrays[i], err);
  if (st == QV_OK) st = qv_table_from_arrays(names, arrays, n, &t, err);
  if (st == QV_OK) st = qv_ipc_write_path(path, QV_IPC_FORMAT_STREAM, t, &wo, err);
  qv_table_release(t);
  for (int i = 0; i < n; i++) qv_array_release(arrays[i]);
  return st;
}

static qv_status aggregate(const char *kernel, const qv_table *t, const char *out, int *known, qv_error *err) {
  qv_chunked_array *col = NULL;
  qv_scalar r[2];
  const char *one[] = {"result"}, *two[] = {"min", "max"};
  qv_status st;
  int n = 1;
  *known = 1;
  memset(r, 0, sizeof r);
  st = qv_table_column(t, 0, &col, err);
  if (st != QV_OK) return st;
  if (strcmp(kernel, "sum") == 0) st = qv_compute_sum_chunked(col, &r[0], err);
  else if (strcmp(kernel, "mean") == 0) st = qv_compute_mean_chunked(col, &r[0], err);
  else if (strcmp(kernel, "min") == 0) st = qv_compute_min_chunked(col, &r[0], err);
  else if (strcmp(kernel, "max") == 0) st = qv_compute_max_chunked(col, &r[0], err);
  else if (strcmp(kernel, "any") == 0) st = qv_compute_any_chunked(col, &r[0], err);
  else if (strcmp(kernel, "all") == 0) st = qv_compute_all_chunked(col, &r[0], err);
  else if (strcmp(kernel, "min_max") == 0) {
    st = qv_compute_min_max_chunked(col, &r[0], &r[1], err);
    n = 2;
  } else if (strncmp(kernel, "count_", 6) == 0) {
    qv_count_mode mode = strcmp(kernel, "count_null") == 0 ? QV_COUNT_NULL
                         : strcmp(kernel, "count_all") == 0 ? QV_COUNT_ALL
                                                            : QV_COUNT_VALID;
    r[0].kind = QV_SCALAR_INT;
    r[0].type = qv_type_int64();
    st = qv_compute_count_chunked(col, mode, &r[0].value.i, err);
  } else {
    *known = 0;
  }
  if (st == QV_OK && *known) st = write_scalars(out, n == 2 ? two : one, r, n, err);
  qv_chunked_array_release(col);
  return st;
}

/* The first column of the table at `path` as one array. */
static qv_status read_argument(const char *path, qv_array **out, qv_error *err) {
  qv_table *t = NULL;
  qv_chunked_array *col = NULL;
  qv_status st = qv_ipc_read_path(path, NULL, &t, err);
  if (st == QV_OK) st = qv_table_column(t, 0, &col, err);
  if (st == QV_OK) st = qv_chunked_array_combine(col, out, err);
  qv_chunked_array_release(col);
  qv_table_release(t);
  return st;
}

int main(int argc, char **argv) {
  const char *pos[4] = {NULL, NULL, NULL, NULL};
  int n_pos = 0, emit_null = 0, known = 0, descending = 0, nulls_first = 0;
  int64_t slice_off = -1, slice_len = 0;
  const char *scalar_text = NULL;
  qv_error err;
  qv_status st = QV_OK;
  qv_table *in = NULL, *t = NULL, *result = NULL;
  qv_array *arg = NULL;
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  memset(&err, 0, sizeof err);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--emit-null") == 0) emit_null = 1;
    else if (strcmp(argv[i], "--descending") == 0) descending = 1;
    else if (strcmp(argv[i], "--nulls-first") == 0) nulls_first = 1;
    else if (strcmp(argv[i], "--scalar") == 0 && i + 1 < argc) scalar_text = argv[++i];
    else if (strcmp(argv[i], "--slice") == 0 && i + 2 < argc) {
      slice_off = strtoll(argv[i + 1], NULL, 10);
      slice_len = strtoll(argv[i + 2], NULL, 10);
      i += 2;
    } else if (n_pos < 4) pos[n_pos++] = argv[i];
    else return usage("too many arguments");
  }
  if (n_pos < 3) return usage("KERNEL IN OUT are required");
  int selection = strcmp(pos[0], "take") == 0 || strcmp(pos[0], "filter") == 0;
  int element = strcmp(pos[0], "elementwise") == 0;
  if ((selection || element) && n_pos != 4) return usage("take, filter and elementwise take three more arguments");
  if (element) { /* NAME IN OUT: shift so pos[1] is IN */
    const char *op_name = pos[1];
    pos[1] = pos[2];
    pos[2] = pos[3];
    pos[3] = op_name;
  }

  st = qv_ipc_read_path(pos[1], NULL, &in, &err);
  if (st == QV_OK && slice_off >= 0) st = qv_table_slice(in, slice_off, slice_len, &t, &err);
  else if (st == QV_OK) t = qv_table_retain(in);
  if (st != QV_OK) goto done;

  if (element) {
    st = elementwise(pos[3], t, scalar_text, pos[2], &known, &err);
    if (st == QV_OK && !known) {
      qv_table_release(t);
      qv_table_release(in);
      return usage("unknown element-wise kernel");
    }
  } else if (strcmp(pos[0], "sort_indices") == 0) {
    qv_chunked_array *col = NULL;
    qv_array *whole = NULL, *perm = NULL;
    const char *name[] = {"indices"};
    st = qv_table_column(t, 0, &col, &err);
    if (st == QV_OK) st = qv_chunked_array_combine(col, &whole, &err);
    if (st == QV_OK)
      st = qv_compute_sort_indices(whole, descending ? QV_SORT_DESCENDING : QV_SORT_ASCENDING,
                                   nulls_first ? QV_NULLS_AT_START : QV_NULLS_AT_END, &perm, &err);
    if (st == QV_OK) st = qv_table_from_arrays(name, &perm, 1, &result, &err);
    if (st == QV_OK) st = qv_ipc_write_path(pos[2], QV_IPC_FORMAT_STREAM, result, &wo, &err);
    qv_array_release(perm);
    qv_array_release(whole);
    qv_chunked_array_release(col);
  } else if (selection) {
    st = read_argument(pos[2], &arg, &err);
    if (st == QV_OK && pos[0][0] == 't') st = qv_compute_take_table(t, arg, &result, &err);
    else if (st == QV_OK)
      st = qv_compute_filter_table(t, arg, emit_null ? QV_FILTER_EMIT_NULL : QV_FILTER_DROP, &result, &err);
    if (st == QV_OK) st = qv_ipc_write_path(pos[3], QV_IPC_FORMAT_STREAM, result, &wo, &err);
  } else {
    st = aggregate(pos[0], t, pos[2], &known, &err);
    if (st == QV_OK && !known) {
      qv_table_release(t);
      qv_table_release(in);
      return usage("unknown kernel");
    }
  }
done:
  qv_array_release(arg);
  qv_table_release(result);
  qv_table_release(t);
  qv_table_release(in);
  if (st != QV_OK) {
    fprintf(stderr, "qv_compute_driver: %s: %s\n", qv_status_name(st), err.message);
    return 1;
  }
  return 0;
}
