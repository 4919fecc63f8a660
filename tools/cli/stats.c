/* quiver stats: a one-pass summary of the input: format, size, rows,
 * batches, and per column its type, buffer bytes, valid and null counts,
 * distinct values, minimum, maximum, mean and standard deviation.
 *
 * Every statistic is computed by the compute kernels (include/quiver/
 * compute.h), batch by batch, and merged: counts add up; min/max run
 * qv_compute_min_max_chunked over the running extremes and the new batch
 * (so the kernels alone decide the order: NaN skipped, decimals by value,
 * strings bytewise), and qv_compute_index finds the winning slot, kept as
 * a one-slot slice so it prints with print.h's type-aware formatting;
 * mean and stddev (population, ddof 0, as pyarrow's default) merge the
 * batches' qv_compute_mean / qv_compute_variance by Chan's pairwise
 * formula; distinct values are each batch's qv_compute_unique, merged by
 * another unique once the pending ones outgrow the merged set (so each
 * value is re-hashed O(1) times on average). The distinct count stops at
 * DISTINCT_CAP values ("> N"): that set is the one part of the summary
 * that grows with the input. A statistic a kernel does not take for the
 * column's type (QV_ERR_TYPE: nested, union, interval columns; mean of
 * strings...) shows "-". Bytes are the sizes of the column's buffers,
 * children's and dictionary's included (a dictionary shared by consecutive
 * batches is counted once).
 *
 * Readers hand out arrays after structural validation only, so the offsets
 * of a binary or string column may go backwards or past the data and a
 * view may point outside its buffers. Before the kernels see such a
 * column, every valid slot's byte range is checked (O(n), like the
 * kernels): a range out of bounds is an error naming the column and the
 * row, never a read out of bounds; any other kernel error is prefixed with
 * the column and the batch's rows. Names, types and values printed pass
 * through escape.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "quiver/compute.h"
#include "quiver/concat.h"

static const char stats_help[] =
    "Usage: quiver stats FILE [--strict]\n"
    "\n"
    "Summarises FILE (- = stdin) in one pass: format, size, rows, batches and, per\n"
    "column, type, buffer bytes, valid and null counts, distinct values, min,\n"
    "max, mean and standard deviation (population), computed by the compute\n"
    "kernels; \"-\" where a statistic does not apply to the column's type.\n"
    "\n"
    "Options:\n"
    CLI_INPUT_HELP
    "  -h, --help         show this help\n";

/* Distinct values counted exactly up to this many per column. */
#define DISTINCT_CAP ((int64_t)1 << 24)
/* Pending unique values are merged once they exceed the merged set or this. */
#define DISTINCT_MERGE_MIN ((int64_t)1 << 20)

typedef struct col_stats {
  int64_t bytes;
  int64_t count, nulls;          /* valid and null slots */
  const qv_array *last_dictionary;
  bool no_extremes, no_moments, no_distinct; /* a kernel refused the type */
  qv_array *min, *max;           /* one-slot slices, NULL until a valid slot is seen */
  int64_t n_moments;             /* valid values behind mean and m2 */
  double mean, m2;               /* running mean and sum of squared deviations */
  qv_array *distinct;            /* merged unique values (a null among them, if any) */
  qv_array **pending;            /* batches' unique values not merged yet */
  int64_t n_pending, pending_cap, pending_len;
  bool distinct_capped;
} col_stats;

static void col_stats_free(col_stats *s) {
  qv_array_release(s->min);
  qv_array_release(s->max);
  qv_array_release(s->distinct);
  for (int64_t i = 0; i < s->n_pending; i++) qv_array_release(s->pending[i]);
  free(s->pending);
}

/* A kernel's QV_ERR_TYPE switches the statistic off for the column. */
static qv_status type_refused(qv_status st, bool *off, qv_error *err) {
  if (st != QV_ERR_TYPE) return st;
  *off = true;
  if (err) qv_error_clear(err);
  return QV_OK;
}

/* Keeps in *slot a one-slot slice of the slot equal to `target`: *slot
 * itself when it already holds it (earlier rows win ties), else the first
 * such slot of `a` (for a NaN, which equals nothing, the first valid slot). */
