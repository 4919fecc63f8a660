/* quiver json: one array window -> one FieldData object.
 *
 * qv__json_write_column emits logical slots [start, start + length) of an
 * array (any offset, any slicing) as {"name", "count", buffers...,
 * "children"}. Windows propagate the way array.h defines them: struct,
 * sparse-union and fixed-size-list children are written at the parent's
 * logical position; list and map children are written for the range the
 * window's offsets cover, with the offsets rebased to 0; list views and
 * dense unions write their children whole with the offsets as they are;
 * run-end encoded writes the runs overlapping the window with clamped run
 * ends. Variable-size data is re-laid out: binary/utf8 offsets are
 * recomputed from what is written (null slots written empty), views keep
 * their buffer indices and offsets (null slots become empty inline views).
 * What the array's buffers hold is trusted only after structural
 * validation (the caller's job); anything read per slot beyond that
 * (offsets inside the window, run ends, out-of-line views, UTF-8) is
 * checked here and reported with the column path and row.
 */
#include <math.h>

#include "json/internal.h"
#include "core/checked_access.h"
#include "core/half.h"
#include "core/layout.h"
#include "core/unaligned.h"
#include "core/utf8.h"

typedef struct wcol {
  qv_json_wctx *w;
  const char *path;
  const qv_array *a;
  int64_t start; /* physical index of the first slot: a->offset + window start */
  int64_t n;     /* slots */
} wcol;

static qv_status col_fail(const wcol *c, int64_t row, const char *fmt, ...) QV_PRINTF(3, 4);
static qv_status col_fail(const wcol *c, int64_t row, const char *fmt, ...) {
  char msg[QV_ERROR_MESSAGE_MAX / 2];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return qv_error_set(c->w->err, QV_ERR_INVALID_DATA, "%s: row %lld: %s", c->path, (long long)row, msg);
}

/* ,\n<indent>"key": */
static void key(qv_json_wctx *w, const char *k, bool first) {
  if (!first) qv__strbuf_appendc(w->sb, ',');
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, '"');
  qv__strbuf_append(w->sb, k);
  qv__strbuf_append(w->sb, "\": ");
}

static inline void sep(qv_strbuf *sb, int64_t i) {
  if (i > 0) qv__strbuf_appendc(sb, ',');
}

/* Value i of a column of integer-like type `id` as int64: unsigned types
 * zero-extended (uint64 keeps its bits), the width from the layout table. */
static int64_t load_int(const uint8_t *base, qv_type_id id, int64_t i) {
  const int32_t w = qv__layout_of_id(id)->buffers[1].width;
  bool is_unsigned = id == QV_TYPE_UINT8 || id == QV_TYPE_UINT16 || id == QV_TYPE_UINT32;
  return is_unsigned ? (int64_t)qv__load_uint(base, w, i) : qv__load_int(base, w, i);
}

/* The shortest text that reads back to the same half. */
static void half_append(qv_strbuf *sb, uint16_t h) {
  double d = (double)qv__half_to_float(h);
  if (isnan(d) || isinf(d) || d == floor(d)) {
    qv__json_double_append(sb, d);
    return;
  }
  char buf[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (qv__json_half_from_double(strtod(buf, NULL)) == h) break;
  }
  qv__strbuf_append(sb, buf);
}

static void write_validity(const wcol *c) {
  qv_strbuf *sb = c->w->sb;
  key(c->w, "VALIDITY", false);
  qv__strbuf_appendc(sb, '[');
  for (int64_t i = 0; i < c->n; i++) {
    sep(sb, i);
    qv__strbuf_appendc(sb, qv_array_is_valid(c->a, c->start - c->a->offset + i) ? '1' : '0');
  }
  qv__strbuf_appendc(sb, ']');
}

