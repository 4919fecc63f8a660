/* quiver stats: a one-pass summary of the input: format, size, rows,
 * batches, and per column its type, buffer bytes, null count and, for
 * columns of a primitive or binary-like layout, the minimum and maximum.
 *
 * Batches are read one at a time and released, so the summary of an input
 * larger than memory is computed in the memory of one batch. Per batch the
 * extremes are found by a loop typed for the column's layout; the running
 * extremes are kept as one-slot slices of the arrays that hold them (so
 * they print with print.h's type-aware formatting: dates as dates,
 * decimals with their scale, strings quoted). Ordering: integers and
 * temporal types by value, floats by value ignoring NaN, bool false < true,
 * decimals as signed integers, binary and strings bytewise (memcmp, then
 * length). Interval, nested, union, dictionary and run-end encoded columns
 * show "-". Bytes are the sizes of the column's buffers, children's and
 * dictionary's included (a dictionary shared by consecutive batches is
 * counted once).
 *
 * Readers hand out arrays after structural validation only, so the offsets
 * of a binary or string column may go backwards or past the data and a
 * view may point outside its buffers. Before the scan of such a column,
 * every valid slot's byte range is checked (O(n), like the scan): a range
 * out of bounds is an error naming the column and the row, never a read
 * out of bounds. Names, types and values printed pass through escape.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char stats_help[] =
    "Usage: quiver stats FILE [--strict]\n"
    "\n"
    "Summarises FILE (- = stdin) in one pass: format, size, rows, batches and, per\n"
    "column, type, buffer bytes, null count and the min/max of primitive and\n"
    "string columns.\n"
    "\n"
    "Options:\n"
    CLI_INPUT_HELP
    "  -h, --help         show this help\n";

typedef enum kind { K_NONE, K_SIGNED, K_UNSIGNED, K_FLOAT, K_HALF, K_BOOL, K_BYTES, K_DECIMAL } kind;

typedef struct col_stats {
  kind k;
  int64_t bytes;
  int64_t nulls;
  qv_array *min, *max;           /* one-slot slices, NULL until a valid slot is seen */
  const qv_array *last_dictionary;
} col_stats;

static kind kind_of(const qv_type *type) {
  const qv_type *t = qv_type_storage(type);
  switch (t->id) {
    case QV_TYPE_INT8: case QV_TYPE_INT16: case QV_TYPE_INT32: case QV_TYPE_INT64:
    case QV_TYPE_DATE32: case QV_TYPE_DATE64: case QV_TYPE_TIME32: case QV_TYPE_TIME64:
    case QV_TYPE_TIMESTAMP: case QV_TYPE_DURATION: case QV_TYPE_INTERVAL_MONTHS:
      return K_SIGNED;
    case QV_TYPE_UINT8: case QV_TYPE_UINT16: case QV_TYPE_UINT32: case QV_TYPE_UINT64:
      return K_UNSIGNED;
    case QV_TYPE_FLOAT32: case QV_TYPE_FLOAT64:
      return K_FLOAT;
    case QV_TYPE_FLOAT16:
      return K_HALF;
    case QV_TYPE_BOOL:
      return K_BOOL;
    case QV_TYPE_BINARY: case QV_TYPE_STRING: case QV_TYPE_LARGE_BINARY: case QV_TYPE_LARGE_STRING:
    case QV_TYPE_BINARY_VIEW: case QV_TYPE_STRING_VIEW: case QV_TYPE_FIXED_SIZE_BINARY:
      return K_BYTES;
    case QV_TYPE_DECIMAL32: case QV_TYPE_DECIMAL64: case QV_TYPE_DECIMAL128: case QV_TYPE_DECIMAL256:
      return K_DECIMAL;
    default:
      return K_NONE;
  }
}

