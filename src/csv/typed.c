/* quiver csv: the typed fast path. Reads a block of data records straight
 * into its columns, one pass over the bytes, with each column's kind
 * guessed beforehand (the kinds of the first block, inferred the slow way):
 * every field is found, told null or not and parsed as its column's kind
 * into per-worker scratch memory, with no field list in between. The
 * exact-size column buffers are allocated and filled from the scratch at
 * the end, so no buffer is zero-filled only to be overwritten and the
 * scratch pages are reused from block to block.
 *
 * Anything the fast path does not expect (a value that does not fit its
 * column's guessed kind, a ragged record, a doubled quote outside a string
 * column, an unclosed quote, invalid UTF-8 in the block) makes it give the
 * block up: the caller tokenizes and infers that block the general way
 * (tokenize.c, infer.c), which decides and reports. So the fast path only
 * ever accepts records the tokenizer reads the same way and values the
 * general build parses the same way (the same parsers), and what it builds
 * is byte for byte what the general build of that kind builds.
 *
 * Why a guessed kind is safe: the guess g of a column is the first kind
 * every value of the first block fits, so the column's final kind K (the
 * first kind every value of the input fits) is g or later; a block whose
 * values all fit g is recorded as g, and the merge of the blocks' kinds
 * (read_internal.h) then still finds K: a block's own first fitting kind
 * is at most g, and g at most K.
 */
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "csv/read_internal.h"
#include "csv/classify.h"
#include "quiver/bitmap.h"

bool qv__csv_typed_off = false;
int64_t qv__csv_typed_blocks_read = 0;

void qv__csv_scratch_free(qv__csv_scratch *s) {
  for (int32_t i = 0; s->cols != NULL && i < s->n_cols; i++) {
    qv__csv_scratch_col *col = &s->cols[i];
    free(col->values);
    free(col->valid);
    free(col->nanos);
    free(col->offsets);
    free(col->data);
  }
  free(s->cols);
  qv_buffer_release(s->arena);
  memset(s, 0, sizeof *s);
}

/* Grows *p to at least `need` bytes (contents kept); false when out of
 * memory. Starts small: every column has its own buffers, so a floor of a
 * page each made a block of 150,000 narrow columns take 1.2 GB. */
static bool reserve(void **p, int64_t *cap, int64_t need) {
  if (need <= *cap) return true;
  int64_t next = *cap > 0 ? *cap : 64;
  while (next < need) next *= 2;
  void *q = realloc(*p, (size_t)next);
  if (q == NULL) return false;
  *p = q;
  *cap = next;
  return true;
}

/* Makes room in every column's scratch for rows [0, rows) (a block of
 * `bytes` bytes), keeping rows [0, kept) and clearing the bitmaps past
 * them. */
static bool make_room(qv__csv_scratch *s, int32_t n_cols, const qv__csv_column_kind *kinds, int64_t kept,
                      int64_t rows, int64_t bytes) {
  /* Bitmap bytes through row `rows`; the ones holding rows below `kept`
   * were cleared before (through the byte of row `kept`, which the last
   * call covered) and hold their rows' bits now. */
  const int64_t bitmap = rows / 8 + 1, kept_bitmap = kept == 0 ? 0 : kept / 8 + 1;
  for (int32_t i = 0; i < n_cols; i++) {
    qv__csv_scratch_col *col = &s->cols[i];
    switch (kinds[i].kind) {
      case QV__CSV_STRING:
        if (!reserve((void **)&col->offsets, &col->offsets_cap, (rows + 1) * 4) ||
            !reserve((void **)&col->data, &col->data_cap, bytes + 32)) /* 32: copy_field's overshoot */
          return false;
        break;
      case QV__CSV_TIMESTAMP:
        if (!reserve((void **)&col->nanos, &col->nanos_cap, rows * 4)) return false;
        /* fall through */
      default:
        if (!reserve((void **)&col->values, &col->values_cap, rows * 8 + 8) ||
            !reserve((void **)&col->valid, &col->valid_cap, bitmap))
          return false;
        memset(col->valid + kept_bitmap, 0, (size_t)(bitmap - kept_bitmap));
        if (kinds[i].kind == QV__CSV_BOOL) memset(col->values + kept_bitmap, 0, (size_t)(bitmap - kept_bitmap));
        break;
    }
  }
  return true;
}