static qv_status keep_extreme(qv_array **slot, qv_array *a, const qv_scalar *target, qv_error *err) {
  int64_t at = -1;
  if (target->kind == QV_SCALAR_NULL) return QV_OK;
  if (*slot) {
    QV_RETURN_IF_ERROR(qv_compute_index(*slot, target, &at, err));
    if (at == 0) return QV_OK;
  }
  QV_RETURN_IF_ERROR(qv_compute_index(a, target, &at, err));
  if (at < 0) {
    if (*slot) return QV_OK;
    for (at = 0; at < a->length && !qv_array_is_valid(a, at); at++) {}
    if (at == a->length) return QV_OK;
  }
  qv_array *s = NULL;
  QV_RETURN_IF_ERROR(qv_array_slice(a, at, 1, &s, err));
  qv_array_release(*slot);
  *slot = s;
  return QV_OK;
}

static qv_status add_extremes(col_stats *s, qv_array *a, qv_error *err) {
  qv_array *chunks[3];
  int64_t n = 0;
  if (s->min) chunks[n++] = s->min;
  if (s->max) chunks[n++] = s->max;
  chunks[n++] = a;
  qv_chunked_array *c = NULL;
  qv_scalar lo, hi;
  qv_status st = qv_chunked_array_new(a->type, chunks, n, &c, err);
  if (st == QV_OK) st = qv_compute_min_max_chunked(c, &lo, &hi, err);
  if (st == QV_OK) st = keep_extreme(&s->min, a, &lo, err);
  if (st == QV_OK) st = keep_extreme(&s->max, a, &hi, err);
  qv_chunked_array_release(c);
  return type_refused(st, &s->no_extremes, err);
}

static qv_status add_moments(col_stats *s, const qv_array *a, qv_error *err) {
  int64_t n = 0;
  qv_scalar mean, var;
  qv_status st = qv_compute_count(a, QV_COUNT_VALID, &n, err);
  if (st == QV_OK) st = qv_compute_mean(a, &mean, err);
  if (st == QV_OK) st = qv_compute_variance(a, 0, &var, err);
  if (st != QV_OK) return type_refused(st, &s->no_moments, err);
  if (n == 0 || mean.kind != QV_SCALAR_FLOAT || var.kind != QV_SCALAR_FLOAT) return QV_OK;
  /* Chan et al.'s pairwise update of (count, mean, M2) */
  double na = (double)s->n_moments, nb = (double)n, total = na + nb;
  double delta = mean.value.f - s->mean;
  s->mean += delta * (nb / total);
  s->m2 += var.value.f * nb + delta * delta * (na * nb / total);
  s->n_moments += n;
  return QV_OK;
}