/* DATA of a fixed-width layout `s` whose values are buffers[1]. */
static void write_fixed(const wcol *c, const qv_type *s) {
  qv_strbuf *sb = c->w->sb;
  const uint8_t *d = c->a->buffers[1] ? c->a->buffers[1]->data : NULL;
  int64_t p0 = c->start, n = c->n;
  char num[96];
  key(c->w, "DATA", false);
  qv__strbuf_appendc(sb, '[');
  switch (s->id) {
    case QV_TYPE_BOOL:
      for (int64_t i = 0; i < n; i++) {
        sep(sb, i);
        qv__strbuf_append(sb, qv_bit_get(d, p0 + i) ? "true" : "false");
      }
      break;
    case QV_TYPE_INT8:
    case QV_TYPE_INT16:
    case QV_TYPE_INT32:
    case QV_TYPE_UINT8:
    case QV_TYPE_UINT16:
    case QV_TYPE_UINT32:
    case QV_TYPE_DATE32:
    case QV_TYPE_TIME32:
    case QV_TYPE_INTERVAL_MONTHS:
      for (int64_t i = 0; i < n; i++) {
        sep(sb, i);
        qv__strbuf_appendf(sb, "%lld", (long long)load_int(d, s->id, p0 + i));
      }
      break;
    case QV_TYPE_UINT64:
      for (int64_t i = 0; i < n; i++) {
        uint64_t v = qv__load_uint(d, 8, p0 + i);
        sep(sb, i);
        qv__strbuf_appendf(sb, "\"%llu\"", (unsigned long long)v);
      }
      break;
    case QV_TYPE_FLOAT16:
      for (int64_t i = 0; i < n; i++) {
        uint16_t h;
        memcpy(&h, d + (p0 + i) * 2, 2);
        sep(sb, i);
        half_append(sb, h);
      }
      break;
    case QV_TYPE_FLOAT32:
      for (int64_t i = 0; i < n; i++) {
        float f;
        memcpy(&f, d + (p0 + i) * 4, 4);
        sep(sb, i);
        qv__json_float_append(sb, f);
      }
      break;
    case QV_TYPE_FLOAT64:
      for (int64_t i = 0; i < n; i++) {
        double f;
        memcpy(&f, d + (p0 + i) * 8, 8);
        sep(sb, i);
        qv__json_double_append(sb, f);
      }
      break;
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256: {
      int w = s->bit_width / 8;
      for (int64_t i = 0; i < n; i++) {
        size_t len = qv__json_decimal_format(d + (p0 + i) * w, s->bit_width, num);
        sep(sb, i);
        qv__strbuf_appendc(sb, '"');
        qv__strbuf_append_n(sb, num, len);
        qv__strbuf_appendc(sb, '"');
      }
      break;
    }
    case QV_TYPE_INTERVAL_DAY_TIME:
      for (int64_t i = 0; i < n; i++) {
        int32_t v[2];
        memcpy(v, d + (p0 + i) * 8, 8);
        sep(sb, i);
        qv__strbuf_appendf(sb, "{\"days\": %d, \"milliseconds\": %d}", v[0], v[1]);
      }
      break;
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO:
      for (int64_t i = 0; i < n; i++) {
        int32_t md[2];
        int64_t ns;
        memcpy(md, d + (p0 + i) * 16, 8);
        memcpy(&ns, d + (p0 + i) * 16 + 8, 8);
        sep(sb, i);
        qv__strbuf_appendf(sb, "{\"months\": %d, \"days\": %d, \"nanoseconds\": %lld}", md[0], md[1], (long long)ns);
      }
      break;
    case QV_TYPE_FIXED_SIZE_BINARY:
      for (int64_t i = 0; i < n; i++) {
        sep(sb, i);
        qv__strbuf_appendc(sb, '"');
        if (s->byte_width > 0) qv__json_hex_append(sb, d + (p0 + i) * s->byte_width, s->byte_width);
        qv__strbuf_appendc(sb, '"');
      }
      break;
    default: /* 64-bit integers and temporal values: strings */
      for (int64_t i = 0; i < n; i++) {
        sep(sb, i);
        qv__strbuf_appendf(sb, "\"%lld\"", (long long)load_int(d, QV_TYPE_INT64, p0 + i));
      }
      break;
  }
  qv__strbuf_appendc(sb, ']');
}

/* "k": n integers of `width` bytes (1, 4 or 8) from base[first...], minus
 * `rebase`; 64-bit ones as strings, as the format wants. */
static void write_int_list(const wcol *c, const char *k, const uint8_t *base, int width, int64_t first, int64_t n,
                           int64_t rebase) {
  qv_strbuf *sb = c->w->sb;
  key(c->w, k, false);
  qv__strbuf_appendc(sb, '[');
  for (int64_t i = 0; i < n; i++) {
    int64_t v = qv__load_int(base, width, first + i) - rebase;
    sep(sb, i);
    qv__strbuf_appendf(sb, width == 8 ? "\"%lld\"" : "%lld", (long long)v);
  }
  qv__strbuf_appendc(sb, ']');
}