static float half_to_float(uint16_t h) {
  int e = (h >> 10) & 0x1F, m = h & 0x3FF;
  float v = e == 0 ? ldexpf((float)m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexpf((float)(m | 0x400), e - 25);
  return (h & 0x8000) ? -v : v;
}

/* Slot values as comparable scalars (one dispatch per call: used to merge
 * per-batch extremes, not in the per-slot loops). */
static int64_t sval(const qv_array *a, int64_t i) {
  const uint8_t *d = a->buffers[1]->data;
  int64_t j = a->offset + i;
  switch (qv_type_storage(a->type)->bit_width) {
    case 8: return ((const int8_t *)d)[j];
    case 16: return ((const int16_t *)(const void *)d)[j];
    case 32: return ((const int32_t *)(const void *)d)[j];
    default: return ((const int64_t *)(const void *)d)[j];
  }
}
static uint64_t uval(const qv_array *a, int64_t i) {
  const uint8_t *d = a->buffers[1]->data;
  int64_t j = a->offset + i;
  switch (qv_type_storage(a->type)->bit_width) {
    case 8: return d[j];
    case 16: return ((const uint16_t *)(const void *)d)[j];
    case 32: return ((const uint32_t *)(const void *)d)[j];
    default: return ((const uint64_t *)(const void *)d)[j];
  }
}
static double fval(const qv_array *a, int64_t i) {
  if (qv_type_storage(a->type)->id == QV_TYPE_FLOAT32) return qv_array_values_float32(a)[i];
  if (qv_type_storage(a->type)->id == QV_TYPE_FLOAT16)
    return half_to_float(((const uint16_t *)(const void *)a->buffers[1]->data)[a->offset + i]);
  return qv_array_values_float64(a)[i];
}

/* <0, 0, >0 as slot i of a orders before, with, after slot j of b. */
static int cmp_slots(kind k, const qv_array *a, int64_t i, const qv_array *b, int64_t j) {
  switch (k) {
    case K_SIGNED: {
      int64_t x = sval(a, i), y = sval(b, j);
      return (x > y) - (x < y);
    }
    case K_UNSIGNED: {
      uint64_t x = uval(a, i), y = uval(b, j);
      return (x > y) - (x < y);
    }
    case K_FLOAT: case K_HALF: {
      double x = fval(a, i), y = fval(b, j);
      return (x > y) - (x < y);
    }
    case K_BOOL:
      return (int)qv_array_bool_value(a, i) - (int)qv_array_bool_value(b, j);
    case K_BYTES: {
      int64_t lx, ly;
      const uint8_t *x = qv_array_bytes_value(a, i, &lx), *y = qv_array_bytes_value(b, j, &ly);
      int c = memcmp(x, y, (size_t)(lx < ly ? lx : ly));
      return c ? c : (lx > ly) - (lx < ly);
    }
    case K_DECIMAL: {
      uint64_t x[4] = {0}, y[4] = {0};
      qv_array_decimal_value(a, i, x);
      qv_array_decimal_value(b, j, y);
      int words = qv_type_storage(a->type)->bit_width / 64;
      if (words < 1) words = 1;
      if ((int64_t)x[words - 1] != (int64_t)y[words - 1]) return (int64_t)x[words - 1] < (int64_t)y[words - 1] ? -1 : 1;
      for (int w = words - 2; w >= 0; w--)
        if (x[w] != y[w]) return x[w] < y[w] ? -1 : 1;
      return 0;
    }
    case K_NONE:
      break;
  }
  return 0;
}

/* Typed scans for the fixed-width kinds: indices of a minimum and a
 * maximum valid slot (-1 when there is none). NaNs are skipped. */
#define DEFINE_SCAN(NAME, CTYPE, LOAD, SKIP)                                          \
  static void NAME(const qv_array *a, int64_t *imin, int64_t *imax) {                 \
    const CTYPE *v = (const CTYPE *)(const void *)a->buffers[1]->data + a->offset;    \
    int64_t lo = -1, hi = -1;                                                         \
    for (int64_t i = 0; i < a->length; i++) {                                         \
      if (!qv_array_is_valid(a, i) || SKIP(LOAD(v[i]))) continue;                     \
      if (lo < 0 || LOAD(v[i]) < LOAD(v[lo])) lo = i;                                 \
      if (hi < 0 || LOAD(v[i]) > LOAD(v[hi])) hi = i;                                 \
    }                                                                                 \
    *imin = lo;                                                                       \
    *imax = hi;                                                                       \
  }
#define AS_IS(x) (x)
#define NEVER(x) 0
#define IS_NAN(x) isnan(x)
DEFINE_SCAN(scan_i8, int8_t, AS_IS, NEVER)
DEFINE_SCAN(scan_i16, int16_t, AS_IS, NEVER)
DEFINE_SCAN(scan_i32, int32_t, AS_IS, NEVER)
DEFINE_SCAN(scan_i64, int64_t, AS_IS, NEVER)
DEFINE_SCAN(scan_u8, uint8_t, AS_IS, NEVER)
DEFINE_SCAN(scan_u16, uint16_t, AS_IS, NEVER)
DEFINE_SCAN(scan_u32, uint32_t, AS_IS, NEVER)
DEFINE_SCAN(scan_u64, uint64_t, AS_IS, NEVER)
DEFINE_SCAN(scan_f32, float, AS_IS, IS_NAN)
DEFINE_SCAN(scan_f64, double, AS_IS, IS_NAN)
DEFINE_SCAN(scan_f16, uint16_t, half_to_float, IS_NAN)

/* The other kinds: a generic loop over cmp_slots. */
static void scan_generic(kind k, const qv_array *a, int64_t *imin, int64_t *imax) {
  int64_t lo = -1, hi = -1;
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    if (lo < 0 || cmp_slots(k, a, i, a, lo) < 0) lo = i;
    if (hi < 0 || cmp_slots(k, a, i, a, hi) > 0) hi = i;
  }
  *imin = lo;
  *imax = hi;
}