/* Folds the pending unique values into the merged set. */
static qv_status merge_distinct(col_stats *s, qv_error *err) {
  if (s->n_pending == 0) return QV_OK;
  qv_array **parts = calloc((size_t)s->n_pending + 1, sizeof *parts);
  if (parts == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  int64_t n = 0;
  if (s->distinct) parts[n++] = s->distinct;
  for (int64_t i = 0; i < s->n_pending; i++) parts[n++] = s->pending[i];
  qv_array *all = NULL, *merged = NULL;
  qv_status st = qv_array_concat(parts, n, &all, err);
  if (st == QV_OK) st = qv_compute_unique(all, &merged, err);
  free(parts);
  qv_array_release(all);
  if (st != QV_OK) return st;
  for (int64_t i = 0; i < s->n_pending; i++) qv_array_release(s->pending[i]);
  s->n_pending = s->pending_len = 0;
  qv_array_release(s->distinct);
  s->distinct = merged;
  if (merged->length > DISTINCT_CAP) {
    s->distinct_capped = true;
    qv_array_release(s->distinct);
    s->distinct = NULL;
  }
  return QV_OK;
}

static qv_status add_distinct(col_stats *s, qv_array *a, qv_error *err) {
  if (s->distinct_capped) return QV_OK;
  qv_array *u = NULL;
  qv_status st = qv_compute_unique(a, &u, err);
  if (st != QV_OK) return type_refused(st, &s->no_distinct, err);
  if (s->n_pending == s->pending_cap) {
    int64_t cap = s->pending_cap ? 2 * s->pending_cap : 8;
    qv_array **p = realloc(s->pending, (size_t)cap * sizeof *p);
    if (p == NULL) {
      qv_array_release(u);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
    }
    s->pending = p;
    s->pending_cap = cap;
  }
  s->pending[s->n_pending++] = u;
  s->pending_len += u->length;
  int64_t merged = s->distinct ? s->distinct->length : 0;
  if (s->pending_len > (merged > DISTINCT_MERGE_MIN ? merged : DISTINCT_MERGE_MIN)) return merge_distinct(s, err);
  return QV_OK;
}

static int64_t array_bytes(const qv_array *a, const qv_array **last_dictionary, int depth) {
  if (a == NULL || depth > QV_VALIDATE_MAX_DEPTH) return 0;
  int64_t n = 0;
  for (int32_t i = 0; i < a->n_buffers; i++)
    if (a->buffers[i]) n += a->buffers[i]->size;
  for (int32_t i = 0; i < a->n_children; i++) n += array_bytes(a->children[i], NULL, depth + 1);
  if (a->dictionary && (last_dictionary == NULL || *last_dictionary != a->dictionary)) {
    n += array_bytes(a->dictionary, NULL, depth + 1);
    if (last_dictionary) *last_dictionary = a->dictionary;
  }
  return n;
}

static qv_status bad_range(const char *name, int64_t row, const char *what, qv_error *err) {
  return qv_error_set(err, QV_ERR_INVALID_DATA, "column '%s', row %lld: %s (the data is not valid; run "
                      "'quiver validate --full')", name, (long long)row, what);
}

static int64_t buffer_size(const qv_array *a, int32_t i) {
  return i < a->n_buffers && a->buffers[i] ? a->buffers[i]->size : 0;
}

/* Checks that every valid slot of a binary-like column lies inside its
 * data (what qv_array_bytes_value trusts); row0 is the batch's first row
 * in the input, for the message. */
static qv_status check_byte_ranges(const qv_array *a, const char *name, int64_t row0, qv_error *err) {
  const qv_type *t = qv_type_storage(a->type);
  const uint8_t *raw = a->n_buffers > 1 && a->buffers[1] ? a->buffers[1]->data : NULL;
  char what[160];
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    int64_t j = a->offset + i;
    switch (t->id) {
      case QV_TYPE_BINARY: case QV_TYPE_STRING: case QV_TYPE_LARGE_BINARY: case QV_TYPE_LARGE_STRING: {
        int64_t start, end;
        if (t->id == QV_TYPE_BINARY || t->id == QV_TYPE_STRING) {
          int32_t o[2];
          memcpy(o, raw + j * 4, sizeof o);
          start = o[0];
          end = o[1];
        } else {
          memcpy(&start, raw + j * 8, 8);
          memcpy(&end, raw + j * 8 + 8, 8);
        }
        int64_t size = buffer_size(a, 2);
        if (start < 0 || end < start || end > size) {
          snprintf(what, sizeof what, "offsets %lld..%lld go backwards or lie outside the %lld data bytes",
                   (long long)start, (long long)end, (long long)size);
          return bad_range(name, row0 + i, what, err);
        }
        break;
      }
      case QV_TYPE_BINARY_VIEW: case QV_TYPE_STRING_VIEW: {
        qv_view v;
        memcpy(&v, raw + j * (int64_t)sizeof v, sizeof v);
        if (v.inlined.size < 0) {
          snprintf(what, sizeof what, "view length %lld is negative", (long long)v.inlined.size);
          return bad_range(name, row0 + i, what, err);
        }
        if (v.inlined.size <= QV_VIEW_INLINE_MAX) break;
        int64_t n_data = a->n_buffers - 2;
        if (v.ref.buffer_index < 0 || v.ref.buffer_index >= n_data) {
          snprintf(what, sizeof what, "view names data buffer %lld of %lld", (long long)v.ref.buffer_index,
                   (long long)n_data);
          return bad_range(name, row0 + i, what, err);
        }
        int64_t size = buffer_size(a, 2 + v.ref.buffer_index);
        if (v.ref.offset < 0 || (int64_t)v.ref.offset + v.inlined.size > size) {
          snprintf(what, sizeof what, "view bytes %lld..%lld lie outside the %lld bytes of its buffer",
                   (long long)v.ref.offset, (long long)v.ref.offset + v.inlined.size, (long long)size);
          return bad_range(name, row0 + i, what, err);
        }
        break;
      }
      default: /* fixed-size binary: structural validation sized the buffer */
        return QV_OK;
    }
  }
  return QV_OK;
}

