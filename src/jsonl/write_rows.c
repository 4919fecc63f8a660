/* quiver jsonl: the writer's row formatter. One JSON object per row.
 *
 * As in the CSV writer: each top-level column's formatter is chosen once
 * per batch, a row's keys and fixed-width values are written into room
 * reserved once per row, member keys ("{\"name\":") are escaped once per
 * write instead of once per cell, strings are escaped 16 bytes at a time
 * while they are copied, and numbers and temporal values come from print/'s
 * char-buffer formatters, the functions behind print/'s leaf text, so the
 * text is what the writer always wrote. Nested values, views and the rarer
 * types go through qv__jsonl_write_value (write.c).
 *
 * Safety: fixed-width slots are read unchecked after the driver's
 * structural validation; string offsets are checked here (in order, inside
 * the data) as qv__binary_slot does.
 */
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/checked_access.h"
#include "jsonl/write_internal.h"
#include "print/digits.h"

/* ---- keys ---- */

qv_status qv__jsonl_keys_init(qv__jsonl_keys *keys, const qv_schema *schema, qv_error *err) {
  qv__strbuf_init(&keys->text);
  keys->starts = (size_t *)qv__calloc((size_t)schema->n_fields + 1, sizeof(size_t));
  if (keys->starts == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory for the JSON member names");
  for (int32_t c = 0; c < schema->n_fields; c++) {
    keys->starts[c] = keys->text.len;
    qv__strbuf_appendc(&keys->text, c == 0 ? '{' : ',');
    const char *name = schema->fields[c]->name;
    qv__jsonl_append_escaped(&keys->text, (const uint8_t *)name, (int64_t)strlen(name));
    qv__strbuf_appendc(&keys->text, ':');
  }
  keys->starts[schema->n_fields] = keys->text.len;
  return qv__strbuf_status(&keys->text, err);
}

void qv__jsonl_keys_free(qv__jsonl_keys *keys) {
  qv__strbuf_free(&keys->text);
  qv__free(keys->starts);
  keys->starts = NULL;
}

/* ---- binding a batch ---- */

/* The most text a value of kind k takes ("null" included): JSON puts
 * dates and timestamps in quotes; the kinds that reserve their own room
 * still take "null" for a null slot. */
static size_t fixed_room(qv__cell_kind k) {
  const size_t text = qv__cell_fixed_room(k);
  if (k == QV__CELL_DATE32 || k == QV__CELL_TIMESTAMP) return text + 2;
  return text > 4 ? text : 4;
}

size_t qv__jsonl_columns_bind(qv__jsonl_column *cols, const qv_batch *batch, const qv_schema *schema,
                              const qv__jsonl_keys *keys) {
  size_t room = 3; /* "{" of an object without members, "}\n" */
  for (int32_t c = 0; c < batch->n_columns; c++) {
    qv__jsonl_column *col = &cols[c];
    qv__cell_column_bind(&col->cell, batch->columns[c], schema->fields[c]->name);
    if (col->cell.kind == QV__CELL_VIEW) col->cell.kind = QV__CELL_OTHER; /* the general writer */
    col->key = keys->text.data + keys->starts[c];
    col->key_len = keys->starts[c + 1] - keys->starts[c];
    room += col->key_len + fixed_room(col->cell.kind);
  }
  return room;
}

/* ---- strings ---- */

/* The escape of one byte that needs one (below 0x20, '"', '\\') at p. */
static inline char *put_escape(char *p, uint8_t c) {
  static const char hex[] = "0123456789abcdef";
  switch (c) {
    case '"': memcpy(p, "\\\"", 2); return p + 2;
    case '\\': memcpy(p, "\\\\", 2); return p + 2;
    case '\n': memcpy(p, "\\n", 2); return p + 2;
    case '\r': memcpy(p, "\\r", 2); return p + 2;
    case '\t': memcpy(p, "\\t", 2); return p + 2;
    default: {
      const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      memcpy(p, u, 6);
      return p + 6;
    }
  }
}

static inline bool needs_escape(uint8_t c) { return c < 0x20 || c == '"' || c == '\\'; }

/* s[0, n) as a JSON string at p (room for 6n + 18 bytes); bytes up to
 * `readable` may be loaded (the end of the array's data). */
static inline char *put_string(char *p, const uint8_t *s, int64_t n, const uint8_t *readable) {
  *p++ = '"';
  int64_t k = 0;
#if defined(__SSE2__)
  const __m128i low = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  while (k < n && s + k + 16 <= readable) {
    const __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
    const __m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(w, low), low),
                                   _mm_or_si128(_mm_cmpeq_epi8(w, quote), _mm_cmpeq_epi8(w, backslash)));
    unsigned bits = (unsigned)_mm_movemask_epi8(m);
    const int64_t left = n - k;
    if (left < 16) bits &= (1u << left) - 1;
    _mm_storeu_si128((__m128i *)(void *)p, w); /* the room has 16 bytes of slack */
    if (bits == 0) {
      const int64_t step = left < 16 ? left : 16;
      p += step;
      k += step;
      continue;
    }
    const int at = __builtin_ctz(bits);
    p = put_escape(p + at, s[k + at]);
    k += at + 1;
  }
