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

static qv__csv_cell_kind kind_of(const qv_type *t) {
  switch (t->id) { /* the logical type decides the text */
    case QV_TYPE_NULL: return QV__CSV_CELL_NONE;
    case QV_TYPE_BOOL: return QV__CSV_CELL_BOOL;
    case QV_TYPE_INT8: return QV__CSV_CELL_I8;
    case QV_TYPE_INT16: return QV__CSV_CELL_I16;
    case QV_TYPE_INT32: return QV__CSV_CELL_I32;
    case QV_TYPE_INT64:
    case QV_TYPE_DURATION: return QV__CSV_CELL_I64;
    case QV_TYPE_UINT8: return QV__CSV_CELL_U8;
    case QV_TYPE_UINT16: return QV__CSV_CELL_U16;
    case QV_TYPE_UINT32: return QV__CSV_CELL_U32;
    case QV_TYPE_UINT64: return QV__CSV_CELL_U64;
    case QV_TYPE_FLOAT32: return QV__CSV_CELL_F32;
    case QV_TYPE_FLOAT64: return QV__CSV_CELL_F64;
    case QV_TYPE_DATE32: return QV__CSV_CELL_DATE32;
    case QV_TYPE_TIMESTAMP: return QV__CSV_CELL_TIMESTAMP;
    case QV_TYPE_STRING: return QV__CSV_CELL_STRING;
    case QV_TYPE_LARGE_STRING: return QV__CSV_CELL_LARGE_STRING;
    case QV_TYPE_STRING_VIEW: return QV__CSV_CELL_VIEW;
    default: return QV__CSV_CELL_OTHER;
  }
}

/* The most text a fixed-width cell can take (0: the cell reserves its own). */
static size_t fixed_room(qv__csv_cell_kind k) {
  switch (k) {
    case QV__CSV_CELL_BOOL: return 5;
    case QV__CSV_CELL_I8:
    case QV__CSV_CELL_I16:
    case QV__CSV_CELL_I32:
    case QV__CSV_CELL_I64:
    case QV__CSV_CELL_U8:
    case QV__CSV_CELL_U16:
    case QV__CSV_CELL_U32:
    case QV__CSV_CELL_U64: return QV__PRINT_U64_MAX;
    case QV__CSV_CELL_F32:
    case QV__CSV_CELL_F64: return QV__PRINT_FLOAT_MAX;
    case QV__CSV_CELL_DATE32: return QV__PRINT_DATE_MAX;
    case QV__CSV_CELL_TIMESTAMP: return QV__PRINT_TIMESTAMP_MAX;
    default: return 0;
  }
}

size_t qv__csv_columns_bind(qv__csv_column *cols, const qv_batch *batch, const qv_schema *schema) {
  size_t room = 3; /* the line end, or the "" of a lone empty field and the line end */
  for (int32_t c = 0; c < batch->n_columns; c++) {
    const qv_array *a = batch->columns[c];
    const qv_type *t = qv_type_storage(a->type);
    qv__csv_column *col = &cols[c];
    memset(col, 0, sizeof *col);
    col->kind = kind_of(t);
    col->array = a;
    col->name = schema->fields[c]->name;
    col->validity = col->kind == QV__CSV_CELL_NONE ? NULL : qv__buf_data(a, 0);
    col->offset = a->offset;
    col->values = qv__buf_data(a, 1);
    if (col->kind == QV__CSV_CELL_STRING || col->kind == QV__CSV_CELL_LARGE_STRING) {
      col->data = qv__buf_data(a, 2);
      col->data_size = qv__buf_size(a, 2);
      if (col->data == NULL) col->data = (const uint8_t *)"";
      /* no offsets: the checked accessor reports every slot */
      if (col->values == NULL) col->kind = QV__CSV_CELL_VIEW;
    }
    col->unit = t->unit;
    col->zoned = t->id == QV_TYPE_TIMESTAMP && t->timezone != NULL && t->timezone[0] != '\0';
    room += fixed_room(col->kind) + 1; /* and the delimiter before it */
  }
  return room;
}

/* ---- formatting rows ---- */

/* Room for n more bytes (and a NUL) at the end of sb. */
static inline bool room_for(qv_strbuf *sb, size_t n) {
  if (sb->oom) return false; /* after a failed append len may pass cap */
  return (sb->len < sb->cap && sb->cap - sb->len > n) || qv__strbuf_reserve(sb, n);
}

static qv_status out_of_buffers(const qv__csv_column *col, int64_t row, qv_error *err) {
  return qv_error_set(err, QV_ERR_INVALID_DATA,
                      "column '%s', row %lld: the string's bytes lie outside the array's buffers", col->name,
                      (long long)row);
}

/* The bytes of string slot j (array offset included) with 32-bit (wide =
 * false) or 64-bit offsets; false when the offsets are out of order or
 * point outside the data. */
static inline bool string_slot(const qv__csv_column *col, int64_t j, bool wide, const uint8_t **s, int64_t *n) {
  int64_t start, end;
  if (wide) {
    memcpy(&start, col->values + j * 8, 8);
    memcpy(&end, col->values + j * 8 + 8, 8);
  } else {
    int32_t s32, e32;
    memcpy(&s32, col->values + j * 4, 4);
    memcpy(&e32, col->values + j * 4 + 4, 4);
    start = s32;
    end = e32;
  }
  if (start < 0 || end < start || end > col->data_size) return false;
  *s = col->data + start;
  *n = end - start;
  return true;
}