static qv_status add_column(col_stats *s, qv_array *a, const char *name, int64_t row0, qv_error *err) {
  int64_t valid = 0, nulls = 0;
  QV_RETURN_IF_ERROR(qv_compute_count(a, QV_COUNT_VALID, &valid, err));
  QV_RETURN_IF_ERROR(qv_compute_count(a, QV_COUNT_NULL, &nulls, err));
  s->count += valid;
  s->nulls += nulls;
  if (a->length == 0) return QV_OK;
  QV_RETURN_IF_ERROR(check_byte_ranges(a, name, row0, err));
  qv_status st = QV_OK;
  if (!s->no_distinct) st = add_distinct(s, a, err);
  if (st == QV_OK && valid == 0) return QV_OK;
  if (st == QV_OK && !s->no_extremes) st = add_extremes(s, a, err);
  if (st == QV_OK && !s->no_moments) st = add_moments(s, a, err);
  if (st != QV_OK)
    qv_error_prefix(err, "column '%s', rows %lld..%lld: ", name, (long long)row0, (long long)(row0 + a->length - 1));
  return st;
}

static qv_status add_batch(col_stats *cs, const qv_batch *b, int64_t row0, qv_error *err) {
  for (int32_t c = 0; c < b->n_columns; c++) {
    cs[c].bytes += array_bytes(b->columns[c], &cs[c].last_dictionary, 0);
    QV_RETURN_IF_ERROR(add_column(&cs[c], b->columns[c], b->schema->fields[c]->name, row0, err));
  }
  return QV_OK;
}

/* The one value of a one-slot array, as print.h formats it. */
static char *format_slot(const qv_array *a) {
  if (a == NULL) return strdup("-");
  qv_print_options o = qv_print_options_default();
  o.max_string_bytes = 32;
  char *text = NULL;
  if (qv_array_to_string(a, &o, &text, NULL) != QV_OK) return strdup("?");
  /* "[\n  value\n]" -> "value" */
  char *start = strchr(text, '\n'), *end = strrchr(text, '\n');
  char *v = NULL;
  if (start && end && end > start) {
    start++;
    while (*start == ' ') start++;
    v = strndup(start, (size_t)(end - start));
  } else {
    v = strdup(text);
  }
  qv_free_string(text);
  if (v && v[0] == '\0') { /* an empty binary prints as nothing */
    free(v);
    v = strdup("(empty)");
  }
  return v;
}

enum { N_CELLS = 10 };

typedef struct row_text {
  char *cell[N_CELLS];
} row_text;

/* Columns of text a cell takes: UTF-8 code points, not bytes. */
static size_t text_width(const char *s) {
  size_t w = 0;
  for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
  return w;
}

static void pad(size_t n) {
  while (n-- > 0) putchar(' ');
}

/* Numbers right-aligned, names, types and values left-aligned. */
static bool right_aligned(int c) { return c == 2 || c == 3 || c == 4 || c == 5 || c == 8 || c == 9; }

static void print_table(row_text *rows, int n) {
  size_t width[N_CELLS] = {0};
  for (int r = 0; r < n; r++)
    for (int c = 0; c < N_CELLS; c++) {
      size_t l = rows[r].cell[c] ? text_width(rows[r].cell[c]) : 1;
      if (l > width[c]) width[c] = l;
    }
  for (int r = 0; r < n; r++) {
    for (int c = 0; c < N_CELLS; c++) {
      const char *s = rows[r].cell[c] ? rows[r].cell[c] : "?";
      size_t gap = width[c] - text_width(s);
      if (right_aligned(c)) pad(gap);
      printf("%s", s);
      if (c == N_CELLS - 1) {
        putchar('\n');
      } else {
        if (!right_aligned(c)) pad(gap);
        printf("  ");
      }
    }
  }
}

static char *dup_int(int64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)v);
  return strdup(buf);
}

static char *dup_real(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6g", v);
  return strdup(buf);
}

static char *distinct_text(const col_stats *s) {
  char buf[48];
  if (s->no_distinct) return strdup("-");
  if (s->distinct_capped) {
    snprintf(buf, sizeof buf, ">%lld", (long long)DISTINCT_CAP);
    return strdup(buf);
  }
  int64_t n = 0;
  if (s->distinct && qv_compute_count(s->distinct, QV_COUNT_VALID, &n, NULL) != QV_OK) return strdup("?");
  return dup_int(n);
}