static qv_status write_binary(const wcol *c, const qv_type *s) {
  qv_strbuf *sb = c->w->sb;
  bool large = s->id == QV_TYPE_LARGE_BINARY || s->id == QV_TYPE_LARGE_STRING;
  bool text = s->id == QV_TYPE_STRING || s->id == QV_TYPE_LARGE_STRING;
  int w = large ? 8 : 4;
  const uint8_t *off = qv_array_buffer_data(c->a, 1);
  /* an absent data buffer reads as empty: no pointer arithmetic on NULL */
  static const uint8_t no_data[1] = {0};
  const uint8_t *data = c->a->buffers[2] && c->a->buffers[2]->data ? c->a->buffers[2]->data : no_data;
  int64_t data_size = c->a->buffers[2] ? c->a->buffers[2]->size : 0;
  int64_t total = 0;
  /* Offsets of what is written: null slots are empty. */
  key(c->w, "OFFSET", false);
  qv__strbuf_append(sb, large ? "[\"0\"" : "[0");
  for (int64_t i = 0; i < c->n; i++) {
    int64_t lo = qv__load_int(off, w, c->start + i), hi = qv__load_int(off, w, c->start + i + 1);
    bool valid = qv_array_is_valid(c->a, c->start - c->a->offset + i);
    if (valid) {
      if (lo < 0 || hi < lo || hi > data_size) {
        return col_fail(c, i, "offsets %lld..%lld outside the %lld data bytes", (long long)lo, (long long)hi,
                        (long long)data_size);
      }
      if (text) {
        int64_t ok = qv__utf8_valid_prefix(data + lo, hi - lo);
        if (ok != hi - lo) {
          char why[128];
          qv__utf8_describe(data + lo, hi - lo, ok, why, sizeof why);
          return col_fail(c, i, "invalid UTF-8 at byte %lld (%s)", (long long)ok, why);
        }
      }
      total += hi - lo;
    }
    qv__strbuf_appendf(sb, large ? ",\"%lld\"" : ",%lld", (long long)total);
  }
  qv__strbuf_appendc(sb, ']');
  key(c->w, "DATA", false);
  qv__strbuf_appendc(sb, '[');
  for (int64_t i = 0; i < c->n; i++) {
    sep(sb, i);
    if (!qv_array_is_valid(c->a, c->start - c->a->offset + i)) {
      qv__strbuf_append(sb, "\"\"");
      continue;
    }
    int64_t lo = qv__load_int(off, w, c->start + i), hi = qv__load_int(off, w, c->start + i + 1);
    if (text) {
      qv__json_string_append(sb, (const char *)data + lo, (size_t)(hi - lo));
    } else {
      qv__strbuf_appendc(sb, '"');
      qv__json_hex_append(sb, data + lo, hi - lo);
      qv__strbuf_appendc(sb, '"');
    }
  }
  qv__strbuf_appendc(sb, ']');
  return QV_OK;
}

