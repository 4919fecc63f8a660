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

/* A buffer of `size` bytes holding src's first `size` bytes. */
static qv_status copy_buffer(const void *src, int64_t size, qv_buffer **out, qv_error *err) {
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, size, false, out, err));
  if (size > 0) memcpy((*out)->data, src, (size_t)size);
  return QV_OK;
}

/* Column col's array from the scratch; *fits = false when a timestamp does
 * not fit its unit (the general build would then try the next kind). */
static qv_status finish_column(const qv__csv_column_kind *k, qv__csv_scratch_col *col, int64_t rows,
                               qv__csv_column_kind *kind_out, qv_array **out, bool *fits, qv_error *err) {
  *kind_out = *k;
  kind_out->given = NULL;
  qv_buffer *bufs[3] = {NULL, NULL, NULL};
  qv_type *type = NULL;
  qv_status st = QV_OK;
  int32_t n_bufs = 2;
  int64_t nulls = 0;
  if (k->kind == QV__CSV_NULL) {
    type = qv_type_null();
    st = qv_array_new_null(type, rows, out, err);
    qv_type_release(type);
    return st;
  }
  if (k->kind == QV__CSV_STRING) {
    n_bufs = 3;
    st = copy_buffer(col->offsets, (rows + 1) * 4, &bufs[1], err);
    if (st == QV_OK) st = copy_buffer(col->data, col->data_len, &bufs[2], err);
  } else {
    nulls = col->nulls;
    if (k->kind == QV__CSV_TIMESTAMP) {
      kind_out->nanos = col->fraction;
      int64_t *x = (int64_t *)(void *)col->values;
      for (int64_t r = 0; col->fraction && r < rows; r++) {
        if (!(col->valid[r >> 3] & (1u << (r & 7)))) continue;
        if (qv__mul_overflow_i64(x[r], 1000000000, &x[r]) || qv__add_overflow_i64(x[r], col->nanos[r], &x[r])) {
          *fits = false;
          return QV_OK;
        }
      }
    }
    const int64_t bitmap = qv_bitmap_bytes(rows);
    const int64_t width = k->kind == QV__CSV_DATE || k->kind == QV__CSV_TIME ? 4 : 8;
    if (nulls > 0) st = copy_buffer(col->valid, bitmap, &bufs[0], err);
    if (st == QV_OK) st = copy_buffer(col->values, k->kind == QV__CSV_BOOL ? bitmap : rows * width, &bufs[1], err);
  }
  if (st == QV_OK) st = qv__csv_kind_type(kind_out, &type, err);
  if (st == QV_OK) st = qv_array_new(type, rows, 0, nulls, n_bufs, bufs, 0, NULL, NULL, out, err);
  qv_type_release(type);
  for (int i = 0; i < 3; i++) qv_buffer_release(bufs[i]);
  return st;
}

qv_status qv__csv_typed_block(const qv__csv_read_ctx *c, const qv__csv_dialect *d, qv__csv_block *b,
                              const qv__csv_column_kind *guess, qv__csv_scratch *s, qv__csv_column_kind *kinds_out,
                              qv_array **arrays_out, bool *done, qv_error *err) {
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
  int32_t col = 0;
  qv_status st = QV_OK;
  bool fits = true;
  for (; col < n_cols && fits && st == QV_OK; col++)
    st = finish_column(&guess[col], &s->cols[col], rows, &kinds_out[col], &arrays_out[col], &fits, err);
  if (st != QV_OK || !fits) {
    for (int32_t i = 0; i < col; i++) {
      qv_array_release(arrays_out[i]);
      arrays_out[i] = NULL;
    }
    return st;
  }
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