static void report(const char *path, const cli_source *src, col_stats *cs, int64_t rows, int64_t batches) {
  const qv_schema *schema = cli_source_schema(src);
  printf("input:    %s\n", cli_display_name(path, false));
  printf("format:   %s\n", cli_source_format_name(src));
  if (cli_source_size(src) >= 0) printf("size:     %lld bytes\n", (long long)cli_source_size(src));
  printf("columns:  %d\n", schema->n_fields);
  printf("rows:     %lld\n", (long long)rows);
  printf("batches:  %lld\n", (long long)batches);
  int64_t total = 0;
  for (int32_t c = 0; c < schema->n_fields; c++) total += cs[c].bytes;
  printf("buffers:  %lld bytes\n", (long long)total);
  if (schema->n_fields == 0) return;
  row_text *t = calloc((size_t)schema->n_fields + 1, sizeof *t);
  if (t == NULL) return;
  const char *head[N_CELLS] = {"column", "type", "bytes", "count", "nulls", "distinct", "min", "max", "mean", "stddev"};
  for (int c = 0; c < N_CELLS; c++) t[0].cell[c] = strdup(head[c]);
  for (int32_t i = 0; i < schema->n_fields; i++) {
    row_text *r = &t[i + 1];
    const col_stats *s = &cs[i];
    char type[256];
    qv_type_format(schema->fields[i]->type, type, sizeof type);
    char *min = format_slot(s->min), *max = format_slot(s->max);
    bool moments = !s->no_moments && s->n_moments > 0;
    r->cell[0] = cli_escape_text(schema->fields[i]->name);
    r->cell[1] = cli_escape_text(type);
    r->cell[2] = dup_int(s->bytes);
    r->cell[3] = dup_int(s->count);
    r->cell[4] = dup_int(s->nulls);
    r->cell[5] = distinct_text(s);
    r->cell[6] = min ? cli_escape_text(min) : NULL;
    r->cell[7] = max ? cli_escape_text(max) : NULL;
    r->cell[8] = moments ? dup_real(s->mean) : strdup("-");
    r->cell[9] = moments ? dup_real(sqrt(s->m2 / (double)s->n_moments)) : strdup("-");
    free(min);
    free(max);
  }
  printf("\n");
  print_table(t, schema->n_fields + 1);
  for (int32_t i = 0; i <= schema->n_fields; i++)
    for (int c = 0; c < N_CELLS; c++) free(t[i].cell[c]);
  free(t);
}

static int run_stats(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_stats;
  cli_opt opts[CLI_N_INPUT_OPTS] = {CLI_INPUT_OPTS};
  const char *pos[1];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, CLI_N_INPUT_OPTS, pos, 1, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos == 0) return cli_usage_error(cmd, "missing the input file (use - for stdin)");
  cli_input_options in_opts;
  rc = cli_input_options_parse(cmd, opts, &in_opts);
  if (rc != CLI_EXIT_OK) return rc;
  const char *path = pos[0];
  qv_error err = {0};
  cli_source *src = NULL;
  col_stats *cs = NULL;
  int64_t rows = 0, batches = 0;
  cli_progress progress;
  cli_progress_init(&progress, "quiver stats");
  qv_status st = cli_source_open(path, &in_opts, &src, &err);
  if (st == QV_OK) {
    const qv_schema *schema = cli_source_schema(src);
    cs = calloc((size_t)schema->n_fields + 1, sizeof *cs);
    if (cs == NULL) st = qv_error_set(&err, QV_ERR_NO_MEMORY, "out of memory");
  }
  while (st == QV_OK) {
    qv_batch *b = NULL;
    st = cli_source_next(src, &b, &err);
    if (st != QV_OK || b == NULL) break;
    st = add_batch(cs, b, rows, &err);
    rows += b->length;
    batches++;
    qv_batch_release(b);
    cli_progress_update(&progress, rows, batches, -1);
  }
  cli_progress_end(&progress);
  for (int32_t i = 0; st == QV_OK && cs && i < cli_source_schema(src)->n_fields; i++) {
    st = merge_distinct(&cs[i], &err);
    if (st != QV_OK) qv_error_prefix(&err, "column '%s': ", cli_source_schema(src)->fields[i]->name);
  }
  if (st == QV_OK)
    report(path, src, cs, rows, batches);
  else
    rc = cli_data_error(cmd, cli_display_name(path, false), &err);
  if (cs && src)
    for (int32_t i = 0; i < cli_source_schema(src)->n_fields; i++) col_stats_free(&cs[i]);
  free(cs);
  cli_source_free(src);
  if (rc == CLI_EXIT_OK && fflush(stdout) != 0) {
    qv_error_set(&err, QV_ERR_IO, "writing to stdout failed");
    rc = cli_data_error(cmd, "<stdout>", &err);
  }
  return rc;
}

const cli_command cli_cmd_stats = {"stats", "rows, batches; per column counts, distinct, min/max, mean, stddev", stats_help,
                                   run_stats};