static qv_status write_views(const wcol *c, const qv_type *s) {
  qv_strbuf *sb = c->w->sb;
  bool text = s->id == QV_TYPE_STRING_VIEW;
  const qv_array *a = c->a;
  const qv_view *views = (const qv_view *)(const void *)qv_array_buffer_data(a, 1);
  int32_t nvar = a->n_buffers - 2;
  key(c->w, "VIEWS", false);
  qv__strbuf_appendc(sb, '[');
  for (int64_t i = 0; i < c->n; i++) {
    const qv_view *v = &views[c->start + i];
    sep(sb, i);
    int32_t size = v->inlined.size;
    if (!qv_array_is_valid(a, c->start - a->offset + i)) {
      qv__strbuf_append(sb, "{\"SIZE\": 0, \"INLINED\": \"\"}");
      continue;
    }
    if (size < 0) return col_fail(c, i, "negative view size %d", size);
    if (size <= QV_VIEW_INLINE_MAX) {
      qv__strbuf_appendf(sb, "{\"SIZE\": %d, \"INLINED\": ", size);
      if (text) {
        int64_t ok = qv__utf8_valid_prefix(v->inlined.data, size);
        if (ok != size) return col_fail(c, i, "invalid UTF-8 at byte %lld of an inline view", (long long)ok);
        qv__json_string_append(sb, (const char *)v->inlined.data, (size_t)size);
      } else {
        qv__strbuf_appendc(sb, '"');
        qv__json_hex_append(sb, v->inlined.data, size);
        qv__strbuf_appendc(sb, '"');
      }
      qv__strbuf_appendc(sb, '}');
      continue;
    }
    int32_t bi = v->ref.buffer_index, off = v->ref.offset;
    const qv_buffer *b = (bi >= 0 && bi < nvar) ? a->buffers[2 + bi] : NULL;
    if (bi < 0 || bi >= nvar || off < 0 || (int64_t)off + size > (b ? b->size : 0)) {
      return col_fail(c, i, "view (buffer %d, offset %d, size %d) outside the %d variadic buffers", bi, off, size,
                      nvar);
    }
    qv__strbuf_appendf(sb, "{\"SIZE\": %d, \"PREFIX_HEX\": \"", size);
    qv__json_hex_append(sb, v->ref.prefix, 4);
    qv__strbuf_appendf(sb, "\", \"BUFFER_INDEX\": %d, \"OFFSET\": %d}", bi, off);
  }
  qv__strbuf_appendc(sb, ']');
  key(c->w, "VARIADIC_DATA_BUFFERS", false);
  qv__strbuf_appendc(sb, '[');
  for (int32_t k = 0; k < nvar; k++) {
    const qv_buffer *b = a->buffers[2 + k];
    sep(sb, k);
    qv__strbuf_appendc(sb, '"');
    if (b != NULL) qv__json_hex_append(sb, b->data, b->size);
    qv__strbuf_appendc(sb, '"');
  }
  qv__strbuf_appendc(sb, ']');
  return QV_OK;
}

/* Children: windows per child (start is the child's logical slot). */
typedef struct child_window {
  int64_t start, length;
} child_window;

static qv_status write_children(const wcol *c, const qv_type *s, const child_window *win) {
  qv_json_wctx *w = c->w;
  qv_status st = QV_OK;
  key(w, "children", false);
  qv__strbuf_appendc(w->sb, '[');
  w->indent += 2;
  for (int32_t i = 0; i < s->n_children && st == QV_OK; i++) {
    const char *name = s->children[i]->name;
    size_t n = strlen(c->path) + strlen(name) + 2;
    char *path = malloc(n);
    QV_CHECK_ALLOC(path, w->err);
    snprintf(path, n, "%s.%s", c->path, name);
    if (i > 0) qv__strbuf_appendc(w->sb, ',');
    qv__json_newline(w);
    st = qv__json_write_column(w, path, name, c->a->children[i], win[i].start, win[i].length);
    free(path);
  }
  w->indent -= 2;
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, ']');
  return st;
}

/* List/map window: child range from the offsets, checked slot by slot. */
static qv_status list_window(const wcol *c, int width, child_window *win) {
  const uint8_t *off = qv_array_buffer_data(c->a, 1);
  int64_t child_len = c->a->children[0]->length;
  if (off == NULL || c->a->buffers[1]->size == 0) { /* only an empty array may lack its offsets (or have 0 bytes) */
    if (c->n > 0) return col_fail(c, 0, "the offsets buffer is missing");
    win[0] = (child_window){0, 0};
    key(c->w, "OFFSET", false);
    qv__strbuf_append(c->w->sb, width == 8 ? "[\"0\"]" : "[0]");
    return QV_OK;
  }
  int64_t base = qv__load_int(off, width, c->start), prev = base;
  if (base < 0 || base > child_len) return col_fail(c, 0, "offset %lld outside the child", (long long)base);
  for (int64_t i = 1; i <= c->n; i++) {
    int64_t o = qv__load_int(off, width, c->start + i);
    if (o < prev || o > child_len) {
      return col_fail(c, i - 1, "offsets %lld..%lld not ascending within the child's %lld slots", (long long)prev,
                      (long long)o, (long long)child_len);
    }
    prev = o;
  }
  win[0].start = base;
  win[0].length = prev - base;
  write_int_list(c, "OFFSET", off, width, c->start, c->n + 1, base);
  return QV_OK;
}