static void scan(kind k, const qv_array *a, int64_t *imin, int64_t *imax) {
  const qv_type *t = qv_type_storage(a->type);
  const int w = t->bit_width;
  switch (k) {
    case K_SIGNED:
      if (w == 8) scan_i8(a, imin, imax);
      else if (w == 16) scan_i16(a, imin, imax);
      else if (w == 32) scan_i32(a, imin, imax);
      else scan_i64(a, imin, imax);
      return;
    case K_UNSIGNED:
      if (w == 8) scan_u8(a, imin, imax);
      else if (w == 16) scan_u16(a, imin, imax);
      else if (w == 32) scan_u32(a, imin, imax);
      else scan_u64(a, imin, imax);
      return;
    case K_FLOAT:
      if (t->id == QV_TYPE_FLOAT32) scan_f32(a, imin, imax);
      else scan_f64(a, imin, imax);
      return;
    case K_HALF:
      scan_f16(a, imin, imax);
      return;
    default:
      scan_generic(k, a, imin, imax);
      return;
  }
}

/* Replaces *slot with a one-slot slice of a at i when it orders `sign`-wards. */
static qv_status update_extreme(kind k, qv_array **slot, qv_array *a, int64_t i, int sign, qv_error *err) {
  if (i < 0) return QV_OK;
  if (*slot && cmp_slots(k, a, i, *slot, 0) * sign <= 0) return QV_OK;
  qv_array *s = NULL;
  QV_RETURN_IF_ERROR(qv_array_slice(a, i, 1, &s, err));
  qv_array_release(*slot);
  *slot = s;
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

static qv_status add_batch(col_stats *cs, const qv_batch *b, int64_t row0, qv_error *err) {
  for (int32_t c = 0; c < b->n_columns; c++) {
    qv_array *a = b->columns[c];
    col_stats *s = &cs[c];
    s->bytes += array_bytes(a, &s->last_dictionary, 0);
    s->nulls += qv_array_null_count(a);
    if (s->k == K_NONE || a->length == 0 || qv_array_null_count(a) == a->length) continue;
    if (s->k == K_BYTES) QV_RETURN_IF_ERROR(check_byte_ranges(a, b->schema->fields[c]->name, row0, err));
    int64_t lo, hi;
    scan(s->k, a, &lo, &hi);
    QV_RETURN_IF_ERROR(update_extreme(s->k, &s->min, a, lo, -1, err));
    QV_RETURN_IF_ERROR(update_extreme(s->k, &s->max, a, hi, +1, err));
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

typedef struct row_text {
  char *cell[6];
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

static void print_table(row_text *rows, int n) {
  size_t width[6] = {0};
  for (int r = 0; r < n; r++)
    for (int c = 0; c < 6; c++) {
      size_t l = rows[r].cell[c] ? text_width(rows[r].cell[c]) : 1;
      if (l > width[c]) width[c] = l;
    }
  for (int r = 0; r < n; r++) {
    for (int c = 0; c < 6; c++) {
      const char *s = rows[r].cell[c] ? rows[r].cell[c] : "?";
      size_t gap = width[c] - text_width(s);
      if (c == 5) {
        printf("%s\n", s);
      } else if (c == 2 || c == 3) { /* numbers right-aligned */
        pad(gap);
        printf("%s  ", s);
      } else {
        printf("%s  ", s);
        pad(gap);
      }
    }
  }
}

static char *dup_int(int64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)v);
  return strdup(buf);
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
  const char *head[6] = {"column", "type", "bytes", "nulls", "min", "max"};
  for (int c = 0; c < 6; c++) t[0].cell[c] = strdup(head[c]);
  for (int32_t i = 0; i < schema->n_fields; i++) {
    row_text *r = &t[i + 1];
    char type[256];
    qv_type_format(schema->fields[i]->type, type, sizeof type);
    char *min = format_slot(cs[i].min), *max = format_slot(cs[i].max);
    r->cell[0] = cli_escape_text(schema->fields[i]->name);
    r->cell[1] = cli_escape_text(type);
    r->cell[2] = dup_int(cs[i].bytes);
    r->cell[3] = dup_int(cs[i].nulls);
    r->cell[4] = min ? cli_escape_text(min) : NULL;
    r->cell[5] = max ? cli_escape_text(max) : NULL;
    free(min);
    free(max);
  }
  printf("\n");
  print_table(t, schema->n_fields + 1);
  for (int32_t i = 0; i <= schema->n_fields; i++)
    for (int c = 0; c < 6; c++) free(t[i].cell[c]);
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
    for (int32_t i = 0; cs && i < schema->n_fields; i++) cs[i].k = kind_of(schema->fields[i]->type);
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
  if (st == QV_OK)
    report(path, src, cs, rows, batches);
  else
    rc = cli_data_error(cmd, cli_display_name(path, false), &err);
  if (cs && src) {
    for (int32_t i = 0; i < cli_source_schema(src)->n_fields; i++) {
      qv_array_release(cs[i].min);
      qv_array_release(cs[i].max);
    }
  }
  free(cs);
  cli_source_free(src);
  if (rc == CLI_EXIT_OK && fflush(stdout) != 0) {
    qv_error_set(&err, QV_ERR_IO, "writing to stdout failed");
    rc = cli_data_error(cmd, "<stdout>", &err);
  }
  return rc;
}

const cli_command cli_cmd_stats = {"stats", "rows, batches, bytes, nulls, min/max per column", stats_help,
                                   run_stats};