/* Readies the worker's scratch for a new block of `bytes` bytes, with room
 * for `rows` records to start with. */
static bool prepare(qv__csv_scratch *s, int32_t n_cols, const qv__csv_column_kind *kinds, int64_t rows,
                    int64_t bytes) {
  if (s->cols == NULL) {
    s->cols = calloc((size_t)n_cols + 1, sizeof *s->cols);
    if (s->cols == NULL) return false;
    s->n_cols = n_cols;
  }
  for (int32_t i = 0; i < n_cols; i++) {
    qv__csv_scratch_col *col = &s->cols[i];
    col->nulls = 0;
    col->data_len = 0;
    col->fraction = false;
  }
  if (!make_room(s, n_cols, kinds, 0, rows, bytes)) return false;
  for (int32_t i = 0; i < n_cols; i++)
    if (kinds[i].kind == QV__CSV_STRING) s->cols[i].offsets[0] = 0;
  s->rows_cap = rows;
  return true;
}

static inline bool maybe_null(const qv__csv_read_ctx *c, const char *s, int64_t n) {
  if (n == 0) return c->null_empty;
  if (n < 32) {
    if (!c->null_short[n][(uint8_t)s[0]] || !c->null_last[n][(uint8_t)s[n - 1]]) return false;
  } else if (!c->null_long) {
    return false;
  }
  return qv__csv_is_null(c, s, n);
}

/* Copies a quoted field's text with each doubled quote made one. */
static int64_t unescape(uint8_t *dst, const uint8_t *s, int64_t n, uint8_t quote) {
  int64_t at = 0;
  for (int64_t i = 0; i < n; i++) {
    dst[at++] = s[i];
    if (s[i] == quote) i++; /* the second quote of the pair */
  }
  return at;
}

/* Copies n bytes from s to dst in 16-byte pieces, the last one running
 * past n, when both sides have room for that (the scratch has 32 spare
 * bytes; `end` is the end of the readable input): most fields are short,
 * and a call to memcpy per field cost more than the copy. */
static inline void copy_field(uint8_t *dst, const uint8_t *s, int64_t n, const uint8_t *end) {
  if (n <= 32 && end - s >= 32) {
    memcpy(dst, s, 16);
    if (n > 16) memcpy(dst + 16, s + 16, 16);
  } else {
    memcpy(dst, s, (size_t)n);
  }
}

/* Puts field `s` (n bytes; `doubled`: quoted with doubled quotes inside)
 * into row r of column col as its kind; false when it is not such a value.
 * `end`: the end of the block's bytes. */
