/* quiver csv: the tokenizer. Splits one block of CSV bytes into records of
 * fields without interpreting any value and, where it can, without copying:
 * a field is a (start, length) pair into the input; only quoted fields with
 * doubled quotes are unescaped into the block's side buffer.
 *
 * Invariants: `line` is the line (relative to the block) of the byte at
 * `pos` (LF, CRLF and a lone CR each end one line, inside quoted fields
 * too), so every error can name where it happened; a quoted field ends only
 * at a single quote followed by the delimiter, a line end or the end of
 * input; every growth is size-checked before it happens.
 */
#include <stdlib.h>
#include <string.h>
#include "csv/internal.h"
#include "csv/classify.h"
#include "csv/scan.h"

void qv__csv_block_free(qv__csv_block *b) {
  free(b->side);
  free(b->fields);
  free(b->row_first);
  free(b->row_line);
  free(b->data_rows);
  b->side = NULL;
  b->fields = NULL;
  b->row_first = b->row_line = NULL;
  b->data_rows = NULL;
  b->side_len = b->side_cap = b->n_fields = b->fields_cap = b->n_rows = b->rows_cap = 0;
}

/* Grows *p (elements of `width` bytes) so that `need` fit. */
static qv_status grow(void **p, int64_t *cap, int64_t need, size_t width, qv_error *err) {
  if (need <= *cap) return QV_OK;
  int64_t next = *cap ? *cap : 64;
  while (next < need) {
    if (qv__mul_overflow_i64(next, 2, &next)) return qv_error_set(err, QV_ERR_OVERFLOW, "CSV input too large");
  }
  int64_t bytes;
  if (qv__mul_overflow_i64(next, (int64_t)width, &bytes) || (uint64_t)bytes > SIZE_MAX)
    return qv_error_set(err, QV_ERR_OVERFLOW, "CSV input too large");
  void *q = realloc(*p, (size_t)bytes);
  QV_CHECK_ALLOC(q, err);
  *p = q;
  *cap = next;
  return QV_OK;
}

static qv_status grow_fields(qv__csv_block *b, qv_error *err) {
  if (b->n_fields >= (int64_t)UINT32_MAX - 1)
    return qv_error_set(err, QV_ERR_LIMIT, "CSV block holds more than %u fields", UINT32_MAX - 2);
  return grow((void **)&b->fields, &b->fields_cap, b->n_fields + 1, sizeof(qv__csv_field), err);
}

static inline qv_status add_field(qv__csv_block *b, int64_t start, int64_t len, bool unescaped, qv_error *err) {
  if (QV_UNLIKELY(b->n_fields == b->fields_cap)) QV_RETURN_IF_ERROR(grow_fields(b, err));
  qv__csv_field *f = &b->fields[b->n_fields++];
  f->start = (uint32_t)start;
  f->len = (uint32_t)len | (unescaped ? QV__CSV_FIELD_UNESCAPED : 0u);
  return QV_OK;
}

static qv_status append_side(qv__csv_block *b, const uint8_t *s, int64_t n, qv_error *err) {
  int64_t need;
  if (qv__add_overflow_i64(b->side_len, n, &need)) return qv_error_set(err, QV_ERR_OVERFLOW, "CSV input too large");
  QV_RETURN_IF_ERROR(grow((void **)&b->side, &b->side_cap, need, 1, err));
  if (n > 0) memcpy(b->side + b->side_len, s, (size_t)n);
  b->side_len = need;
  return QV_OK;
}

/* Opens a record (row_first gets one spare slot for the final sentinel). */
static qv_status begin_row(qv__csv_block *b, int64_t line, qv_error *err) {
  if (QV_UNLIKELY(b->n_rows + 2 > b->rows_cap)) {
    int64_t cap = b->rows_cap;
    QV_RETURN_IF_ERROR(grow((void **)&b->row_first, &cap, b->n_rows + 2, sizeof(uint32_t), err));
    cap = b->rows_cap;
    QV_RETURN_IF_ERROR(grow((void **)&b->row_line, &cap, b->n_rows + 2, sizeof(uint32_t), err));
    b->rows_cap = cap;
  }
  b->row_first[b->n_rows] = (uint32_t)b->n_fields;
  b->row_line[b->n_rows] = (uint32_t)line;
  return QV_OK;
}

/* Bytes that end an unquoted field, and bytes that matter inside quotes. */
typedef struct classes {
  uint8_t stop[256];   /* delimiter, CR, LF */
  uint8_t quoted[256]; /* quote, CR, LF */
  uint64_t delim, quote, cr, lf; /* each byte repeated eight times */
} classes;