/* The JSON reader takes list-view offsets and sizes, union type ids and
 * dense-union offsets only when they are not negative (and leaves the rest
 * to validation, as for any reader): writing a negative one would give a
 * file the reader refuses, so the writer refuses it first, naming the row.
 * Null list-view slots are included: the format keeps them. */
static qv_status check_list_views(const wcol *c, int width) {
  const uint8_t *off = qv_array_buffer_data(c->a, 1), *size = qv_array_buffer_data(c->a, 2);
  for (int64_t i = 0; i < c->n; i++) {
    int64_t o = qv__load_int(off, width, c->start + i), n = qv__load_int(size, width, c->start + i);
    if (o < 0 || n < 0)
      return col_fail(c, i, "list view offset %lld, size %lld: negative", (long long)o, (long long)n);
  }
  return QV_OK;
}

static qv_status check_union(const wcol *c, const qv_type *s) {
  const uint8_t *ids = qv_array_buffer_data(c->a, 0), *off = qv_array_buffer_data(c->a, 1);
  for (int64_t i = 0; i < c->n; i++) {
    int8_t code = (int8_t)ids[c->start + i];
    if (code < 0) return col_fail(c, i, "type id %d is negative", code);
    if (s->id == QV_TYPE_DENSE_UNION) {
      int64_t o = qv__load_int(off, 4, c->start + i);
      if (o < 0) return col_fail(c, i, "dense union offset %lld is negative", (long long)o);
    }
  }
  return QV_OK;
}

/* Run-end encoded window: the runs overlapping [start, start + n). */
static qv_status write_ree(const wcol *c, const qv_type *s) {
  qv_json_wctx *w = c->w;
  const qv_array *re = c->a->children[0], *values = c->a->children[1];
  const uint8_t *ends = qv_array_buffer_data(re, 1);
  qv_type_id rid = qv_type_storage(re->type)->id;
  int64_t lo = c->start, hi = c->start + c->n, k0 = 0, prev = 0, bad_run;
  /* Rows may be claimed by runs outside the window when run ends go
   * backwards anywhere: every run end is checked, not only those walked. */
  if (!qv__ree_runs_increasing(c->a, &bad_run))
    return col_fail(c, 0, "run end %lld is not above the one before it", (long long)bad_run);
  /* First run ending after lo (linear: runs were validated structurally only). */
  while (k0 < re->length && load_int(ends, rid, re->offset + k0) <= lo) {
    int64_t e = load_int(ends, rid, re->offset + k0);
    if (e <= prev && k0 > 0) return col_fail(c, 0, "run ends not increasing at run %lld", (long long)k0);
    prev = e;
    k0++;
  }
  int64_t k1 = k0; /* one past the last run used */
  while (c->n > 0 && k1 < re->length) {
    int64_t e = load_int(ends, rid, re->offset + k1);
    if (e <= prev && k1 > 0) return col_fail(c, 0, "run ends not increasing at run %lld", (long long)k1);
    prev = e;
    k1++;
    if (e >= hi) break;
  }
  if (c->n > 0 && prev < hi) return col_fail(c, c->n - 1, "run ends stop at %lld", (long long)prev);
  int64_t nruns = k1 - k0;
  /* run_ends child, written by hand (values clamped to the window). */
  key(w, "children", false);
  qv__strbuf_appendc(w->sb, '[');
  w->indent += 2;
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, '{');
  w->indent += 2;
  key(w, "name", true);
  qv__json_string_append(w->sb, s->children[0]->name, strlen(s->children[0]->name));
  key(w, "count", false);
  qv__strbuf_appendf(w->sb, "%lld", (long long)nruns);
  key(w, "VALIDITY", false);
  qv__strbuf_appendc(w->sb, '[');
  for (int64_t k = 0; k < nruns; k++) qv__strbuf_append(w->sb, k ? ",1" : "1");
  qv__strbuf_appendc(w->sb, ']');
  key(w, "DATA", false);
  qv__strbuf_appendc(w->sb, '[');
  for (int64_t k = 0; k < nruns; k++) {
    int64_t e = load_int(ends, rid, re->offset + k0 + k);
    e = (e > hi ? hi : e) - lo;
    sep(w->sb, k);
    qv__strbuf_appendf(w->sb, rid == QV_TYPE_INT64 ? "\"%lld\"" : "%lld", (long long)e);
  }
  qv__strbuf_appendc(w->sb, ']');
  w->indent -= 2;
  qv__json_newline(w);
  qv__strbuf_append(w->sb, "},");
  qv__json_newline(w);
  size_t n = strlen(c->path) + 8;
  char *path = malloc(n);
  QV_CHECK_ALLOC(path, w->err);
  snprintf(path, n, "%s.values", c->path);
  qv_status st = qv__json_write_column(w, path, s->children[1]->name, values, k0, nruns);
  free(path);
  w->indent -= 2;
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, ']');
  return st;
}

