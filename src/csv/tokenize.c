/* quiver csv: the tokenizer. Turns CSV bytes into records of unescaped
 * fields (qv__csv_grid) in one pass, without interpreting any value.
 *
 * Invariants: `line` is the physical line of the byte at `pos` (LF, CRLF
 * and a lone CR each end one line, inside quoted fields too), so every
 * error can name where it happened; a quoted field ends only at a single
 * quote followed by the delimiter, a line end or the end of input; every
 * growth of the grid is size-checked before it happens.
 */
#include <stdlib.h>
#include <string.h>

#include "csv/internal.h"

void qv__csv_grid_free(qv__csv_grid *g) {
  free(g->text);
  free(g->ends);
  free(g->row_first);
  free(g->row_line);
  memset(g, 0, sizeof *g);
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

static qv_status append_text(qv__csv_grid *g, const uint8_t *s, int64_t n, qv_error *err) {
  int64_t need;
  if (qv__add_overflow_i64(g->text_len, n, &need)) return qv_error_set(err, QV_ERR_OVERFLOW, "CSV input too large");
  QV_RETURN_IF_ERROR(grow((void **)&g->text, &g->text_cap, need, 1, err));
  if (n > 0) memcpy(g->text + g->text_len, s, (size_t)n);
  g->text_len = need;
  return QV_OK;
}

static qv_status end_field(qv__csv_grid *g, qv_error *err) {
  QV_RETURN_IF_ERROR(grow((void **)&g->ends, &g->fields_cap, g->n_fields + 1, sizeof(int64_t), err));
  g->ends[g->n_fields++] = g->text_len;
  return QV_OK;
}

/* Opens record r (row_first/row_line get one spare slot for the final
 * row_first[n_rows] sentinel). */
static qv_status begin_row(qv__csv_grid *g, int64_t line, qv_error *err) {
  int64_t cap = g->rows_cap;
  QV_RETURN_IF_ERROR(grow((void **)&g->row_first, &cap, g->n_rows + 2, sizeof(int64_t), err));
  cap = g->rows_cap;
  QV_RETURN_IF_ERROR(grow((void **)&g->row_line, &cap, g->n_rows + 2, sizeof(int64_t), err));
  g->rows_cap = cap;
  g->row_first[g->n_rows] = g->n_fields;
  g->row_line[g->n_rows] = line;
  return QV_OK;
}

static bool is_line_end(uint8_t c) { return c == '\n' || c == '\r'; }

/* Reads the quoted field whose opening quote is at *pos. */
static qv_status quoted_field(const uint8_t *p, int64_t n, int64_t *pos, int64_t *line, const qv__csv_dialect *d,
                              qv__csv_grid *g, int64_t column, qv_error *err) {
  const uint8_t q = (uint8_t)d->quote;
  const int64_t open_line = *line;
  int64_t i = *pos + 1;
  for (;;) {
    int64_t run = i;
    while (run < n && p[run] != q && !is_line_end(p[run])) run++;
    QV_RETURN_IF_ERROR(append_text(g, p + i, run - i, err));
    i = run;
    if (i >= n)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "CSV line %lld, column %lld: the quoted field that opens here is never closed "
                          "(expected a closing %c before the end of input)",
                          (long long)open_line, (long long)column, d->quote);
    if (p[i] == q) {
      if (i + 1 < n && p[i + 1] == q) {
        QV_RETURN_IF_ERROR(append_text(g, &q, 1, err));
        i += 2;
        continue;
      }
      i++;
      break;
    }
    /* A line break inside the quotes belongs to the value. */
    if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') {
      QV_RETURN_IF_ERROR(append_text(g, p + i, 2, err));
      i += 2;
    } else {
      QV_RETURN_IF_ERROR(append_text(g, p + i, 1, err));
      i++;
    }
    (*line)++;
  }
  if (i < n && p[i] != (uint8_t)d->delimiter && !is_line_end(p[i])) {
    const uint8_t c = p[i];
    if (c >= 0x20 && c < 0x7f)
      return qv_error_set(err, QV_ERR_INVALID_DATA,
                          "CSV line %lld, column %lld: expected the delimiter or a line end after the closing "
                          "quote, found '%c'",
                          (long long)*line, (long long)column, (char)c);
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "CSV line %lld, column %lld: expected the delimiter or a line end after the closing "
                        "quote, found byte 0x%02x",
                        (long long)*line, (long long)column, c);
  }
  *pos = i;
  return QV_OK;
}

qv_status qv__csv_tokenize(const uint8_t *p, int64_t n, const qv__csv_dialect *d, qv__csv_grid *g,
                           qv_error *err) {
  memset(g, 0, sizeof *g);
  qv_status st = QV_OK;
  int64_t pos = 0, line = 1;
  if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) pos = 3;
  const uint8_t delim = (uint8_t)d->delimiter;
  while (pos < n) {
    if (is_line_end(p[pos])) { /* a blank line: no record */
      pos += (p[pos] == '\r' && pos + 1 < n && p[pos + 1] == '\n') ? 2 : 1;
      line++;
      continue;
    }
    QV_GOTO_IF_ERROR(st, begin_row(g, line, err), fail);
    int64_t column = 1;
    for (;;) {
      if (d->quoting && pos < n && p[pos] == (uint8_t)d->quote) {
        QV_GOTO_IF_ERROR(st, quoted_field(p, n, &pos, &line, d, g, column, err), fail);
      } else {
        int64_t run = pos;
        while (run < n && p[run] != delim && !is_line_end(p[run])) run++;
        QV_GOTO_IF_ERROR(st, append_text(g, p + pos, run - pos, err), fail);
        pos = run;
      }
      QV_GOTO_IF_ERROR(st, end_field(g, err), fail);
      if (pos < n && p[pos] == delim) {
        pos++;
        column++;
        continue;
      }
      break;
    }
    g->n_rows++;
    if (pos < n) { /* at a line end */
      pos += (p[pos] == '\r' && pos + 1 < n && p[pos + 1] == '\n') ? 2 : 1;
      line++;
    }
  }
  QV_GOTO_IF_ERROR(st, begin_row(g, line, err), fail); /* the row_first[n_rows] sentinel */
  return QV_OK;
fail:
  qv__csv_grid_free(g);
  return st;
}