static void make_classes(const qv__csv_dialect *d, classes *c) {
  memset(c, 0, sizeof *c);
  c->stop[(uint8_t)d->delimiter] = c->stop['\n'] = c->stop['\r'] = 1;
  c->quoted[(uint8_t)d->quote] = c->quoted['\n'] = c->quoted['\r'] = 1;
  c->delim = QV__CSV_ONES * (uint8_t)d->delimiter;
  c->quote = QV__CSV_ONES * (uint8_t)d->quote;
  c->cr = QV__CSV_ONES * (uint8_t)'\r';
  c->lf = QV__CSV_ONES * (uint8_t)'\n';
}

static bool is_line_end(uint8_t c) { return c == '\n' || c == '\r'; }

static qv_status quoted_field(qv__csv_block *b, const classes *cls, int64_t *pos, int64_t *line,
                              const qv__csv_dialect *d, int64_t line_base, int64_t column, qv_error *err) {
  const uint8_t *p = b->data;
  const int64_t n = b->size;
  const uint8_t q = (uint8_t)d->quote;
  const int64_t open_line = *line;
  const int64_t first = *pos + 1;
  int64_t i = first;
  bool escaped = false; /* the value is being unescaped into side (it held a doubled quote) */
  int64_t side_start = 0, copied_to = first;
  for (;;) {
    i = qv__csv_scan(p, i, n, cls->quoted, cls->quote, cls->cr, cls->lf, cls->lf);
    if (i >= n)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "CSV line %lld, column %lld: the quoted field that opens here is never closed "
                          "(expected a closing %c before the end of input)",
                          (long long)(line_base + open_line), (long long)column, d->quote);
    if (p[i] == q) {
      if (i + 1 < n && p[i + 1] == q) { /* a doubled quote stands for one */
        if (!escaped) {
          escaped = true;
          side_start = b->side_len;
        }
        QV_RETURN_IF_ERROR(append_side(b, p + copied_to, i + 1 - copied_to, err));
        i += 2;
        copied_to = i;
        continue;
      }
      break;
    }
    /* A line break inside the quotes belongs to the value. */
    i += (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
    (*line)++;
  }
  if (escaped) {
    QV_RETURN_IF_ERROR(append_side(b, p + copied_to, i - copied_to, err));
    QV_RETURN_IF_ERROR(add_field(b, side_start, b->side_len - side_start, true, err));
  } else {
    QV_RETURN_IF_ERROR(add_field(b, first, i - first, false, err));
  }
  i++; /* the closing quote */
  if (i < n && p[i] != (uint8_t)d->delimiter && !is_line_end(p[i])) {
    const uint8_t c = p[i];
    if (c >= 0x20 && c < 0x7f)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "CSV line %lld, column %lld: expected the delimiter or a line end after the closing "
                          "quote, found '%c'",
                          (long long)(line_base + *line), (long long)column, (char)c);
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "CSV line %lld, column %lld: expected the delimiter or a line end after the closing "
                        "quote, found byte 0x%02x",
                        (long long)(line_base + *line), (long long)column, c);
  }
  *pos = i;
  return QV_OK;
}

static qv_status tokenize(qv__csv_block *b, const qv__csv_dialect *d, int64_t line_base, qv_error *err) {
  const uint8_t *p = b->data;
  const int64_t n = b->size;
  if (n > QV__CSV_MAX_BLOCK)
    return qv_error_set(err, QV_ERR_LIMIT,
                        "CSV line %lld: a block of %lld bytes (one record, or records joined by quoted line "
                        "breaks) is past the limit of %lld bytes",
                        (long long)line_base, (long long)n, (long long)QV__CSV_MAX_BLOCK);
  classes cls;
  make_classes(d, &cls);
  /* A first guess of the sizes (short fields) so that most blocks never grow. */
  QV_RETURN_IF_ERROR(grow((void **)&b->fields, &b->fields_cap, n / 8 + 16, sizeof(qv__csv_field), err));
  int64_t pos = 0, line = 0;
  if (b->at_input_start && n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) pos = 3;
  const uint8_t delim = (uint8_t)d->delimiter;
  const uint8_t quote = d->quoting ? (uint8_t)d->quote : 0;
  const bool quoting = d->quoting;
  while (pos < n) {
    if (is_line_end(p[pos])) { /* a blank line: no record */
      pos += (p[pos] == '\r' && pos + 1 < n && p[pos + 1] == '\n') ? 2 : 1;
      line++;
      continue;
    }
    QV_RETURN_IF_ERROR(begin_row(b, line, err));
    int64_t column = 1;
    for (;;) {
      if (quoting && pos < n && p[pos] == quote) {
        QV_RETURN_IF_ERROR(quoted_field(b, &cls, &pos, &line, d, line_base, column, err));
      } else {
        const int64_t run = qv__csv_scan(p, pos, n, cls.stop, cls.delim, cls.cr, cls.lf, cls.lf);
        QV_RETURN_IF_ERROR(add_field(b, pos, run - pos, false, err));
        pos = run;
      }
      if (pos < n && p[pos] == delim) {
        pos++;
        column++;
        continue;
      }
      break;
    }
    b->n_rows++;
    if (pos < n) { /* at a line end */
      pos += (p[pos] == '\r' && pos + 1 < n && p[pos + 1] == '\n') ? 2 : 1;
      line++;
    }
  }
  QV_RETURN_IF_ERROR(begin_row(b, line, err)); /* the row_first[n_rows] sentinel */
  b->lines = line;
  return QV_OK;
}