static inline bool put(const qv__csv_read_ctx *c, const qv__csv_column_kind *k, qv__csv_scratch_col *col, int64_t r,
                       const char *s, int64_t n, bool doubled, uint8_t quote, const uint8_t *end) {
  if (k->kind == QV__CSV_STRING) {
    const int64_t at = col->data_len;
    if (doubled) {
      col->data_len += unescape(col->data + at, (const uint8_t *)s, n, quote);
    } else {
      copy_field(col->data + at, (const uint8_t *)s, n, end);
      col->data_len += n;
    }
    col->offsets[r + 1] = (int32_t)col->data_len;
    return true;
  }
  if (doubled) return false; /* a quote in the text: never a number, date or time */
  if (maybe_null(c, s, n)) {
    col->nulls++;
    if (k->kind == QV__CSV_DATE || k->kind == QV__CSV_TIME) {
      ((int32_t *)(void *)col->values)[r] = 0;
    } else if (k->kind != QV__CSV_BOOL) {
      ((int64_t *)(void *)col->values)[r] = 0;
      if (k->kind == QV__CSV_TIMESTAMP) col->nanos[r] = 0;
    }
    return true;
  }
  bool ok = false;
  switch (k->kind) {
    case QV__CSV_INT:
      ok = qv__csv_parse_int64(s, n, (int64_t *)(void *)col->values + r);
      break;
    case QV__CSV_FLOAT:
      ok = qv__csv_parse_float64(s, n, (double *)(void *)col->values + r);
      break;
    case QV__CSV_DATE: {
      int32_t days;
      ok = qv__csv_parse_date32(s, n, &days);
      ((int32_t *)(void *)col->values)[r] = days;
      break;
    }
    case QV__CSV_TIME: {
      qv__csv_time t = {0, 0, 0};
      ok = qv__csv_parse_time(s, n, &t) && t.fraction_digits < 0;
      ((int32_t *)(void *)col->values)[r] = t.seconds;
      break;
    }
    case QV__CSV_TIMESTAMP: {
      qv__csv_timestamp t = {0, 0, false, false};
      ok = qv__csv_parse_timestamp(s, n, &t) && t.has_zone == k->zoned;
      ((int64_t *)(void *)col->values)[r] = t.seconds;
      col->nanos[r] = t.nanos;
      col->fraction |= t.has_fraction;
      break;
    }
    case QV__CSV_BOOL: {
      bool v = false;
      ok = qv__csv_parse_bool(c, s, n, &v);
      if (v) col->values[r >> 3] |= (uint8_t)(1u << (r & 7));
      break;
    }
    default: /* NULL: only null markers fit */
      return false;
  }
  if (ok) col->valid[r >> 3] |= (uint8_t)(1u << (r & 7));
  return ok;
}

static inline bool is_line_end(uint8_t ch) { return ch == '\n' || ch == '\r'; }