qv_status qv__json_write_column(qv_json_wctx *w, const char *path, const char *name, const qv_array *a,
                               int64_t start, int64_t length) {
  const qv_type *s = qv_type_storage(a->type);
  wcol c = {w, path, a, a->offset + start, length};
  child_window stack_win[16];
  child_window *win = stack_win;
  qv_status st = QV_OK;
  if (s->n_children > 16) {
    win = malloc((size_t)s->n_children * sizeof *win);
    QV_CHECK_ALLOC(win, w->err);
  }
  qv__strbuf_appendc(w->sb, '{');
  w->indent += 2;
  key(w, "name", true);
  qv__json_string_append(w->sb, name, strlen(name));
  key(w, "count", false);
  qv__strbuf_appendf(w->sb, "%lld", (long long)length);
  if (qv_type_has_validity(s)) write_validity(&c);
  /* Default child windows: the parent's logical position. */
  for (int32_t i = 0; i < s->n_children; i++) win[i] = (child_window){c.start, length};

  switch (s->id) {
    case QV_TYPE_NULL:
      break;
    case QV_TYPE_DICTIONARY:
      write_fixed(&c, s->index_type);
      break;
    case QV_TYPE_BINARY:
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_LARGE_STRING:
      st = write_binary(&c, s);
      break;
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_STRING_VIEW:
      st = write_views(&c, s);
      break;
    case QV_TYPE_LIST:
    case QV_TYPE_MAP:
      st = list_window(&c, 4, win);
      break;
    case QV_TYPE_LARGE_LIST:
      st = list_window(&c, 8, win);
      break;
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW: {
      int width = s->id == QV_TYPE_LIST_VIEW ? 4 : 8;
      if ((st = check_list_views(&c, width)) != QV_OK) break;
      write_int_list(&c, "OFFSET", qv_array_buffer_data(a, 1), width, c.start, length, 0);
      write_int_list(&c, "SIZE", qv_array_buffer_data(a, 2), width, c.start, length, 0);
      win[0] = (child_window){0, a->children[0]->length};
      break;
    }
    case QV_TYPE_FIXED_SIZE_LIST:
      win[0] = (child_window){c.start * s->list_size, length * s->list_size};
      break;
    case QV_TYPE_STRUCT:
    case QV_TYPE_SPARSE_UNION:
      break;
    case QV_TYPE_DENSE_UNION:
      for (int32_t i = 0; i < s->n_children; i++) win[i] = (child_window){0, a->children[i]->length};
      break;
    case QV_TYPE_RUN_END_ENCODED:
      st = write_ree(&c, s);
      break;
    default:
      write_fixed(&c, s);
      break;
  }
  if (st == QV_OK && (s->id == QV_TYPE_SPARSE_UNION || s->id == QV_TYPE_DENSE_UNION)) st = check_union(&c, s);
  if (st == QV_OK && (s->id == QV_TYPE_SPARSE_UNION || s->id == QV_TYPE_DENSE_UNION)) {
    write_int_list(&c, "TYPE_ID", qv_array_buffer_data(a, 0), 1, c.start, length, 0);
    if (s->id == QV_TYPE_DENSE_UNION) {
      write_int_list(&c, "OFFSET", qv_array_buffer_data(a, 1), 4, c.start, length, 0);
    }
  }
  if (st == QV_OK && s->n_children > 0 && s->id != QV_TYPE_RUN_END_ENCODED) st = write_children(&c, s, win);
  w->indent -= 2;
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, '}');
  if (win != stack_win) free(win);
  return st;
}