qv_status qv__csv_format_rows(qv__csv_column *cols, int32_t n_cols, size_t row_bound, const qv__csv_quoting *q,
                              int64_t first, int64_t count, int64_t row_base, qv_strbuf *sb, qv_error *err) {
  static const qv_print_options k_print = QV_PRINT_OPTIONS_DEFAULT;
  QV_RETURN_IF_ERROR(qv__strbuf_status(sb, err));
  if (sb->fixed) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV rows need a growable buffer");
  const char delimiter = q->delimiter;
  for (int64_t i = first; i < first + count; i++) {
    if (!room_for(sb, row_bound)) return qv__strbuf_status(sb, err);
    const size_t row_start = sb->len;
    char *p = sb->data + sb->len;
    for (int32_t c = 0; c < n_cols; c++) {
      if (c > 0) *p++ = delimiter;
      qv__csv_column *col = &cols[c];
      const int64_t j = col->offset + i;
      if (col->validity != NULL && !qv_bit_get(col->validity, j)) continue;
      switch (col->kind) {
        case QV__CSV_CELL_NONE: break;
        case QV__CSV_CELL_BOOL: {
          const bool b = qv_bit_get(col->values, j);
          memcpy(p, b ? "true" : "false", b ? 4 : 5);
          p += b ? 4 : 5;
          break;
        }
        case QV__CSV_CELL_I8: p += qv__print_i64_text((int8_t)col->values[j], p); break;
        case QV__CSV_CELL_I16: {
          int16_t v;
          memcpy(&v, col->values + j * 2, 2);
          p += qv__print_i64_text(v, p);
          break;
        }
        case QV__CSV_CELL_I32: {
          int32_t v;
          memcpy(&v, col->values + j * 4, 4);
          p += qv__print_i64_text(v, p);
          break;
        }
        case QV__CSV_CELL_I64: {
          int64_t v;
          memcpy(&v, col->values + j * 8, 8);
          p += qv__print_i64_text(v, p);
          break;
        }
        case QV__CSV_CELL_U8: p += qv__print_u64_text(col->values[j], p); break;
        case QV__CSV_CELL_U16: {
          uint16_t v;
          memcpy(&v, col->values + j * 2, 2);
          p += qv__print_u64_text(v, p);
          break;
        }
        case QV__CSV_CELL_U32: {
          uint32_t v;
          memcpy(&v, col->values + j * 4, 4);
          p += qv__print_u64_text(v, p);
          break;
        }
        case QV__CSV_CELL_U64: {
          uint64_t v;
          memcpy(&v, col->values + j * 8, 8);
          p += qv__print_u64_text(v, p);
          break;
        }
        case QV__CSV_CELL_F32: {
          float v;
          memcpy(&v, col->values + j * 4, 4);
          p += qv__print_float_text(v, 32, p);
          break;
        }
        case QV__CSV_CELL_F64: {
          double v;
          memcpy(&v, col->values + j * 8, 8);
          p += qv__print_float_text(v, 64, p);
          break;
        }
        case QV__CSV_CELL_DATE32: {
          int32_t v;
          memcpy(&v, col->values + j * 4, 4);
          p += qv__print_date_text(v, p);
          break;
        }
        case QV__CSV_CELL_TIMESTAMP: {
          int64_t v;
          memcpy(&v, col->values + j * 8, 8);
          p += qv__print_timestamp_text(v, col->unit, col->zoned, &col->day, p);
          break;
        }
        case QV__CSV_CELL_STRING:
        case QV__CSV_CELL_LARGE_STRING:
        case QV__CSV_CELL_VIEW: {
          const uint8_t *s;
          int64_t n;
          const bool ok = col->kind == QV__CSV_CELL_VIEW ? qv__bytes_slot(col->array, i, &s, &n)
                                                          : string_slot(col, j, col->kind == QV__CSV_CELL_LARGE_STRING,
                                                                        &s, &n);
          if (!ok) return out_of_buffers(col, row_base + i, err);
          /* the rest of the row's fixed cells keep their room after it */
          sb->len = (size_t)(p - sb->data);
          if (!room_for(sb, 2 * (size_t)n + 18 + row_bound)) return qv__strbuf_status(sb, err);
          p = col->kind == QV__CSV_CELL_VIEW ? put_field(sb->data + sb->len, s, n, q)
                                              : put_field_in(sb->data + sb->len, s, n, col->data + col->data_size, q);
          break;
        }
        case QV__CSV_CELL_OTHER: {
          sb->len = (size_t)(p - sb->data);
          if (!qv__print_leaf(sb, col->array, i, &k_print))
            return qv_error_set(err, QV_ERR_INVALID_DATA, "column '%s', row %lld: the value cannot be read",
                                col->name, (long long)(row_base + i));
          if (!room_for(sb, row_bound)) return qv__strbuf_status(sb, err);
          p = sb->data + sb->len;
          break;
        }
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