/* The pass over the bytes; false to give the block up. */
static bool read_records(const qv__csv_read_ctx *c, const qv__csv_dialect *d, const qv__csv_block *b,
                         const qv__csv_column_kind *kinds, qv__csv_scratch *s, qv__csv_classify_fn classify,
                         int64_t *rows_out, int64_t *lines_out) {
  const uint8_t *p = b->data;
  const int64_t n = b->size;
  const int32_t n_cols = c->n_cols;
  const uint8_t delim = (uint8_t)d->delimiter, quote = (uint8_t)d->quote;
  const bool quoting = d->quoting;
  qv__csv_cursor cur;
  qv__csv_cursor_init(&cur, p, n, delim, quote, classify);
  enum { DELIM = 1, EOL = 2, QUOTE = 4 };
  int64_t pos = 0, line = 0, rows = 0;
  while (pos < n) {
    if (is_line_end(p[pos])) { /* a blank line: no record */
      pos += (p[pos] == '\r' && pos + 1 < n && p[pos + 1] == '\n') ? 2 : 1;
      line++;
      continue;
    }
    if (QV_UNLIKELY(rows == s->rows_cap)) {
      int64_t more;
      if (qv__mul_overflow_i64(rows, 2, &more) || !make_room(s, n_cols, kinds, rows, more, n)) return false;
      s->rows_cap = more;
    }
    for (int32_t col = 0; col < n_cols; col++) {
      const uint8_t *f;
      int64_t len;
      bool doubled = false;
      if (quoting && pos < n && p[pos] == quote) {
        const int64_t first = pos + 1;
        int64_t i = first;
        for (;;) {
          i = qv__csv_cursor_next(&cur, i, QUOTE | EOL);
          if (i >= n) return false; /* never closed */
          if (p[i] == quote) {
            if (i + 1 < n && p[i + 1] == quote) {
              doubled = true;
              i += 2;
              continue;
            }
            break;
          }
          i += (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
          line++;
        }
        f = p + first;
        len = i - first;
        pos = i + 1;
      } else {
        const int64_t end = qv__csv_cursor_next(&cur, pos, DELIM | EOL);
        f = p + pos;
        len = end - pos;
        pos = end;
      }
      if (col + 1 < n_cols) {
        if (pos >= n || p[pos] != delim) return false; /* too few fields, or text after a closing quote */
        pos++;
      } else if (pos < n && !is_line_end(p[pos])) {
        return false; /* too many fields, or text after a closing quote */
      }
      if (!put(c, &kinds[col], &s->cols[col], rows, (const char *)f, len, doubled, quote, p + n)) return false;
    }
    rows++;
    if (pos < n) {
      pos += (p[pos] == '\r' && pos + 1 < n && p[pos + 1] == '\n') ? 2 : 1;
      line++;
    }
  }
  *rows_out = rows;
  *lines_out = line;
  return true;
}

/* Arenas: every buffer of a typed block is a view of its worker's arena,
 * one large allocation that holds the buffers of a block or two, one after
 * another. A buffer per column and block (tens to hundreds of KiB each)
 * came from the C heap, which hands freed memory back to the kernel and
 * maps fresh zero pages again on the next read: their page faults took a
 * quarter of a read's time. A large allocation (core/allocator.c) is, once
 * freed, kept by core's cache of freed mappings for the next read. The
 * arena stays under 2 MiB, where core asks for huge pages: those made a
 * cold read wait on the kernel's memory compaction (a second or more on a
 * busy machine). The price: a column keeps its arena (and so the other
 * columns' bytes of its block) alive until every view of it is released,
 * as the IPC reader's columns keep their message body; so an arena is at
 * most ARENA_BLOCKS times its first block's input (small blocks, a
 * streaming reader's batches kept one in many, keep little beside them). */
#define ARENA_BYTES (((int64_t)2 << 20) - ((int64_t)64 << 10))
#define ARENA_BLOCKS 4

static int64_t round_up_64(int64_t n) { return (n + 63) & ~(int64_t)63; }

/* Makes room for `need` bytes in the worker's arena: a fresh arena when
 * the current one has not got them (the old one lives on in its views),
 * sized for a few blocks of `block_bytes` bytes of input. */
static qv_status arena_room(qv__csv_scratch *s, int64_t need, int64_t block_bytes, qv_error *err) {
  if (s->arena != NULL && s->arena->size - s->arena_used >= need) return QV_OK;
  qv_buffer_release(s->arena);
  s->arena = NULL;
  s->arena_used = 0;
  int64_t size = block_bytes < ARENA_BYTES / ARENA_BLOCKS ? block_bytes * ARENA_BLOCKS : ARENA_BYTES;
  if (size < need) size = need;
  return qv_buffer_allocate(NULL, size, false, &s->arena, err);
}

bool qv__csv_typed_supports(const qv__csv_column_kind *k) {
  if (k->given == NULL) return true;
  switch (k->given->id) {
    case QV_TYPE_NULL:
    case QV_TYPE_BOOL:
    case QV_TYPE_INT8:
    case QV_TYPE_INT16:
    case QV_TYPE_INT32:
    case QV_TYPE_INT64:
    case QV_TYPE_UINT8:
    case QV_TYPE_UINT16:
    case QV_TYPE_UINT32:
    case QV_TYPE_FLOAT32:
    case QV_TYPE_FLOAT64:
    case QV_TYPE_DATE32:
    case QV_TYPE_DATE64:
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_BINARY:
    case QV_TYPE_LARGE_BINARY:
      return true;
    case QV_TYPE_TIME32: /* in seconds: the kind's own parse (no fraction) */
      return k->given->unit == QV_UNIT_SECOND;
    default: /* uint64, the finer times, decimals: parsed apart from their kind (given.c) */
      return false;
  }
}

/* The width in bytes of a value of column k as stored (0: a bitmap). */
static int64_t stored_width(const qv__csv_column_kind *k) {
  if (k->kind == QV__CSV_BOOL) return 0;
  if (k->given != NULL) return k->given->bit_width / 8;
  return k->kind == QV__CSV_DATE || k->kind == QV__CSV_TIME ? 4 : 8;
}

/* Whether a string column has 64-bit offsets. */
static bool wide_offsets(const qv__csv_column_kind *k) {
  return k->given != NULL && (k->given->id == QV_TYPE_LARGE_STRING || k->given->id == QV_TYPE_LARGE_BINARY);
}

/* The bytes column col of a block of `rows` rows takes in the arena. */
static int64_t column_bytes(const qv__csv_column_kind *k, const qv__csv_scratch_col *col, int64_t rows) {
  if (k->kind == QV__CSV_NULL) return 0;
  if (k->kind == QV__CSV_STRING)
    return round_up_64((rows + 1) * (wide_offsets(k) ? 8 : 4)) + round_up_64(col->data_len);
  const int64_t bitmap = round_up_64(qv_bitmap_bytes(rows));
  const int64_t width = stored_width(k);
  return (col->nulls > 0 ? bitmap : 0) + (width == 0 ? bitmap : round_up_64(rows * width));
}

static bool row_valid(const qv__csv_scratch_col *col, int64_t r) { return (col->valid[r >> 3] >> (r & 7)) & 1; }

/* Readies column k's values for storing, in the scratch: timestamps into
 * their unit (seconds and fractions into one count, each checked), and
 * checks that every integer fits a narrower given type. false when some
 * value does not: the general build then tries the next kind or reports
 * the value, as its own checks decide. `fixed`: the kind's unit is final
 * (a given type, a streaming read's later rounds); else an inferred
 * timestamp is in ns when some value had a fraction, else in s. */
static bool ready_values(qv__csv_column_kind *k, qv__csv_scratch_col *col, int64_t rows, bool fixed) {
  if (k->kind == QV__CSV_TIMESTAMP) {
    static const int64_t k_per_second[4] = {1, 1000, 1000000, 1000000000};
    if (k->given == NULL && !fixed) k->nanos = col->fraction;
    const int64_t per_second = k->given ? k_per_second[k->given->unit & 3] : k->nanos ? 1000000000 : 1;
    if (per_second == 1 && !col->fraction) return true;
    const int64_t step = 1000000000 / per_second;
    int64_t *x = (int64_t *)(void *)col->values;
    for (int64_t r = 0; r < rows; r++) {
      if (!row_valid(col, r)) continue;
      if (col->nanos[r] % step != 0) return false; /* a fraction finer than the unit */
      if (qv__mul_overflow_i64(x[r], per_second, &x[r]) || qv__add_overflow_i64(x[r], col->nanos[r] / step, &x[r]))
        return false;
    }
    return true;
  }
  if (k->kind != QV__CSV_INT || k->given == NULL || k->given->id == QV_TYPE_INT64) return true;
  int64_t lo = 0, hi = 0;
  switch (k->given->id) {
    case QV_TYPE_INT8: lo = INT8_MIN, hi = INT8_MAX; break;
    case QV_TYPE_INT16: lo = INT16_MIN, hi = INT16_MAX; break;
    case QV_TYPE_INT32: lo = INT32_MIN, hi = INT32_MAX; break;
    case QV_TYPE_UINT8: hi = UINT8_MAX; break;
    case QV_TYPE_UINT16: hi = UINT16_MAX; break;
    default: hi = UINT32_MAX; break; /* uint32 */
  }
  const int64_t *x = (const int64_t *)(const void *)col->values;
  for (int64_t r = 0; r < rows; r++)
    if (row_valid(col, r) && (x[r] < lo || x[r] > hi)) return false;
  return true;
}

/* Copies `size` bytes of src into the worker's arena (room was made) as
 * a view buffer. */
static qv_status arena_copy(qv__csv_scratch *s, const void *src, int64_t size, qv_buffer **out, qv_error *err) {
  if (size > 0) memcpy(s->arena->data + s->arena_used, src, (size_t)size);
  QV_RETURN_IF_ERROR(qv_buffer_view(s->arena, s->arena_used, size, out, err));
  s->arena_used += round_up_64(size);
  return QV_OK;
}

/* The values of a fixed-width column stored apart from their kind's
 * width (a narrower integer, float32, date64), converted into the arena
 * (ready_values checked the ranges). */
static qv_status arena_convert(qv__csv_scratch *s, const qv_type *t, const qv__csv_scratch_col *col, int64_t rows,
                               qv_buffer **out, qv_error *err) {
  uint8_t *dst = s->arena->data + s->arena_used;
  const int64_t *x = (const int64_t *)(const void *)col->values;
  const int64_t width = t->bit_width / 8;
  switch (t->id) {
    case QV_TYPE_FLOAT32: {
      const double *d = (const double *)(const void *)col->values;
      for (int64_t r = 0; r < rows; r++) ((float *)(void *)dst)[r] = (float)d[r];
      break;
    }
    case QV_TYPE_DATE64: {
      const int32_t *days = (const int32_t *)(const void *)col->values;
      for (int64_t r = 0; r < rows; r++) ((int64_t *)(void *)dst)[r] = (int64_t)days[r] * 86400000;
      break;
    }
    case QV_TYPE_INT8:
    case QV_TYPE_UINT8:
      for (int64_t r = 0; r < rows; r++) dst[r] = (uint8_t)x[r];
      break;
    case QV_TYPE_INT16:
    case QV_TYPE_UINT16:
      for (int64_t r = 0; r < rows; r++) ((uint16_t *)(void *)dst)[r] = (uint16_t)x[r];
      break;
    default: /* int32, uint32 */
      for (int64_t r = 0; r < rows; r++) ((uint32_t *)(void *)dst)[r] = (uint32_t)x[r];
      break;
  }
  QV_RETURN_IF_ERROR(qv_buffer_view(s->arena, s->arena_used, rows * width, out, err));
  s->arena_used += round_up_64(rows * width);
  return QV_OK;
}

/* 32-bit string offsets widened into the arena. */
static qv_status arena_widen(qv__csv_scratch *s, const int32_t *offsets, int64_t rows, qv_buffer **out,
                             qv_error *err) {
  int64_t *dst = (int64_t *)(void *)(s->arena->data + s->arena_used);
  for (int64_t r = 0; r <= rows; r++) dst[r] = offsets[r];
  QV_RETURN_IF_ERROR(qv_buffer_view(s->arena, s->arena_used, (rows + 1) * 8, out, err));
  s->arena_used += round_up_64((rows + 1) * 8);
  return QV_OK;
}

/* Whether a fixed-width column's values are stored as its kind parses them. */
static bool stored_as_parsed(const qv__csv_column_kind *k) {
  if (k->given == NULL) return true;
  switch (k->given->id) {
    case QV_TYPE_INT8:
    case QV_TYPE_INT16:
    case QV_TYPE_INT32:
    case QV_TYPE_UINT8:
    case QV_TYPE_UINT16:
    case QV_TYPE_UINT32:
    case QV_TYPE_FLOAT32:
    case QV_TYPE_DATE64:
      return false;
    default:
      return true;
  }
}

/* Column col's array (of kind k, readied) from the scratch, its buffers in
 * the arena. */
static qv_status finish_column(const qv__csv_column_kind *k, qv__csv_scratch *s, int32_t i, int64_t rows,
                               qv_array **out, qv_error *err) {
  qv__csv_scratch_col *col = &s->cols[i];
  qv_buffer *bufs[3] = {NULL, NULL, NULL};
  qv_type *type = NULL;
  QV_RETURN_IF_ERROR(qv__csv_kind_type(k, &type, err));
  qv_status st = QV_OK;
  int32_t n_bufs = 2;
  int64_t nulls = 0;
  if (k->kind == QV__CSV_NULL) {
    st = qv_array_new_null(type, rows, out, err);
    qv_type_release(type);
    return st;
  }
  if (k->kind == QV__CSV_STRING) {
    n_bufs = 3;
    st = wide_offsets(k) ? arena_widen(s, col->offsets, rows, &bufs[1], err)
                         : arena_copy(s, col->offsets, (rows + 1) * 4, &bufs[1], err);
    if (st == QV_OK) st = arena_copy(s, col->data, col->data_len, &bufs[2], err);
  } else {
    nulls = col->nulls;
    const int64_t bitmap = qv_bitmap_bytes(rows), width = stored_width(k);
    if (nulls > 0) st = arena_copy(s, col->valid, bitmap, &bufs[0], err);
    if (st == QV_OK)
      st = stored_as_parsed(k) ? arena_copy(s, col->values, width == 0 ? bitmap : rows * width, &bufs[1], err)
                               : arena_convert(s, k->given, col, rows, &bufs[1], err);
  }
  if (st == QV_OK) st = qv_array_new(type, rows, 0, nulls, n_bufs, bufs, 0, NULL, NULL, out, err);
  qv_type_release(type);
  for (int b = 0; b < 3; b++) qv_buffer_release(bufs[b]);
  return st;
}

/* The block's arrays from the scratch, their kinds into kinds_out;
 * *fits = false (nothing kept) when some value does not fit its stored
 * type (ready_values). */
static qv_status finish_block(const qv__csv_column_kind *guess, int32_t n_cols, bool fixed, qv__csv_scratch *s,
                              int64_t rows, int64_t block_bytes, qv__csv_column_kind *kinds_out, qv_array **arrays_out,
                              bool *fits, qv_error *err) {
  int64_t need = 0;
  for (int32_t i = 0; i < n_cols; i++) {
    kinds_out[i] = guess[i];
    if (!ready_values(&kinds_out[i], &s->cols[i], rows, fixed)) {
      *fits = false;
      return QV_OK;
    }
    need += column_bytes(&kinds_out[i], &s->cols[i], rows);
  }
  QV_RETURN_IF_ERROR(arena_room(s, need, block_bytes, err));
  int32_t col = 0;
  qv_status st = QV_OK;
  for (; col < n_cols && st == QV_OK; col++) st = finish_column(&kinds_out[col], s, col, rows, &arrays_out[col], err);
  if (st != QV_OK) {
    for (int32_t i = 0; i < col; i++) {
      qv_array_release(arrays_out[i]);
      arrays_out[i] = NULL;
    }
  }
  return st;
}

qv_status qv__csv_typed_block(const qv__csv_read_ctx *c, const qv__csv_dialect *d, qv__csv_block *b,
                              const qv__csv_column_kind *guess, bool fixed, qv__csv_scratch *s,
                              qv__csv_column_kind *kinds_out, qv_array **arrays_out, bool *done, qv_error *err) {
  *done = false;
  const int32_t n_cols = c->n_cols;
  if (qv__csv_typed_off || b->at_input_start || b->size > QV__CSV_MAX_BLOCK || n_cols <= 0) return QV_OK;
  if (qv__utf8_valid_prefix(b->data, b->size) != b->size) return QV_OK;
  const qv__csv_classify_fn classify = qv__csv_classifier(QV__CSV_ISA_BEST);
  /* Room for as many records as the last block had (or a first guess of
   * 64 bytes a record, and never more records than the block can hold at
   * one byte a column: each column gets room for the guess, so a guess
   * blind to the width made a wide block take n_cols x block bytes); more
   * is made as needed. */
  const int64_t rows_guess =
      s->rows_cap > 0 ? s->rows_cap : (b->size / 64 < b->size / n_cols ? b->size / 64 : b->size / n_cols) + 16;
  if (!prepare(s, n_cols, guess, rows_guess, b->size))
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (CSV block scratch)");
  int64_t rows = 0, lines = 0;
  if (!read_records(c, d, b, guess, s, classify, &rows, &lines)) return QV_OK;
  bool fits = true;
  const qv_status st = finish_block(guess, n_cols, fixed, s, rows, b->size, kinds_out, arrays_out, &fits, err);
  if (st != QV_OK || !fits) return st;
  b->n_rows = rows;
  b->data_first = 0;
  b->n_data = rows;
  b->lines = lines;
  b->utf8_valid = true;
  b->typed = true;
  *done = true;
  __atomic_fetch_add(&qv__csv_typed_blocks_read, 1, __ATOMIC_RELAXED);
  return QV_OK;
}
