/* quiver Parquet writer: per-leaf settings from the write options.
 *
 * The writer-wide options (encoding, use_byte_stream_split,
 * use_dictionary) give every leaf its defaults; the per-column entries
 * then override them for the leaves they name, in order, so the last entry
 * naming a leaf wins. A column is named by its top-level field (every leaf
 * under it) or by a leaf's dotted path. An encoding the leaf's physical
 * type cannot take is refused here, at open, naming the column, rather than
 * half-way through a file.
 */
#include <string.h>

#include "core/internal.h"
#include "parquet/write_internal.h"

static const char *encoding_name(qv_parquet_encoding e) {
  switch (e) {
    case QV_PARQUET_ENCODING_PLAIN: return "PLAIN";
    case QV_PARQUET_ENCODING_DELTA_BINARY_PACKED: return "DELTA_BINARY_PACKED";
    case QV_PARQUET_ENCODING_DELTA_LENGTH_BYTE_ARRAY: return "DELTA_LENGTH_BYTE_ARRAY";
    case QV_PARQUET_ENCODING_DELTA_BYTE_ARRAY: return "DELTA_BYTE_ARRAY";
    case QV_PARQUET_ENCODING_BYTE_STREAM_SPLIT: return "BYTE_STREAM_SPLIT";
    case QV_PARQUET_ENCODING_RLE: return "RLE";
    default: return "AUTO";
  }
}

/* The Parquet Encoding number, or -1 when `physical` cannot take it. */
static int32_t wire_encoding(qv_parquet_encoding e, int32_t physical) {
  switch (e) {
    case QV_PARQUET_ENCODING_AUTO:
    case QV_PARQUET_ENCODING_PLAIN: return QV__PQ_ENC_PLAIN;
    case QV_PARQUET_ENCODING_DELTA_BINARY_PACKED:
      return physical == QV__PQ_INT32 || physical == QV__PQ_INT64 ? QV__PQ_ENC_DELTA_BINARY_PACKED : -1;
    case QV_PARQUET_ENCODING_DELTA_LENGTH_BYTE_ARRAY:
      return physical == QV__PQ_BYTE_ARRAY ? QV__PQ_ENC_DELTA_LENGTH_BYTE_ARRAY : -1;
    case QV_PARQUET_ENCODING_DELTA_BYTE_ARRAY:
      return physical == QV__PQ_BYTE_ARRAY || physical == QV__PQ_FIXED_LEN_BYTE_ARRAY ? QV__PQ_ENC_DELTA_BYTE_ARRAY
                                                                                       : -1;
    case QV_PARQUET_ENCODING_BYTE_STREAM_SPLIT:
      return physical == QV__PQ_FLOAT || physical == QV__PQ_DOUBLE || physical == QV__PQ_INT32 ||
                     physical == QV__PQ_INT64 || physical == QV__PQ_FIXED_LEN_BYTE_ARRAY
                 ? QV__PQ_ENC_BYTE_STREAM_SPLIT
                 : -1;
    case QV_PARQUET_ENCODING_RLE: return physical == QV__PQ_BOOLEAN ? QV__PQ_ENC_RLE : -1;
  }
  return -1;
}

static qv_status set_encoding(qv__pq_leaf *l, qv_parquet_encoding e, qv_error *err) {
  int32_t wire = wire_encoding(e, l->physical);
  if (wire < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "Parquet column '%s': encoding %s does not apply to its physical type (%d)", l->dotted,
                        encoding_name(e), (int)l->physical);
  l->encoding = wire;
  return QV_OK;
}

/* Does `name` select leaf l: its top-level field's name or its dotted path. */
static bool selects(const char *name, const qv__pq_leaf *l, const qv_schema *schema) {
  return strcmp(name, l->dotted) == 0 || strcmp(name, schema->fields[l->top]->name) == 0;
}

qv_status qv__pqw_resolve_options(qv__pqw_schema *s, const qv_schema *schema, const qv_parquet_write_options *o,
                                  qv_error *err) {
  if ((int)o->encoding < QV_PARQUET_ENCODING_AUTO || (int)o->encoding > QV_PARQUET_ENCODING_RLE)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet encoding %d is not a qv_parquet_encoding",
                        (int)o->encoding);
  if (o->n_columns < 0 || (o->n_columns > 0 && o->columns == NULL))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet write options: %d column entries without an array",
                        (int)o->n_columns);
  for (int32_t i = 0; i < s->n_leaves; i++) {
    qv__pq_leaf *l = &s->leaves[i];
    l->dictionary = o->use_dictionary && l->physical != QV__PQ_BOOLEAN;
    l->bloom = false;
    l->bloom_fpp = 0.05;
    l->bloom_ndv = 0;
    QV_RETURN_IF_ERROR(set_encoding(l, o->encoding, err));
    if (o->use_byte_stream_split && o->encoding == QV_PARQUET_ENCODING_AUTO &&
        wire_encoding(QV_PARQUET_ENCODING_BYTE_STREAM_SPLIT, l->physical) >= 0)
      l->encoding = QV__PQ_ENC_BYTE_STREAM_SPLIT;
  }
  for (int32_t c = 0; c < o->n_columns; c++) {
    const qv_parquet_column_write_options *co = &o->columns[c];
    if (co->column == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet write options: column entry %d has no name",
                          (int)c);
    if ((int)co->encoding < QV_PARQUET_ENCODING_AUTO || (int)co->encoding > QV_PARQUET_ENCODING_RLE)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet column '%s': encoding %d is not a qv_parquet_encoding",
                          co->column, (int)co->encoding);
    if (co->bloom_filter && !(co->bloom_filter_fpp == 0 || (co->bloom_filter_fpp > 0 && co->bloom_filter_fpp < 1)))
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "Parquet column '%s': bloom filter false-positive probability %g is not in (0, 1)",
                          co->column, co->bloom_filter_fpp);
    if (co->bloom_filter_ndv < 0)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet column '%s': bloom filter ndv %lld is negative",
                          co->column, (long long)co->bloom_filter_ndv);
    bool found = false;
    for (int32_t i = 0; i < s->n_leaves; i++) {
      qv__pq_leaf *l = &s->leaves[i];
      if (!selects(co->column, l, schema)) continue;
      found = true;
      if (co->encoding != QV_PARQUET_ENCODING_AUTO) QV_RETURN_IF_ERROR(set_encoding(l, co->encoding, err));
      if (co->use_dictionary != 0) l->dictionary = co->use_dictionary > 0 && l->physical != QV__PQ_BOOLEAN;
      if (co->bloom_filter) {
        if (l->physical == QV__PQ_BOOLEAN)
          return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                              "Parquet column '%s': bloom filters are not written for booleans", l->dotted);
        l->bloom = true;
        l->bloom_fpp = co->bloom_filter_fpp > 0 ? co->bloom_filter_fpp : 0.05;
        l->bloom_ndv = co->bloom_filter_ndv;
      }
    }
    if (!found)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "Parquet write options: column '%s' is neither a field nor a leaf path of the schema",
                          co->column);
  }
  return QV_OK;
}