qv_status qv__csv_tokenize_block(qv__csv_block *b, const qv__csv_dialect *d, int64_t line_base, qv_error *err) {
  qv__csv_block_free(b);
  b->lines = 0;
  qv_status st = tokenize(b, d, line_base, err);
  if (st != QV_OK) qv__csv_block_free(b);
  return st;
}

int64_t qv__csv_block_end(const uint8_t *p, int64_t n, int64_t start, int64_t target, const qv__csv_dialect *d,
                          bool at_eof) {
  if (target <= 0 || n - start <= target) return at_eof ? n : -1;
  const int64_t mid = start + target;
  bool inside = false;
  if (d->quoting) {
    /* The parity of the quotes before mid (a doubled quote counts twice, so
     * it leaves the parity alone). */
    const uint8_t q = (uint8_t)d->quote;
    inside = (qv__csv_counter(QV__CSV_ISA_BEST)(p + start, mid - start, q, q) & 1) != 0;
  }
  return qv__csv_block_end_from(p, n, mid, inside, d, at_eof);
}

int64_t qv__csv_block_end_from(const uint8_t *p, int64_t n, int64_t mid, bool inside, const qv__csv_dialect *d,
                               bool at_eof) {
  for (int64_t i = mid; i < n; i++) {
    const uint8_t c = p[i];
    if (d->quoting && c == (uint8_t)d->quote) {
      inside = !inside;
    } else if (!inside && is_line_end(c)) {
      if (c == '\r' && i + 1 < n && p[i + 1] == '\n') return i + 2;
      if (c == '\r' && i + 1 == n && !at_eof) return -1; /* maybe the CR of a CRLF */
      return i + 1;
    }
  }
  return at_eof ? n : -1;
}

int64_t qv__csv_record_end_exact(const uint8_t *p, int64_t n, int64_t start, int64_t target,
                                 const qv__csv_dialect *d, bool at_eof) {
  classes cls;
  make_classes(d, &cls);
  const uint8_t q = (uint8_t)d->quote;
  uint8_t only_quote[256] = {0};
  only_quote[q] = 1;
  const int64_t mid = start + target;
  int64_t i = start;
  int64_t more = -1; /* what to return when the input runs out: the last record end seen, or -1 */
  for (;;) { /* at the start of a field */
    if (i >= n) return at_eof ? n : more;
    if (d->quoting && p[i] == q) {
      i++;
      for (;;) { /* inside quotes only the quote character matters */
        const int64_t j = qv__csv_scan(p, i, n, only_quote, cls.quote, cls.quote, cls.quote, cls.quote);
        if (j >= n) return at_eof ? n : more;
        if (j + 1 == n && !at_eof) return more; /* a doubled quote or the closing one? */
        i = j + 1;
        if (i < n && p[i] == q) {
          i++;
          continue;
        }
        break;
      }
      /* Text after a closing quote is an error the tokenizer reports; here
       * it runs to the next delimiter or line end like an unquoted field. */
    }
    const int64_t run = qv__csv_scan(p, i, n, cls.stop, cls.delim, cls.cr, cls.lf, cls.lf);
    if (run >= n) return at_eof ? n : more;
    if (p[run] == (uint8_t)d->delimiter) {
      i = run + 1;
      continue;
    }
    int64_t end = run + 1;
    if (p[run] == '\r') {
      if (run + 1 < n && p[run + 1] == '\n') end = run + 2;
      else if (run + 1 == n && !at_eof) return more;
    }
    if (run >= mid) return end;
    i = end;
    more = end;
  }
}
