/* quiver csv: what the whole-input reader (read.c) and the streaming
 * reader (stream.c) share before and after the parallel passes: the
 * options resolved into the dialect and the null/boolean lists, the
 * header and column names, the choice of each block's data records (the
 * ragged ones an error or skipped), the merge of the blocks' inferred
 * kinds and the schema of the result.
 *
 * Invariant: c->n_cols, c->names and c->given are set together, once, by
 * qv__csv_setup_columns; everything after reads them only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "csv/read_internal.h"

/* pyarrow's default null markers and boolean spellings. */
static const char *const k_default_nulls[] = {"",     "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN",
                                              "-NaN", "-nan", "1.#IND",   "1.#QNAN", "N/A",   "NA",
                                              "NULL", "NaN",  "n/a",      "nan",     "null"};
static const char *const k_default_trues[] = {"1", "True", "TRUE", "true"};
static const char *const k_default_falses[] = {"0", "False", "FALSE", "false"};

#define COUNT_OF(a) ((int32_t)(sizeof(a) / sizeof((a)[0])))

static qv_status resolve_options(const qv_csv_read_options *o, qv__csv_dialect *d, qv__csv_read_ctx *c,
                                 qv_error *err) {
  d->delimiter = o->delimiter ? o->delimiter : ',';
  d->quote = o->quote ? o->quote : '"';
  d->quoting = !o->no_quoting;
  if (d->delimiter == '\n' || d->delimiter == '\r')
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV delimiter cannot be a line break");
  if (d->quoting && (d->quote == d->delimiter || d->quote == '\n' || d->quote == '\r'))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "CSV quote character must differ from the delimiter and from line breaks");
  if (o->skip_rows < 0 || o->n_column_names < 0 || o->n_null_values < 0 || o->n_true_values < 0 ||
      o->n_false_values < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: counts must not be negative");
  if (o->n_column_names > 0 && o->column_names == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: n_column_names > 0 but column_names is NULL");
  const char *const *lists[3] = {o->null_values, o->true_values, o->false_values};
  const int32_t counts[3] = {o->n_null_values, o->n_true_values, o->n_false_values};
  for (int k = 0; k < 3; k++)
    for (int32_t i = 0; lists[k] != NULL && i < counts[k]; i++)
      if (lists[k][i] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: a NULL string in a list");
  for (int32_t i = 0; i < o->n_column_names; i++)
    if (o->column_names[i] == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "CSV options: a NULL column name");
  if (o->null_values) {
    c->null_values = o->null_values;
    c->n_null_values = o->n_null_values;
  } else {
    c->null_values = k_default_nulls;
    c->n_null_values = COUNT_OF(k_default_nulls);
  }
  if (o->true_values) {
    c->true_values = o->true_values;
    c->n_true_values = o->n_true_values;
  } else {
    c->true_values = k_default_trues;
    c->n_true_values = COUNT_OF(k_default_trues);
  }
  if (o->false_values) {
    c->false_values = o->false_values;
    c->n_false_values = o->n_false_values;
  } else {
    c->false_values = k_default_falses;
    c->n_false_values = COUNT_OF(k_default_falses);
  }
  return QV_OK;
}

static size_t *lengths_of(const char *const *list, int32_t n) {
  size_t *lens = malloc(sizeof *lens * ((size_t)n + 1));
  for (int32_t k = 0; lens != NULL && k < n; k++) lens[k] = strlen(list[k]);
  return lens;
}

static qv_status measure_lists(qv__csv_read_ctx *c, qv_error *err) {
  c->null_lens = lengths_of(c->null_values, c->n_null_values);
  c->true_lens = lengths_of(c->true_values, c->n_true_values);
  c->false_lens = lengths_of(c->false_values, c->n_false_values);
  if (c->null_lens == NULL || c->true_lens == NULL || c->false_lens == NULL)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (CSV options)");
  memset(c->null_short, 0, sizeof c->null_short);
  memset(c->null_last, 0, sizeof c->null_last);
  c->null_long = false;
  c->null_empty = false;
  for (int32_t k = 0; k < c->n_null_values; k++) {
    const size_t len = c->null_lens[k];
    if (len == 0) c->null_empty = true;
    if (len >= 32) c->null_long = true;
    else {
      c->null_short[len][len ? (uint8_t)c->null_values[k][0] : 0] = 1;
      c->null_last[len][len ? (uint8_t)c->null_values[k][len - 1] : 0] = 1;
    }
  }
  return QV_OK;
}

/* Column names: given, from the header record, or f0, f1, ... */
static qv_status make_names(const qv_csv_read_options *o, const qv__csv_block *hb, int64_t header, int32_t n_cols,
                            char **names, qv_error *err) {
  for (int32_t i = 0; i < n_cols; i++) {
    char generated[32];
    const char *src = NULL;
    int64_t len = 0;
    if (o->n_column_names > 0) {
      src = o->column_names[i];
      len = (int64_t)strlen(src);
    } else if (hb != NULL) {
      qv__csv_block_field(hb, header, i, &src, &len);
      const int64_t valid = qv__utf8_valid_prefix((const uint8_t *)src, len);
      if (valid != len) {
        char why[96];
        qv__utf8_describe((const uint8_t *)src, len, valid, why, sizeof why);
        return qv_error_set(err, QV_ERR_INVALID_DATA,
                            "CSV line %lld, column %d (the header): invalid UTF-8 in the column name: %s",
                            (long long)(hb->first_line + hb->row_line[header]), i + 1, why);
      }
    } else {
      snprintf(generated, sizeof generated, "f%d", i);
      src = generated;
      len = (int64_t)strlen(generated);
    }
    names[i] = malloc((size_t)len + 1);
    QV_CHECK_ALLOC(names[i], err);
    memcpy(names[i], src, (size_t)len);
    names[i][len] = '\0';
  }
  return QV_OK;
}

qv_status qv__csv_ctx_init(const qv_csv_read_options *o, qv__csv_dialect *d, qv__csv_read_ctx *c, qv_error *err) {
  QV_RETURN_IF_ERROR(resolve_options(o, d, c, err));
  return measure_lists(c, err);
}

void qv__csv_ctx_free(qv__csv_read_ctx *c) {
  for (int64_t i = 0; i < c->n_blocks; i++) qv__csv_block_free(&c->blocks[i]);
  free(c->blocks);
  for (int32_t i = 0; c->names && i < c->n_cols; i++) free(c->names[i]);
  free(c->names);
  free(c->given);
  free(c->null_lens);
  free(c->true_lens);
  free(c->false_lens);
  c->blocks = NULL;
  c->names = NULL;
  c->given = NULL;
  c->null_lens = c->true_lens = c->false_lens = NULL;
  c->n_blocks = 0;
}

qv_status qv__csv_setup_columns(const qv_csv_read_options *o, qv__csv_read_ctx *c, int64_t hb, int64_t hr,
                                int64_t *data_block, int64_t *data_rec, bool *has_header_out, qv_error *err) {
  if (hb < 0 && o->n_column_names == 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "CSV input is empty%s: expected a header line or, with column names given, data",
                        o->skip_rows > 0 ? " after the skipped rows" : "");
  const bool has_header = !o->no_header && hb >= 0;
  const qv__csv_block *first = hb >= 0 ? &c->blocks[hb] : NULL;
  int64_t width = o->n_column_names > 0 ? o->n_column_names : qv__csv_record_width(first, hr);
  if (has_header && qv__csv_record_width(first, hr) != width)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "CSV line %lld: the header has %lld fields but %lld column names were given",
                        (long long)(first->first_line + first->row_line[hr]),
                        (long long)qv__csv_record_width(first, hr), (long long)width);
  if (width > INT32_MAX) return qv_error_set(err, QV_ERR_LIMIT, "CSV header has more than %d fields", INT32_MAX);
  c->names = calloc((size_t)width + 1, sizeof *c->names);
  QV_CHECK_ALLOC(c->names, err);
  c->n_cols = (int32_t)width;
  QV_RETURN_IF_ERROR(make_names(o, has_header ? first : NULL, hr, c->n_cols, c->names, err));
  QV_RETURN_IF_ERROR(qv__csv_resolve_given(o, c, err));
  *data_block = hb >= 0 ? hb : c->n_blocks;
  *data_rec = hb >= 0 ? hr + (has_header ? 1 : 0) : 0;
  *has_header_out = has_header;
  return QV_OK;
}

static qv_status ragged_error(const qv_csv_read_options *o, const qv__csv_block *b, int64_t rec, int32_t n_cols,
                              bool has_header, qv_error *err) {
  return qv_error_set(err, QV_ERR_INVALID_DATA, "CSV line %lld: expected %d field%s (as in the %s), found %lld",
                      (long long)(b->first_line + b->row_line[rec]), n_cols, n_cols == 1 ? "" : "s",
                      has_header ? "header" : (o->n_column_names > 0 ? "column names given" : "first record"),
                      (long long)qv__csv_record_width(b, rec));
}

/* Chooses each block's data records: past the skipped rows and the header,
 * and (when asked) without ragged records, counted into *skipped. */
qv_status qv__csv_choose_data(const qv_csv_read_options *o, qv__csv_read_ctx *c, int64_t from, int64_t to,
                              int64_t first_block, int64_t first_rec, bool has_header, int64_t *skipped,
                              qv_error *err) {
  const int32_t n_cols = c->n_cols;
  for (int64_t i = from; i < to; i++) {
    qv__csv_block *b = &c->blocks[i];
    if (b->typed) continue; /* data records only, all of the right width */
    b->data_first = i < first_block ? b->n_rows : i == first_block ? first_rec : 0;
    int64_t ragged = 0;
    for (int64_t r = b->data_first; r < b->n_rows; r++) {
      if (qv__csv_record_width(b, r) == n_cols) continue;
      if (!o->skip_invalid_rows) return ragged_error(o, b, r, n_cols, has_header, err);
      ragged++;
    }
    b->n_data = b->n_rows - b->data_first - ragged;
    *skipped += ragged;
    if (ragged == 0) continue;
    b->data_rows = malloc(sizeof(int64_t) * (size_t)(b->n_data + 1));
    QV_CHECK_ALLOC(b->data_rows, err);
    int64_t k = 0;
    for (int64_t r = b->data_first; r < b->n_rows; r++)
      if (qv__csv_record_width(b, r) == n_cols) b->data_rows[k++] = r;
  }
  return QV_OK;
}

/* Merges the blocks' kinds of column `col` into the first kind every value
 * of the column fits. */
void qv__csv_merge_kinds(const qv__csv_read_ctx *c, const qv__csv_column_kind *kinds, int32_t col,
                         qv__csv_column_kind *out) {
  if (c->given != NULL && c->given[col].given != NULL) {
    *out = c->given[col];
    return;
  }
  const int32_t n_cols = c->n_cols;
  qv__csv_kind widest = QV__CSV_NULL;
  bool uniform = true, nanos = false;
  const qv__csv_column_kind *seen = NULL;
  for (int64_t i = 0; i < c->n_blocks; i++) {
    const qv__csv_column_kind *k = &kinds[i * n_cols + col];
    if (c->blocks[i].n_data == 0 || k->kind == QV__CSV_NULL) continue;
    if (seen != NULL && (k->kind != seen->kind || k->zoned != seen->zoned)) uniform = false;
    if (seen == NULL) seen = k;
    if (k->kind > widest) widest = k->kind;
    nanos = nanos || k->nanos;
  }
  if (seen == NULL) {
    memset(out, 0, sizeof *out);
    out->kind = QV__CSV_NULL;
    return;
  }
  if (uniform) {
    *out = *seen;
    out->nanos = nanos;
    return;
  }
  /* Blocks disagree: the answer is at least the widest block kind (each
   * block's kind is the first its own values fit); check every block
   * against each candidate in turn. */
  for (qv__csv_kind kind = widest; kind < QV__CSV_STRING; kind = (qv__csv_kind)(kind + 1)) {
    qv__csv_column_kind k = {kind, false, false, NULL};
    bool all = true;
    for (int64_t i = 0; i < c->n_blocks && all; i++)
      all = qv__csv_block_column_fits(c, &c->blocks[i], col, kind, &k);
    if (all) {
      *out = k;
      return;
    }
  }
  out->kind = QV__CSV_STRING;
  out->zoned = out->nanos = false;
}

qv_status qv__csv_schema(const qv__csv_read_ctx *c, const qv__csv_column_kind *kinds, qv_schema **out,
                         qv_error *err) {
  const int32_t n_cols = c->n_cols;
  qv_status st = QV_OK;
  qv_field **fields = calloc((size_t)n_cols + 1, sizeof *fields);
  QV_CHECK_ALLOC(fields, err);
  for (int32_t col = 0; col < n_cols; col++) {
    qv_type *type = NULL;
    QV_GOTO_IF_ERROR(st, qv__csv_kind_type(&kinds[col], &type, err), done);
    st = qv_field_new(c->names[col], type, true, NULL, &fields[col], err);
    qv_type_release(type);
    if (st != QV_OK) goto done;
  }
  st = qv_schema_new(fields, n_cols, NULL, out, err);
done:
  for (int32_t col = 0; col < n_cols; col++) qv_field_release(fields[col]);
  free(fields);
  return st;
}

void qv__csv_block_keep_failure(qv__csv_block *b, qv_status st, const qv_error *e, int32_t col) {
  const int64_t line = b->cell_line;
  if (b->status != QV_OK && (b->error_line < line || (b->error_line == line && b->error_col <= col))) return;
  b->status = st;
  b->error = *e;
  b->error_line = line;
  b->error_col = col;
}
