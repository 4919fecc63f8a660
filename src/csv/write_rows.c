/* quiver csv: the writer's row formatter. Turns rows of one batch into
 * CSV text appended to a qv_strbuf.
 *
 * Speed comes from three choices. Each column's formatter is picked once
 * per batch (qv__csv_columns_bind), so the row loop only switches on a
 * small kind. A row's fixed-width cells are written straight into room
 * reserved once per row (the sum of their largest texts), so numbers,
 * dates and timestamps are written with no capacity check of their own; a
 * string reserves twice its length plus the quotes (every byte a doubled
 * quote at worst) before it is copied. And the text of each value comes
 * from print/'s char-buffer formatters (digits two at a time, Schubfach
 * floats, a timestamp's date reused while the day stays the same), which
 * are the very functions print/ uses, so the text equals what quiver has
 * always written for every type.
 *
 * Safety: the formatters read fixed-width slots without bounds checks, so
 * the driver validates every batch structurally first; string slots are
 * checked here (offsets in order and inside the data buffer) as
 * qv__binary_slot does, and views go through qv__bytes_slot, so offsets
 * that structural validation does not order give an error naming column and
 * row, never a read outside a buffer.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/checked_access.h"
#include "csv/scan.h"
#include "csv/write_internal.h"
#include "print/digits.h"

void qv__csv_quoting_init(char delimiter, qv__csv_quoting *q) {
  memset(q, 0, sizeof *q);
  q->delimiter = delimiter;
  q->special[(uint8_t)delimiter] = q->special['"'] = q->special['\n'] = q->special['\r'] = 1;
  q->delim_word = QV__CSV_ONES * (uint8_t)delimiter;
  q->quote_word = QV__CSV_ONES * (uint8_t)'"';
  q->lf_word = QV__CSV_ONES * (uint8_t)'\n';
  q->cr_word = QV__CSV_ONES * (uint8_t)'\r';
}

static bool starts_with_bom(const uint8_t *s, int64_t n) {
  return n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF;
}

/* A value is quoted when it holds the delimiter, a quote or a line break,
 * when it is empty, and when it begins with a byte-order mark (at the start
 * of the output a reader would take it for the file's BOM and drop it). */
static inline bool needs_quotes(const uint8_t *s, int64_t n, const qv__csv_quoting *q) {
  return n == 0 || starts_with_bom(s, n) ||
         qv__csv_scan(s, 0, n, q->special, q->delim_word, q->quote_word, q->lf_word, q->cr_word) < n;
}

/* Writes the field s[0, n) at p, which has room for 2n + 2 bytes; returns
 * the end. */
static inline char *put_field(char *p, const uint8_t *s, int64_t n, const qv__csv_quoting *q) {
  if (!needs_quotes(s, n, q)) {
    memcpy(p, s, (size_t)n);
    return p + n;
  }
  *p++ = '"';
  for (int64_t k = 0; k < n; k++) {
    *p++ = (char)s[k];
    if (s[k] == '"') *p++ = '"';
  }
  *p++ = '"';
  return p;
}

#if defined(__SSE2__)
/* The fast form of put_field for a value whose bytes may be read 16 at a
 * time up to `readable` (the end of its array's data): copies while it
 * scans, and the last partial block is loaded whole (it lies inside the
 * data) with the bytes past the value masked out of the test. p has room
 * for n + 16 bytes. Returns NULL when the value needs quotes (nothing
 * useful written), else the end. */
static inline char *put_plain_fast(char *p, const uint8_t *s, int64_t n, const uint8_t *readable,
                                   const qv__csv_quoting *q) {
  const __m128i vd = _mm_set1_epi8(q->delimiter), vq = _mm_set1_epi8('"'), vl = _mm_set1_epi8('\n'),
                vr = _mm_set1_epi8('\r');
  int64_t k = 0;
  for (;;) {
    const __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
    const __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, vd), _mm_cmpeq_epi8(w, vq)),
                                   _mm_or_si128(_mm_cmpeq_epi8(w, vl), _mm_cmpeq_epi8(w, vr)));
    unsigned bits = (unsigned)_mm_movemask_epi8(m);
    if (n - k < 16) bits &= (1u << (n - k)) - 1;
    if (bits) return NULL;
    _mm_storeu_si128((__m128i *)(void *)(p + k), w);
    k += 16;
    if (k >= n) return p + n;
    if (s + k + 16 > readable) break;
  }
  /* the rest cannot be loaded whole: the portable scan */
  if (qv__csv_scan(s, k, n, q->special, q->delim_word, q->quote_word, q->lf_word, q->cr_word) < n) return NULL;
  memcpy(p + k, s + k, (size_t)(n - k));
  return p + n;
}
#endif

/* put_field for a value inside an array's data that ends at `readable`;
 * p has room for 2n + 18 bytes. */