#else
  (void)readable;
#endif
  for (; k < n; k++) {
    if (needs_escape(s[k])) p = put_escape(p, s[k]);
    else *p++ = (char)s[k];
  }
  *p++ = '"';
  return p;
}

void qv__jsonl_append_escaped(qv_strbuf *sb, const uint8_t *s, int64_t n) {
  if (n < 0 || !qv__strbuf_reserve(sb, 6 * (size_t)n + 18)) return; /* reserve recorded the failure */
  char *end = put_string(sb->data + sb->len, s, n, s); /* nothing past s is known to be readable */
  sb->len = (size_t)(end - sb->data);
  sb->data[sb->len] = '\0';
}

/* ---- rows ---- */

/* A float cell's text, or null for the values JSON cannot spell (nan, inf). */
static inline char *put_float(char *p, qv__cell_column *col, int64_t j) {
  char *end = qv__cell_put_scalar(col, j, p);
  if (p[0] == 'n' || p[0] == 'i' || (p[0] == '-' && p[1] == 'i')) {
    memcpy(p, "null", 4);
    return p + 4;
  }
  return end;
}

qv_status qv__jsonl_format_rows(qv__jsonl_column *cols, int32_t n_cols, size_t row_bound, int64_t first,
                                int64_t count, int64_t row_base, qv_strbuf *sb, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__strbuf_status(sb, err));
  if (sb->fixed) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "JSON rows need a growable buffer");
  for (int64_t i = first; i < first + count; i++) {
    if (!qv__cell_room(sb, row_bound)) return qv__strbuf_status(sb, err);
    char *p = sb->data + sb->len;
    if (n_cols == 0) *p++ = '{';
    for (int32_t c = 0; c < n_cols; c++) {
      qv__jsonl_column *jc = &cols[c];
      qv__cell_column *col = &jc->cell;
      memcpy(p, jc->key, jc->key_len);
      p += jc->key_len;
      const int64_t j = col->offset + i;
      if (col->kind == QV__CELL_NONE || (col->validity != NULL && !qv_bit_get(col->validity, j))) {
        memcpy(p, "null", 4);
        p += 4;
        continue;
      }
      switch (col->kind) {
        case QV__CELL_F32:
        case QV__CELL_F64: p = put_float(p, col, j); break;
        case QV__CELL_DATE32:
        case QV__CELL_TIMESTAMP:
          *p++ = '"';
          p = qv__cell_put_scalar(col, j, p);
          *p++ = '"';
          break;
        case QV__CELL_STRING:
        case QV__CELL_LARGE_STRING: {
          const uint8_t *s;
          int64_t n;
          if (!qv__cell_string_slot(col, j, &s, &n))
            return qv_error_set(err, QV_ERR_INVALID_DATA,
                                "column '%s', row %lld: the value lies outside the array's buffers (offsets or "
                                "indices out of range)",
                                col->name, (long long)(row_base + i));
          sb->len = (size_t)(p - sb->data);
          if (!qv__cell_room(sb, 6 * (size_t)n + 18 + row_bound)) return qv__strbuf_status(sb, err);
          p = put_string(sb->data + sb->len, s, n, col->data + col->data_size);
          break;
        }
        case QV__CELL_OTHER: {
          sb->len = (size_t)(p - sb->data);
          QV_RETURN_IF_ERROR(qv__jsonl_write_value(sb, col->array, i, col->name, row_base + i, err));
          if (!qv__cell_room(sb, row_bound)) return qv__strbuf_status(sb, err);
          p = sb->data + sb->len;
          break;
        }
        default: p = qv__cell_put_scalar(col, j, p); break;
      }
    }
    memcpy(p, "}\n", 2);
    sb->len = (size_t)(p + 2 - sb->data);
  }
  if (sb->data != NULL) sb->data[sb->len] = '\0';
  return QV_OK;
}
