/* quiver csv: the reader's entry points. Resolves the options, tokenizes
 * the whole input (csv/tokenize.c), takes the header, checks that every
 * data record has as many fields as the header (or skips and counts the
 * ones that do not, on request), then infers and builds each column
 * (csv/infer.c) into a one-batch table.
 *
 * Invariants: no column is built before every record has been checked, so
 * a ragged record is reported with its line before any work is wasted; the
 * input is read at most max_input_size bytes, checked as the bytes arrive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/utf8.h"
#include "csv/read_internal.h"
#include "quiver/table.h"

/* pyarrow's default null markers and boolean spellings. */
static const char *const k_default_nulls[] = {"",     "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN",
                                              "-NaN", "-nan", "1.#IND",   "1.#QNAN", "N/A",   "NA",
                                              "NULL", "NaN",  "n/a",      "nan",     "null"};
static const char *const k_default_trues[] = {"1", "True", "TRUE", "true"};
static const char *const k_default_falses[] = {"0", "False", "FALSE", "false"};

#define COUNT_OF(a) ((int32_t)(sizeof(a) / sizeof((a)[0])))

static qv_status resolve_options(const qv_csv_read_options *o, qv__csv_dialect *d, qv__csv_read_ctx *c,
                                 qv_error *err) {
  d->delimiter = o->delimiter ? o->delimiter : ',';
  d->quote = o->quote ? o->quote : '"';
  d->quoting = !o->no_quoting;
  if (d->delimiter == '\n' || d->delimiter == '\r')
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV delimiter cannot be a line break");
  if (d->quoting && (d->quote == d->delimiter || d->quote == '\n' || d->quote == '\r'))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "CSV quote character must differ from the delimiter and from line breaks");
  if (o->skip_rows < 0 || o->n_column_names < 0 || o->n_null_values < 0 || o->n_true_values < 0 ||
      o->n_false_values < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: counts must not be negative");
  if (o->n_column_names > 0 && o->column_names == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: n_column_names > 0 but column_names is NULL");
  const char *const *lists[3] = {o->null_values, o->true_values, o->false_values};
  const int32_t counts[3] = {o->n_null_values, o->n_true_values, o->n_false_values};
  for (int k = 0; k < 3; k++)
    for (int32_t i = 0; lists[k] != NULL && i < counts[k]; i++)
      if (lists[k][i] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: a NULL string in a list");
  for (int32_t i = 0; i < o->n_column_names; i++)
    if (o->column_names[i] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: a NULL column name");
  if (o->null_values) {
    c->null_values = o->null_values;
    c->n_null_values = o->n_null_values;
  } else {
    c->null_values = k_default_nulls;
    c->n_null_values = COUNT_OF(k_default_nulls);
  }
  if (o->true_values) {
    c->true_values = o->true_values;
    c->n_true_values = o->n_true_values;
  } else {
    c->true_values = k_default_trues;
    c->n_true_values = COUNT_OF(k_default_trues);
  }
  if (o->false_values) {
    c->false_values = o->false_values;
    c->n_false_values = o->n_false_values;
  } else {
    c->false_values = k_default_falses;
    c->n_false_values = COUNT_OF(k_default_falses);
  }
  return QV_OK;
}

static size_t *lengths_of(const char *const *list, int32_t n) {
  size_t *lens = malloc(sizeof *lens * ((size_t)n + 1));
  for (int32_t k = 0; lens != NULL && k < n; k++) lens[k] = strlen(list[k]);
  return lens;
}

static qv_status measure_lists(qv__csv_read_ctx *c, qv_error *err) {
  c->null_lens = lengths_of(c->null_values, c->n_null_values);
  c->true_lens = lengths_of(c->true_values, c->n_true_values);
  c->false_lens = lengths_of(c->false_values, c->n_false_values);
  if (c->null_lens == NULL || c->true_lens == NULL || c->false_lens == NULL)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (CSV options)");
  return QV_OK;
}

static int64_t record_width(const qv__csv_grid *g, int64_t r) { return g->row_first[r + 1] - g->row_first[r]; }

/* Column names: given, from the header record, or f0, f1, ... */
static qv_status make_names(const qv_csv_read_options *o, const qv__csv_grid *g, int64_t header, int32_t n_cols,
                            char **names, qv_error *err) {
  for (int32_t i = 0; i < n_cols; i++) {
    char generated[32];
    const char *src = NULL;
    int64_t len = 0;
    if (o->n_column_names > 0) {
      src = o->column_names[i];
      len = (int64_t)strlen(src);
    } else if (header >= 0) {
      const int64_t k = g->row_first[header] + i;
      src = g->text ? g->text + qv__csv_field_start(g, k) : "";
      len = g->ends[k] - qv__csv_field_start(g, k);
      const int64_t valid = qv__utf8_valid_prefix((const uint8_t *)src, len);
      if (valid != len) {
        char why[96];
        qv__utf8_describe((const uint8_t *)src, len, valid, why, sizeof why);
        return qv_error_set(err, QV_ERR_INVALID_DATA,
                            "CSV line %lld, column %d (the header): invalid UTF-8 in the column name: %s",
                            (long long)g->row_line[header], i + 1, why);
      }
    } else {
      snprintf(generated, sizeof generated, "f%d", i);
      src = generated;
      len = (int64_t)strlen(generated);
    }
    names[i] = malloc((size_t)len + 1);
    QV_CHECK_ALLOC(names[i], err);
    memcpy(names[i], src, (size_t)len);
    names[i][len] = '\0';
  }
  return QV_OK;
}

static qv_status read_grid(const qv_csv_read_options *o, qv__csv_read_ctx *c, const qv__csv_grid *g,
                           qv_table **out, qv_csv_read_stats *stats, qv_error *err) {
  qv_status st = QV_OK;
  int64_t *index = NULL, *lines = NULL;
  qv_array **arrays = NULL;
  int32_t n_cols = 0;
  char **names = NULL;

  int64_t first = o->skip_rows < g->n_rows ? o->skip_rows : g->n_rows;
  if (first >= g->n_rows && o->n_column_names == 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "CSV input is empty%s: expected a header line or, with column names given, data",
                        o->skip_rows > 0 ? " after the skipped rows" : "");
  const int64_t header = (o->no_header || first >= g->n_rows) ? -1 : first;
  int64_t width;
  if (o->n_column_names > 0) width = o->n_column_names;
  else width = record_width(g, first);
  if (header >= 0 && record_width(g, header) != width)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "CSV line %lld: the header has %lld fields but %lld column names were given",
                        (long long)g->row_line[header], (long long)record_width(g, header), (long long)width);
  if (width > INT32_MAX) return qv_error_set(err, QV_ERR_LIMIT, "CSV header has more than %d fields", INT32_MAX);
  n_cols = (int32_t)width;
  const int64_t data_first = header >= 0 ? header + 1 : first;

  index = malloc(sizeof(int64_t) * (size_t)(g->n_rows - data_first + 1));
  lines = malloc(sizeof(int64_t) * (size_t)(g->n_rows - data_first + 1));
  names = calloc((size_t)n_cols + 1, sizeof *names);
  arrays = calloc((size_t)n_cols + 1, sizeof *arrays);
  QV_CHECK_ALLOC_GOTO(index, st, err, done);
  QV_CHECK_ALLOC_GOTO(lines, st, err, done);
  QV_CHECK_ALLOC_GOTO(names, st, err, done);
  QV_CHECK_ALLOC_GOTO(arrays, st, err, done);
  int64_t n_rows = 0, skipped = 0;
  for (int64_t r = data_first; r < g->n_rows; r++) {
    const int64_t w = record_width(g, r);
    if (w != n_cols) {
      if (o->skip_invalid_rows) {
        skipped++;
        continue;
      }
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "CSV line %lld: expected %d field%s (as in the %s), found %lld",
                   (long long)g->row_line[r], n_cols, n_cols == 1 ? "" : "s",
                   header >= 0 ? "header" : (o->n_column_names > 0 ? "column names given" : "first record"),
                   (long long)w);
    }
    index[n_rows] = r;
    lines[n_rows] = g->row_line[r];
    n_rows++;
  }
  QV_GOTO_IF_ERROR(st, make_names(o, g, header, n_cols, names, err), done);
  c->grid = g;
  c->row_index = index;
  c->row_line = lines;
  c->n_rows = n_rows;
  c->n_cols = n_cols;
  c->names = names;
  for (int32_t i = 0; i < n_cols; i++) {
    qv__csv_column_kind kind;
    qv__csv_infer_column(c, i, &kind);
    QV_GOTO_IF_ERROR(st, qv__csv_build_column(c, i, &kind, &arrays[i], err), done);
  }
  QV_GOTO_IF_ERROR(st, qv_table_from_arrays((const char *const *)names, arrays, n_cols, out, err), done);
  if (stats) {
    stats->rows = n_rows;
    stats->skipped_rows = skipped;
  }
done:
  for (int32_t i = 0; arrays && i < n_cols; i++) qv_array_release(arrays[i]);
  for (int32_t i = 0; names && i < n_cols; i++) free(names[i]);
  free(arrays);
  free(names);
  free(index);
  free(lines);
  return st;
}

qv_status qv_csv_read_memory_ex(const void *data, size_t size, const qv_csv_read_options *opts, qv_table **out,
                                qv_csv_read_stats *stats, qv_error *err) {
  if (out == NULL || (data == NULL && size > 0))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_read_memory: NULL argument");
  *out = NULL;
  static const qv_csv_read_options k_defaults = QV_CSV_READ_OPTIONS_DEFAULT;
  const qv_csv_read_options *o = opts ? opts : &k_defaults;
  const int64_t max = o->max_input_size > 0 ? o->max_input_size : QV_CSV_DEFAULT_MAX_INPUT;
  if (size > (uint64_t)max)
    return qv_error_set(err, QV_ERR_LIMIT, "CSV input of %llu bytes is past the limit of %lld (max_input_size)",
                        (unsigned long long)size, (long long)max);
  qv__csv_dialect d;
  qv__csv_read_ctx c;
  memset(&c, 0, sizeof c);
  QV_RETURN_IF_ERROR(resolve_options(o, &d, &c, err));
  qv_status st = measure_lists(&c, err);
  qv__csv_grid g;
  if (st == QV_OK) st = qv__csv_tokenize((const uint8_t *)data, (int64_t)size, &d, &g, err);
  if (st == QV_OK) {
    st = read_grid(o, &c, &g, out, stats, err);
    qv__csv_grid_free(&g);
  }
  free(c.null_lens);
  free(c.true_lens);
  free(c.false_lens);
  return st;
}

qv_status qv_csv_read_memory(const void *data, size_t size, const qv_csv_read_options *opts, qv_table **out,
                             qv_error *err) {
  return qv_csv_read_memory_ex(data, size, opts, out, NULL, err);
}

/* Reads fd to its end into a malloc'd buffer of at most `max` bytes. */
static qv_status slurp(int fd, const char *what, int64_t max, char **out, size_t *size, qv_error *err) {
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  QV_CHECK_ALLOC(buf, err);
  for (;;) {
    if (len == cap) {
      char *next = realloc(buf, cap * 2);
      if (next == NULL) {
        free(buf);
        return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory reading CSV from %s", what);
      }
      buf = next;
      cap *= 2;
    }
    const ssize_t got = read(fd, buf + len, cap - len);
    if (got < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      free(buf);
      return qv_error_set(err, QV_ERR_IO, "reading CSV from %s: %s", what, strerror(e));
    }
    if (got == 0) break;
    len += (size_t)got;
    if ((int64_t)len > max) {
      free(buf);
      return qv_error_set(err, QV_ERR_LIMIT, "CSV input from %s is past the limit of %lld bytes (max_input_size)",
                          what, (long long)max);
    }
  }
  *out = buf;
  *size = len;
  return QV_OK;
}

static qv_status read_fd_named(int fd, const char *what, const qv_csv_read_options *opts, qv_table **out,
                               qv_error *err) {
  const int64_t max = (opts && opts->max_input_size > 0) ? opts->max_input_size : QV_CSV_DEFAULT_MAX_INPUT;
  char *buf = NULL;
  size_t size = 0;
  QV_RETURN_IF_ERROR(slurp(fd, what, max, &buf, &size, err));
  qv_status st = qv_csv_read_memory(buf, size, opts, out, err);
  free(buf);
  return st;
}

qv_status qv_csv_read_fd(int fd, const qv_csv_read_options *opts, qv_table **out, qv_error *err) {
  if (out == NULL || fd < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_read_fd: bad argument");
  return read_fd_named(fd, "a file descriptor", opts, out, err);
}

qv_status qv_csv_read_path(const char *path, const qv_csv_read_options *opts, qv_table **out, qv_error *err) {
  if (path == NULL || out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_csv_read_path: NULL argument");
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return qv_error_set(err, QV_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  qv_status st = read_fd_named(fd, path, opts, out, err);
  close(fd);
  return st;
}