static inline char *put_field_in(char *p, const uint8_t *s, int64_t n, const uint8_t *readable,
                                 const qv__csv_quoting *q) {
#if defined(__SSE2__)
  if (n > 0 && s + 16 <= readable && !starts_with_bom(s, n)) {
    char *end = put_plain_fast(p, s, n, readable, q);
    if (end != NULL) return end;
  }
#else
  (void)readable;
#endif
  return put_field(p, s, n, q);
}

void qv__csv_append_field(qv_strbuf *sb, const char *s, int64_t n, const qv__csv_quoting *q) {
  if (n < 0 || !qv__strbuf_reserve(sb, 2 * (size_t)n + 2)) return; /* reserve recorded the failure */
  char *end = put_field(sb->data + sb->len, (const uint8_t *)s, n, q);
  sb->len = (size_t)(end - sb->data);
  sb->data[sb->len] = '\0';
}

/* ---- binding a batch ---- */

size_t qv__csv_columns_bind(qv__csv_column *cols, const qv_batch *batch, const qv_schema *schema) {
  size_t room = 3; /* the line end, or the "" of a lone empty field and the line end */
  for (int32_t c = 0; c < batch->n_columns; c++) {
    qv__cell_column_bind(&cols[c], batch->columns[c], schema->fields[c]->name);
    room += qv__cell_fixed_room(cols[c].kind) + 1; /* and the delimiter before it */
  }
  return room;
}

/* ---- formatting rows ---- */

static qv_status out_of_buffers(const qv__csv_column *col, int64_t row, qv_error *err) {
  return qv_error_set(err, QV_ERR_INVALID_DATA,
                      "column '%s', row %lld: the string's bytes lie outside the array's buffers", col->name,
                      (long long)row);
}

qv_status qv__csv_format_rows(qv__csv_column *cols, int32_t n_cols, size_t row_bound, const qv__csv_quoting *q,
                              int64_t first, int64_t count, int64_t row_base, qv_strbuf *sb, qv_error *err) {
  static const qv_print_options k_print = QV_PRINT_OPTIONS_DEFAULT;
  QV_RETURN_IF_ERROR(qv__strbuf_status(sb, err));
  if (sb->fixed) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV rows need a growable buffer");
  const char delimiter = q->delimiter;
  for (int64_t i = first; i < first + count; i++) {
    if (!qv__cell_room(sb, row_bound)) return qv__strbuf_status(sb, err);
    const size_t row_start = sb->len;
    char *p = sb->data + sb->len;
    for (int32_t c = 0; c < n_cols; c++) {
      if (c > 0) *p++ = delimiter;
      qv__csv_column *col = &cols[c];
      const int64_t j = col->offset + i;
      if (col->kind == QV__CELL_NONE || (col->validity != NULL && !qv_bit_get(col->validity, j))) {
        if (q->null_len > 0) {
          sb->len = (size_t)(p - sb->data);
          if (!qv__cell_room(sb, q->null_len + row_bound)) return qv__strbuf_status(sb, err);
          p = sb->data + sb->len;
          memcpy(p, q->null_text, q->null_len);
          p += q->null_len;
        }
        continue;
      }
      switch (col->kind) {
        case QV__CELL_STRING:
        case QV__CELL_LARGE_STRING:
        case QV__CELL_VIEW: {
          const uint8_t *s;
          int64_t n;
          const bool ok = col->kind == QV__CELL_VIEW ? qv__bytes_slot(col->array, i, &s, &n)
                                                          : qv__cell_string_slot(col, j, &s, &n);
          if (!ok) return out_of_buffers(col, row_base + i, err);
          /* the rest of the row's fixed cells keep their room after it */
          sb->len = (size_t)(p - sb->data);
          if (!qv__cell_room(sb, 2 * (size_t)n + 18 + row_bound)) return qv__strbuf_status(sb, err);
          p = col->kind == QV__CELL_VIEW ? put_field(sb->data + sb->len, s, n, q)
                                              : put_field_in(sb->data + sb->len, s, n, col->data + col->data_size, q);
          break;
        }
        case QV__CELL_OTHER: {
          sb->len = (size_t)(p - sb->data);
          if (!qv__print_leaf(sb, col->array, i, &k_print))
            return qv_error_set(err, QV_ERR_INVALID_DATA, "column '%s', row %lld: the value cannot be read",
                                col->name, (long long)(row_base + i));
          if (!qv__cell_room(sb, row_bound)) return qv__strbuf_status(sb, err);
          p = sb->data + sb->len;
          break;
        }
        default: p = qv__cell_put_scalar(col, j, p); break;
      }
    }
    /* An empty line is no record to a reader (blank lines are skipped):
     * a lone empty field is written quoted so the row survives. */
    if (n_cols == 1 && p == sb->data + row_start) {
      *p++ = '"';
      *p++ = '"';
    }
    *p++ = '\n';
    sb->len = (size_t)(p - sb->data);
  }
  if (sb->data != NULL) sb->data[sb->len] = '\0';
  return QV_OK;
}
